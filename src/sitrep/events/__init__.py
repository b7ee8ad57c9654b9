"""The events stage: PLOVER events with evidence, coded from an analysed document.

- :mod:`sitrep.events.ontology`: PLOVER (types, modes, contexts, quad classes, sectors) as data.
- :mod:`sitrep.events.cameo`: the CAMEO ↔ PLOVER crosswalk.
- :mod:`sitrep.events.coder`: the event coder, :func:`code_events`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitrep.analyze import Analysis
    from sitrep.records import Event

__all__ = ["code_events"]


def code_events(analysis: "Analysis") -> list["Event"]:
    """PLOVER events in an analysed document (see :mod:`sitrep.events.coder`)."""
    from sitrep.events.coder import code_events as _code

    return _code(analysis)
