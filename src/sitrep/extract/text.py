"""Plain-text articles: split the metadata header (title, dateline, tags) from the body.

Text saved from a web page often keeps its header: a title line (sometimes repeated, sometimes
with a "| section" suffix), a counter, a "Posted on <date> at <time> in" dateline and a tags
line. The shapes are described in ``data/text_header.yaml``; nothing here is specific to one
site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from sitrep.records import normalise_for_id


@dataclass(frozen=True, kw_only=True, slots=True)
class TextArticle:
    """A plain-text article split into metadata and body."""

    title: str | None = None
    published: str | None = None
    tags: tuple[str, ...] = ()
    body: str
    flags: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class _HeaderRules:
    header_lines: int
    max_header_line: int
    suffix_separators: tuple[str, ...]
    suffix_max_len: int
    datelines: tuple[re.Pattern[str], ...]
    taglines: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _rules() -> _HeaderRules:
    raw = yaml.safe_load(
        resources.files("sitrep.data").joinpath("text_header.yaml").read_text("utf-8")
    )
    return _HeaderRules(
        header_lines=int(raw["header_lines"]),
        max_header_line=int(raw["max_header_line"]),
        suffix_separators=tuple(raw["title_suffix_separators"]),
        suffix_max_len=int(raw["title_suffix_max_len"]),
        datelines=tuple(re.compile(p, re.IGNORECASE) for p in raw["datelines"]),
        taglines=tuple(re.compile(p, re.IGNORECASE) for p in raw["taglines"]),
    )


_DATE_FORMATS = (
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%A, %b %d, %Y",
    "%A %B %d, %Y",
    "%A, %d %B %Y",
    "%Y-%m-%d",
    "%B %Y",
)


def parse_date(date_text: str, time_text: str | None = None) -> str | None:
    """An ISO 8601 string for a dateline's date (and time), or None when it does not parse.

    Common formats are parsed exactly; dateparser (English only: auto-detection misreads
    English datelines) handles the rest.
    """
    cleaned = re.sub(r"\s+", " ", date_text.strip().rstrip(",").replace("Sept", "Sep"))
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    parsed: datetime | None = None
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        import dateparser  # slow to import; most datelines never need it

        parsed = dateparser.parse(cleaned, languages=["en"], settings={"STRICT_PARSING": True})
        if parsed is None:
            return None
    day = parsed.date().isoformat()
    if not time_text:
        return day
    match = re.match(r"(\d{1,2})[:.](\d{2})\s*([ap])?", time_text.strip().lower())
    if not match:
        return day
    hour, minute = int(match.group(1)), int(match.group(2))
    if match.group(3) == "p" and hour < 12:
        hour += 12
    if match.group(3) == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day
    return f"{day}T{hour:02d}:{minute:02d}"


def split_title_suffix(title: str) -> tuple[str, str | None]:
    """Split "Title | Section" into the title and a short suffix (site or section name)."""
    rules = _rules()
    for sep in rules.suffix_separators:
        if sep in title:
            head, _, tail = title.rpartition(sep)
            if head.strip() and 0 < len(tail.strip()) <= rules.suffix_max_len:
                return head.strip(), tail.strip()
    return title.strip(), None


def _split_tags(line: str) -> tuple[str, ...]:
    parts = re.split(r"\s*[,;|]\s*", line) if re.search(r"[,;|]", line) else line.split()
    return tuple(p.strip() for p in parts if p.strip())


def _match_dateline(line: str) -> re.Match[str] | None:
    for pattern in _rules().datelines:
        match = pattern.fullmatch(line)
        if match and parse_date(match.group("date")):
            return match
    return None


def _reads_as_sentence(line: str) -> bool:
    return bool(re.search(r"[.!?][\"”’']?$", line)) and len(line.split()) > 15


def parse_text_article(text: str, *, has_title: bool = True) -> TextArticle:
    """Split a plain-text article into title, published date, tags and body.

    ``has_title=False`` is for bodies whose container already gave the title (CSV, feeds):
    then the first line is only taken as a header line when it is a dateline or repeats
    nothing but header material.
    """
    rules = _rules()
    lines = text.splitlines()
    title: str | None = None
    title_key: str | None = None
    published: str | None = None
    tags: tuple[str, ...] = ()
    flags: dict[str, Any] = {}
    body_start = 0
    expect_tags = False
    seen = 0
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            body_start = index + 1
            continue
        seen += 1
        if seen > rules.header_lines or len(line) > rules.max_header_line:
            break
        if expect_tags:
            tags = _split_tags(line)
            expect_tags = False
            body_start = index + 1
            continue
        dateline = _match_dateline(line) if published is None else None
        if dateline:
            published = parse_date(dateline.group("date"), dateline.groupdict().get("time"))
            expect_tags = bool(dateline.groupdict().get("tags_follow"))
            body_start = index + 1
            continue
        tagline = next((m for p in rules.taglines if (m := p.fullmatch(line))), None)
        if tagline:
            tags = _split_tags(tagline.group("tags"))
            body_start = index + 1
            continue
        if re.fullmatch(r"\d{1,6}", line):
            flags["counter"] = flags.get("counter", 0) + 1
            body_start = index + 1
            continue
        if title is None and has_title and seen == 1:
            title, suffix = split_title_suffix(line)
            title_key = normalise_for_id(line)
            if suffix:
                flags["title_suffix"] = suffix
            body_start = index + 1
            continue
        if title_key is not None and normalise_for_id(line) == title_key:
            flags["repeated_title"] = flags.get("repeated_title", 0) + 1
            body_start = index + 1
            continue
        # The first line that is none of the above starts the body.
        break
    if title is not None and published is None and not tags and _reads_as_sentence(title):
        # With no dateline to confirm it, a long first line ending in a full stop is the
        # body's first paragraph, not a headline.
        title, body_start, flags = None, 0, {}
    body = "\n".join(lines[body_start:]).strip()
    return TextArticle(title=title, published=published, tags=tags, body=body, flags=flags)
