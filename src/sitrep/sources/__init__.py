"""Readers: turn paths, globs and URLs into :class:`RawItem` payloads for the extract stage.

A reader never stops a batch for one bad input: it yields :class:`Rejected` for that input (or
entry) with the reason, and carries on with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from sitrep.errors import InputRejected


@dataclass(frozen=True, kw_only=True, slots=True)
class RawItem:
    """One article-sized payload read from a source, before extraction.

    ``kind`` tells the extract stage how to read ``content``: ``"html"`` (bytes or str of a
    web page), ``"text"`` (a plain-text article, possibly with a metadata header) or
    ``"record"`` (already split into fields by a container such as CSV, JSONL or a feed; the
    body is in ``content`` and may itself be HTML when ``meta["body_is_html"]`` is true).
    ``meta`` carries what the container knew: ``title``, ``published``, ``authors``, ``tags``,
    ``source``, ``language``. ``origin`` names where it came from, precisely enough for a user
    to find it again (``path``, ``path#row=12``, ``path#record=<WARC-Record-ID>``, a URL).
    """

    origin: str
    content: bytes | str
    kind: str
    url: str | None = None
    content_type: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Rejected:
    """An input or entry that could not be read, with the error saying why."""

    origin: str
    error: InputRejected
