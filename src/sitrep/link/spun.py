"""Is a structural copy a spun copy? High structure similarity, low exact overlap.

A plain copy (syndication, light edits) shares most word shingles with its original. A copy
rewritten by a synonym spinner or a translation round trip keeps the structure (function
words, names, numbers, punctuation: :func:`sitrep.link.shingles.structure_tokens`) while most
word shingles break. The thresholds are in ``params.yaml`` (section ``spun``).
"""

from __future__ import annotations

from typing import Any, Mapping


def is_structural_copy(structure: float, params: Mapping[str, Any]) -> bool:
    """Whether two texts share enough structure to be versions of one text."""
    return structure >= params["spun"]["structure_threshold"]


def is_spun(word_overlap: float, structure: float, params: Mapping[str, Any]) -> bool:
    """A structural copy whose word-shingle overlap is too low for a plain copy."""
    return is_structural_copy(structure, params) and word_overlap < params["spun"]["max_word_overlap"]
