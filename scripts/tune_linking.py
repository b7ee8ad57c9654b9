"""Parameter sweeps behind ``src/sitrep/data/linking/TUNING.md``.

    PYTHONPATH=src python scripts/tune_linking.py duplicates ../shared
    PYTHONPATH=src python scripts/tune_linking.py stories ../shared/eval/time/meantime

Each line is one setting (the overrides of ``params.yaml``) and its figures; the duplicate-pair
set and the MEANTIME analyses are built once and reused across settings.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from sitrep.link.params import load_params, with_overrides


def duplicates(shared: Path) -> None:
    from sitrep.evaluate.duplicates import build_set, predict, score

    documents, gold, spun, part = build_set(shared)
    base = load_params()
    grid = []
    for (wb, wr), thr in itertools.product(((14, 8), (20, 5), (28, 4)), (0.4, 0.5, 0.6)):
        grid.append({"duplicates": {"bands": wb, "rows": wr, "threshold": thr}})
    for size, (sb, sr), sthr in itertools.product((6, 8), ((28, 4), (20, 5)), (0.35, 0.4, 0.45, 0.5)):
        grid.append({"spun": {"shingle_size": size, "bands": sb, "rows": sr, "structure_threshold": sthr}})
    for size in (3, 4, 5, 7):
        grid.append({"duplicates": {"shingle_size": size}})
    for overrides in grid:
        params = with_overrides(base, **overrides)
        predicted, flagged = predict(documents, params)
        r = score(gold, predicted, spun, flagged, part)
        print(json.dumps({"set": overrides, "pairs": {k: r["pairs"][k] for k in ("precision", "recall", "f1")},
                          "bbc": {k: r["pairs_bbc"][k] for k in ("precision", "recall")},
                          "spun": {k: r["spun"][k] for k in ("precision", "recall")}}), flush=True)


def stories(directory: Path) -> None:
    from sitrep.analyze import analyze_documents
    from sitrep.evaluate.stories import _cluster, _documents, bcubed, meantime_gold

    docs = _documents(directory)
    gold = meantime_gold(directory, docs)
    documents = list(docs.values())
    analyses = list(analyze_documents(documents))
    base = load_params()
    for window, threshold in itertools.product((3, 100000), (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3)):
        params = with_overrides(base, stories={"window_days": window, "threshold": threshold})
        clusters = _cluster(documents, analyses, params)
        print(json.dumps({"window_days": window, "threshold": threshold, **bcubed(clusters, gold),
                          "stories": len(set(clusters.values()))}), flush=True)


if __name__ == "__main__":
    {"duplicates": duplicates, "stories": stories}[sys.argv[1]](Path(sys.argv[2]))
