"""Score :func:`sitrep.statements.extract_statements` on PolNeAR attribution relations.

PolNeAR ships each split as ``<split>/text/<article>.txt`` and
``<split>/attributions/<article>_<annotator>.ann`` (BRAT standoff). Text-bound lines
``T<n>\\t<Role> <start> <end>[;<start> <end>...]\\t<text>`` give ``Source``, ``Cue`` and
``Content`` spans (a span may have several fragments, separated by ``;``); event lines
``E<n>\\tAttribution:T<a> Content:T<c> Cue:T<q> [Source:T<s>]`` tie them into one attribution
(``Attribution-no-source`` when the source is implicit). ``Discuss`` and ``Discard`` spans are
annotators' notes, not gold. The publication date comes from ``metadata.tsv`` beside the
split folders.

Each text runs through ``analyze_documents`` (actors only: statements need mentions, not
places, quantities or times) and ``extract_statements``. A statement maps to a source
span (the speaker span as written; pronouns count at the pronoun, as in the gold), a cue span
and a content span (its segments when split). PolNeAR is univocal: a token belongs to at most
one attribution, so statements nested in another statement's content are not scored.

Figures, per role: precision, recall and F1 under **exact** match (same start and end; a
content also matches exactly when its segments equal the gold fragments) and under
**overlap** match (any shared character), matched one to one. ``relation_f1``: a predicted
statement matches a gold attribution when its cue overlaps the gold cue **and** its content
overlaps the gold content (one to one; the source is not required, since a third of gold
sources are pronouns or implicit).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from sitrep.errors import InputCorrupt

Span = tuple[tuple[int, int], ...]  # fragments, in text order
ROLES = ("source", "cue", "content")


@dataclass
class GoldDoc:
    """One PolNeAR article: its text, date and attribution relations."""

    name: str
    text: str
    published: str | None
    relations: list[dict[str, Span | None]] = field(default_factory=list)


def _fragments(spec: str) -> Span:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(sorted(out))


def read_ann(text: str) -> list[dict[str, Span | None]]:
    """Attribution relations of one BRAT ``.ann`` file: ``{source, cue, content}`` spans."""
    spans: dict[str, Span] = {}
    events: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, spec = parts[1].partition(" ")
            try:
                spans[parts[0]] = _fragments(spec)
            except ValueError as exc:
                raise InputCorrupt(f"bad BRAT span line {line!r}", input=line) from exc
        elif line.startswith("E") and len(parts) >= 2:
            events.append(parts[1])
    relations = []
    for event in events:
        roles: dict[str, Span | None] = {"source": None, "cue": None, "content": None}
        for arg in event.split():
            role, _, ref = arg.partition(":")
            key = role.lower()
            if key in roles and ref in spans:
                roles[key] = spans[ref]
        if roles["cue"] is not None and roles["content"] is not None:
            relations.append(roles)
    return relations


def _metadata(directory: Path) -> dict[str, str]:
    for candidate in (directory / "metadata.tsv", directory.parent / "metadata.tsv"):
        if candidate.exists():
            with candidate.open(encoding="utf-8") as fh:
                return {row["filename"]: row.get("publication_date") or "" for row in csv.DictReader(fh, delimiter="\t")}
    return {}


def load_split(directory: Path, *, split: str = "dev", limit: int | None = None) -> list[GoldDoc]:
    """Gold documents of a PolNeAR split; ``directory`` is the split folder or the corpus root."""
    directory = Path(directory)
    folder = directory if (directory / "attributions").is_dir() else directory / split
    if not (folder / "attributions").is_dir() or not (folder / "text").is_dir():
        raise FileNotFoundError(f"{folder} has no attributions/ and text/ folders (a PolNeAR split)")
    dates = _metadata(folder.parent)
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if name in seen:
            continue  # one annotator per article: the first in name order
        text_path = folder / "text" / f"{name}.txt"
        if not text_path.exists():
            continue
        seen.add(name)
        docs.append(GoldDoc(name=name, text=text_path.read_text(encoding="utf-8"), published=dates.get(name) or None,
                            relations=read_ann(ann.read_text(encoding="utf-8"))))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def _extent(span: Span) -> tuple[int, int]:
    return span[0][0], span[-1][1]


def _overlaps(a: Span, b: Span) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def _exact(a: Span, b: Span) -> bool:
    return a == b or _extent(a) == _extent(b)


def _match(pred: Sequence[Span], gold: Sequence[Span], same) -> int:
    """One-to-one greedy matching count."""
    used = [False] * len(gold)
    hits = 0
    for p in pred:
        for j, g in enumerate(gold):
            if not used[j] and same(p, g):
                used[j] = True
                hits += 1
                break
    return hits


def _prf(hits_p: int, n_pred: int, hits_g: int, n_gold: int) -> dict[str, float]:
    p = hits_p / n_pred if n_pred else 0.0
    r = hits_g / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4)}


def statement_spans(statement: Any) -> dict[str, Span | None]:
    """The (source, cue, content) spans a statement is scored on."""
    sp = statement.speaker or {}
    source = ((sp["start"], sp["end"]),) if sp.get("start") is not None else None
    cue = ((statement.cue["start"], statement.cue["end"]),)
    segments = statement.content.get("segments")
    if segments:
        content = tuple(sorted((s["start"], s["end"]) for s in segments))
    else:
        content = ((statement.content["start"], statement.content["end"]),)
    return {"source": source, "cue": cue, "content": content}


def predict(docs: Iterable[GoldDoc], *, batch_size: int = 16) -> list[list[dict[str, Span | None]]]:
    """Run the pipeline on each gold text; the scored spans of its non-nested statements."""
    from sitrep.analyze import analyze_documents
    from sitrep.records import Document
    from sitrep.statements import extract_statements, is_nested

    documents = [Document(id=d.name, text=d.text, published=d.published) for d in docs]
    out = []
    for analysis in analyze_documents(documents, steps=("actors",), batch_size=batch_size):
        statements = extract_statements(analysis)
        out.append([statement_spans(s) for s in statements if not is_nested(s, statements)])
    return out


def score(gold_docs: Sequence[GoldDoc], predictions: Sequence[Sequence[dict[str, Span | None]]]) -> dict[str, Any]:
    """Role and relation figures for predictions aligned with ``gold_docs``."""
    counts = {role: {"exact": [0, 0], "overlap": [0, 0], "n_pred": 0, "n_gold": 0} for role in ROLES}
    rel = {"hits_p": 0, "hits_g": 0, "n_pred": 0, "n_gold": 0}
    for doc, preds in zip(gold_docs, predictions):
        for role in ROLES:
            pred = [p[role] for p in preds if p[role] is not None]
            gold = [g[role] for g in doc.relations if g[role] is not None]
            counts[role]["n_pred"] += len(pred)
            counts[role]["n_gold"] += len(gold)
            for mode, same in (("exact", _exact), ("overlap", _overlaps)):
                counts[role][mode][0] += _match(pred, gold, same)
                counts[role][mode][1] += _match(gold, pred, lambda g, p: same(p, g))

        def same_rel(p, g):
            return _overlaps(p["cue"], g["cue"]) and _overlaps(p["content"], g["content"])

        rel["n_pred"] += len(preds)
        rel["n_gold"] += len(doc.relations)
        rel["hits_p"] += _match(list(preds), doc.relations, same_rel)
        rel["hits_g"] += _match(doc.relations, list(preds), lambda g, p: same_rel(p, g))
    result: dict[str, Any] = {}
    for role in ROLES:
        c = counts[role]
        result[role] = {mode: _prf(c[mode][0], c["n_pred"], c[mode][1], c["n_gold"]) for mode in ("exact", "overlap")}
        result[role]["n_pred"], result[role]["n_gold"] = c["n_pred"], c["n_gold"]
    relation = _prf(rel["hits_p"], rel["n_pred"], rel["hits_g"], rel["n_gold"])
    result["relation_f1"] = relation["f1"]
    result["relation"] = relation
    result["n_docs"] = len(gold_docs)
    return result


def evaluate_attribution(directory: Path, *, split: str = "dev", limit: int | None = None) -> dict[str, Any]:
    """Score the statement extractor on a PolNeAR split (default ``dev``).

    ``directory`` is the PolNeAR root (holding ``dev/``, ``train/`` and ``metadata.tsv``) or
    one split folder. ``limit`` scores only the first articles (for quick checks while
    developing; gates score the whole split). Returns per-role ``{"exact", "overlap"}``
    precision/recall/F1, ``relation_f1``, ``n_docs`` and ``seconds_per_doc``.
    """
    docs = load_split(Path(directory), split=split, limit=limit)
    started = time.perf_counter()
    predictions = predict(docs)
    elapsed = time.perf_counter() - started
    result = score(docs, predictions)
    result["seconds_per_doc"] = round(elapsed / len(docs), 3) if docs else 0.0
    return result
