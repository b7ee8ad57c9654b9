"""HTML extraction: body text, metadata, encodings, malformed markup and rejections."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from sitrep.errors import InputRejected, InputTooLarge, NoArticle
from sitrep.extract.html import HtmlArticle, extract_html, find_headline, recover_lead

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
CANONICAL = "https://ledger.example.org/world/2022/02/01/geneva-border-talks"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(scope="module")
def article() -> HtmlArticle:
    return extract_html(_read("article.html"), url="https://mirror.example.net/p?id=1", origin="article.html")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", "Ministers meet in Geneva as talks on border security resume"),
        # The original publication date, not the later modification date.
        ("published", "2022-02-01"),
        ("authors", ("Maria Kowalski",)),
        ("tags", ("World", "Diplomacy", "Border security")),
        ("sitename", "The Northern Ledger"),
        ("language", "en"),
        # The page's canonical link beats the URL it was fetched from.
        ("url", CANONICAL),
    ],
)
def test_html_article_metadata(article, field, expected):
    assert getattr(article, field) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "Foreign ministers from both countries met in Geneva on Tuesday",
        "described the atmosphere as \"businesslike\"",
        "troop movements near the frontier",
        "calling them \"premature\".",
    ],
)
def test_html_article_body_kept(article, kept):
    assert kept in article.text


@pytest.mark.parametrize(
    "dropped",
    ["Related stories", "Sanctions threat looms", "All rights reserved", "Privacy", "Business", "Sport"],
)
def test_html_article_boilerplate_dropped(article, dropped):
    assert dropped not in article.text


def test_html_article_does_not_open_with_headline(article):
    assert article.text.startswith("Foreign ministers from both countries")
    assert article.quality.get("title_removed") is True


def test_html_article_is_frozen_and_keyword_only(article):
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        HtmlArticle("positional text")  # type: ignore[misc]


def test_html_str_input_gives_same_article_as_bytes(article):
    again = extract_html(_read("article.html").decode("utf-8"), url="https://mirror.example.net/p?id=1")
    assert again == article


def test_html_given_url_kept_when_page_has_no_canonical():
    result = extract_html(_read("malformed.html"), url="https://port.example.com/news/1")
    assert result.url == "https://port.example.com/news/1"


@pytest.mark.parametrize(
    "kept",
    [
        "The port authority closed the main harbour on Sunday",
        "No injuries were reported, the authority said in a short statement",
        "Fishermen who rely on the harbour gathered at the gates",
        "Engineers expect to publish a first damage assessment on Wednesday",
    ],
)
def test_html_malformed_markup_still_extracts(kept):
    result = extract_html(_read("malformed.html"), origin="malformed.html")
    assert kept in result.text
    assert result.title == "Harbour closed after storm damage"


@pytest.mark.parametrize(
    ("name", "phrase", "title", "language"),
    [
        ("cp1251_meta.html", "Министерство иностранных дел опровергло", "Переговоры в Женеве продолжатся на следующей неделе", "ru"),
        ("cp1251_declared_utf8.html", "обмен пленными и прямая линия связи", "Переговоры в Женеве продолжатся на следующей неделе", "ru"),
        ("latin1_undeclared.html", "Aucun blessé n'a été signalé", "Le port rouvre après la tempête", "fr"),
    ],
)
def test_html_legacy_charset_pages(name, phrase, title, language):
    result = extract_html(_read(name), origin=name)
    assert phrase in result.text
    assert result.title == title
    assert result.language == language


def test_html_http_header_charset_used():
    # The same windows-1251 bytes, with the page's own declaration stripped: only the header knows.
    data = _read("cp1251_meta.html").replace(
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', b""
    )
    result = extract_html(data, declared_charset="windows-1251")
    assert "Министерство иностранных дел" in result.text


@pytest.mark.parametrize(
    ("name", "error", "code", "reason"),
    [
        ("empty.html", InputRejected, "E100", "empty"),
        ("image.html", InputRejected, "E100", "PNG"),
        ("login.html", NoArticle, "E104", "no article text"),
    ],
)
def test_html_rejects_unusable_pages(name, error, code, reason):
    origin = str(FIXTURES / name)
    with pytest.raises(InputRejected) as caught:
        extract_html(_read(name), origin=origin)
    assert type(caught.value) is error
    assert caught.value.code == code
    assert reason in caught.value.message
    assert origin in str(caught.value)


@pytest.mark.parametrize("as_text", [False, True])
def test_html_over_cap_rejected(monkeypatch, as_text):
    data = _read("article.html")
    monkeypatch.setenv("SITREP_MAX_INPUT_BYTES", str(len(data) - 1))
    with pytest.raises(InputTooLarge) as caught:
        extract_html(data.decode("utf-8") if as_text else data, origin="big.html")
    assert caught.value.code == "E101"
    assert "big.html" in str(caught.value) and "SITREP_MAX_INPUT_BYTES" in str(caught.value)


def test_html_at_cap_accepted(monkeypatch):
    data = _read("article.html")
    monkeypatch.setenv("SITREP_MAX_INPUT_BYTES", str(len(data)))
    assert "Geneva" in extract_html(data).text


def test_html_text_cap_counts_bytes_not_characters(monkeypatch):
    # 300 Cyrillic characters are 600 UTF-8 bytes.
    page = "<html><body><p>" + "ж" * 300 + "</p></body></html>"
    monkeypatch.setenv("SITREP_MAX_INPUT_BYTES", str(len(page) + 10))
    with pytest.raises(InputTooLarge):
        extract_html(page)


def test_html_min_text_chars_setting_applies(monkeypatch):
    monkeypatch.setenv("SITREP_MIN_TEXT_CHARS", "5000")
    with pytest.raises(NoArticle, match="5000"):
        extract_html(_read("article.html"))


@pytest.mark.parametrize(
    ("lines", "title", "expected"),
    [
        (["Storm closes harbour", "The port authority said…"], "Storm closes harbour | Port News", 0),
        (["Photo: AP", "Storm closes harbour", "Body."], "Storm closes harbour", 1),
        (["Storm closes harbour by Ann Lee, Monday 18 November 2019", "Body."], "Storm closes harbour", 0),
        # A body paragraph that merely starts like the headline is kept.
        (["Storm closes harbour " + "and much more text follows here " * 5, "Body."], "Storm closes harbour", None),
        # Only the first few lines are searched.
        (["One.", "Two.", "Three.", "Storm closes harbour"], "Storm closes harbour", None),
        # Too short a headline would match ordinary lines.
        (["News", "Body."], "News", None),
        (["Body."], None, None),
    ],
)
def test_html_find_headline(lines, title, expected):
    assert find_headline(lines, title) == expected


LEAD = "Three people have died in clashes near the fuel plant outside the capital, officials said on Tuesday."
BODY = "In addition to the fatalities, the public defender said another thirty people had been injured."


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # A summary block right before the body: the lead.
        (f"<div class='summary'>{LEAD}</div><div class='text'><p>{BODY}</p></div>", LEAD),
        # Bare text before the first <br> of the body's own container: the lead.
        (f"<div class='content'>{LEAD}<br><br>{BODY}<br><br>More text.</div>", LEAD),
        # A standfirst separated from the body by a byline: not part of the body.
        (f"<p class='dek'>{LEAD}</p><p class='byline'>By Ann Lee</p><div><p>{BODY}</p></div>", None),
        # The same text in a footer or aside is never taken.
        (f"<div><p>{BODY}</p></div><footer><p>{LEAD}</p></footer>", None),
    ],
)
def test_html_recover_lead(html, expected):
    tree = load_html(f"<html><head><title>t</title></head><body>{html}</body></html>")
    assert recover_lead(tree, LEAD[:80] + "...", BODY) == expected


def test_html_recover_lead_skips_lead_already_extracted():
    tree = load_html(f"<html><body><div class='summary'>{LEAD}</div><p>{BODY}</p></body></html>")
    assert recover_lead(tree, LEAD, f"{LEAD}\n{BODY}") is None


def test_html_lead_recovered_in_full_extraction():
    paragraphs = "".join(
        f"<p>{BODY} Paragraph {i} adds more detail about the clashes and the response.</p>" for i in range(4)
    )
    page = (
        f"<html><head><title>Clashes at fuel plant</title><meta name='description' content='{LEAD}'></head>"
        f"<body><article><h1>Clashes at fuel plant</h1><div class='article__summary summary'>{LEAD}</div>"
        f"<div class='article__text'>{paragraphs}</div></article></body></html>"
    )
    result = extract_html(page)
    assert result.text.startswith(LEAD)
    assert result.quality.get("lead_recovered") is True
