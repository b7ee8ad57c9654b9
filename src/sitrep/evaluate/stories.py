"""Score story clustering against MEANTIME's topic grouping with B-cubed precision, recall, F1.

MEANTIME (English) groups its Wikinews articles into four topics (Airbus and Boeing; Apple;
GM, Chrysler and Ford; stock markets). The files carry no topic label, so the grouping is read
from the corpus's own annotation at run time, with nothing kept in the project: each article
annotates corpus-level entity instances, some marked "centroid entity" in
``list_instances.csv``. Articles sharing at least two centroid instances are one topic
(transitively); an article left alone joins the topic it shares most centroid instances with.

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
from sitrep.groups import DisjointSets

_INSTANCE = re.compile(r'instance_id="([^"]+)"')

#: Centroid instances two articles must share to be put in one topic directly.
MIN_SHARED = 2


def centroid_instances(directory: Path) -> set[str]:
    """The ids of the instances ``list_instances.csv`` marks as centroid entities."""
    listing = next(iter(sorted(Path(directory).rglob("list_instances.csv"))), None)
    if listing is None:
        raise InputRejected("no list_instances.csv in the MEANTIME folder", input=str(directory))
    out: set[str] = set()
    for line in listing.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 7 and not line.startswith("#") and "centroid" in cols[6].lower():
            out.add(cols[0])
    return out


def gold_topics(instances: Mapping[Any, set[str]], centroids: set[str]) -> dict[Any, str]:
    """Each article's topic, from the centroid instances it annotates (see the module
    docstring); a topic is named after its first article. Articles sharing no centroid
    instance with any other have none."""
    keys = sorted(instances, key=str)
    own = {k: instances[k] & centroids for k in keys}
    topics: DisjointSets[str] = DisjointSets(str(k) for k in keys)  # by name: keys may be paths
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if len(own[a] & own[b]) >= MIN_SHARED:
                topics.union(str(a), str(b))
    groups = Counter(topics.find(str(k)) for k in keys)
    out = {k: topics.find(str(k)) for k in keys if groups[topics.find(str(k))] > 1}
    for k in keys:
        if k in out:
            continue
        shared = sorted(((len(own[k] & own[g]), out[g]) for g in out), key=lambda t: (-t[0], t[1]))
        if shared and shared[0][0] > 0:
            out[k] = shared[0][1]
    return out


def meantime_gold(directory: Path, docs: Mapping[Path, Any]) -> dict[str, str]:
    """Document id -> topic for the MEANTIME articles ``docs`` (path -> Document)."""
    instances = {p: set(_INSTANCE.findall(Path(p).read_text(encoding="utf-8"))) for p in docs}
    return {docs[p].id: t for p, t in gold_topics(instances, centroid_instances(directory)).items()}


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


def evaluate_stories(directory: Path, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
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
    gold = meantime_gold(directory, docs)
    documents = list(docs.values())
    analyses = list(analyze_documents(documents))
    result: dict[str, Any] = {
        "documents": len(documents),
        "with_topic": len(gold),
        "topics": dict(sorted(Counter(Path(t).stem for t in gold.values()).items())),
    }
    for name, p in (("configured", params),
                    ("no_time_window", with_overrides(params, stories={"window_days": 100000}))):
        clusters = _cluster(documents, analyses, p)
        result[name] = {**bcubed(clusters, gold), "stories": len(set(clusters.values())),
                        "window_days": p["stories"]["window_days"], "threshold": p["stories"]["threshold"]}
    singletons = {d.id: d.id for d in documents}
    result["baseline_singletons"] = bcubed(singletons, gold)
    return result
