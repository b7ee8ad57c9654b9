"""Evaluation gate: actor resolution on the project's gold set (data/eval/actors_gold.jsonl).

Items that point into ../shared (seed, PLOVER sentences) are skipped when it is missing; the
Wikinews items ship with the project, so this gate always runs.
"""

from __future__ import annotations

import pytest

from sitrep.evaluate.actors import evaluate_actors

from conftest import REPO, SHARED

# Measured: code accuracy 0.896, sector accuracy 0.877, coded precision 0.914 over all 502
# sentences (1,207 mentions); Wikinews 0.902 / seed 0.973 / PLOVER 0.863 (with the sector cues
# and non-mentions developed on development part 2; 0.896 / 0.868 / 0.904 before them). A bare role noun now
# takes its sentence's country only with evidence that the country is its own (not a target, a
# goal, a passive agent or a counterpart): that cost 0.011 code accuracy on this set (guesses
# that happened to be right) and coordinated countries, role-of-place appositions and "X of
# <body>" won part of it back. Before: 0.901 / 0.861 / 0.902 (Wikinews 0.909); before the
# clause-subject, owner, default-country and acting-state rules and the added office holders
# and bodies: 0.781 / 0.775 / 0.875 (Wikinews 0.770); before the outlet, party and group
# tables, the 2019-2026 heads of government and sentence-context coding: 0.655 / 0.667 / 0.859.
# Target: 0.90. The blind parts (actors_gold_test.jsonl, actors_gold_dev2.jsonl) have no floor:
# they estimate accuracy on unseen text (0.75 and 0.63 at their first measurement).
FLOOR_CODE = 0.895
FLOOR_SECTOR = 0.87
FLOOR_CODED_PRECISION = 0.91
FLOOR_WIKINEWS_CODE = 0.90


@pytest.mark.gate
def test_gate_actors_code_accuracy():
    result = evaluate_actors(REPO / "data" / "eval" / "actors_gold.jsonl", shared=SHARED if SHARED.exists() else None)
    wikinews = result["by_origin"]["wikinews"]
    assert wikinews["code_accuracy"] >= FLOOR_WIKINEWS_CODE, wikinews
    if result["n_skipped"]:
        pytest.skip(f"{result['n_skipped']} by-reference items skipped (../shared missing); Wikinews part passed")
    assert result["code_accuracy"] >= FLOOR_CODE, result
    assert result["coded_precision"] >= FLOOR_CODED_PRECISION, result
    assert result["sector_accuracy"] >= FLOOR_SECTOR, result
