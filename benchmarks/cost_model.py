"""The cost model for internet-scale news, derived from the benchmark results.

``python benchmarks/cost_model.py`` reads ``benchmarks/results/engine.json`` (and
``queries.json`` when present) and prints the figures the README quotes, as Markdown (or JSON
with ``--json``), so they are regenerated whenever the benchmarks are.

Assumed volume: GDELT-like coverage at 500,000 articles a day. GDELT describes its news
monitoring as hundreds of thousands to about a million articles a day worldwide; 500,000 is
the middle of that range, and the figures scale linearly (1,000,000 a day is given too). These
are article counts before deduplication, in English or translated to it.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
GDELT_DOCS_PER_DAY = 500_000
GDELT_HIGH = 1_000_000
SECONDS_PER_DAY = 86_400


def derive(engine: dict, queries: dict | None = None, *, volume: int = GDELT_DOCS_PER_DAY) -> dict:
    """Every cost-model figure from the engine (and query) results."""
    out: dict = {"assumed_docs_per_day": volume, "measured_at": engine.get("measured_at"), "limit": engine.get("limit"),
                 "corpora": {}}
    for corpus, rows in engine["throughput"].items():
        by = {(r["engine"], r["workers"]): r for r in rows}
        one = by.get(("local", 1))
        if not one:
            continue
        per_core_day = one["docs_per_s"] * SECONDS_PER_DAY
        words_per_doc = one["words"] / max(one["documents"], 1)
        eff = engine.get("scaling_efficiency", {}).get(corpus) or 1.0
        # A cluster of n cores delivers n * per-core * efficiency (the 1 -> 2 worker efficiency
        # is the best estimate of the loss per added worker that these runs measure).
        cores = math.ceil(volume / (per_core_day * min(eff, 1.0)))
        cores_high = math.ceil(GDELT_HIGH / (per_core_day * min(eff, 1.0)))
        serial = {}
        for name, key in (("writer (one process writes Parquet)", "writer_docs_per_s"),
                          ("load into DuckDB (one writer)", "load_docs_per_s")):
            values = [r[key] for r in rows if r.get(key)]
            if values:
                serial[name] = min(values)
        needed_per_s = volume / SECONDS_PER_DAY
        bottleneck = min(serial.items(), key=lambda kv: kv[1]) if serial else None
        out["corpora"][corpus] = {
            "words_per_doc": round(words_per_doc, 1),
            "docs_per_s_one_core": one["docs_per_s"],
            "words_per_s_one_core": one["words_per_s"],
            "docs_per_day_one_core": round(per_core_day),
            "scaling_efficiency": eff,
            "cores_for_assumed_volume": cores,
            "cores_for_1m_per_day": cores_high,
            "needed_docs_per_s": round(needed_per_s, 2),
            "serial_stages_docs_per_s": serial,
            "next_bottleneck": bottleneck[0] if bottleneck else None,
            "next_bottleneck_docs_per_s": bottleneck[1] if bottleneck else None,
            "next_bottleneck_headroom": round(bottleneck[1] / needed_per_s, 1) if bottleneck else None,
            "cores_at_which_bottleneck_saturates": (
                math.floor(bottleneck[1] / (one["docs_per_s"] * min(eff, 1.0))) if bottleneck else None),
        }
    if queries:
        worst = max(queries["queries"].items(), key=lambda kv: kv[1]["p95_ms"])
        out["queries"] = {"events": queries["store"]["events"], "slowest": worst[0], "slowest_p95_ms": worst[1]["p95_ms"],
                          "goal_ms": queries.get("goal_ms", 200)}
    return out


def markdown(model: dict) -> str:
    """The README's cost-model table."""
    lines = [
        f"Assumed volume: {model['assumed_docs_per_day']:,} articles/day (GDELT-like; see `benchmarks/cost_model.py`).",
        "",
        "| corpus | words/article | docs/s, one core | docs/day, one core | scaling 1→2 | cores for 500k/day | cores for 1M/day | next bottleneck (docs/s) | saturates at |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for corpus, m in model["corpora"].items():
        lines.append(
            f"| {corpus} | {m['words_per_doc']:.0f} | {m['docs_per_s_one_core']} | {m['docs_per_day_one_core']:,} | "
            f"{m['scaling_efficiency']} | {m['cores_for_assumed_volume']:,} | {m['cores_for_1m_per_day']:,} | "
            f"{m['next_bottleneck']}: {m['next_bottleneck_docs_per_s']} | "
            f"{m['cores_at_which_bottleneck_saturates']} cores |"
        )
    if "queries" in model:
        q = model["queries"]
        lines += ["", f"Slowest query at {q['events']:,} events: {q['slowest']}, p95 {q['slowest_p95_ms']} ms "
                      f"(goal {q['goal_ms']} ms)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--volume", type=int, default=GDELT_DOCS_PER_DAY)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engine = json.loads((args.results / "engine.json").read_text())
    queries_path = args.results / "queries.json"
    queries = json.loads(queries_path.read_text()) if queries_path.exists() else None
    model = derive(engine, queries, volume=args.volume)
    print(json.dumps(model, indent=2) if args.json else markdown(model))


if __name__ == "__main__":
    main()
