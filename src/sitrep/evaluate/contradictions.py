"""Score relations between statements on the project's contradiction test set.

The set (``data/eval/contradictions.jsonl``, described in ``data/eval/CONTRADICTIONS.md``)
holds pairs of passages from news, each with the statement of interest, labelled
``contradicts``, ``corroborates`` or ``unrelated``. Passages whose text may not be stored in
the project carry a ``ref`` into ``../shared`` (path, zip member, character offsets and a
hash of the passage) instead of their text.

Passages from two articles are analysed as two documents (the full per-document pipeline:
actors, times, events, statements, propositions) and related as two stored documents are, by
:func:`sitrep.statements.relations.relate`. Passages from one article are read as that article
is read: joined in text order into one document, whose own relations
(:func:`~sitrep.statements.relations.document_relations`) are kept, so a denial can answer the
claim before it. Only statements whose cue or content overlaps the side's passage, or its
``focus`` (character offsets into the passage) when given, take part. The predicted label is
the kind of the strongest relation found between the two sides, or ``unrelated`` when there
is none.

Figures: precision, recall and F1 for ``contradicts`` and for ``corroborates``, accuracy over
the three labels, the confusion matrix, figures per part (``seed``, ``wn``, ``bbc``: the id's
prefix), and the mistaken items.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any, Mapping

from sitrep.errors import InputRejected
from sitrep.records import Document, Statement

LABELS = ("contradicts", "corroborates", "unrelated")


def _hash(text: str, n: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def default_shared(gold: Path) -> Path | None:
    """``<repo>/../shared`` for a gold file at ``<repo>/data/eval/<file>``."""
    parents = Path(gold).resolve().parents
    return parents[3] / "shared" if len(parents) > 3 else None


class _Shared:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.cache: dict[tuple[str, str | None], str | None] = {}

    def text(self, path: str, member: str | None) -> str | None:
        key = (path, member)
        if key not in self.cache:
            full = self.root / path if self.root is not None else None
            if full is None or not full.exists():
                self.cache[key] = None
            elif member:
                with zipfile.ZipFile(full) as zf:
                    self.cache[key] = zf.read(member).decode("utf-8")
            else:
                self.cache[key] = full.read_text(encoding="utf-8")
        return self.cache[key]


def load_pairs(path: Path, shared: Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The labelled pairs with each side's text resolved; items whose ``../shared`` source is
    missing are left out and named in the messages. A passage whose hash differs (the shared
    file changed) is an error: its offsets would point at other words."""
    reader = _Shared(Path(shared) if shared is not None else default_shared(path))
    items: list[dict[str, Any]] = []
    messages: list[str] = []
    where = str(path)
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputRejected(f"line {n} is not JSON: {exc}", input=where) from exc
        if item.get("label") not in LABELS:
            raise InputRejected(f"item {item.get('id')}: label must be one of {', '.join(LABELS)}", input=where)
        missing = False
        for key in ("a", "b"):
            side = item.get(key) or {}
            if side.get("text"):
                continue
            ref = side.get("ref")
            if not isinstance(ref, Mapping) or Path(ref.get("path", "/")).is_absolute():
                raise InputRejected(f"item {item.get('id')} side {key} has neither text nor a relative ref", input=where)
            whole = reader.text(ref["path"], ref.get("member"))
            if whole is None:
                missing = True
                break
            text = whole[ref["start"] : ref["end"]]
            if _hash(text, len(ref["sha256"])) != ref["sha256"]:
                raise InputRejected(
                    f"item {item['id']}: the text of {ref['path']} at {ref['start']}..{ref['end']} is not the "
                    "labelled passage (sha256 differs); the shared data changed", input=where)
            side["text"] = text
        if missing:
            messages.append(f"{item['id']}: its ../shared source is not available; skipped")
            continue
        items.append(item)
    return items, messages


def _article(side: Mapping[str, Any]) -> tuple[str, str] | None:
    ref = side.get("ref")
    if ref:
        return (ref["path"], ref.get("member") or "")
    return ("origin", side["origin"]) if side.get("origin") and "start" in side else None


def _start(side: Mapping[str, Any]) -> int:
    return int(side["ref"]["start"]) if side.get("ref") else int(side.get("start", 0))


def _side_span(side: Mapping[str, Any], offset: int) -> list[int]:
    """The characters of the document that the side's statements must touch: its focus, else
    its whole passage."""
    a, b = side.get("focus") or (0, len(side["text"]))
    return [offset + a, offset + b]


def _focused(statements: list[Statement], focus: list[int] | None) -> list[Statement]:
    if not focus:
        return statements
    a, b = focus
    out = []
    for s in statements:
        spans = [(s.cue["start"], s.cue["end"])] + [(x["start"], x["end"]) for x in (s.content.get("segments") or [s.content])]
        if any(x < b and a < y for x, y in spans):
            out.append(s)
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Precision, recall, F1 per relation kind, accuracy and confusion for label lists."""
    out: dict[str, Any] = {}
    for kind in ("contradicts", "corroborates"):
        tp = sum(1 for g, p in zip(gold, predicted) if g == p == kind)
        fp = sum(1 for g, p in zip(gold, predicted) if p == kind and g != kind)
        fn = sum(1 for g, p in zip(gold, predicted) if g == kind and p != kind)
        out[kind] = _prf(tp, fp, fn)
    out["accuracy"] = round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 3) if gold else 0.0
    out["confusion"] = {g: {p: sum(1 for x, y in zip(gold, predicted) if x == g and y == p) for p in LABELS} for g in LABELS}
    out["n"] = len(gold)
    return out


def evaluate_contradictions(path: Path, *, shared: Path | None = None) -> dict[str, Any]:
    """Figures for the contradiction test set at ``path`` (see the module docstring)."""
    from sitrep.analyze import analyze_documents
    from sitrep.statements.relations import relate

    items, messages = load_pairs(Path(path), shared)
    documents = []
    layout: dict[str, dict[str, tuple[str, int]]] = {}  # item id → side → (document id, offset)
    for item in items:
        a, b = item["a"], item["b"]
        if _article(a) is not None and _article(a) == _article(b):
            # Both passages come from one article: read them as that article would be read,
            # in text order, so that a denial can answer the claim before it.
            if _start(a) == _start(b):
                text, offsets = a["text"], {"a": 0, "b": 0}
            else:
                first, second = ("a", "b") if _start(a) < _start(b) else ("b", "a")
                text = item[first]["text"] + "\n\n" + item[second]["text"]
                offsets = {first: 0, second: len(item[first]["text"]) + 2}
            doc_id = f"{item['id']}:ab"
            documents.append(Document(id=doc_id, text=text, published=a.get("date")))
            layout[item["id"]] = {k: (doc_id, offsets[k]) for k in ("a", "b")}
        else:
            layout[item["id"]] = {}
            for key in ("a", "b"):
                side = item[key]
                documents.append(Document(id=f"{item['id']}:{key}", text=side["text"], published=side.get("date")))
                layout[item["id"]][key] = (f"{item['id']}:{key}", 0)
    statements: dict[str, list[Statement]] = {}
    relations_in: dict[str, list[Any]] = {}
    for analysis in analyze_documents(documents):
        statements[analysis.document.id] = list(analysis.statements)
        relations_in[analysis.document.id] = list(analysis.relations)
    gold: list[str] = []
    predicted: list[str] = []
    parts: dict[str, tuple[list[str], list[str]]] = {}
    mistakes = []
    for item in items:
        (doc_a, off_a), (doc_b, off_b) = layout[item["id"]]["a"], layout[item["id"]]["b"]
        sa = _focused(statements[doc_a], _side_span(item["a"], off_a))
        sb = _focused(statements[doc_b], _side_span(item["b"], off_b))
        if doc_a == doc_b:
            ids_a, ids_b = {s.id for s in sa}, {s.id for s in sb}
            relations = [r for r in relations_in[doc_a]
                         if (r.a in ids_a and r.b in ids_b) or (r.a in ids_b and r.b in ids_a)]
        else:
            relations = relate(sa, sb)
        label = max(relations, key=lambda r: r.score).kind if relations else "unrelated"
        gold.append(item["label"])
        predicted.append(label)
        g, p = parts.setdefault(item["id"].split("-")[0], ([], []))
        g.append(item["label"])
        p.append(label)
        if label != item["label"]:
            mistakes.append({"id": item["id"], "gold": item["label"], "predicted": label,
                             "statements": [len(sa), len(sb)]})
    result = score(gold, predicted)
    result["by_part"] = {k: {kk: v for kk, v in score(g, p).items() if kk != "confusion"} for k, (g, p) in sorted(parts.items())}
    result["n_skipped"] = len(messages)
    result["messages"] = messages
    result["mistakes"] = mistakes
    return result
