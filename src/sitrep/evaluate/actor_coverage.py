"""Coverage of the offices the actor dictionary must know, day by day.

``data/actors/coverage.yaml`` lists, for each state and IGO sitrep follows, the posts it must
cover (head of state, head of government, foreign and defence minister, spokesperson,
intelligence chief; the leadership posts of NATO, the EU, the UN and the OSCE; for the other
states of more than about five million people, an entry's ``kind`` picks a shorter list:
``leaders`` for the heads of state and government, ``g20`` for those and the foreign minister), the office
names in the dictionary that fill each post, the posts a state does not have (with the
reason), and the periods known to be open (with the reason). :func:`coverage` reads the built
dictionary (``actors.jsonl.gz``) and reports, for each post, its holders and the days between
the coverage period's bounds that no holder covers; :func:`undocumented_gaps` is what the
coverage test pins: every open period must be documented in the data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from sitrep.analyze.dictionary import read_actors


@dataclass(frozen=True, kw_only=True)
class Holder:
    """One person holding an office from ``start`` to ``end`` (ISO dates; None = open)."""

    name: str
    actor_id: str
    office: str
    start: str | None
    end: str | None


@dataclass(frozen=True, kw_only=True)
class Post:
    """One post of one state or IGO: its holders in the dictionary and the days none covers."""

    entity: str
    post: str
    offices: tuple[str, ...]
    holders: tuple[Holder, ...] = ()
    gaps: tuple[tuple[str, str], ...] = ()
    documented: tuple[tuple[str, str, str], ...] = ()  # (from, to, reason) known to be open
    absent: str | None = None  # why the entity has no such post

    def undocumented(self) -> list[tuple[str, str]]:
        """Gaps no documented open period contains."""
        return [(a, b) for a, b in self.gaps
                if not any(f <= a and b <= t for f, t, _reason in self.documented)]


def load_spec(path: Path | None = None) -> dict[str, Any]:
    """The coverage spec (default: the packaged ``data/actors/coverage.yaml``)."""
    if path is None:
        text = resources.files("sitrep").joinpath("data/actors/coverage.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _gaps(spans: Iterable[tuple[str | None, str | None]], start: str, end: str) -> list[tuple[str, str]]:
    """Days from ``start`` to ``end`` (inclusive) that no span covers, as inclusive ranges."""
    first, last = _day(start), _day(end)
    clipped = []
    for a, b in spans:
        lo = max(_day(a) if a else first, first)
        hi = min(_day(b) if b else last, last)
        if lo <= hi:
            clipped.append((lo, hi))
    clipped.sort()
    out: list[tuple[str, str]] = []
    cursor = first
    for lo, hi in clipped:
        if lo > cursor:
            out.append((cursor.isoformat(), (lo - dt.timedelta(days=1)).isoformat()))
        cursor = max(cursor, hi + dt.timedelta(days=1))
    if cursor <= last:
        out.append((cursor.isoformat(), last.isoformat()))
    return out


def coverage(actors: Iterable[Mapping[str, Any]] | None = None, spec: Mapping[str, Any] | None = None) -> list[Post]:
    """Every post of the spec with its holders and gaps over the spec's period."""
    spec = spec if spec is not None else load_spec()
    if actors is None:
        path = Path(str(resources.files("sitrep").joinpath("data/actors/actors.jsonl.gz")))
        actors = read_actors(path)
    start, end = str(spec["period"]["from"]), str(spec["period"]["to"])
    by_office: dict[tuple[str, str], list[Holder]] = {}
    for actor in actors:
        for role in actor.get("roles") or ():
            if not role.get("office"):
                continue
            key = (role.get("country") or actor.get("code") or "", role["office"])
            by_office.setdefault(key, []).append(
                Holder(name=actor["name"], actor_id=actor["id"], office=role["office"],
                       start=role.get("from"), end=role.get("to")))
    posts = []
    for entity, entry in spec["entities"].items():
        absent = entry.get("absent") or {}
        documented = entry.get("open") or {}
        for post in spec["posts"][entry.get("kind", "state")]:
            if post in absent:
                posts.append(Post(entity=entity, post=post, offices=(), absent=str(absent[post])))
                continue
            offices = tuple(entry.get(post) or ())
            codes = [entity, *(entry.get("codes") or ())]
            holders = sorted((h for code in codes for office in offices for h in by_office.get((code, office), ())),
                             key=lambda h: (h.start or "", h.end or "9999"))
            notes = tuple((str(o["from"]), str(o["to"]), str(o["reason"])) for o in documented.get(post) or ())
            posts.append(Post(entity=entity, post=post, offices=offices, holders=tuple(holders),
                              gaps=tuple(_gaps(((h.start, h.end) for h in holders), start, end)),
                              documented=notes))
    return posts


def undocumented_gaps(posts: Iterable[Post]) -> list[str]:
    """``ENTITY post: from..to`` for every gap the spec does not document."""
    return [f"{p.entity} {p.post}: {a}..{b}" for p in posts for a, b in p.undocumented()]
