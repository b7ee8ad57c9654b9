"""Categorise the actor resolver's misses on an actor gold file.

Usage: PYTHONPATH=src python scripts/actor_misses.py data/eval/actors_gold.jsonl [--shared DIR]
       [--list CATEGORY]

Prints counts of code errors (no span, span without a code, code where the gold has none,
wrong country), sector errors among mentions with the right code (gold -> predicted sector) and
coded predictions that overlap no gold mention. ``--list`` prints the mentions of categories
whose name contains the given text.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from sitrep.evaluate.actors import analyze_predictor, evaluate_actors, load_gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--shared", type=Path, default=None)
    ap.add_argument("--list", default=None, help="print the mentions of matching categories")
    args = ap.parse_args()

    predictions: dict[str, list] = {}

    def predict(text: str, date: str) -> list:
        predictions[text] = analyze_predictor(text, date)
        return predictions[text]

    result = evaluate_actors(args.gold, shared=args.shared, predict=predict, details=True)
    cats: dict[str, list[str]] = collections.defaultdict(list)
    for r in result["mentions"]:
        where = f"{r['id']} [{r['text']}] gold {r['gold_code']}/{r['gold_sector']}"
        got = f"pred {r['code']}/{r['sector']}"
        if not r["code_ok"]:
            if r["pred_span"] is None:
                cat = "code: no predicted span"
            elif r["code"] is None:
                cat = "code: span without code"
            elif r["gold_code"] is None:
                cat = "code: coded, gold null"
            else:
                cat = "code: wrong code"
            cats[cat].append(f"{where} {got}")
        elif not r["sector_ok"]:
            cats[f"sector: {r['gold_sector']} -> {r['sector']}"].append(f"{where} {got}")
    for s in load_gold(args.gold, args.shared):
        for p in predictions.get(s.text, ()):
            if p["code"] is None:
                continue
            if not any(min(p["end"], g.end) > max(p["start"], g.start) for g in s.mentions):
                span = s.text[p["start"] : p["end"]]
                cats["false positive (coded, no gold)"].append(
                    f"{s.id} [{span}] pred {p['code']}/{p['sector']}"
                )
    keys = ("code_accuracy", "sector_accuracy", "coded_precision", "n_mentions")
    print({k: result[k] for k in keys})
    for cat, rows in sorted(cats.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"{len(rows):4d}  {cat}")
        if args.list and args.list in cat:
            for row in rows:
                print("        " + row)


if __name__ == "__main__":
    main()
