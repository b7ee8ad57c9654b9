"""Near-duplicate detection: MinHash signatures and LSH indexes (datasketch).

Two MinHash signatures per document (datasketch): one over word shingles (copies share them),
one over structure shingles (spun copies keep them; see :mod:`sitrep.link.shingles`). The LSH
index is banded: a signature of ``bands x rows`` values gives one key per band, and two
documents are candidates when any key is equal. Signatures and band keys are stored with the
document (tables ``doc_signatures`` and ``doc_bands``), so a new document is matched against
the store by a join on band keys, without loading or rebuilding an index. A candidate pair is
confirmed by the estimated Jaccard similarity of its signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Mapping

import numpy as np
from datasketch import MinHash

from sitrep.link.shingles import shingles, structure_tokens, words
from sitrep.link.spun import is_spun, is_structural_copy

#: The MinHash hashing scheme; stored signatures are only comparable within one scheme.
SCHEME = "affine32"


@dataclass(frozen=True, slots=True)
class Signature:
    """The two MinHash signatures of one document (uint32 arrays of ``num_perm`` values)."""

    doc_id: str
    words: np.ndarray
    structure: np.ndarray


@dataclass(frozen=True, slots=True)
class Match:
    """A confirmed pair: estimated word-shingle and structure Jaccard, and whether it is spun."""

    doc_id: str
    other_id: str
    word_overlap: float
    structure: float
    spun: bool

    @property
    def similarity(self) -> float:
        """The near-duplicate similarity: structure for a spun copy, words otherwise."""
        return self.structure if self.spun else self.word_overlap


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> Any:
    # Drawing the permutations costs more than hashing a short text: draw them once.
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def _minhash(items: set[bytes], params: Mapping[str, Any]) -> np.ndarray:
    dup = params["duplicates"]
    m = MinHash(num_perm=dup["num_perm"], seed=dup["seed"], scheme=SCHEME,
                permutations=_permutations(dup["num_perm"], dup["seed"]))
    if items:
        m.update_batch(list(items))
    return np.asarray(m.hashvalues, dtype=np.uint32)


def signature(doc_id: str, text: str, params: Mapping[str, Any]) -> Signature | None:
    """Both signatures of ``text``; None when it is too short to index."""
    tokens = words(text)
    if len(tokens) < params["duplicates"]["min_tokens"]:
        return None
    return Signature(
        doc_id=doc_id,
        words=_minhash(shingles(tokens, params["duplicates"]["shingle_size"]), params),
        structure=_minhash(shingles(structure_tokens(text), params["spun"]["shingle_size"]), params),
    )


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def compare(a: Signature, b: Signature, params: Mapping[str, Any]) -> Match | None:
    """The pair as a :class:`Match` if it is a copy or a spun copy, else None."""
    word_overlap = estimate(a.words, b.words)
    structure = estimate(a.structure, b.structure)
    if word_overlap >= params["duplicates"]["threshold"] or is_structural_copy(structure, params):
        return Match(doc_id=a.doc_id, other_id=b.doc_id, word_overlap=word_overlap, structure=structure,
                     spun=is_spun(word_overlap, structure, params) and word_overlap < params["duplicates"]["threshold"])
    return None


def band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """LSH band keys of signatures (``n x num_perm`` uint32): one uint64 per band, a hash of
    the band's ``rows`` values. Two signatures are candidates when any band key is equal."""
    values = np.atleast_2d(values).astype(np.uint64)
    n = values.shape[0]
    bands_view = values[:, : bands * rows].reshape(n, bands, rows)
    # A polynomial hash over the rows of each band (wrapping uint64 arithmetic), salted by band.
    keys = np.full((n, bands), np.uint64(1469598103934665603), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = (keys ^ bands_view[:, :, r]) * np.uint64(1099511628211)
        keys ^= np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return keys


class BandIndex:
    """An in-memory LSH index over both signatures of each added document (the store keeps the
    same band keys in ``doc_bands`` for documents already linked)."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        dup, spun = params["duplicates"], params["spun"]
        if dup["bands"] * dup["rows"] > dup["num_perm"] or spun["bands"] * spun["rows"] > dup["num_perm"]:
            raise ValueError("bands x rows must not exceed num_perm")
        self._buckets: dict[tuple[int, int, int], list[str]] = {}
        self.signatures: dict[str, Signature] = {}

    def keys(self, sig: Signature) -> list[tuple[int, int, int]]:
        """(kind, band, key) of both signatures: kind 0 words, 1 structure."""
        dup, spun = self.params["duplicates"], self.params["spun"]
        out = []
        for kind, values, cfg in ((0, sig.words, dup), (1, sig.structure, spun)):
            for band, key in enumerate(band_keys(values, cfg["bands"], cfg["rows"])[0]):
                out.append((kind, band, int(key)))
        return out

    def add(self, sig: Signature) -> None:
        """Index one signature."""
        if sig.doc_id in self.signatures:
            return
        self.signatures[sig.doc_id] = sig
        for k in self.keys(sig):
            self._buckets.setdefault(k, []).append(sig.doc_id)

    def candidates(self, sig: Signature) -> set[str]:
        """Indexed documents sharing a band key with ``sig``."""
        found = {d for k in self.keys(sig) for d in self._buckets.get(k, ())}
        found.discard(sig.doc_id)
        return found


def confirm(sig: Signature, candidates: Iterable[Signature], params: Mapping[str, Any]) -> list[Match]:
    """The candidates that are copies or spun copies of ``sig``, best first."""
    found = [m for m in (compare(sig, c, params) for c in sorted(candidates, key=lambda c: c.doc_id)) if m]
    return sorted(found, key=lambda m: (-m.similarity, m.other_id))
