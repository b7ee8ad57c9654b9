"""Score :func:`sitrep.analyze.times.find_times` on TimeML and MEANTIME gold files.

Two formats are read, from the ``.tml`` and ``.xml`` files of a folder and its subfolders
(other files, such as a corpus README, are not documents and are passed over):

- TimeML (``.tml``, or ``.xml`` whose root is ``TimeML``): the document text is the content of
  ``<TEXT>`` with the tags taken out, and each ``<TIMEX3>`` inside it is a gold expression.
  The document creation time (DCT) is the ``TIMEX3`` with
  ``functionInDocument="CREATION_TIME"`` (usually inside ``<DCT>``), or the text of ``<DCT>``.
- MEANTIME (``.xml`` whose root is ``Document``, NAF-like): tokens with ids, and ``TIMEX3``
  markables that point at token ids. The text is rebuilt from the tokens (no space before
  closing punctuation, one line per title or dateline); the DCT is the ``TIMEX3`` with
  ``functionInDocument="CREATION_TIME"``. MEANTIME annotates time expressions only in the
  title and the first sentences of each article (sentence numbers 0 to 5: title, dateline and
  four more; no TIMEX3 lies beyond), so predictions after that are not scored.

``find_times`` runs on the document text with the DCT as anchor. The DCT expression itself is
left out of the gold, and so is any prediction overlapping it (in MEANTIME it is the dateline
inside the text; in TimeML it sits outside ``<TEXT>``, so nothing overlaps it).

Figures are TempEval-3's: strict span F1 (same start and end), relaxed span F1 (overlap), and
value F1 (a prediction is right when it overlaps a gold expression, one to one, and has the
same value; precision over predictions, recall over gold). Values are compared as written,
except that a week number is read with or without its leading zero ("2000-W7" is
"2000-W07").
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from sitrep.analyze.times import find_times
from sitrep.errors import InputCorrupt

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GoldTimex:
    """One gold expression: character span in the document text, and its TIMEX3 value."""

    start: int
    end: int
    value: str
    type: str = ""


@dataclass(slots=True)
class GoldDocument:
    """A document as the scorer sees it: text, DCT (ISO date) and gold expressions."""

    path: Path
    corpus: str
    text: str
    dct: str | None
    timexes: list[GoldTimex]
    dct_span: tuple[int, int] | None = None
    scope_end: int | None = None  # predictions starting here or later are not scored


@dataclass(slots=True)
class _Counts:
    n_gold: int = 0
    n_pred: int = 0
    strict: int = 0
    relaxed_pred: int = 0
    relaxed_gold: int = 0
    value_ok: int = 0
    n_docs: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)

    def add(self, other: "_Counts") -> None:
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        self.strict += other.strict
        self.relaxed_pred += other.relaxed_pred
        self.relaxed_gold += other.relaxed_gold
        self.value_ok += other.value_ok
        self.n_docs += other.n_docs
        self.skipped.extend(other.skipped)

    def report(self) -> dict[str, Any]:
        def f1(p_num: int, r_num: int) -> tuple[float, float, float]:
            p = p_num / self.n_pred if self.n_pred else 0.0
            r = r_num / self.n_gold if self.n_gold else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        sp, sr, sf = f1(self.strict, self.strict)
        rp, rr, rf = f1(self.relaxed_pred, self.relaxed_gold)
        vp, vr, vf = f1(self.value_ok, self.value_ok)
        return {
            "span_f1_strict": round(sf, 4),
            "span_f1_relaxed": round(rf, 4),
            "value_f1": round(vf, 4),
            "span_precision_strict": round(sp, 4),
            "span_recall_strict": round(sr, 4),
            "span_precision_relaxed": round(rp, 4),
            "span_recall_relaxed": round(rr, 4),
            "value_precision": round(vp, 4),
            "value_recall": round(vr, 4),
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
            "n_docs": self.n_docs,
            "n_skipped": len(self.skipped),
            "skipped": list(self.skipped),
        }


# ---------------------------------------------------------------------------------------------
# Readers

def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputCorrupt(f"not well-formed XML ({exc}); fix or remove the file",
                           input=str(path)) from exc


def _dct_date(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"(\d{4}-\d{2}-\d{2})", value.strip())
    return m.group(1) if m else None


def read_timeml(path: Path, root: ET.Element, corpus: str) -> GoldDocument:
    """A TimeML document: text of ``<TEXT>``, its ``TIMEX3`` spans, and the DCT."""
    text_el = root.find(".//TEXT")
    if text_el is None:
        raise _Skip("no <TEXT> element")
    dct_value: str | None = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            dct_value = t.get("value")
            break
    if dct_value is None:
        dct_el = root.find(".//DCT")
        if dct_el is not None:
            dct_value = "".join(dct_el.itertext()).strip()
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    dct_span: tuple[int, int] | None = None
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos, dct_span
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3":
            if el.get("functionInDocument") == "CREATION_TIME":
                dct_span = (start, pos)
            elif pos > start:
                timexes.append(GoldTimex(start, pos, el.get("value") or "", el.get("type") or ""))

    walk(text_el)
    text = "".join(parts)
    return GoldDocument(path, corpus, text, _dct_date(dct_value), timexes, dct_span)


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'re",
                    "'ll", "'ve", "'d", "'m", "’s", "...", "''"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "#"}
_CONTRACTIONS = {"s", "re", "ll", "ve", "d", "m", "t"}
#: MEANTIME sentences (0-based ``sentence`` attribute) that carry time annotation.
MEANTIME_ANNOTATED_SENTENCES = 6


def read_meantime(path: Path, root: ET.Element, corpus: str) -> GoldDocument:
    """A MEANTIME document: text rebuilt from the tokens, ``TIMEX3`` markables as spans."""
    tokens = [(t.get("t_id"), t.get("sentence"), t.text or "") for t in root.iter("token")]
    if not tokens:
        raise _Skip("no tokens")
    spans: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    pos = 0
    scope_end: int | None = None
    prev_tok: str | None = None
    prev_sent: str | None = None
    quote_open = False
    for i, (tid, sent, tok) in enumerate(tokens):
        nxt = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        if tok == '"':
            quote_open = not quote_open
        if prev_tok is None:
            sep = ""
        elif sent != prev_sent:
            # Titles and datelines have no final stop: a line of their own, as in the page.
            sep = " " if prev_tok in {".", "!", "?", '"', "'"} else "\n"
        elif tok in _NO_SPACE_BEFORE or prev_tok in _NO_SPACE_AFTER:
            sep = ""
        elif tok == "'" and nxt.lower() in _CONTRACTIONS:
            sep = ""
        elif prev_tok == "'" and tok.lower() in _CONTRACTIONS:
            sep = ""
        elif tok == '"' and not quote_open:
            sep = ""  # a closing quote
        elif prev_tok == '"' and quote_open:
            sep = ""  # right after an opening quote
        else:
            sep = " "
        if sep:
            parts.append(sep)
            pos += len(sep)
        if scope_end is None and sent is not None and sent.isdigit() and \
                int(sent) >= MEANTIME_ANNOTATED_SENTENCES:
            scope_end = pos
        if tid is not None:
            spans[tid] = (pos, pos + len(tok))
        parts.append(tok)
        pos += len(tok)
        prev_tok, prev_sent = tok, sent
    text = "".join(parts)
    markables = root.find("Markables")
    timexes: list[GoldTimex] = []
    dct_value: str | None = None
    dct_span: tuple[int, int] | None = None
    for t in (markables.iter("TIMEX3") if markables is not None else ()):
        ids = [a.get("t_id") for a in t.iter("token_anchor")]
        ids = [i for i in ids if i in spans]
        span = (min(spans[i][0] for i in ids), max(spans[i][1] for i in ids)) if ids else None
        if t.get("functionInDocument") == "CREATION_TIME":
            dct_value = t.get("value")
            dct_span = span
            continue
        if span is None:
            continue  # an instance-level timex with no words in the text
        timexes.append(GoldTimex(span[0], span[1], t.get("value") or "", t.get("type") or ""))
    return GoldDocument(path, corpus, text, _dct_date(dct_value), timexes, dct_span, scope_end)


class _Skip(Exception):
    """A document that can be read but not scored; the message says why."""


def read_gold(path: Path, corpus: str) -> GoldDocument:
    """Read one gold file; raises :class:`InputCorrupt` for XML that does not parse."""
    root = _parse_xml(path)
    tag = root.tag.split("}")[-1]
    if tag == "TimeML" or root.find(".//TEXT") is not None:
        doc = read_timeml(path, root, corpus)
    elif tag == "Document" and root.find("token") is not None:
        doc = read_meantime(path, root, corpus)
    else:
        raise _Skip(f"neither TimeML nor MEANTIME (root element <{tag}>)")
    if doc.dct is None:
        raise _Skip("no document creation time (no CREATION_TIME timex or <DCT>)")
    return doc


# ---------------------------------------------------------------------------------------------
# Scoring

_WEEK = re.compile(r"-W(\d)(?!\d)")


def _canonical(value: str) -> str:
    return _WEEK.sub(r"-W0\1", value.strip().upper())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _scored(doc: GoldDocument, start: int, end: int) -> bool:
    if doc.dct_span and _overlap((start, end), doc.dct_span) > 0:
        return False
    return doc.scope_end is None or start < doc.scope_end


def score_document(doc: GoldDocument, predictions: Iterable[tuple[int, int, str]]) -> _Counts:
    """Counts for one document; ``predictions`` are ``(start, end, value)``."""
    preds = [p for p in predictions if _scored(doc, p[0], p[1])]
    gold = doc.timexes
    c = _Counts(n_gold=len(gold), n_pred=len(preds), n_docs=1)
    gold_spans = {(g.start, g.end) for g in gold}
    c.strict = sum(1 for p in {(p[0], p[1]) for p in preds} if p in gold_spans)
    # One-to-one matching by overlap: a prediction takes the overlapping gold expression with
    # the same value if there is one, else the one it overlaps most.
    used: set[int] = set()
    for ps, pe, pv in sorted(preds):
        best: tuple[int, int, int] | None = None
        for i, g in enumerate(gold):
            if i in used:
                continue
            ov = _overlap((ps, pe), (g.start, g.end))
            if ov <= 0:
                continue
            same = int(_canonical(g.value) == _canonical(pv))
            key = (same, ov, -i)
            if best is None or key > best:
                best = key
        if best is None:
            continue
        i = -best[2]
        used.add(i)
        c.relaxed_pred += 1
        if best[0]:
            c.value_ok += 1
    c.relaxed_gold = len(used)
    return c


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in (".tml", ".xml"))


def _corpus_of(path: Path, directory: Path) -> str:
    rel = path.relative_to(directory)
    return rel.parts[0] if len(rel.parts) > 1 else directory.name


def _parser(parse: bool):
    """The spaCy pipeline to parse documents with, or None when parsing is off or no pipeline
    is installed (``find_times`` then reads tense from the words around an expression)."""
    if not parse:
        return None
    try:
        from sitrep.analyze.nlp import load_pipeline

        return load_pipeline()
    except Exception as exc:  # PipelineUnavailable, or spaCy missing altogether
        log.warning("scoring times without a parse: %s", exc)
        return None


def _predictions(directory: Path, parse: bool
                 ) -> Iterable[tuple[Path, str, "GoldDocument | _Skip", list]]:
    """Each gold file under ``directory`` with its corpus, the document read (or the
    :class:`_Skip` saying why it cannot be scored) and ``find_times``'s records for it; with
    a parser, documents are parsed in batches and the parse is passed on."""
    nlp = _parser(parse)
    batch: list[tuple[Path, str, GoldDocument | _Skip]] = []

    def flush():
        readable = [d for _, _, d in batch if isinstance(d, GoldDocument)]
        parsed = iter(nlp.pipe([d.text for d in readable], batch_size=16)) if nlp else None
        for path, corpus, doc in batch:
            if not isinstance(doc, GoldDocument):
                yield path, corpus, doc, []
                continue
            parse_ = next(parsed) if parsed is not None else None
            yield path, corpus, doc, find_times(doc.text, doc_id=path.stem, anchor=doc.dct,
                                                doc=parse_)
        batch.clear()

    for path in _files(directory):
        corpus = _corpus_of(path, directory)
        try:
            batch.append((path, corpus, read_gold(path, corpus)))
        except _Skip as why:
            batch.append((path, corpus, why))
        if len(batch) >= 32:
            yield from flush()
    yield from flush()


def evaluate_time(directory: Path, *, parse: bool = True) -> dict[str, Any]:
    """Score ``find_times`` on every ``.tml``/``.xml`` gold file under ``directory``.

    Returns ``span_f1_strict``, ``span_f1_relaxed``, ``value_f1`` (with their precisions and
    recalls), ``n_gold``, ``n_pred``, ``n_docs`` and ``n_skipped`` with ``skipped`` (one
    ``{"file", "reason"}`` per document that could not be scored, e.g. one without a creation
    time). When the files come from more than one top-level subfolder, ``by_corpus`` has the
    same figures per subfolder. With ``parse`` (the default) each document is parsed with
    the spaCy pipeline first, so that the tense of the verb governing an expression decides
    its direction, as in the analyze stage; without it (or without an installed pipeline)
    ``find_times`` reads plain text. Raises :class:`~sitrep.errors.InputCorrupt` (an
    ``InputRejected``) naming the file when one is not well-formed XML, and
    ``FileNotFoundError`` when ``directory`` does not exist.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such folder of TimeML/MEANTIME files")
    per_corpus: dict[str, _Counts] = {}
    for path, corpus, doc, refs in _predictions(directory, parse):
        counts = per_corpus.setdefault(corpus, _Counts())
        if not isinstance(doc, GoldDocument):
            log.warning("skipping %s: %s", path, doc)
            counts.skipped.append({"file": str(path), "reason": str(doc)})
            continue
        counts.add(score_document(doc, ((r.start, r.end, r.value) for r in refs)))
    total = _Counts()
    for c in per_corpus.values():
        total.add(c)
    report = total.report()
    if len(per_corpus) > 1:
        report["by_corpus"] = {name: c.report() for name, c in sorted(per_corpus.items())}
    return report


def error_listing(directory: Path, *, parse: bool = True) -> list[dict[str, Any]]:
    """Every disagreement with the gold, for error analysis: one row per missed, spurious or
    wrongly valued expression, with the text around it (``parse`` as in
    :func:`evaluate_time`)."""
    rows: list[dict[str, Any]] = []
    directory = Path(directory)
    for path, _corpus, doc, found in _predictions(directory, parse):
        if not isinstance(doc, GoldDocument):
            continue
        refs = [r for r in found if _scored(doc, r.start, r.end)]
        matched: set[int] = set()
        for r in refs:
            hit = [g for g in doc.timexes if _overlap((r.start, r.end), (g.start, g.end)) > 0]
            ctx = doc.text[max(0, r.start - 60):r.end + 40].replace("\n", " ")
            if not hit:
                rows.append({"kind": "spurious", "file": path.name, "dct": doc.dct,
                             "text": r.text, "pred": r.value, "gold": None, "context": ctx})
                continue
            g = max(hit, key=lambda g: (_canonical(g.value) == _canonical(r.value),
                                        _overlap((r.start, r.end), (g.start, g.end))))
            matched.add(doc.timexes.index(g))
            if _canonical(g.value) != _canonical(r.value):
                rows.append({"kind": "value", "file": path.name, "dct": doc.dct,
                             "text": r.text, "gold_text": doc.text[g.start:g.end],
                             "pred": r.value, "gold": g.value, "context": ctx})
            elif (r.start, r.end) != (g.start, g.end):
                rows.append({"kind": "span", "file": path.name, "dct": doc.dct,
                             "text": r.text, "gold_text": doc.text[g.start:g.end],
                             "pred": r.value, "gold": g.value, "context": ctx})
        for i, g in enumerate(doc.timexes):
            if i not in matched:
                ctx = doc.text[max(0, g.start - 60):g.end + 40].replace("\n", " ")
                rows.append({"kind": "missed", "file": path.name, "dct": doc.dct,
                             "text": doc.text[g.start:g.end], "pred": None, "gold": g.value,
                             "type": g.type, "context": ctx})
    return rows
