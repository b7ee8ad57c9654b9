"""sitrep claims, sitrep contradictions, sitrep analyze records and sitrep evaluate
contradictions, run as a user runs them."""

from __future__ import annotations

import json
import shutil

import pytest

from test_cli import sitrep


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    from conftest import SEED, need

    folder = tmp_path_factory.mktemp("claims")
    shutil.copy(need(SEED), folder / SEED.name)
    db = str(folder / "s.duckdb")
    sitrep("ingest", str(folder / SEED.name), "--db", db, "--json")
    return db


def test_cli_claims_filters_and_json(seed_db):
    denials = json.loads(sitrep("claims", "--db", seed_db, "--stance", "deny", "--json").stdout)
    assert {d["speaker"]["code"] for d in denials} == {"RUS"}
    assert all(d["stance"] == "deny" and d["document"]["id"] for d in denials)
    assert any([v["text"] for v in d["via"]] == ["RIA Novosti"] for d in denials)
    us = json.loads(sitrep("claims", "--db", seed_db, "--speaker", "USA", "--about", "already sent", "--json").stdout)
    assert us and all(d["speaker"]["code"] == "USA" for d in us)
    assert json.loads(sitrep("claims", "--db", seed_db, "--until", "2022-01-01", "--json").stdout) == []
    table = sitrep("claims", "--db", seed_db, "--speaker", "Grushko").stdout
    assert "RIA Novosti" in table and "This is not true" in table


def test_cli_claims_bad_stance_is_a_usage_error(seed_db):
    proc = sitrep("claims", "--db", seed_db, "--stance", "shout", check=False)
    assert proc.returncode == 2 and "stance" in proc.stderr


def test_cli_contradictions_side_by_side(seed_db):
    pairs = json.loads(sitrep("contradictions", "--db", seed_db, "--json").stdout)
    assert pairs and all(p["kind"] == "contradicts" and p["explanation"] for p in pairs)
    sides = [{p["a"]["speaker"]["code"], p["b"]["speaker"]["code"]} for p in pairs]
    assert {"RUS", "USA"} in sides
    text = sitrep("contradictions", "--db", seed_db, "--since", "2022-02-01").stdout
    for word in ("speaker", "via", "evidence", "RIA Novosti", "Russia had already sent a response"):
        assert word in text
    assert "no contradicts pairs" in sitrep("contradictions", "--db", seed_db, "--since", "2023-01-01").stdout


def test_cli_analyze_emits_statements_and_relations(seed_path):
    records = [json.loads(line) for line in sitrep("analyze", str(seed_path), "--jsonl").stdout.splitlines()]
    kinds = {r["record"] for r in records}
    assert {"statement", "relation"} <= kinds
    st = next(r for r in records if r["record"] == "statement" and r["cue"]["lemma"] == "deny")
    assert st["proposition"]["target"]["code"] == "USA"
    ids = {r["id"] for r in records if r["record"] == "statement"}
    assert all(r["a"] in ids and r["b"] in ids for r in records if r["record"] == "relation")


def test_cli_evaluate_contradictions_small_set(tmp_path):
    gold = tmp_path / "pairs.jsonl"
    item = {
        "id": "wn-x", "label": "contradicts",
        "a": {"text": "On Wednesday, the German government said Russian opposition leader Alexei Navalny was poisoned with Novichok.",
              "origin": "https://en.wikinews.org/wiki/x", "start": 0, "date": "2020-09-05"},
        "b": {"text": "The Russian government dismissed the claim from Berlin as groundless.",
              "origin": "https://en.wikinews.org/wiki/x", "start": 200, "date": "2020-09-05"},
    }
    unrelated = {**item, "id": "wn-y", "label": "unrelated",
                 "b": {**item["b"], "text": "The Russian government announced new rules for the grain harvest."}}
    gold.write_text("\n".join(json.dumps(i) for i in (item, unrelated)) + "\n", encoding="utf-8")
    result = json.loads(sitrep("evaluate", "contradictions", str(gold), "--json").stdout)
    assert result["n"] == 2 and set(result["contradicts"]) >= {"p", "r", "f1"}
    assert result["contradicts"]["r"] == 1.0 and result["confusion"]["unrelated"]["unrelated"] == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**item, "label": "maybe"}) + "\n", encoding="utf-8")
    proc = sitrep("evaluate", "contradictions", str(bad), check=False)
    assert proc.returncode == 2 and "label" in proc.stderr
