"""Score article-body extraction on a folder in the article-extraction-benchmark layout.

The layout is ``ground-truth.json`` (``{id: {"articleBody": ..., "url": ...}}``) next to
``html/<id>.html.gz``. The metric is the benchmark's own, so figures are comparable with the
published ones: word tokens (``\\w+``, case kept as the benchmark's tokenizer keeps it),
4-gram shingles counted as a multiset, per-document true/false positives and false negatives
normalised by their sum, precision averaged over documents that predicted something, recall
over documents whose truth is non-empty, and F1 from the two averages.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from sitrep.errors import InputRejected

_TOKEN = re.compile(r"\w+", re.UNICODE)
NGRAM = 4


def _shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # The benchmark keeps one (short) shingle for texts under n tokens, so a three-word
    # prediction still counts as a prediction rather than as nothing.
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """Per-document (tp, fp, fn) over 4-gram shingles, normalised to sum to 1 (or all 0)."""
    gold, guess = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in gold.keys() | guess.keys():
        t, p = gold.get(key, 0), guess.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    # Normalising keeps long articles from outweighing short ones.
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def score(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 over ``(truth, prediction)`` pairs, as the benchmark computes them.

    An empty prediction is left out of the precision average (it claimed nothing) but scores 0
    recall against a non-empty truth; a pair where both are empty is left out of both.
    """
    counts = [shingle_match(true, pred) for true, pred in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n": len(pairs)}


def load_benchmark(directory: Path) -> list[tuple[str, str, bytes]]:
    """``(id, truth, gzip-decoded html bytes)`` for each document of a benchmark folder.

    Raises :class:`~sitrep.errors.InputRejected` when the folder is not in the benchmark layout.
    """
    directory = Path(directory)
    truth_path = directory / "ground-truth.json"
    html_dir = directory / "html"
    if not truth_path.is_file() or not html_dir.is_dir():
        raise InputRejected(
            "not an extraction benchmark folder: expected ground-truth.json and an html/ "
            "folder of <id>.html.gz files",
            input=str(directory),
        )
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputRejected(f"ground-truth.json is not readable JSON ({exc})", input=str(truth_path))
    if not isinstance(truth, dict) or not truth:
        raise InputRejected("ground-truth.json must map ids to records", input=str(truth_path))
    docs = []
    for key in sorted(truth):
        record = truth[key]
        page = html_dir / f"{key}.html.gz"
        if not isinstance(record, dict) or not page.is_file():
            raise InputRejected(
                f"document {key!r} has no articleBody record or no html/{key}.html.gz",
                input=str(directory),
            )
        try:
            data = gzip.decompress(page.read_bytes())
        except (OSError, EOFError) as exc:
            raise InputRejected(f"cannot decompress ({exc})", input=str(page))
        docs.append((key, record.get("articleBody") or "", data))
    return docs


def extract_for_eval(data: bytes, *, origin: str | None = None) -> str:
    """The body text the full HTML path stores for one page, as the ingest pipeline makes it.

    That is :func:`~sitrep.extract.html.extract_html`, then normalisation and junk removal
    (:func:`sitrep.extract.to_document`). A page the pipeline rejects yields the empty string,
    which the metric scores as an empty prediction.
    """
    from sitrep.extract import to_document
    from sitrep.sources import RawItem

    try:
        return to_document(RawItem(origin=origin or "<benchmark page>", content=data, kind="html")).text
    except InputRejected:
        return ""


def _baseline(data: bytes, *, origin: str | None = None) -> str:
    import trafilatura

    # The benchmark's own runner decodes the gzip as UTF-8 and calls extract with defaults.
    return trafilatura.extract(data.decode("utf-8", errors="replace")) or ""


def evaluate_extraction(directory: Path, *, baseline: bool = False) -> dict[str, Any]:
    """Score our HTML extraction (or plain trafilatura, with ``baseline``) on a benchmark folder.

    Returns ``{"precision", "recall", "f1", "n"}``.
    """
    run: Callable[..., str] = _baseline if baseline else extract_for_eval
    pairs = [(truth, run(data, origin=key)) for key, truth, data in load_benchmark(directory)]
    return score(pairs)
