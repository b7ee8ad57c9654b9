"""Score story clustering against MEANTIME's topic grouping with B-cubed precision, recall, F1.

MEANTIME (English) groups its Wikinews articles into four topics (Airbus and Boeing; Apple;
GM, Chrysler and Ford; stock markets). The files carry no topic label, but each article
annotates corpus-level entity instances, some marked "centroid entity" in
``list_instances.csv``, read at run time; ``data/eval/meantime_topic_keywords.tsv`` (keywords
written for sitrep) gives each centroid entity its topic by its name.
An article's topic is the topic of most of its centroid entities; an article with none takes
the topic of the article it shares most entity instances with.

The articles run through the real pipeline (analysis, then linking in a fresh store). Two
settings are scored: the configured parameters, and the same without the time window
(MEANTIME's topics span years, while a story is one happening within days; the windowless
figure shows how well the similarity signals group a topic).
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Mapping

from sitrep.errors import InputRejected

TOPICS = Path(__file__).resolve().parents[3] / "data" / "eval" / "meantime_topic_keywords.tsv"
_INSTANCE = re.compile(r'instance_id="([^"]+)"')


def read_topics(path: Path) -> dict[str, list[str]]:
    """Topic -> name keywords (the project's keyword table)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("topic\t"):
            continue
        topic, keyword = line.split("\t")[:2]
        out.setdefault(topic, []).append(keyword.strip().lower())
    return out


def centroid_topics(directory: Path, keywords: Mapping[str, list[str]]) -> dict[str, str]:
    """Centroid instance id -> topic, from the corpus's ``list_instances.csv`` and the keyword
    table: a name matching exactly one topic's keywords (whole words) gets that topic."""
    listing = next(iter(sorted(Path(directory).rglob("list_instances.csv"))), None)
    if listing is None:
        raise InputRejected("no list_instances.csv in the MEANTIME folder", input=str(directory))
    patterns = {t: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in ks) + r")\b", re.I) for t, ks in keywords.items()}
    out: dict[str, str] = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 7 or line.startswith("#") or "centroid" not in cols[6].lower():
            continue
        hits = [t for t, pattern in patterns.items() if pattern.search(cols[3])]
        if len(hits) == 1:
            out[cols[0]] = hits[0]
    return out


def gold_topics(files: list[Path], centroids: Mapping[str, str]) -> dict[Path, str]:
    """Each article's topic (see the module docstring)."""
    instances = {f: set(_INSTANCE.findall(f.read_text(encoding="utf-8"))) for f in files}
    out: dict[Path, str] = {}
    for f, ids in instances.items():
        votes = Counter(centroids[i] for i in ids if i in centroids)
        if votes:
            out[f] = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for f, ids in instances.items():
        if f in out:
            continue
        shared = sorted(((len(ids & instances[g]), out[g]) for g in out), reverse=True)
        if shared and shared[0][0] > 0:
            out[f] = shared[0][1]
    return out


def bcubed(clusters: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of item -> cluster against item -> class."""
    items = [i for i in clusters if i in gold]
    by_cluster: dict[str, set[str]] = {}
    by_class: dict[str, set[str]] = {}
    for i in items:
        by_cluster.setdefault(clusters[i], set()).add(i)
        by_class.setdefault(gold[i], set()).add(i)
    p = r = 0.0
    for i in items:
        c, g = by_cluster[clusters[i]], by_class[gold[i]]
        both = len(c & g)
        p += both / len(c)
        r += both / len(g)
    n = len(items) or 1
    p, r = p / n, r / n
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _documents(directory: Path):
    from sitrep.evaluate.time import _parse_xml, read_meantime
    from sitrep.records import Document, document_id

    files = sorted(p for p in directory.rglob("*.xml") if p.is_file())
    docs = {}
    for path in files:
        try:
            root = _parse_xml(path)
        except InputRejected:
            continue
        if root.tag != "Document" or root.find("token") is None:
            continue
        # An article without a creation time keeps its text, undated.
        gold = read_meantime(path, root, "meantime")
        text = gold.text
        title = text.split("\n", 1)[0].strip()
        docs[path] = Document(id=document_id(text), source="en.wikinews.org", title=title, published=gold.dct,
                              text=text, origin=str(path), language="en")
    return docs


def _cluster(documents, analyses, params: Mapping[str, Any]) -> dict[str, str]:
    from sitrep.link.update import update_links
    from sitrep.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "stories.duckdb") as store:
            store.write_documents(documents, analyses=analyses)
            update_links(store, params=params)
            return dict(store.con.execute("SELECT doc_id, story_id FROM story_documents").fetchall())


def evaluate_stories(directory: Path, *, topics: Path | None = None, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """B-cubed figures of story clustering on the MEANTIME folder ``directory``."""
    from sitrep.analyze import analyze_documents
    from sitrep.errors import NotFound
    from sitrep.link.params import load_params, with_overrides

    directory = Path(directory)
    if not directory.is_dir():
        raise NotFound("no such MEANTIME folder", input=str(directory))
    params = params or load_params()
    docs = _documents(directory)
    if not docs:
        raise NotFound("no MEANTIME .xml documents in this folder", input=str(directory))
    topic_of = gold_topics(list(docs), centroid_topics(directory, read_topics(Path(topics) if topics else TOPICS)))
    gold = {docs[p].id: t for p, t in topic_of.items()}
    documents = list(docs.values())
    analyses = list(analyze_documents(documents))
    result: dict[str, Any] = {
        "documents": len(documents),
        "with_topic": len(gold),
        "topics": dict(sorted(Counter(gold.values()).items())),
    }
    for name, p in (("configured", params),
                    ("no_time_window", with_overrides(params, stories={"window_days": 100000}))):
        clusters = _cluster(documents, analyses, p)
        result[name] = {**bcubed(clusters, gold), "stories": len(set(clusters.values())),
                        "window_days": p["stories"]["window_days"], "threshold": p["stories"]["threshold"]}
    singletons = {d.id: d.id for d in documents}
    result["baseline_singletons"] = bcubed(singletons, gold)
    return result
