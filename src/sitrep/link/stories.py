"""Stories: documents about the same happening, clustered incrementally.

A new document joins the story of the most similar story document published within
``window_days`` of it, when the combined similarity reaches ``threshold``; otherwise it
founds a new story. The combined similarity is the weighted mean, over the signals both
documents carry, of: TF-IDF cosine of the texts, and Jaccard similarity of resolved actors,
PLOVER event types and places. Documents are assigned once, in publication order, and a story
is named after its founding document, so story ids never change when documents arrive.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Sequence

import numpy as np
from scipy import sparse

from sitrep.link.params import function_words
from sitrep.link.shingles import words


def story_id(founding_doc_id: str) -> str:
    """The id of the story a document founds."""
    return "s-" + founding_doc_id[:16]


def terms(title: str | None, text: str, max_terms: int) -> dict[str, int]:
    """Content-word counts of a document (title words count twice), the ``max_terms`` most frequent."""
    fw = function_words()
    counts = Counter(w for w in words(text) if len(w) > 2 and w not in fw and not w[0].isdigit())
    for w in words(title or ""):
        if len(w) > 2 and w not in fw and not w[0].isdigit():
            counts[w] += 2
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms])


@dataclass(slots=True)
class StoryDoc:
    """A document as story assignment sees it."""

    id: str
    day: date | None
    terms: Mapping[str, int]
    actors: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    story: str | None = None


@dataclass(slots=True)
class Assignment:
    """What one assignment run decided: document -> story, and the stories it founded."""

    story_of: dict[str, str] = field(default_factory=dict)
    founded: list[str] = field(default_factory=list)


def _jaccard(a: frozenset, b: frozenset) -> float | None:
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


def combined(text_sim: float, a: StoryDoc, b: StoryDoc, weights: Mapping[str, float]) -> float:
    """TF-IDF cosine plus a weighted bonus for each structured signal both documents carry
    (resolved actors, event types, places): shared structure adds evidence, a signal one
    document lacks takes none away."""
    total = weights["text"] * text_sim
    for key in ("actors", "events", "places"):
        sim = _jaccard(getattr(a, key), getattr(b, key))
        if sim is not None:
            total += weights[key] * sim
    return total


def tfidf_matrix(docs: Sequence[StoryDoc], df: Mapping[str, int], n_docs: int) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (sublinear tf, smoothed idf) over the documents' terms."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        for term, count in d.terms.items():
            j = vocab.setdefault(term, len(vocab))
            idf = math.log((n_docs + 1) / (df.get(term, 0) + 1)) + 1.0
            rows.append(i)
            cols.append(j)
            vals.append((1.0 + math.log(count)) * idf)
    m = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(docs), max(len(vocab), 1)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def assign(new: Sequence[StoryDoc], stored: Sequence[StoryDoc], df: Mapping[str, int], n_docs: int,
           params: Mapping[str, Any]) -> Assignment:
    """Assign ``new`` documents (in the given order) to the stories of ``stored`` ones or to new stories.

    ``stored`` documents carry their ``story``; ``df`` and ``n_docs`` are the document
    frequencies and count of the whole store, new documents included.
    """
    cfg = params["stories"]
    window, threshold, top = cfg["window_days"], cfg["threshold"], cfg["top_candidates"]
    docs = list(stored) + list(new)
    result = Assignment()
    if not new:
        return result
    matrix = tfidf_matrix(docs, df, n_docs)
    n_stored = len(stored)
    sims = (matrix[n_stored:] @ matrix.T).toarray()
    ordinals = np.array([d.day.toordinal() if d.day else -1 for d in docs])
    stories: list[str | None] = [d.story for d in docs]
    for i, doc in enumerate(new):
        row = sims[i].copy()
        available = np.zeros(len(docs), dtype=bool)
        available[:n_stored] = True
        available[n_stored : n_stored + i] = True
        if doc.day is not None:
            near = (ordinals >= 0) & (np.abs(ordinals - doc.day.toordinal()) <= window)
            available &= near
        else:
            available &= ordinals < 0
        row[~available] = -1.0
        best_story, best = None, -1.0
        if available.any():
            k = min(top, int(available.sum()))
            for j in np.argpartition(-row, k - 1)[:k]:
                if row[j] <= 0:
                    continue
                score = combined(float(row[j]), doc, docs[j], cfg["weights"])
                if score > best or (score == best and best_story is not None and stories[j] < best_story):
                    best, best_story = score, stories[j]
        if best_story is not None and best >= threshold:
            chosen = best_story
        else:
            chosen = story_id(doc.id)
            result.founded.append(chosen)
        stories[n_stored + i] = chosen
        doc.story = chosen
        result.story_of[doc.id] = chosen
    return result
