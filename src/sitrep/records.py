"""The public record schema (see DESIGN.md, "Records").

Every record is a frozen, keyword-only dataclass. Field names are the contract for the JSONL
output, the DuckDB tables, the REST API and the Parquet exports. Offsets are character offsets
into ``Document.text``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping

#: The value of the ``"record"`` key that each record kind carries in JSONL.
RECORD_KINDS = ("document", "actor", "mention", "time", "event", "statement", "relation", "story")


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """One article.

    Identity: ``id`` is the sha256 (hex) of the normalised text (:func:`document_id`), so the
    same article reached through two URLs is one document.

    Provenance: ``url`` (canonical URL when the page gives one), ``source`` (outlet domain or
    name), ``origin`` (file path, feed URL or WARC record id it was first read from),
    ``ingested_at`` (ISO 8601, UTC).

    Metadata: ``title``, ``published`` (ISO 8601, or None when unknown), ``authors``, ``tags``,
    ``language`` (ISO 639-1).

    Content: ``text``, the cleaned article body that every offset points into.

    Quality: ``quality`` maps flag names to values, e.g. ``{"injected_links": 3,
    "removed": [...]}``. Flags describe the page; they never delete content silently.
    """

    id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: str | None = None
    text: str
    ingested_at: str | None = None
    origin: str | None = None
    quality: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    """A resolved actor: a state, person, organisation or IGO.

    ``code`` is an ISO 3166-1 alpha-3 code or an IGO short code (``NATO``, ``UN``…); ``sector``
    is a PLOVER sector (``GOV``, ``MIL``…). ``roles`` lists offices held, each a mapping with
    ``office``, ``country``, ``from`` and ``to``.
    """

    id: str
    name: str
    code: str | None = None
    sector: str | None = None
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Mention:
    """A span of a document that names an actor (``actor_id`` is None when unresolved)."""

    doc_id: str
    start: int
    end: int
    text: str
    label: str
    actor_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TimeRef:
    """A time expression normalised against the publication date (TIMEX3-style ``value``)."""

    doc_id: str
    start: int
    end: int
    text: str
    value: str
    precision: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Event:
    """A PLOVER event with its evidence.

    ``actor`` and ``recipient`` are mappings ``{text, actor_id, code, sector}``; ``location`` is
    ``{text, name, country, lat, lon}``; ``evidence`` is ``{start, end, sentence}``.
    ``factuality`` is one of ``asserted``, ``negated``, ``future``, ``hypothetical``,
    ``reported``.
    """

    id: str
    doc_id: str
    type: str
    mode: str | None = None
    context: tuple[str, ...] = ()
    actor: Mapping[str, Any] | None = None
    recipient: Mapping[str, Any] | None = None
    date: str | None = None
    date_precision: str | None = None
    location: Mapping[str, Any] | None = None
    quantity: Mapping[str, Any] | None = None
    factuality: str = "asserted"
    evidence: Mapping[str, Any]
    confidence: float = 0.0


@dataclass(frozen=True, kw_only=True, slots=True)
class Statement:
    """An attributed statement: who said what, through whom, with which cue and stance."""

    id: str
    doc_id: str
    speaker: Mapping[str, Any]
    via: tuple[Mapping[str, Any], ...] = ()
    cue: Mapping[str, Any]
    stance: str = "assert"
    kind: str = "indirect"
    content: Mapping[str, Any]
    proposition: Mapping[str, Any] | None = None
    date: str | None = None
    evidence: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation:
    """A link between two records: ``contradicts``, ``corroborates`` or ``same_event``."""

    kind: str
    a: str
    b: str
    score: float
    explanation: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Story:
    """Articles about one happening."""

    id: str
    title: str
    doc_ids: tuple[str, ...] = ()
    first_seen: str | None = None
    last_seen: str | None = None


_RECORD_NAMES: dict[type, str] = {
    Document: "document",
    Actor: "actor",
    Mention: "mention",
    TimeRef: "time",
    Event: "event",
    Statement: "statement",
    Relation: "relation",
    Story: "story",
}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_dict(record: Any, *, with_kind: bool = False) -> dict[str, Any]:
    """Return a record as plain JSON-ready data; ``with_kind`` adds the ``"record"`` key first."""
    data: dict[str, Any] = {}
    if with_kind:
        data["record"] = _RECORD_NAMES[type(record)]
    for f in dataclasses.fields(record):
        data[f.name] = _plain(getattr(record, f.name))
    return data


def record_kind(record: Any) -> str:
    """The JSONL ``"record"`` name of a record instance."""
    return _RECORD_NAMES[type(record)]


_WS = re.compile(r"\s+")


def normalise_for_id(text: str) -> str:
    """The text form that :func:`document_id` hashes: NFKC, case-folded, whitespace collapsed.

    Case and spacing differences between two copies of an article should not make them two
    documents; anything else (one word changed) does.
    """
    text = unicodedata.normalize("NFKC", text)
    return _WS.sub(" ", text).strip().casefold()


def document_id(text: str) -> str:
    """sha256 hex digest of the normalised text."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()
