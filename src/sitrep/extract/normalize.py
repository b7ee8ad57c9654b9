"""Text normalisation applied to every document body before it gets its id and offsets.

It only repairs what can be detected reliably: Unicode form, stray whitespace and control
characters, and words glued together by a bad copy ("NovostiQuoting" → "Novosti quoting").
Quotes and dashes are left as they are, because later stages read them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n\s*\n\s*(\n\s*)+")
# A lower-case letter run followed by a capitalised word: the candidate glue point.
_GLUE = re.compile(r"\b([A-Z][a-z]+)([A-Z][a-z]+)\b")


@lru_cache(maxsize=1)
def glued_tails() -> frozenset[str]:
    """Words that, capitalised and glued to a preceding word, mark a lost space."""
    text = resources.files("sitrep.data").joinpath("glued_words.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def split_glued_words(text: str) -> tuple[str, int]:
    """Insert the lost space in "NovostiQuoting"-style joins; return the text and the count."""
    tails = glued_tails()
    count = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(2).lower() in tails:
            count += 1
            # The tail is a function word mid-sentence, so it reads lower case: keeping the
            # capital would make the tagger read "Novosti Quoting" as one name.
            return f"{match.group(1)} {match.group(2).lower()}"
        return match.group(0)

    return _GLUE.sub(repl, text), count


def normalize_text(text: str) -> tuple[str, dict[str, int]]:
    """Normalise an article body; returns the text and quality flags for what was repaired."""
    flags: dict[str, int] = {}
    # Control characters go before composing: removing one between a letter and a combining
    # mark would otherwise leave a pair that only a second pass composes.
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
    text, glued = split_glued_words(text)
    if glued:
        flags["glued_words"] = glued
    return text, flags
