"""Quotation spans in a text: straight and curly double quotes, paired as a reader would.

News copy leaves quotes open across paragraphs (each paragraph of a long quote reopens it
without closing the last) and machine translation drops closing marks. An opening mark with no
closing mark before the paragraph ends is closed at the paragraph end, so one missing mark
never swallows the rest of the article.
"""

from __future__ import annotations

import re

_OPEN = "“«„"
_CLOSE = "”»"
_STRAIGHT = '"'
_PARAGRAPH = re.compile(r"\n\s*\n")
#: Every character the scan acts on; the text between two of them is skipped.
_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + _STRAIGHT) + "`']")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of quotations, quote marks included, in text order.

    Two single quotes typed as a double (``''``, common in wire copy) count as a straight
    double quote.
    """
    spans: list[tuple[int, int]] = []
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    opened: int | None = None
    b = 0
    i = 0
    n = len(text)
    while i < n:
        while b < len(breaks) - 1 and breaks[b] < i:
            if opened is not None:
                spans.append((opened, _rstrip(text, breaks[b])))
                opened = None
            b += 1
        ch = text[i]
        # An opening mark typed where a closing one belongs ("…here,“ said X").
        if ch in _OPEN and opened is not None and i > 0 and not text[i - 1].isspace() and (i + 1 >= n or text[i + 1].isspace()):
            spans.append((opened, i + 1))
            opened = None
            i += 1
            continue
        if ch in _OPEN or (ch == "`" and text.startswith("``", i)):
            if opened is not None:
                spans.append((opened, _rstrip(text, i)))
            opened = i
            i += 2 if ch == "`" else 1
            continue
        if ch in _CLOSE:
            if opened is not None:
                spans.append((opened, i + 1))
                opened = None
            i += 1
            continue
        # A straight double quote, or two single quotes typed for one (wire and NYT copy),
        # opens or closes by turns.
        width = 2 if text.startswith("''", i) else 1 if ch == _STRAIGHT else 0
        if width:
            if opened is None:
                opened = i
            else:
                spans.append((opened, i + width))
                opened = None
            i += width
            continue
        # Nothing happens before the next mark; paragraph ends met on the way are handled
        # when the scan lands (on the last character at the latest, as a step-by-step scan would).
        mark = _MARKS.search(text, i + 1)
        i = mark.start() if mark is not None else max(i + 1, n - 1)
    if opened is not None:
        spans.append((opened, _rstrip(text, n)))
    return [s for s in spans if s[1] > s[0] + 1]


def _rstrip(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def word_count(text: str) -> int:
    """Words in a quote, to tell a quoted statement from a scare-quoted term."""
    return len(re.findall(r"\w+", text))
