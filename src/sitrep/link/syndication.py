"""Syndication chains: the earliest version of a text is the original, every other version a
copy with its outlet and its delay behind the original.

A chain is what near-duplicate matches connect (see :mod:`sitrep.link.duplicates`). When a new
document joins or bridges chains, the chain is re-rooted on its earliest member, so a copy
that arrives before its original is corrected when the original arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from sitrep.link.duplicates import Signature, estimate
from sitrep.link.spun import is_spun


def timestamp(published: str | None) -> datetime | None:
    """A publication time as an aware datetime (UTC when the string has no zone)."""
    if not published:
        return None
    try:
        value = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.fromisoformat(published.strip()[:10])
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Member:
    """A document of a chain: id, outlet, publication time (None when unknown) and when it was
    ingested (ISO string; breaks ties between copies published at the same time)."""

    id: str
    source: str | None
    published: datetime | None
    ingested_at: str | None = None


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One row of the ``duplicates`` table."""

    doc_id: str
    original_id: str
    similarity: float
    exact_overlap: float
    spun: bool
    delay_seconds: float | None


def original_of(members: Iterable[Member]) -> Member:
    """The earliest member (undated members last; ties broken by id)."""
    far = datetime.max.replace(tzinfo=timezone.utc)
    return min(members, key=lambda m: (m.published is None, m.published or far, m.ingested_at or "~", m.id))


def chain_rows(members: Sequence[Member], signatures: Mapping[str, Signature], params: Mapping[str, Any]) -> list[CopyRow]:
    """The ``duplicates`` rows of one chain: every member but the original, measured against it."""
    original = original_of(members)
    rows = []
    threshold = params["duplicates"]["threshold"]
    for m in members:
        if m.id == original.id:
            continue
        a, b = signatures.get(m.id), signatures.get(original.id)
        words = estimate(a.words, b.words) if a and b else 0.0
        structure = estimate(a.structure, b.structure) if a and b else 0.0
        spun = is_spun(words, structure, params) and words < threshold
        delay = (m.published - original.published).total_seconds() if m.published and original.published else None
        rows.append(CopyRow(doc_id=m.id, original_id=original.id, similarity=structure if spun else words,
                            exact_overlap=words, spun=spun, delay_seconds=delay))
    return rows


def syndication_chains(con: Any, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Every chain in the store: the original and its copies (outlet, delay, spun), largest first."""
    sql = (
        "SELECT o.id, o.source, o.title, o.published, list({'id': c.id, 'source': c.source, 'published': c.published, "
        "'delay_seconds': d.delay_seconds, 'similarity': d.similarity, 'exact_overlap': d.exact_overlap, "
        "'spun': d.spun} ORDER BY d.delay_seconds NULLS LAST, c.id) AS copies "
        "FROM duplicates d JOIN documents c ON c.id = d.doc_id JOIN documents o ON o.id = d.original_id "
        "GROUP BY ALL ORDER BY len(copies) DESC, o.published, o.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        {"original": {"id": i, "source": s, "title": t, "published": p}, "copies": copies}
        for i, s, t, p, copies in con.execute(sql).fetchall()
    ]
