"""Attributed statements: cues, speakers, carriers, stance and content spans."""

from __future__ import annotations

import pytest

from sitrep.analyze import analyze_parsed, analyze_text
from sitrep.statements import cue_lexicon, extract_statements
from sitrep.statements.quotes import find_quotes

from conftest import SEED, need

DAY = "2022-02-01"


def _statements(text: str):
    return extract_statements(analyze_text(text, published=DAY))


def _by_cue(statements, cue: str):
    found = [s for s in statements if s.cue["text"].lower().endswith(cue)]
    assert found, [s.cue["text"] for s in statements]
    return found[0]


@pytest.fixture(scope="module")
def seed_statements():
    from sitrep.analyze.nlp import load_pipeline
    from sitrep.pipeline import documents_from

    [document] = list(documents_from([str(need(SEED))]))
    analysis = analyze_parsed(document, load_pipeline()(document.text))
    return analysis.document.text, extract_statements(analysis)


def test_statements_cue_lexicon_has_stances():
    lex = cue_lexicon()
    assert lex.stance["deny"] == "deny" and lex.stance["confirm"] == "confirm"
    assert lex.stance["expect"] == "predict" and lex.stance["say"] == "assert"
    assert ("according", "to") in lex.source_phrases


@pytest.mark.parametrize(
    "text, quotes",
    [
        ("He said: “This is not true.”", ["“This is not true.”"]),
        ('"We will go," she said.', ['"We will go,"']),
        ("“Open without end\n\nNext paragraph.", ["“Open without end"]),
    ],
)
def test_statements_quotes_pairing(text, quotes):
    assert [text[a:b] for a, b in find_quotes(text)] == quotes


@pytest.mark.parametrize(
    "text, cue, speaker, stance, kind, content",
    [
        ("The Russian Foreign Ministry denied the latest information revealed by the US State Department.",
         "denied", "The Russian Foreign Ministry", "deny", "indirect", "the latest information revealed by the US State Department"),
        ("“We will not attack anyone,” Deputy Foreign Minister Alexander Grushko said.",
         "said", "Deputy Foreign Minister Alexander Grushko", "assert", "direct", "“We will not attack anyone,”"),
        ("Kremlin spokesman Dmitry Peskov said that the talks would continue.",
         "said", "Kremlin spokesman Dmitry Peskov", "assert", "indirect", "that the talks would continue"),
        ("The talks will resume next week, diplomatic sources said.",
         "said", "diplomatic sources", "assert", "indirect", "The talks will resume next week"),
        ("Ukraine rejected reports that its troops had crossed the line.",
         "rejected", "Ukraine", "deny", "indirect", "reports that its troops had crossed the line"),
        ("Analysts expect that sanctions will be imposed within weeks.",
         "expect", "Analysts", "predict", "indirect", "that sanctions will be imposed within weeks"),
        ("The minister asked whether NATO would guarantee the border.",
         "asked", "The minister", "question", "indirect", "whether NATO would guarantee the border"),
        ("The president said the army “will defend every metre” of the country.",
         "said", "The president", "assert", "mixed", "the army “will defend every metre” of the country"),
    ],
)
def test_statements_extract_sentences(text, cue, speaker, stance, kind, content):
    st = _by_cue(_statements(text), cue)
    assert st.speaker["text"] == speaker
    assert (st.stance, st.kind) == (stance, kind)
    assert st.content["text"] == content
    assert text[st.content["start"] : st.content["end"]] == content
    assert st.evidence["start"] <= st.cue["start"] < st.evidence["end"]


def test_statements_extract_according_to_predict():
    text = "Indeed, according to Danilov, Moscow is likely to adopt a combination of cyber-attacks and provocations."
    st = _by_cue(_statements(text), "according to")
    assert st.speaker["text"] == "Danilov"
    assert st.stance == "predict"
    assert st.content["text"].startswith("Moscow is likely to adopt")


def test_statements_extract_multi_sentence_quote():
    text = "“We have sent nothing. The document is still being studied,” the spokesman said."
    st = _by_cue(_statements(text), "said")
    assert st.kind == "direct"
    assert st.content["text"] == "“We have sent nothing. The document is still being studied,”"


def test_statements_extract_split_quote_has_segments():
    text = "“This is not true,” Grushko said, “and the State Department knows it.”"
    st = _by_cue(_statements(text), "said")
    assert [s["text"] for s in st.content["segments"]] == ["“This is not true,”", "“and the State Department knows it.”"]
    assert st.stance == "deny"


def test_statements_extract_pronoun_resolves_to_last_person():
    text = "Sergey Lavrov met the envoy on Monday. He said that the talks had been useful."
    st = _by_cue(_statements(text), "said")
    assert st.speaker["text"] == "He"
    assert st.speaker["actor_id"] == "sergey-lavrov"


def test_statements_extract_relative_pronoun_resolves_to_antecedent():
    text = "The plan was criticised by Sergey Lavrov, who said that it would fail."
    st = _by_cue(_statements(text), "said")
    assert st.speaker["text"] == "who"
    assert st.speaker["actor_id"] == "sergey-lavrov"


def test_statements_extract_carrier_chain_from_quoting():
    text = ("The agency reported this on Tuesday, quoting Deputy Foreign Minister Alexander Grushko. "
            "“This is not true,” the latter said.")
    st = _by_cue(_statements(text), "said")
    assert st.speaker["actor_id"] == "alexander-grushko"
    assert st.via and st.via[0]["end"] <= st.cue["start"]


@pytest.mark.parametrize(
    "text",
    [
        "Russian troops moved closer to the border on Tuesday.",
        "The report released by the ministry runs to forty pages.",
    ],
)
def test_statements_extract_no_statement(text):
    assert _statements(text) == []


def test_statements_extract_ids_are_stable():
    text = "The Foreign Ministry stated that Lavrov would comment later."
    assert [s.id for s in _statements(text)] == [s.id for s in _statements(text)]


# -- the seed article -------------------------------------------------------------------------

def test_statements_seed_ministry_denies_state_department(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if s.cue["lemma"] == "deny")
    assert st.speaker["text"] == "the Russian Foreign Ministry" and st.speaker["code"] == "RUS"
    assert st.stance == "deny"
    assert "US State Department" in st.content["text"]


def test_statements_seed_grushko_via_ria(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if s.content["text"].startswith("“This is not true"))
    assert st.kind == "direct" and st.stance == "deny"
    assert st.speaker["actor_id"] == "alexander-grushko"
    assert [v["text"] for v in st.via] == ["RIA Novosti"]


def test_statements_seed_peskov_confirms(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if s.cue["lemma"] == "confirm" and "Kremlin" in (s.speaker["text"] or ""))
    assert st.stance == "confirm" and st.speaker["code"] == "RUS"


def test_statements_seed_officials_via_cnn(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if s.speaker.get("text") == "US State Department officials")
    assert st.stance == "confirm" and st.speaker.get("unnamed") is True and st.speaker["code"] == "USA"
    assert [v["text"] for v in st.via] == ["CNN"]


def test_statements_seed_washington_asserts(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if "concrete intention to invade" in s.content["text"])
    assert st.speaker["text"] == "Washington" and st.stance in ("assert", "predict")


def test_statements_seed_danilov_predicts(seed_statements):
    _, statements = seed_statements
    st = next(s for s in statements if s.speaker.get("text") == "Danilov")
    assert st.cue["lemma"] == "according to" and st.stance == "predict"
    assert st.date == DAY


@pytest.mark.parametrize(
    "text, cue, speaker, stance, content",
    [
        ("His claims were denied by Foreign Secretary Jack Straw, who accused the Tories of running scared.",
         "were denied", "Foreign Secretary Jack Straw", "deny", "His claims"),
        ("In the three years since the shootings, Barden says, far too many lives have been lost.",
         "says", "Barden", "assert", "In the three years since the shootings, Barden says, far too many lives have been lost"),
        ("Mr Howard later added there was not \"one iota\" of truth in the report.",
         "added", "Mr Howard", "deny", "there was not \"one iota\" of truth in the report"),
        ("In 2010, Pate supported Charlie Crist.",
         "supported", "Pate", "assert", "Charlie Crist"),
    ],
)
def test_statements_extract_passive_parenthetical_attitude(text, cue, speaker, stance, content):
    st = _by_cue(_statements(text), cue)
    assert st.speaker["text"] == speaker and st.stance == stance
    assert st.content["text"] == content


def test_statements_extract_relay_carries_previous_sentence():
    text = ("The Foreign Ministry denied the report on Tuesday. "
            "The news agency reported this on Tuesday, quoting Deputy Foreign Minister Alexander Grushko.")
    st = _by_cue(_statements(text), "denied")
    assert st.via and st.via[0]["end"] > st.cue["end"]
