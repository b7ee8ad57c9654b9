"""The per-document pipeline and the ingest loop that feeds the store.

``process_item`` is pure (one raw item in, one document or rejection out), so the same
function runs in-process, in a pool or on a cluster. ``ingest`` streams inputs through it and
writes documents in batches, one transaction each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator, TypeVar

from sitrep import settings
from sitrep.errors import InputRejected
from sitrep.extract import to_document
from sitrep.records import Document
from sitrep.sources import RawItem, Rejected
from sitrep.sources.files import read_inputs
from sitrep.statements.relations import link_statements
from sitrep.store import Store

T = TypeVar("T")


@dataclass(kw_only=True)
class IngestReport:
    """The summary of one ingest run."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    linked: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, rejections as ``{origin, code, reason}`` objects."""
        return {
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "rejected": len(self.rejected),
            "linked": self.linked,
            "rejections": [{"origin": o, "code": c, "reason": r} for o, c, r in self.rejected],
        }


def process_item(item: RawItem | Rejected, *, ingested_at: str | None = None) -> Document | Rejected:
    """Extract one item; a rejection passes through, a failure becomes one."""
    if isinstance(item, Rejected):
        return item
    try:
        return to_document(item, ingested_at=ingested_at)
    except InputRejected as exc:
        return Rejected(origin=item.origin, error=exc)


def documents_from(
    inputs: Iterable[str], *, allow_private: bool | None = None
) -> Iterator[Document | Rejected]:
    """Read and extract every input, in order, without a store."""
    return extract_items(read_inputs(inputs, allow_private=allow_private))


def extract_items(items: Iterable[RawItem | Rejected]) -> Iterator[Document | Rejected]:
    """Extract already-read items, stamping one ingest time on the whole run."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for item in items:
        yield process_item(item, ingested_at=now)


def analyzed_records(
    inputs: Iterable[str],
    *,
    allow_private: bool | None = None,
    on_reject: Callable[[object], None] | None = None,
) -> Iterator[object]:
    """Every public record of every input, without a store: each document followed by the
    actors, mentions, time expressions, events, statements and the relations between its
    statements found in it."""
    from sitrep.analyze import analyze_documents

    def documents() -> Iterator[Document]:
        for result in documents_from(inputs, allow_private=allow_private):
            if isinstance(result, Rejected):
                if on_reject:
                    on_reject(result.error)
                continue
            yield result

    for analysis in analyze_documents(documents()):
        yield analysis.document
        yield from analysis.records()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split an iterable into lists of at most ``size`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    inputs: Iterable[str],
    store: Store,
    *,
    allow_private: bool | None = None,
    batch_size: int | None = None,
    analyze: bool | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Read, extract, analyze and store ``inputs``; returns read, new, duplicate and rejected."""
    return ingest_items(
        read_inputs(inputs, allow_private=allow_private), store, batch_size=batch_size, analyze=analyze,
        on_progress=on_progress,
    )


def ingest_items(
    items: Iterable[RawItem | Rejected],
    store: Store,
    *,
    batch_size: int | None = None,
    analyze: bool | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Extract, analyze and store already-read items in batches of one transaction each.

    Only documents not yet in the store are analyzed, so rerunning an ingest costs little.
    Linking runs once at the end, on the documents not linked yet; statements are compared
    with stored statements of other documents after each batch (``link_statements``).
    """
    report = IngestReport()
    size = batch_size or settings.get("batch_size")
    run_analysis = settings.get("analyze", analyze)
    for batch in batched(extract_items(items), size):
        documents = [r for r in batch if isinstance(r, Document)]
        rejected = [r for r in batch if isinstance(r, Rejected)]
        analyses: list = []
        if run_analysis and documents:
            from sitrep.analyze import analyze_documents

            existing = store.existing_ids([d.id for d in documents])
            fresh = list({d.id: d for d in documents if d.id not in existing}.values())
            analyses = list(analyze_documents(fresh))
        version = None
        if analyses:
            from sitrep.engine.version import pipeline_version

            version = pipeline_version()
        result = store.write_documents(documents, [(r.origin, r.error) for r in rejected], analyses, pipeline_version=version)
        if analyses:
            link_statements(store, [a.document.id for a in analyses])
        report.read += len(batch)
        report.new += len(result.new)
        report.duplicate += len(result.duplicate)
        report.rejected.extend((r.origin, r.error.code, r.error.message) for r in rejected)
        if on_progress:
            on_progress(report)
    # Cross-document linking (copies, stories, canonical events) of every document not yet
    # linked: this run's new ones, and any left by a run killed before it got here.
    from sitrep.link import update_links

    report.linked = update_links(store).documents
    return report
