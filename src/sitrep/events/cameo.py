"""CAMEO ↔ PLOVER crosswalk, so CAMEO-coded data can be compared and CAMEO codes exported.

The table is the PLOVER project's ``CAMEO2PLOVER-2021.txt`` (CC BY-SA 4.0, Open Event Data
Alliance; kept verbatim in ``data/events/``) with the corrections and additions of
``data/events/cameo_corrections.yaml`` applied on top (modes that are not modes, CAMEO 02
appeals as REQUEST, codes the table omits). ``data/events/README.md`` lists the differences.

CAMEO codes are strings of 2 to 4 digits ("04", "042", "1821"). A code the table lacks takes
the reading of its longest listed prefix ("1952" → "195" if "1952" were absent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

import yaml

from sitrep.events.ontology import normalize_context, normalize_mode, normalize_type
from sitrep.errors import SitrepError


class UnknownCameoCode(SitrepError):
    """A string is not a CAMEO event code (2-4 digits)."""

    code = "E412"


@dataclass(frozen=True, slots=True)
class CameoEntry:
    """The PLOVER reading of one CAMEO code; ``type`` None means "no PLOVER event"."""

    code: str
    type: str | None
    mode: str | None
    context: tuple[str, ...]
    description: str
    source: str  # "crosswalk" or "correction"


_LINE = re.compile(r"^\s*(\d{2,4})\s*:\s*([^#]*?)\s*(?:#\s*(.*))?$")
_CODE = re.compile(r"^\d{2,4}$")


def parse_crosswalk(text: str) -> dict[str, CameoEntry]:
    """Parse the CAMEO2PLOVER text format: ``CODE: TYPE, MODE, CONTEXT # description``.

    Root lines ``NN: TYPE`` read as ``NN`` → TYPE with no mode. Modes and contexts are
    normalised through the ontology (an unknown mode is dropped); the first line of a code wins
    (the 2021 file lists 175 twice). Parsing stops at the ``~~~~~`` end marker.
    """
    out: dict[str, CameoEntry] = {}
    for raw in text.splitlines():
        if raw.startswith("~~~"):
            break
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _LINE.match(raw)
        if not m:
            continue
        code, body, description = m.group(1), m.group(2), (m.group(3) or "").strip()
        if code in out:
            continue
        parts = [p.strip() for p in body.split(",")]
        event_type, implied = normalize_type(parts[0])
        mode = parts[1] if len(parts) > 1 and parts[1] else None
        mode = normalize_mode(event_type, mode) if mode else implied
        contexts: list[str] = []
        if len(parts) > 2:
            for name in parts[2].split(";"):
                ctx = normalize_context(name) if name.strip() else None
                if ctx and ctx not in contexts:
                    contexts.append(ctx)
        out[code] = CameoEntry(code=code, type=event_type, mode=mode, context=tuple(contexts),
                               description=description, source="crosswalk")
    return out


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """The merged table, and the preferred export code per ``TYPE`` or ``TYPE/mode``."""

    entries: Mapping[str, CameoEntry]
    export: Mapping[str, str]

    def lookup(self, code: str) -> CameoEntry | None:
        """The entry for ``code`` or its longest listed prefix; None when nothing covers it."""
        code = normalize_code(code)
        for n in range(len(code), 1, -1):
            entry = self.entries.get(code[:n])
            if entry is not None:
                return entry
        return None


def normalize_code(code: str | int) -> str:
    """A CAMEO code as a string of digits; raises :class:`UnknownCameoCode` otherwise.

    Zero-padded forms matter ("042", not "42"): an int is padded to three digits.
    """
    if isinstance(code, int):
        code = f"{code:03d}"
    text = str(code).strip()
    if not _CODE.match(text):
        raise UnknownCameoCode(f"{code!r} is not a CAMEO event code (2 to 4 digits, e.g. '042')", input=str(code))
    return text


def load_crosswalk(crosswalk_text: str | None = None, corrections_text: str | None = None) -> Crosswalk:
    """Build the crosswalk from the two data files (defaults: the packaged ones)."""
    folder = resources.files("sitrep.data").joinpath("events")
    if crosswalk_text is None:
        crosswalk_text = folder.joinpath("CAMEO2PLOVER-2021.txt").read_text("utf-8")
    if corrections_text is None:
        corrections_text = folder.joinpath("cameo_corrections.yaml").read_text("utf-8")
    entries = parse_crosswalk(crosswalk_text)
    data: dict[str, Any] = yaml.safe_load(corrections_text) or {}
    for code, spec in (data.get("overrides") or {}).items():
        code = normalize_code(str(code))
        event_type = spec.get("type")
        mode = spec.get("mode")
        if event_type is not None:
            event_type, implied = normalize_type(event_type)
            mode = normalize_mode(event_type, mode) if mode else implied
        contexts = tuple(c for c in (normalize_context(x) for x in spec.get("context") or ()) if c)
        entries[code] = CameoEntry(code=code, type=event_type, mode=mode, context=contexts,
                                   description=str(spec.get("why", "")), source="correction")
    export = {str(k): normalize_code(str(v)) for k, v in (data.get("export") or {}).items()}
    return Crosswalk(entries=entries, export=export)


@lru_cache(maxsize=1)
def crosswalk() -> Crosswalk:
    """The packaged crosswalk, built once per process."""
    return load_crosswalk()


def cameo_to_plover(code: str | int) -> tuple[str, str | None] | None:
    """``(type, mode)`` for a CAMEO code, or None when PLOVER has no event for it (01x).

    ``"042"`` → ``("CONSULT", "visit")``; ``"1823"`` → ``("ASSAULT", None)``.
    """
    entry = crosswalk().lookup(code)
    if entry is None or entry.type is None:
        return None
    return entry.type, entry.mode


def cameo_entry(code: str | int) -> CameoEntry | None:
    """The full crosswalk entry (with contexts and description) covering ``code``."""
    return crosswalk().lookup(code)


def plover_to_cameo(event_type: str, mode: str | None = None) -> str:
    """The CAMEO code exported for a PLOVER ``(type, mode)``.

    The hand-picked export code when there is one; otherwise the most general code (fewest
    digits, then lowest) that reads as exactly this pair; otherwise the type's code without
    the mode. Older type names are accepted (``"FIGHT"`` → ``"190"``).
    """
    event_type, implied = normalize_type(event_type)
    mode = normalize_mode(event_type, mode) if mode else implied
    table = crosswalk()
    if mode:
        key = f"{event_type}/{mode}"
        if key in table.export:
            return table.export[key]
        exact = [e.code for e in table.entries.values()
                 if e.type == event_type and e.mode == mode and len(e.code) > 2]
        if exact:
            return min(exact, key=lambda c: (len(c), c))
    if event_type in table.export:
        return table.export[event_type]
    plain = [e.code for e in table.entries.values() if e.type == event_type and e.mode is None and len(e.code) > 2]
    return min(plain, key=lambda c: (len(c), c))
