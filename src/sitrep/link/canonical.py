"""Canonical events: the event mentions of many reports merged into the happenings they describe.

Two mentions describe the same happening when they have the same PLOVER type, compatible
modes, the same factuality class (happened, or the same unrealised kind), compatible actor
and recipient codes (equal, or unknown on one side) with at least one known code in common,
or else come from documents of the same story, dates that overlap within the precision of
each, and compatible locations (same country or name, or unknown on one side). A mention
joins the first canonical event it matches (same story first, then most codes in common,
then nearest date); otherwise it founds one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

#: Date precisions from finest to coarsest; a canonical event keeps the finest date it has seen.
PRECISION_RANK = {"time": 0, "day": 1, "week": 2, "month": 3, "season": 4, "interval": 5, "year": 6,
                  "publication": 7, None: 8}
HAPPENED = ("asserted", "reported")


def canonical_id(first_event_id: str) -> str:
    """The id of the canonical event a mention founds."""
    return "ce-" + hashlib.sha256(first_event_id.encode("utf-8")).hexdigest()[:16]


def factuality_class(factuality: str | None) -> str:
    """``happened`` for asserted and reported events, else the factuality itself."""
    return "happened" if (factuality or "asserted") in HAPPENED else str(factuality)


def interval(day: date | None, precision: str | None, report_day: date | None, params: Mapping[str, Any]) -> tuple[date, date] | None:
    """The days a date can mean, given its precision (None when nothing is known)."""
    cfg = params["canonical"]
    tol = timedelta(days=cfg["day_tolerance_days"])
    undated = timedelta(days=cfg["undated_window_days"])
    if day is None or precision in (None, "publication"):
        anchor = day or report_day
        return (anchor - undated, anchor + tol) if anchor else None
    if precision in ("time", "day"):
        return day - tol, day + tol
    if precision == "week":
        return day - tol, day + timedelta(days=6) + tol
    if precision == "month":
        end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return day.replace(day=1), end
    if precision == "season":
        return day, day + timedelta(days=92)
    if precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return day - timedelta(days=31), day + timedelta(days=31)


def _overlaps(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(slots=True)
class Mention:
    """An event mention as merging sees it."""

    id: str
    doc_id: str
    type: str
    mode: str | None
    factuality: str | None
    actor_code: str | None
    recipient_code: str | None
    day: date | None
    precision: str | None
    report_day: date | None
    location: Mapping[str, Any] | None
    story: str | None = None


@dataclass(slots=True)
class Canonical:
    """A canonical event being built: its identifying fields and the stories of its mentions."""

    id: str
    type: str
    mode: str | None
    factuality: str | None
    actor_code: str | None
    recipient_code: str | None
    day: date | None
    precision: str | None
    report_day: date | None
    location: Mapping[str, Any] | None
    stories: set[str] = field(default_factory=set)
    changed: bool = False

    @classmethod
    def found(cls, m: Mention) -> "Canonical":
        return cls(id=canonical_id(m.id), type=m.type, mode=m.mode, factuality=m.factuality,
                   actor_code=m.actor_code, recipient_code=m.recipient_code, day=m.day, precision=m.precision,
                   report_day=m.report_day, location=m.location, stories={m.story} if m.story else set(), changed=True)

    def absorb(self, m: Mention) -> None:
        """Fill what this canonical event lacks from a new mention of it."""
        self.actor_code = self.actor_code or m.actor_code
        self.recipient_code = self.recipient_code or m.recipient_code
        self.mode = self.mode or m.mode
        self.location = self.location or m.location
        if m.day and PRECISION_RANK.get(m.precision, 8) < PRECISION_RANK.get(self.precision, 8):
            self.day, self.precision = m.day, m.precision
        if m.report_day and (self.report_day is None or m.report_day < self.report_day):
            self.report_day = m.report_day
        if m.story:
            self.stories.add(m.story)
        self.changed = True


def _compatible_code(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a.upper() == b.upper()


def _location_compatible(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if not a or not b:
        return True
    if a.get("country") and b.get("country"):
        return a["country"] == b["country"]
    return (a.get("name") or a.get("text")) == (b.get("name") or b.get("text"))


def shared_codes(c: Canonical, m: Mention) -> int:
    """How many known codes (actor, recipient) a mention shares with a canonical event."""
    return sum(1 for x, y in ((c.actor_code, m.actor_code), (c.recipient_code, m.recipient_code)) if x and y and x.upper() == y.upper())


def matches(c: Canonical, m: Mention, params: Mapping[str, Any]) -> bool:
    """Whether mention ``m`` describes canonical event ``c`` (see the module docstring)."""
    if c.type != m.type or factuality_class(c.factuality) != factuality_class(m.factuality):
        return False
    if c.mode and m.mode and c.mode != m.mode:
        return False
    if not (_compatible_code(c.actor_code, m.actor_code) and _compatible_code(c.recipient_code, m.recipient_code)):
        return False
    if not shared_codes(c, m) and not (m.story and m.story in c.stories):
        return False
    if not _location_compatible(c.location, m.location):
        return False
    return _overlaps(interval(c.day, c.precision, c.report_day, params), interval(m.day, m.precision, m.report_day, params))


def merge(mentions: list[Mention], canonicals: list[Canonical], params: Mapping[str, Any]) -> dict[str, Canonical]:
    """Attach each mention (in order) to a canonical event, founding new ones; returns event id -> canonical.

    ``canonicals`` holds the stored candidates and gains the founded ones.
    """
    by_type: dict[str, list[Canonical]] = {}
    for c in canonicals:
        by_type.setdefault(c.type, []).append(c)
    out: dict[str, Canonical] = {}
    for m in mentions:
        ref = m.day or m.report_day
        best, best_key = None, None
        for c in by_type.get(m.type, ()):
            if not matches(c, m, params):
                continue
            other = c.day or c.report_day
            distance = abs((ref - other).days) if ref and other else 9999
            key = (0 if m.story and m.story in c.stories else 1, -shared_codes(c, m), distance, c.id)
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is None:
            best = Canonical.found(m)
            canonicals.append(best)
            by_type.setdefault(best.type, []).append(best)
        else:
            best.absorb(m)
        out[m.id] = best
    return out
