from __future__ import annotations

import pytest

from sitrep.extract.text import parse_date, parse_text_article, split_title_suffix


def test_text_parse_seed_header(seed_path):
    article = parse_text_article(seed_path.read_text(encoding="utf-8"))
    assert article.title == "Russia: Moscow denies handing it over in response to the United States over security guarantees"
    assert article.published == "2022-02-01T14:56"
    assert article.tags == ("Russia", "USA", "Canada", "Ukraine")
    assert article.body.startswith("On Tuesday, February 1, the Russian Foreign Ministry denied")
    assert article.flags["repeated_title"] == 1


@pytest.mark.parametrize(
    "text, title, published, tags",
    [
        ("Ceasefire holds in Idlib\nPublished: 3 March 2020\n\nThe ceasefire held overnight.", "Ceasefire holds in Idlib", "2020-03-03", ()),
        ("Talks resume | World News\nUpdated on March 4, 2020 at 9:05 pm\n\nBody.", "Talks resume", "2020-03-04T21:05", ()),
        ("Title here\nPosted on 2021-06-01 10:30 in\nPolitics, Europe\n\nBody text.", "Title here", "2021-06-01T10:30", ("Politics", "Europe")),
        ("Headline\nTags: NATO, Baltic\n\nBody text.", "Headline", None, ("NATO", "Baltic")),
    ],
)
def test_text_parse_header_shapes(text, title, published, tags):
    article = parse_text_article(text)
    assert article.title == title
    assert article.published == published
    assert article.tags == tags


def test_text_parse_without_title_takes_dateline_only():
    article = parse_text_article("Friday, January 4, 2019\n\n\nAn apartment building collapsed.", has_title=False)
    assert article.title is None
    assert article.published == "2019-01-04"
    assert article.body == "An apartment building collapsed."


def test_text_parse_headerless_paragraph_is_body():
    para = "The ministry said on Monday that it had received the letter, adding that it would answer within a week, according to a statement published by the state news agency late in the evening."
    article = parse_text_article(para + "\n\nSecond paragraph.")
    assert article.title is None
    assert article.body.startswith("The ministry said")


@pytest.mark.parametrize(
    "date, time, expected",
    [("Feb 1, 2022", "14:56", "2022-02-01T14:56"), ("1st March 2020", None, "2020-03-01"), ("Sept 9, 2019", "7.05 am", "2019-09-09T07:05"), ("not a date", None, None)],
)
def test_text_parse_date(date, time, expected):
    assert parse_date(date, time) == expected


def test_text_split_title_suffix_keeps_long_tails():
    assert split_title_suffix("A | international security") == ("A", "international security")
    long_tail = "x" * 60
    assert split_title_suffix(f"A | {long_tail}") == (f"A | {long_tail}", None)
