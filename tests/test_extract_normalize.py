from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from sitrep.extract.normalize import normalize_text, split_glued_words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RIA NovostiQuoting statements", "RIA Novosti quoting statements"),
        ("Dmitriy PeskovWhich made it clear", "Dmitriy Peskov which made it clear"),
        ("watched on YouTube and paid by PayPal", "watched on YouTube and paid by PayPal"),
        ("McDonald said", "McDonald said"),
    ],
)
def test_normalize_split_glued_words(text, expected):
    assert split_glued_words(text)[0] == expected


def test_normalize_text_collapses_whitespace_and_controls():
    text, flags = normalize_text("A\u00a0 b\x00c\r\n\n\n\n  d\u200b ")
    assert text == "A bc\n\nd"
    assert flags == {}


@given(st.text(max_size=500))
def test_normalize_text_is_idempotent(text):
    once, _ = normalize_text(text)
    assert normalize_text(once)[0] == once
