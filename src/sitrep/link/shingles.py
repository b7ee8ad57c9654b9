"""Tokens and shingles of a text: word shingles for copies, structure shingles for spun copies.

The structure of a text is its token sequence with every lower-case content word replaced by
one placeholder: function words, names (capitalised words), numbers and punctuation stay as
they are. Numbers stay verbatim because spinners leave figures alone, while templated reports
(earnings tables, sports results) share a structure and differ exactly in their figures. A synonym spinner rewrites content words ("record high" -> "document high") but
keeps the grammar, the names and the figures, so a spun copy keeps the structure of its
original while sharing few exact word shingles with it.
"""

from __future__ import annotations

import re

from sitrep.link.params import function_words

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)?|[^\w\s]")
_WORD = re.compile(r"\w+(?:['’]\w+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (no punctuation)."""
    return [w.lower() for w in _WORD.findall(text)]


def structure_tokens(text: str) -> list[str]:
    """The structure sequence of ``text`` (see the module docstring)."""
    fw = function_words()
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        low = tok.lower()
        if low in fw or not tok[0].isalnum():
            out.append(low)
        elif tok[0].isupper() or tok[0].isdigit():
            out.append(low)
        else:
            out.append("_")
    return out


def shingles(tokens: list[str], size: int) -> set[bytes]:
    """Every run of ``size`` consecutive tokens, encoded; a shorter text is one shingle."""
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets (0 when both are empty)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
