"""A cheap language check for text that arrives without a declared language.

sitrep's analysis pipeline is English; this only needs to tell English from not-English, which
the share of very common English function words does reliably on article-length text.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")
_ENGLISH = frozenset(
    "the of and to in a is that for on was with as by at from it his her are be has have "
    "said were not this which an or their but had they its will been who would after".split()
)


def guess_language(text: str, *, sample_chars: int = 5000) -> str | None:
    """``"en"`` when ``text`` reads as English, else None (unknown)."""
    words = _WORD.findall(text[:sample_chars].lower())
    if len(words) < 20:
        return None
    share = sum(w in _ENGLISH for w in words) / len(words)
    return "en" if share >= 0.2 else None
