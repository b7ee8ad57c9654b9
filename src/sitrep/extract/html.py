"""Web page to article: body text and metadata, with trafilatura and htmldate.

Tuned on the article-extraction benchmark (see :mod:`sitrep.evaluate.extraction`), where plain
``trafilatura.extract`` loses mostly on precision. What pays, in order:

* reader comments off and trafilatura's precision focus (drops related-story lists, teasers
  and link-dense blocks; costs less recall than it buys precision);
* a balanced-focus retry only when the precise pass finds too little (rare, so it costs
  little time) — the precision focus skips trafilatura's own rescue stage;
* the page's headline removed when the text opens with it (article bodies do not repeat it);
* the lead paragraph put back when the page's description names it and it sits right before
  (or in the same container as) the extracted body: extractors often drop a lead that is
  styled as a summary block or written as bare text before the first ``<br>``.

Junk lines inside the body ("See also …", share prompts) are left to
:mod:`sitrep.extract.junk`, which runs after this stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from lxml import etree

from sitrep import settings
from sitrep.errors import InputCorrupt, InputRejected, InputTooLarge, NoArticle

# Extraction options shared by every pass; see the module docstring for why.
_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
# htmldate: prefer the original publication date over the last modification.
_DATE_PARAMS = {"original_date": True, "extensive_search": True, "outputformat": "%Y-%m-%d"}

_WORD = re.compile(r"\w+")
#: Lines of the extracted text searched for a repeated headline.
TITLE_SEARCH_LINES = 3
#: Longest byline-and-date tail accepted after a headline on the same line.
TITLE_TAIL_CHARS = 80
# Separators between a headline and the site name in <title> ("Headline | Site").
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+")

# Inline tags continue a paragraph; any other element ends it. Used to cut a page into the
# paragraphs a reader sees when looking for the lead.
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data dfn em font i kbd mark q s samp small span strong sub sup "
    "time u var wbr img".split()
)
_NO_TEXT = frozenset("script style noscript template textarea select option button svg iframe head title".split())
_NOT_BODY = frozenset({"nav", "footer", "aside", "form"})
#: A lead must start with this many words of the page description to be recognised.
LEAD_KEY_WORDS = 8
#: Text allowed between a recovered lead and the first extracted paragraph when they are not in
#: the same container. Even a byline in between marks a standfirst, which bodies leave out.
LEAD_MAX_GAP_CHARS = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class HtmlArticle:
    """What extraction found in one page.

    Content: ``text``, the article body (paragraphs separated by newlines).

    Metadata: ``title``, ``published`` (ISO 8601 date, None when unknown), ``authors``,
    ``tags`` (categories then tags), ``sitename``, ``language`` (ISO 639-1 from the page's
    markup, None when it declares none), ``url`` (the canonical URL when the page gives one,
    else the URL it was fetched from).

    Quality: ``quality`` flags how the text was obtained, e.g. ``{"fallback": "balanced"}``,
    ``{"title_removed": True}``, ``{"lead_recovered": True}``.
    """

    text: str
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sitename: str | None = None
    language: str | None = None
    url: str | None = None
    quality: Mapping[str, Any] = field(default_factory=dict)


def _name(origin: str | None, url: str | None) -> str:
    return origin or url or "<html input>"


def _size(data: bytes | str, cap: int) -> int:
    if isinstance(data, bytes):
        return len(data)
    # A character is at most 4 UTF-8 bytes: skip encoding when the text is clearly small.
    if len(data) * 4 <= cap:
        return len(data)
    return len(data.encode("utf-8", errors="surrogatepass"))


def _norm(text: str | None) -> str:
    return " ".join(_WORD.findall((text or "").casefold()))


def _title_variants(title: str | None) -> list[str]:
    """The headline as the body might repeat it: whole, and without a "| Site" part."""
    if not title:
        return []
    variants = {_norm(title)}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        variants.add(_norm(max(parts, key=len)))
        variants.add(_norm(parts[0]))
    # Too short a variant ("News") would match ordinary one-word lines.
    return [v for v in variants if len(v.split()) >= 3]


def find_headline(lines: list[str], title: str | None) -> int | None:
    """Index of a line among the first few of ``lines`` that repeats the page headline.

    A line counts when it is the headline, or the headline followed by a short byline/date tail
    ("Headline by A. Writer, Monday …").
    """
    variants = _title_variants(title)
    if not variants:
        return None
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > TITLE_SEARCH_LINES:
            break
        norm = _norm(line)
        for variant in variants:
            if norm == variant or (
                norm.startswith(variant + " ") and len(norm) - len(variant) <= TITLE_TAIL_CHARS
            ):
                return index
    return None


def _paragraphs(block: Any) -> list[str]:
    """The text of ``block`` cut into paragraphs at ``<br>`` and block-level elements."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        joined = " ".join("".join(current).split())
        if joined:
            out.append(joined)
        current.clear()

    def walk(element: Any) -> None:
        if element.text:
            current.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in _NO_TEXT:
                if tag in _INLINE:
                    walk(child)
                else:
                    flush()
                    walk(child)
                    flush()
            if child.tail:
                current.append(child.tail)

    walk(block)
    flush()
    return out


def _text_nodes(tree: Any) -> Iterator[str]:
    """Visible text nodes of the page body, in document order."""
    body = tree.find(".//body")

    def walk(element: Any) -> Iterator[str]:
        if element.text:
            yield element.text
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in _NO_TEXT:
                yield from walk(child)
            if child.tail:
                yield child.tail

    yield from walk(body if body is not None else tree)


def recover_lead(tree: Any, description: str | None, text: str) -> str | None:
    """The lead paragraph the extraction missed, or None.

    The page description (``og:description`` / ``<meta name=description>``) usually is the
    lead, or its start. It is taken back only when it is absent from ``text``, found as a
    paragraph of the page outside navigation and footers, and placed right before the first
    extracted paragraph or in the same container: elsewhere it is a standfirst or teaser that
    article bodies leave out.
    """
    desc = " ".join((description or "").split()).rstrip(".… ")
    words = desc.split()
    if len(words) < LEAD_KEY_WORDS:
        return None
    key = _norm(" ".join(words[:LEAD_KEY_WORDS]))
    if not key or key in _norm(text):
        return None
    probe = " ".join(words[:5])
    first = next((line for line in text.split("\n") if len(line.split()) >= 6), None)
    if first is None:
        return None
    first_probe = " ".join(first.split()[:6])
    try:
        hits = tree.xpath("//body//text()[contains(normalize-space(.), $k)]", k=probe)
    except (ValueError, etree.XPathError):  # lxml refuses control characters in variables
        return None
    for node in hits:
        owner = node.getparent()
        if owner is None:
            continue
        if node.is_tail:
            owner = owner.getparent()
        if owner is None:
            continue
        chain = [owner.tag, *(a.tag for a in owner.iterancestors())]
        if any(tag in _NO_TEXT or tag in _NOT_BODY for tag in chain if isinstance(tag, str)):
            continue
        while owner.tag in _INLINE and owner.getparent() is not None:
            owner = owner.getparent()
        paragraphs = _paragraphs(owner)
        for index, para in enumerate(paragraphs):
            if not _norm(para).startswith(key):
                continue
            if not 0.6 * len(desc) <= len(para) <= max(3 * len(desc), 1500):
                continue
            # Same container as the body: the lead is just the part the extractor skipped.
            if any(first_probe in p for p in paragraphs[index + 1 :]):
                return para
            if _directly_before(tree, para, first_probe):
                return para
    return None


def _directly_before(tree: Any, lead: str, first_probe: str) -> bool:
    """True when nothing but the lead's own text lies between it and the first body paragraph."""
    lead_norm = _norm(lead)
    lead_probe = " ".join(lead.split()[:6])
    inside = False
    gap = 0
    for raw in _text_nodes(tree):
        piece = " ".join(raw.split())
        if not piece:
            continue
        if not inside:
            inside = lead_probe in piece
            continue
        if first_probe in piece:
            return True
        if _norm(piece) and _norm(piece) in lead_norm:
            continue
        gap += len(piece)
        if gap > LEAD_MAX_GAP_CHARS:
            return False
    return False


def _language(tree: Any) -> str | None:
    """The ISO 639-1 language the page declares (``<html lang>``, content-language, og:locale)."""
    candidates = tree.xpath(
        "/html/@lang | /html/@xml:lang "
        "| //meta[translate(@http-equiv,'CONTENTLAGU','contentlagu')='content-language']/@content "
        "| //meta[@property='og:locale']/@content",
        namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
    )
    for value in candidates:
        code = re.split(r"[-_,;\s]", str(value).strip().lower(), maxsplit=1)[0]
        if len(code) == 2 and code.isalpha():
            return code
    return None


def _split_authors(author: str | None) -> tuple[str, ...]:
    if not author:
        return ()
    return tuple(dict.fromkeys(a.strip() for a in author.split(";") if a.strip()))


def _run(tree: Any, url: str | None, name: str, *, precision: bool) -> Any:
    from trafilatura import bare_extraction

    try:
        return bare_extraction(
            tree,
            url=url,
            favor_precision=precision,
            with_metadata=True,
            date_extraction_params=dict(_DATE_PARAMS),
            **_OPTIONS,
        )
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError) as exc:
        # One pathological page (absurd nesting, broken markup lxml chokes on) must be
        # rejected with a reason, not stop a batch.
        raise InputCorrupt(f"the HTML could not be processed ({type(exc).__name__}: {exc})", input=name) from exc


def extract_html(
    data: bytes | str,
    *,
    url: str | None = None,
    origin: str | None = None,
    declared_charset: str | None = None,
) -> HtmlArticle:
    """Extract the article body and metadata from one web page.

    ``data`` is the page as bytes (decoded with :func:`~sitrep.extract.decode.decode_html`,
    ``declared_charset`` being the HTTP header's charset) or as text. Raises
    :class:`~sitrep.errors.InputTooLarge` over the ``max_input_bytes`` setting,
    :class:`~sitrep.errors.NoArticle` when no body text of ``min_text_chars`` is found, and
    :class:`~sitrep.errors.InputRejected` for empty, binary or unparseable input.
    """
    from trafilatura.utils import load_html

    name = _name(origin, url)
    cap = settings.get("max_input_bytes")
    size = _size(data, cap)
    if size > cap:
        raise InputTooLarge(
            f"page is {size:,} bytes, over the {cap:,}-byte cap "
            f"(raise it with SITREP_MAX_INPUT_BYTES if this is really one article)",
            input=name,
        )
    if isinstance(data, bytes):
        from sitrep.extract.decode import decode_html

        html = decode_html(data, declared=declared_charset, origin=name)
    else:
        html = data
        if not html.strip():
            raise InputRejected("the input is empty", input=name)

    try:
        tree = load_html(html)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise InputCorrupt(f"not parseable as HTML ({exc})", input=name) from exc
    if tree is None:
        raise InputRejected("not parseable as HTML", input=name)

    minimum = settings.get("min_text_chars")
    quality: dict[str, Any] = {}
    doc = _run(tree, url, name, precision=True)
    if doc is None or len(doc.text or "") < minimum:
        # The precision focus skips trafilatura's baseline rescue; a short page gets one
        # balanced pass before it is given up on.
        retry = _run(tree, url, name, precision=False)
        if retry is not None and len(retry.text or "") > len(getattr(doc, "text", None) or ""):
            doc = retry
            quality["fallback"] = "balanced"
    if doc is None:
        raise NoArticle("no article text found; the page may be an index, a login page or a paywall", input=name)

    lines = (doc.text or "").split("\n")
    start = 0
    headline = find_headline(lines, doc.title)
    if headline is not None:
        del lines[headline]
        start = headline
        quality["title_removed"] = True
    lead = recover_lead(tree, doc.description, "\n".join(lines[start:]))
    if lead:
        lines.insert(start, lead)
        quality["lead_recovered"] = True
        if start:
            # Headline, then its lead: the article starts here, and what came before it was
            # a teaser or sidebar that the extractor let in.
            quality["dropped_before_headline"] = start
            del lines[:start]
    text = "\n".join(lines).strip()
    if len(text) < minimum:
        raise NoArticle(
            f"no article text found ({len(text)} characters, fewer than the {minimum} "
            f"required); the page may be an index, a login page or a paywall",
            input=name,
        )

    tags = tuple(dict.fromkeys(t.strip() for t in [*(doc.categories or []), *(doc.tags or [])] if t and t.strip()))
    return HtmlArticle(
        text=text,
        title=doc.title or None,
        published=doc.date or None,
        authors=_split_authors(doc.author),
        tags=tags,
        sitename=doc.sitename or None,
        language=_language(tree),
        url=doc.url or url,
        quality=quality,
    )
