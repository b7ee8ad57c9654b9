"""The analyze stage: one parse per document, shared by every analysis step.

Steps are named and run in order; each reads the spaCy ``Doc`` (and the document) and adds its
records to the :class:`Analysis`. ``analyze_documents`` batches parsing with ``nlp.pipe``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator, Sequence

from sitrep.records import Actor, Document, Event, Mention, Relation, Statement, TimeRef

#: The analysis steps, in order. ``events`` reads what the steps before it found;
#: ``statements`` reads the events too (propositions) and relates the document's statements.
STEPS = ("actors", "times", "places", "quantities", "events", "statements")


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """Everything the analyze stage found in one document.

    ``doc`` is the spaCy parse (not serialised); ``places`` and ``quantities`` are internal
    spans the event coder reads; ``mentions``, ``actors``, ``times``, ``events``,
    ``statements`` and ``relations`` (between this document's statements) are public records.
    """

    document: Document
    doc: Any
    mentions: tuple[Mention, ...] = ()
    actors: dict[str, Actor] = field(default_factory=dict)
    times: tuple[TimeRef, ...] = ()
    places: tuple[Any, ...] = ()
    quantities: tuple[Any, ...] = ()
    events: tuple[Event, ...] = ()
    statements: tuple[Statement, ...] = ()
    relations: tuple[Relation, ...] = ()

    def records(self) -> Iterator[Any]:
        """The public records: actors referred to, mentions, time expressions, events,
        statements and the relations between them."""
        yield from self.actors.values()
        yield from self.mentions
        yield from self.times
        yield from self.events
        yield from self.statements
        yield from self.relations


def analyze_parsed(document: Document, doc: Any, *, steps: Sequence[str] = STEPS) -> Analysis:
    """Run the analysis steps on an already parsed document."""
    from sitrep.analyze.actors import default_resolver

    found: dict[str, Any] = {}
    if "actors" in steps:
        result = default_resolver().resolve(doc, doc_id=document.id, on=document.published)
        found["mentions"], found["actors"] = result.mentions, result.actors
    if "times" in steps:
        from sitrep.analyze.times import find_times

        anchor = document.published[:10] if document.published else None
        found["times"] = tuple(find_times(document.text, doc_id=document.id, anchor=anchor, doc=doc))
    if "places" in steps:
        from sitrep.analyze.places import find_places

        found["places"] = tuple(find_places(doc, doc_id=document.id))
    if "quantities" in steps:
        from sitrep.analyze.quantities import find_quantities

        found["quantities"] = tuple(find_quantities(doc))
    analysis = Analysis(document=document, doc=doc, **found)
    if "events" in steps:
        from sitrep.events.coder import code_events

        analysis = replace(analysis, events=tuple(code_events(analysis)))
    if "statements" in steps:
        from sitrep.statements import read_statements

        statements = read_statements(analysis)
        from sitrep.statements.relations import document_relations

        analysis = replace(analysis, statements=tuple(statements), relations=tuple(document_relations(statements)))
    return analysis


def analyze_documents(
    documents: Iterable[Document], *, steps: Sequence[str] = STEPS, batch_size: int = 32
) -> Iterator[Analysis]:
    """Parse documents in batches and analyze each; yields in input order."""
    from sitrep.analyze.nlp import load_pipeline

    nlp = load_pipeline()
    pending: list[Document] = []

    def flush() -> Iterator[Analysis]:
        for document, doc in zip(pending, nlp.pipe([d.text for d in pending], batch_size=batch_size)):
            yield analyze_parsed(document, doc, steps=steps)
        pending.clear()

    for document in documents:
        pending.append(document)
        if len(pending) >= batch_size:
            yield from flush()
    if pending:
        yield from flush()


def analyze_text(text: str, *, published: str | None = None, doc_id: str = "text", steps: Sequence[str] = STEPS) -> Analysis:
    """Analyze a bare text (a sentence or an article) as if published on ``published``."""
    from sitrep.analyze.nlp import load_pipeline

    document = Document(id=doc_id, text=text, published=published)
    return analyze_parsed(document, load_pipeline()(text), steps=steps)
