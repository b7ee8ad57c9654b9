"""Score near-duplicate detection and the spun flag on a duplicate-pair set built from real data.

The set (``data/eval/DUPLICATES.md`` is its data card) is built at run time, never stored:

- **BBC** (``corpora/bbc/bbc-fulltext.zip`` under the shared folder, checked by sha256): all
  2,225 articles. Two articles are versions of one report when they share their lead
  paragraph, or at least half of the shorter one's paragraphs, verbatim (whitespace
  normalised). The corpus holds re-headlined and updated versions, and different reports of
  one story sharing background paragraphs (not versions).
- **Wikinews** (the bundled sample, CC BY 2.5): every article, and for a fixed selection of
  them two copies made here: a syndicated copy (outlet dateline, last paragraph cut, a
  copyright line, three hours later) and a spun copy (content words substituted through
  ``data/eval/spin_synonyms.tsv`` and a seeded fallback, one day later).
- **Seed** (``corpora/seed/``, checked by sha256): the article, a syndicated copy and a spun copy.

Every document runs through linking in a fresh store (no analysis: duplicates do not use it).
Pairwise figures compare the pairs inside predicted chains with the pairs inside gold groups.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import zlib
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, Mapping

from sitrep.errors import NotFound
from sitrep.groups import DisjointSets

REPO = Path(__file__).resolve().parents[3]
SYNONYMS = REPO / "data" / "eval" / "spin_synonyms.tsv"
SAMPLE = REPO / "data" / "sample" / "wikinews"
BBC = ("corpora/bbc/bbc-fulltext.zip", "3b63088333102316c4780aff395f5eebd3cebfdb117691af7e8380905ccff8bd")
SEED = ("corpora/seed/000_80552fc3e566ac56.txt", "e777d3213411b93fbcb4e53304c0e549191d783909e3d53dc9d5143710a7b7c8")
#: Every how-many-th Wikinews article (by id) gets a syndicated and a spun copy.
COPY_EVERY = 7
SPIN_RATE = 0.45

_TOKEN = re.compile(r"\w+|\W+")


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def paragraphs(text: str) -> list[str]:
    """Paragraphs of a text, whitespace normalised."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def versions(a: str, b: str) -> bool:
    """The BBC gold rule: same lead paragraph, or half of the shorter text's paragraphs shared."""
    pa, pb = paragraphs(a), paragraphs(b)
    if not pa or not pb:
        return False
    if pa[0] == pb[0] and len(pa[0]) > 40:
        return True
    shared = len(set(pa) & set(pb))
    return shared >= 0.5 * min(len(pa), len(pb))


def _synonyms() -> dict[str, str]:
    table = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, syn = line.split("\t")[:2]
            table[word] = syn
    return table


def spin(text: str, *, rate: float = SPIN_RATE, seed: int = 0) -> str:
    """A simulated spun copy: content words replaced by a synonym from the table, or, for a
    seeded share ``rate`` of the other content words, by a table word (spinners pick poor ones)."""
    from sitrep.link.params import function_words

    table = _synonyms()
    pool = sorted(set(table.values()))
    fw = function_words()
    out = []
    for i, tok in enumerate(_TOKEN.findall(text)):
        low = tok.lower()
        if tok.isalpha() and tok.islower() and low not in fw and len(tok) > 2:
            if low in table:
                out.append(table[low])
                continue
            h = zlib.crc32(f"{seed}:{i}:{tok}".encode())
            if (h % 1000) / 1000 < rate:
                out.append(pool[h % len(pool)])
                continue
        out.append(tok)
    return "".join(out)


def syndicate(text: str, outlet: str) -> str:
    """A syndicated copy: outlet dateline, last paragraph cut, a copyright line."""
    parts = re.split(r"(\n\s*\n)", text.strip())
    paras = [p for p in parts[::2] if p.strip()]
    if len(paras) > 2:
        paras = paras[:-1]
    paras[0] = f"({outlet}) - " + paras[0]
    return "\n\n".join(paras) + f"\n\nCopyright {outlet}. All rights reserved."


def _shift(published: str | None, delta: timedelta) -> str | None:
    if not published:
        return None
    try:
        return (datetime.fromisoformat(published) + delta).isoformat()
    except ValueError:
        return published


def build_set(shared: Path) -> tuple[list[Any], list[set[str]], set[str], dict[str, str]]:
    """The documents, the gold groups (sets of doc ids), the gold spun copies and each doc's part."""
    from sitrep.pipeline import documents_from
    from sitrep.records import Document, document_id

    bbc = shared / BBC[0]
    seed = shared / SEED[0]
    for path in (bbc, seed):
        if not path.exists():
            raise NotFound("evaluation data missing", input=str(path))
    for path, expected in ((bbc, BBC[1]), (seed, SEED[1])):
        if sha256(path) != expected:
            raise NotFound("this file differs from the one the data card describes (sha256)", input=str(path))
    docs: dict[str, Any] = {}
    part: dict[str, str] = {}
    groups: list[set[str]] = []
    spun: set[str] = set()

    def add(doc: Any, name: str) -> None:
        docs.setdefault(doc.id, doc)
        part.setdefault(doc.id, name)

    def copy(base: Any, text: str, outlet: str, delta: timedelta) -> Any:
        return replace(base, id=document_id(text), text=text, source=outlet, url=None,
                       published=_shift(base.published, delta), origin=f"{base.origin}#copy={outlet}")

    bbc_docs = [d for d in documents_from([str(bbc)]) if isinstance(d, Document)]
    for d in bbc_docs:
        add(d, "bbc")
    # Gold BBC groups: candidate pairs share a paragraph; the rule decides.
    by_para: dict[str, list[str]] = {}
    for d in bbc_docs:
        for p in set(paragraphs(d.text)):
            if len(p) > 40:
                by_para.setdefault(p, []).append(d.id)
    texts = {d.id: d.text for d in bbc_docs}
    pairs = {tuple(sorted(c)) for ids in by_para.values() if 1 < len(ids) < 20 for c in combinations(sorted(set(ids)), 2)}
    for a, b in sorted(pairs):
        if versions(texts[a], texts[b]):
            groups.append({a, b})
    wiki = [d for d in documents_from(sorted(str(p) for p in SAMPLE.glob("*.csv"))) if isinstance(d, Document)]
    seed_docs = [d for d in documents_from([str(seed)]) if isinstance(d, Document)]
    for d in wiki:
        add(d, "wikinews")
    for d in seed_docs:
        add(d, "seed")
    bases = sorted(wiki, key=lambda d: d.id)[::COPY_EVERY] + seed_docs
    for k, base in enumerate(bases):
        name = "seed" if base in seed_docs else "wikinews"
        synd = copy(base, syndicate(base.text, "wire.example"), "wire.example", timedelta(hours=3))
        spun_copy = copy(base, spin(base.text, seed=k), "spinner.example", timedelta(days=1))
        add(synd, name)
        add(spun_copy, name)
        groups.append({base.id, synd.id, spun_copy.id})
        spun.add(spun_copy.id)
    return list(docs.values()), _merge(groups), spun, part


def _merge(groups: Iterable[set[str]]) -> list[set[str]]:
    sets: DisjointSets[str] = DisjointSets()
    for g in groups:
        items = sorted(g)
        for x in items[1:]:
            sets.union(x, items[0])  # a group of one adds nothing
    return [set(members) for members in sets.groups().values()]


def _pairs(groups: Iterable[set[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(g), 2)}


def predict(documents: list[Any], params: Mapping[str, Any]) -> tuple[list[set[str]], set[str]]:
    """Linking on ``documents`` in a fresh store: predicted chains and spun-flagged documents."""
    from sitrep.link.update import update_links
    from sitrep.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "dups.duckdb") as store:
            store.write_documents(documents)
            update_links(store, params=params)
            rows = store.con.execute("SELECT doc_id, original_id, spun FROM duplicates").fetchall()
    chains: dict[str, set[str]] = {}
    for doc_id, original, _ in rows:
        chains.setdefault(original, {original}).add(doc_id)
    return list(chains.values()), {d for d, _, s in rows if s}


def score(gold: list[set[str]], predicted: list[set[str]], spun_gold: set[str], spun_pred: set[str],
          part: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Pairwise precision and recall, and the spun flag's precision and recall."""
    g, p = _pairs(gold), _pairs(predicted)

    def pr(gp: set, pp: set) -> dict[str, Any]:
        tp = len(gp & pp)
        prec = tp / len(pp) if pp else 1.0
        rec = tp / len(gp) if gp else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"gold_pairs": len(gp), "predicted_pairs": len(pp), "true_pairs": tp,
                "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}

    out = {"pairs": pr(g, p)}
    if part:
        for name in sorted(set(part.values())):
            keep = lambda pairs: {x for x in pairs if part.get(x[0]) == name or part.get(x[1]) == name}
            out[f"pairs_{name}"] = pr(keep(g), keep(p))
    tp = len(spun_gold & spun_pred)
    out["spun"] = {"gold": len(spun_gold), "flagged": len(spun_pred), "true": tp,
                   "precision": round(tp / len(spun_pred), 4) if spun_pred else 1.0,
                   "recall": round(tp / len(spun_gold), 4) if spun_gold else 1.0}
    return out


def evaluate_duplicates(shared: Path, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Figures of near-duplicate detection on the set built from ``shared`` (see the module docstring)."""
    from sitrep.link.params import load_params

    shared = Path(shared)
    params = params or load_params()
    documents, gold, spun_gold, part = build_set(shared)
    predicted, spun_pred = predict(documents, params)
    result = {"documents": len(documents), "gold_groups": len(gold),
              "parts": {k: sum(1 for v in part.values() if v == k) for k in sorted(set(part.values()))}}
    result.update(score(gold, predicted, spun_gold, spun_pred, part))
    return result
