"""Propositions and relations between statements: within the seed, across two documents, and
the store and query paths that carry them."""

from __future__ import annotations

import pytest

from sitrep.analyze import analyze_text
from sitrep.pipeline import documents_from, ingest
from sitrep.records import Statement
from sitrep.statements.relations import compare, similarity, stem, tokens

from conftest import SEED, need

DAY = "2022-02-01"
HEADER = "{title}\n\nPosted on Feb 1, 2022 at 14:56 in\nRussia USA\n\n"


def _st(sid: str, speaker: dict, stance: str, content: str, *, doc: str = "d1", negated: bool = False,
        prop_type: str = "CLAIM", codes=("RUS", "USA"), target: dict | None = None, date: str = DAY) -> Statement:
    prop = {"type": prop_type, "negated": negated, "codes": list(codes), "text": content, "predicate": "send"}
    if target:
        prop["target"] = target
    return Statement(id=sid, doc_id=doc, speaker=speaker, cue={"text": "said", "lemma": "say", "start": 0, "end": 4},
                     stance=stance, content={"start": 10, "end": 10 + len(content), "text": content},
                     proposition=prop, date=date, evidence={"start": 0, "end": 200, "sentence": content})


RUS = {"text": "the Foreign Ministry", "actor_id": "RUS:foreign-ministry", "code": "RUS", "sector": "GOV"}
USA = {"text": "the State Department", "actor_id": "USA:state-department", "code": "USA", "sector": "GOV"}


# -- pure parts --------------------------------------------------------------------------------

def test_relations_stem_and_similarity():
    assert stem("sent") == stem("send") and stem("responses") == stem("response")
    a = tokens("Moscow had not yet sent Washington a final response", ["RUS", "USA"])
    b = tokens("Russia had already sent a response to Washington", ["RUS", "USA"])
    assert "@RUS" in a and "had" not in a
    assert similarity(a, b) > 0.5 and similarity(a, frozenset()) == 0.0


@pytest.mark.parametrize(
    "b_stance, b_negated, b_speaker, b_date, expected",
    [
        ("assert", True, RUS, DAY, "contradicts"),        # one sent, the other says not sent
        ("deny", False, RUS, DAY, "contradicts"),         # a denial of the same content
        ("confirm", False, RUS, DAY, "corroborates"),     # a second party says the same
        ("question", False, RUS, DAY, None),              # a question commits to nothing
        ("assert", True, USA, DAY, None),                 # one speaker does not contradict itself
        ("assert", True, RUS, "2022-03-15", None),        # outside the time window
    ],
)
def test_relations_compare_polarity_stance_window(b_stance, b_negated, b_speaker, b_date, expected):
    a = _st("st-a", USA, "assert", "Russia had already sent a response to Washington's security proposals")
    b = _st("st-b", b_speaker, b_stance, "Moscow has sent a response to Washington's security proposals",
            doc="d2", negated=b_negated, date=b_date)
    rel = compare(a, b)
    assert (rel.kind if rel else None) == expected
    if rel:
        assert (rel.a, rel.b) == ("st-a", "st-b") and 0 < rel.score <= 1
        assert "Russia had already sent" in rel.explanation and "Moscow has sent" in rel.explanation


def test_relations_unrelated_contents_not_linked():
    a = _st("st-a", USA, "assert", "Russia had already sent a response to Washington's security proposals")
    b = _st("st-b", RUS, "deny", "The army will hold exercises near the border with Belarus next week", doc="d2")
    assert compare(a, b) is None


def test_relations_targeted_denial_needs_the_target_party():
    claim = _st("st-a", USA, "assert", "Russia had already sent a response to Washington's proposals", doc="d1")
    target = {"text": "the State Department", "actor_id": "USA:state-department", "code": "USA"}
    denial = _st("st-b", RUS, "deny", "the information revealed by the State Department", doc="d1",
                 prop_type="REFERENCE", target=target)
    rel = compare(denial, claim)
    assert rel is not None and rel.kind == "contradicts" and "denies" in rel.explanation
    other = _st("st-c", {"text": "NATO", "actor_id": "igo:nato", "code": "NATO"}, "assert",
                "Russia had already sent a response to Washington's proposals", doc="d1")
    assert compare(denial, other) is None


# -- the seed ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_analysis():
    from sitrep.analyze import analyze_documents

    [document] = list(documents_from([str(need(SEED))]))
    [analysis] = list(analyze_documents([document]))
    return analysis


def _find(statements, pred):
    found = [s for s in statements if pred(s)]
    assert found, [(s.speaker.get("text"), s.content["text"][:40]) for s in statements]
    return found[0]


def _seed_parts(statements):
    state_dept = _find(statements, lambda s: "Russia had already sent a response" in s.content["text"])
    ministry = _find(statements, lambda s: s.cue["lemma"] == "deny")
    saying = _find(statements, lambda s: "Moscow had not yet sent Washington" in s.content["text"])
    grushko = _find(statements, lambda s: s.content["text"].startswith("“This is not true"))
    return state_dept, ministry, saying, grushko


def test_relations_seed_statements_speakers_carriers_stances(seed_analysis):
    state_dept, ministry, saying, grushko = _seed_parts(seed_analysis.statements)
    assert state_dept.speaker["actor_id"].endswith("us-state-department") and state_dept.stance == "assert"
    assert ministry.speaker["code"] == "RUS" and ministry.stance == "deny"
    assert grushko.speaker["actor_id"] == "alexander-grushko" and grushko.stance == "deny"
    # The Foreign Ministry's denial reached us the way Grushko's did: through RIA Novosti.
    assert [v["text"] for v in ministry.via] == ["RIA Novosti"]
    assert [v["text"] for v in grushko.via] == ["RIA Novosti"]
    # Propositions: the same event type, opposite polarity; the denials point at the State Department.
    assert state_dept.proposition["type"] == saying.proposition["type"]
    assert (state_dept.proposition["polarity"], saying.proposition["polarity"]) == ("positive", "negative")
    assert saying.proposition["actor"]["code"] == "RUS" and saying.proposition["recipient"]["code"] == "USA"
    assert ministry.proposition["target"]["actor_id"].endswith("us-state-department")
    assert grushko.proposition["target"]["actor_id"].endswith("us-state-department")


def test_relations_seed_moscow_contradicts_state_department(seed_analysis):
    state_dept, ministry, saying, grushko = _seed_parts(seed_analysis.statements)
    pairs = {(r.kind, frozenset((r.a, r.b))): r for r in seed_analysis.relations}
    for other in (ministry, saying, grushko):
        rel = pairs.get(("contradicts", frozenset((state_dept.id, other.id))))
        assert rel is not None, (other.content["text"], [(r.kind, r.explanation) for r in seed_analysis.relations])
        assert 0 < rel.score <= 1
        assert other.content["text"].strip("“”,") in rel.explanation
        assert "Russia had already sent a response" in rel.explanation
    # Carried statements are not set against their carriers, nor a speaker against itself.
    assert not any(frozenset((ministry.id, saying.id)) == key for _, key in pairs)


def test_relations_seed_stored_and_queried(seed_path, store):
    report = ingest([str(seed_path)], store)
    assert report.new == 1
    n_statements, n_relations = store.count("statements"), store.count("relations")
    assert n_statements >= 20 and n_relations >= 3
    denials = store.query_statements(stance="deny")
    assert {s.speaker.get("code") for s, _ in denials} == {"RUS"}
    [(grushko, doc)] = store.query_statements(speaker="Grushko")
    assert grushko.via[0]["text"] == "RIA Novosti" and doc["title"].startswith("Russia: Moscow denies")
    assert store.query_statements(speaker="usa", about="already sent")
    assert store.query_statements(since="2022-02-02") == []
    contradictions = store.query_relations(kind="contradicts")
    speakers = {frozenset((p["a"]["statement"].speaker.get("code"), p["b"]["statement"].speaker.get("code")))
                for p in contradictions}
    assert frozenset(("RUS", "USA")) in speakers
    # Re-ingesting changes nothing.
    again = ingest([str(seed_path)], store)
    assert again.new == 0
    assert (store.count("statements"), store.count("relations")) == (n_statements, n_relations)


# -- across two documents ------------------------------------------------------------------------

def _sentences_from_seed(*starts: str) -> str:
    [document] = list(documents_from([str(need(SEED))]))
    text = document.text
    out = []
    for start in starts:
        i = text.index(start)
        end = text.index(". ", i) + 1
        out.append(text[i:end])
    return " ".join(out)


def test_relations_cross_document_denial_contradicts_claim(tmp_path, store):
    moscow = _sentences_from_seed("On Tuesday, February 1, the Russian Foreign Ministry denied")
    washington = _sentences_from_seed("American broadcaster CNN", "The first newspaper that published")
    assert "US State Department officials confirmed" in washington and "Moscow had not yet sent" in moscow
    a = tmp_path / "moscow.txt"
    a.write_text(HEADER.format(title="Moscow denies sending its response") + moscow + "\n", encoding="utf-8")
    b = tmp_path / "washington.txt"
    b.write_text(HEADER.format(title="US says it has Russia's written response") + washington + "\n", encoding="utf-8")
    ingest([str(a)], store)
    assert store.count("relations") == 0  # one side alone contradicts nothing
    ingest([str(b)], store)
    pairs = store.query_relations(kind="contradicts")
    assert pairs, store.query_statements()
    docs = {frozenset((p["a"]["document"]["title"], p["b"]["document"]["title"])) for p in pairs}
    assert frozenset(("Moscow denies sending its response", "US says it has Russia's written response")) in docs
    sides = [{p["a"]["statement"].speaker.get("code"), p["b"]["statement"].speaker.get("code")} for p in pairs]
    assert {"RUS", "USA"} in sides
    us = next(p[k]["statement"] for p in pairs for k in ("a", "b") if p[k]["statement"].speaker.get("code") == "USA")
    assert [v["text"] for v in us.via] == ["CNN"] and us.stance == "confirm"
    # Ingesting again (either file) adds no relation twice.
    n = store.count("relations")
    ingest([str(a), str(b)], store)
    from sitrep.statements.relations import link_statements

    link_statements(store, [p["a"]["statement"].doc_id for p in pairs])
    assert store.count("relations") == n


def test_relations_analyze_emits_statement_and_relation_records():
    analysis = analyze_text("Russia denied that its troops had crossed the border. "
                            "Ukraine's defence ministry said that Russian troops had crossed the border on Monday.",
                            published=DAY)
    kinds = {type(r).__name__ for r in analysis.records()}
    assert {"Statement", "Relation"} <= kinds
    [rel] = analysis.relations
    assert rel.kind == "contradicts"


def test_relations_anaphoric_denial_answers_the_claim_before_it():
    analysis = analyze_text("US Secretary of State Mike Pompeo said the crash was likely Iran's doing. "
                            "For several days Iran denied the accusation.", published="2020-01-13")
    [rel] = [r for r in analysis.relations if r.kind == "contradicts"]
    speakers = {s.id: s.speaker.get("code") for s in analysis.statements}
    assert {speakers[rel.a], speakers[rel.b]} == {"USA", "IRN"}
    assert "denies" in rel.explanation


def test_relations_two_denials_of_one_claim_corroborate():
    analysis = analyze_text("The Times said that the minister had resigned on Monday. "
                            "The ministry denied the report. The prime minister also rejected the claims.",
                            published="2020-01-13")
    kinds = sorted(r.kind for r in analysis.relations)
    assert kinds.count("contradicts") >= 1
    corroborating = [r for r in analysis.relations if r.kind == "corroborates"]
    stances = {s.id: s.stance for s in analysis.statements}
    assert len(corroborating) == 1 and all(stances[r.a] == stances[r.b] == "deny" for r in corroborating)
    assert "both contradict" in corroborating[0].explanation and "resigned" in corroborating[0].explanation


def test_evaluate_contradictions_refuses_a_changed_shared_file(tmp_path):
    import hashlib
    import json

    from sitrep.errors import InputRejected
    from sitrep.evaluate.contradictions import load_pairs

    shared = tmp_path / "shared"
    (shared / "corpora").mkdir(parents=True)
    source = shared / "corpora" / "a.txt"
    source.write_text("Moscow denied the report. Washington said it had the letter.", encoding="utf-8")
    passage = "Moscow denied the report."
    ref = {"path": "corpora/a.txt", "start": 0, "end": len(passage),
           "sha256": hashlib.sha256(passage.encode()).hexdigest()[:16]}
    item = {"id": "x-1", "label": "unrelated", "a": {"text": None, "ref": ref}, "b": {"text": "Washington said so.", "origin": "u"}}
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps(item) + "\n", encoding="utf-8")
    [loaded], messages = load_pairs(gold, shared)
    assert loaded["a"]["text"] == passage and messages == []
    assert load_pairs(gold, tmp_path / "nowhere")[0] == []
    source.write_text("Moscow accepted the report. Washington said it had the letter.", encoding="utf-8")
    with pytest.raises(InputRejected, match="sha256"):
        load_pairs(gold, shared)


# -- the cross-document candidate index ----------------------------------------------------------

def _scan_every_pair(statements, others):
    """What ``relate`` must return across documents: every pair compared, in ``others`` order
    (``_may_relate`` and ``compare``, the strongest relation of a pair kept, the first of equals)."""
    from sitrep.statements.relations import _may_relate, _speaker_key, facts

    left = [facts(s) for s in statements]
    right = [facts(s) for s in others if _speaker_key(s) is not None]
    out = {}
    for fa in left:
        if fa.speaker is None or fa.polarity == 0:
            continue
        for fb in right:
            if not _may_relate(fa, fb):
                continue
            rel = compare(fa, fb)
            if rel is not None and ((rel.a, rel.b) not in out or out[(rel.a, rel.b)].score < rel.score):
                out[(rel.a, rel.b)] = rel
    return sorted(out.values(), key=lambda r: (r.kind, r.a, r.b))


def _random_statements(seed: int, n: int) -> list[Statement]:
    """Statements of many documents, speakers, stances, targets and days, some sharing words."""
    import random

    rng = random.Random(seed)
    speakers = [RUS, USA, {"text": "Ukraine's defence ministry", "actor_id": "UKR:defence", "code": "UKR", "sector": "MIL"},
                {"text": "officials"}, {"text": "he"}, {"text": "Andy Vesey"}, {"text": "Vesey"}]
    words = ("troops crossed border sent response security proposals talks held Monday missile strike "
             "sanctions lifted embassy closed ceasefire agreed attack launched convoy hit village").split()
    targets = [None, None, {"text": "the State Department", "actor_id": "USA:state-department"},
               {"text": "officials", "head": "officials"}, {"text": "the Foreign Ministry", "actor_id": "RUS:foreign-ministry"}]
    out = []
    for k in range(n):
        content = " ".join(rng.sample(words, rng.randint(1, 7)))
        if rng.random() < 0.3:
            content = rng.choice(["Russia", "Moscow", "Washington", "Kyiv"]) + " " + content
        out.append(_st(
            f"st-{k:03d}", rng.choice(speakers), rng.choice(["assert", "assert", "deny", "confirm", "question", "predict"]),
            content, doc=f"d{k % 23}", negated=rng.random() < 0.25,
            prop_type=rng.choice(["CLAIM", "REFERENCE", "MOVE", "ASSAULT", "AGREE"]),
            codes=rng.sample(["RUS", "USA", "UKR", "GBR"], rng.randint(0, 2)), target=rng.choice(targets),
            date=rng.choice([DAY, "2022-02-05", "2022-02-12", "2022-03-20", None]),
        ))
    return out


@pytest.mark.parametrize("seed", [7, 11])
def test_relations_across_documents_match_comparing_every_pair(seed):
    """The candidate index of ``relate`` (targeted pairs by shared keys, same-proposition pairs by
    a sparse token product, each pair met once unless the side that comes first matters) finds
    exactly the relations of comparing every pair, in the same order."""
    from sitrep.statements.relations import relate

    statements = _random_statements(seed, 160)
    # Overlapping sides, and the same statements on both (a load: its own statements come back).
    for new, stored in ((statements[:60], statements[40:]), (statements, statements)):
        expected = _scan_every_pair(new, stored)
        assert len(expected) >= 20 and {r.kind for r in expected} == {"contradicts", "corroborates"}
        assert any("denies" in r.explanation or "confirms" in r.explanation for r in expected)  # targeted pairs too
        assert relate(new, stored) == expected


def test_relations_mutual_confirmations_keep_the_stronger_side():
    """Two parties confirming each other's claim: which side targets first changes the score, so
    a pair met from both sides keeps the stronger reading (as comparing every pair does)."""
    from dataclasses import replace

    from sitrep.statements.relations import relate

    a = _st("st-a", USA, "confirm", "Russia sent troops to the border on Monday", doc="d1", codes=(),
            target={"text": "the Foreign Ministry", "actor_id": RUS["actor_id"]})
    b = _st("st-b", RUS, "confirm", "troops crossed the northern border near Kharkiv overnight", doc="d2", codes=(),
            target={"text": "the State Department", "actor_id": USA["actor_id"]})
    a = replace(a, evidence={"start": 0, "end": 90, "sentence": "Officials confirmed that troops crossed the border "
                                                                "near Kharkiv, as the ministry said in a long statement"})
    b = replace(b, evidence={"start": 0, "end": 60, "sentence": "The ministry confirmed the Monday report from "
                                                                "Washington about several matters"})
    weaker, stronger = compare(b, a), compare(a, b)
    assert weaker.score < stronger.score
    assert relate([b, a], [b, a]) == _scan_every_pair([b, a], [b, a]) == [stronger]


def test_relations_link_statements_by_stretches_of_days_when_the_window_is_full(store):
    """A load spanning more stored statements than one comparison holds relates them a stretch
    of days at a time: the same pairs as one comparison of everything, none lost to the cap."""
    from dataclasses import replace
    from datetime import date, timedelta

    from sitrep.statements.relations import link_statements, relate

    start = date(2022, 2, 1)
    statements = [replace(s, date=(start + timedelta(days=(k * 7) % 45)).isoformat())
                  for k, s in enumerate(_random_statements(5, 150))]
    docs = sorted({s.doc_id for s in statements})
    for doc in docs:
        store.con.execute("INSERT INTO documents (id, text) VALUES (?, ?)", [doc, "text"])
    store._insert_statements(statements)

    def pairs() -> set[tuple[str, str]]:
        return {(a, b) for a, b in store.con.execute("SELECT a, b FROM relations").fetchall()}

    link_statements(store, docs, limit=10_000)  # everything in one comparison
    everything = pairs()
    store.con.execute("DELETE FROM relations")
    assert link_statements(store, docs, limit=100, chunk=12) == len(everything) > 10
    assert pairs() == everything
    # One comparison with the newest 100 stored statements (what a capped window gives) loses pairs.
    capped = store.statements_near(since=start, until=start + timedelta(days=45), days=7, limit=100)
    assert len({(r.a, r.b) for r in relate(store.statements_of(docs), capped)}) < len(everything)
