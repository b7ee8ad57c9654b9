"""The PLOVER event ontology, read from ``data/events/plover.yaml``.

PLOVER (Open Event Data Alliance) has 16 event types, each with an optional *mode* (the "how":
``CONSULT/phone``, ``ASSAULT/aerial``) and any number of *contexts* (the "why": ``military``,
``cyber``). Types group into four quad classes (verbal/material × cooperation/conflict).

Older names (``DEMAND``, ``DISAPPROVE``, ``INVESTIGATE``, ``FIGHT``) and older or manual-only
mode names are normalised by :func:`normalize_type` and :func:`normalize_mode`; the YAML file
documents where the PLOVER manual 2.0 and the NGEC codebook disagree and which list we follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

import yaml

from sitrep.errors import SitrepError

#: The 16 PLOVER event types, in the manual's order.
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)

#: Event factuality values (see ``sitrep.records.Event``).
FACTUALITY = ("asserted", "negated", "future", "hypothetical", "reported")


class UnknownEventType(SitrepError):
    """A name is neither a PLOVER event type nor a known older name for one."""

    code = "E410"


class InvalidEvent(SitrepError):
    """An event's type, mode, contexts or factuality break the ontology."""

    code = "E411"


@dataclass(frozen=True, slots=True)
class EventType:
    """One PLOVER type: its definition, quad class, whether a recipient is required, modes."""

    name: str
    definition: str
    quad_class: str
    quad_code: int
    recipient_required: bool
    modes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Ontology:
    """The parsed ontology file (see ``data/events/plover.yaml`` for the meaning of each part)."""

    version: str
    types: Mapping[str, EventType]
    old_names: Mapping[str, tuple[str, str | None]]
    mode_aliases: Mapping[str, Mapping[str, str | None]]
    contexts: frozenset[str]
    context_aliases: Mapping[str, str]
    sectors: Mapping[str, str]


def load_ontology(text: str | None = None) -> Ontology:
    """Parse the ontology from YAML ``text`` (default: the packaged ``plover.yaml``)."""
    if text is None:
        text = resources.files("sitrep.data").joinpath("events/plover.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text) or {}
    quad_of: dict[str, tuple[str, int]] = {}
    for quad, spec in (data.get("quad_classes") or {}).items():
        for name in spec["types"]:
            quad_of[name] = (quad, int(spec["code"]))
    types: dict[str, EventType] = {}
    for name, spec in (data.get("types") or {}).items():
        if name not in quad_of:
            raise InvalidEvent(f"type {name} has no quad class in the ontology file", input=name)
        quad, code = quad_of[name]
        types[name] = EventType(
            name=name,
            definition=" ".join(str(spec.get("definition", "")).split()),
            quad_class=quad,
            quad_code=code,
            recipient_required=bool(spec.get("recipient_required", False)),
            modes={str(k): " ".join(str(v).split()) for k, v in (spec.get("modes") or {}).items()},
        )
    old = {str(k).upper(): (v["type"], v.get("mode")) for k, v in (data.get("old_names") or {}).items()}
    aliases = {str(t): {str(k): (None if v is None else str(v)) for k, v in (m or {}).items()}
               for t, m in (data.get("mode_aliases") or {}).items()}
    return Ontology(
        version=str(data.get("version", "")),
        types=types,
        old_names=old,
        mode_aliases=aliases,
        contexts=frozenset(data.get("contexts") or ()),
        context_aliases={str(k): str(v) for k, v in (data.get("context_aliases") or {}).items()},
        sectors={str(k): str(v) for k, v in (data.get("sectors") or {}).items()},
    )


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    """The packaged ontology, parsed once per process."""
    return load_ontology()


def normalize_type(name: str) -> tuple[str, str | None]:
    """``(type, mode)`` for a PLOVER type name or an older one.

    ``"DEMAND"`` → ``("REQUEST", None)``, ``"disapprove"`` → ``("ACCUSE", "disapprove")``,
    ``"FIGHT"`` → ``("ASSAULT", None)``. The mode is set only when the old name implies one.
    Raises :class:`UnknownEventType` for anything else.
    """
    key = (name or "").strip().upper()
    onto = ontology()
    if key in onto.types:
        return key, None
    if key in onto.old_names:
        return onto.old_names[key]
    raise UnknownEventType(
        f"{name!r} is not a PLOVER event type; expected one of {', '.join(EVENT_TYPES)} "
        f"or an older name ({', '.join(sorted(onto.old_names))})",
        input=str(name),
    )


def normalize_mode(event_type: str, mode: str | None) -> str | None:
    """The chosen-list name of ``mode`` for ``event_type``, or None when it has none.

    Aliases (manual-only and older names) are mapped; an unknown mode is returned as None, so a
    foreign record's odd mode never poisons ours. ``event_type`` may be an older name.
    """
    if mode is None:
        return None
    event_type, implied = normalize_type(event_type)
    mode = mode.strip().lower()
    if not mode:
        return implied
    onto = ontology()
    if mode in onto.types[event_type].modes:
        return mode
    for scope in (event_type, "*"):
        aliases = onto.mode_aliases.get(scope, {})
        if mode in aliases:
            return aliases[mode]
    return None


def normalize_context(name: str) -> str | None:
    """The manual 2.0 name of a context (``"humanitarian"`` → ``"human_security"``), or None."""
    key = (name or "").strip().lower().replace(" ", "_")
    onto = ontology()
    if key in onto.contexts:
        return key
    return onto.context_aliases.get(key)


def quad_class(event_type: str) -> str:
    """The quad class of a type: ``verbal_cooperation``, ``material_cooperation``,
    ``verbal_conflict`` or ``material_conflict``."""
    return ontology().types[normalize_type(event_type)[0]].quad_class


def quad_code(event_type: str) -> int:
    """The quad class as the conventional number 1-4 (verbal coop … material conflict)."""
    return ontology().types[normalize_type(event_type)[0]].quad_code


def is_cooperation(event_type: str) -> bool:
    """Whether a type is in one of the two cooperation quad classes."""
    return quad_class(event_type).endswith("cooperation")


def modes(event_type: str) -> tuple[str, ...]:
    """The modes of a type, in file order (empty for types without modes)."""
    return tuple(ontology().types[normalize_type(event_type)[0]].modes)


def is_type(name: str) -> bool:
    """Whether ``name`` is exactly one of the 16 current type names."""
    return name in ontology().types


def is_mode(event_type: str, mode: str) -> bool:
    """Whether ``mode`` is a mode of ``event_type`` in the chosen list (aliases excluded)."""
    return event_type in ontology().types and mode in ontology().types[event_type].modes


def is_context(name: str) -> bool:
    """Whether ``name`` is one of the manual 2.0 contexts."""
    return name in ontology().contexts


def is_sector(code: str) -> bool:
    """Whether ``code`` is one of the manual 2.0 sector codes."""
    return code in ontology().sectors


def validate_event(event_type: str, mode: str | None = None, context: Iterable[str] = (),
                   factuality: str | None = None) -> None:
    """Raise :class:`InvalidEvent` unless type, mode, contexts and factuality are all valid."""
    if not is_type(event_type):
        raise InvalidEvent(f"{event_type!r} is not a PLOVER event type", input=str(event_type))
    if mode is not None and not is_mode(event_type, mode):
        raise InvalidEvent(
            f"{mode!r} is not a mode of {event_type}; expected one of {', '.join(modes(event_type)) or '(none)'}",
            input=str(mode),
        )
    for name in context:
        if not is_context(name):
            raise InvalidEvent(f"{name!r} is not a PLOVER context", input=str(name))
    if factuality is not None and factuality not in FACTUALITY:
        raise InvalidEvent(f"{factuality!r} is not one of {', '.join(FACTUALITY)}", input=str(factuality))


def validate_ontology(onto: Ontology | None = None) -> list[str]:
    """Problems in an ontology (empty when sound): the 16 types, each in one quad class,
    aliases that point at real modes, old names that point at real types and modes."""
    onto = onto or ontology()
    problems: list[str] = []
    if tuple(onto.types) != EVENT_TYPES:
        problems.append(f"types are {tuple(onto.types)}, expected {EVENT_TYPES}")
    for old, (target, mode) in onto.old_names.items():
        if target not in onto.types:
            problems.append(f"old name {old} points at unknown type {target}")
        elif mode is not None and mode not in onto.types[target].modes:
            problems.append(f"old name {old} points at unknown mode {target}/{mode}")
    for scope, aliases in onto.mode_aliases.items():
        if scope != "*" and scope not in onto.types:
            problems.append(f"mode aliases for unknown type {scope}")
            continue
        for alias, target in aliases.items():
            if target is not None and target not in onto.types[scope].modes:
                problems.append(f"mode alias {scope}/{alias} points at unknown mode {target}")
            if scope != "*" and alias in onto.types[scope].modes:
                problems.append(f"mode alias {scope}/{alias} shadows a real mode")
    for alias, target in onto.context_aliases.items():
        if target not in onto.contexts:
            problems.append(f"context alias {alias} points at unknown context {target}")
    return problems
