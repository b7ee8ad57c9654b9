"""The actor resolver on real news phrasings: titles, institutions, metonyms, coreference."""

from __future__ import annotations

import pytest
from conftest import resolved

from sitrep.analyze import analyze_text


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        ("Deputy Foreign Minister Alexander Grushko said this was not true.", "Deputy Foreign Minister Alexander Grushko", ("RUS", "GOV")),
        ("The Russian Foreign Ministry denied the report.", "Russian Foreign Ministry", ("RUS", "GOV")),
        ("The US State Department said Russia had replied.", "US State Department", ("USA", "GOV")),
        ("Moscow denied handing over its response.", "Moscow", ("RUS", "GOV")),
        ("The Kremlin repeats that the army is on Russian soil.", "Kremlin", ("RUS", "GOV")),
        ("Washington promised to send 8,500 soldiers to Eastern Europe.", "Washington", ("USA", "GOV")),
        ("NATO announced a reinforcement of the eastern flank.", "NATO", ("NATO", "IGO")),
        ("Ukrainian officials believe the Kremlin can use covert strategies.", "Ukrainian officials", ("UKR", "GOV")),
        ("US Secretary of State Antony Blinken spoke to reporters.", "US Secretary of State Antony Blinken", ("USA", "GOV")),
        ("Russia also indicates that it does not want to spark a conflict.", "Russia", ("RUS", None)),
    ],
)
def test_analyze_actors_resolves(text, mention, expected):
    assert resolved(text)[mention] == expected


def test_analyze_actors_office_depends_on_date():
    assert resolved("Blinken met reporters.", "2022-02-01")["Blinken"] == ("USA", "GOV")


def test_analyze_actors_locative_capital_is_not_an_actor():
    mentions = resolved("Talks were held in Geneva and officials flew to Moscow.")
    assert "Moscow" not in mentions and "Geneva" not in mentions


def test_analyze_actors_surname_takes_earlier_full_name():
    analysis = analyze_text("Sergey Lavrov met the envoy. Later, Lavrov said the talks went well.", published="2022-02-01")
    ids = [m.actor_id for m in analysis.mentions if "Lavrov" in m.text]
    assert len(ids) == 2 and ids[0] == ids[1] == "sergey-lavrov"


def test_analyze_actors_unresolved_kept_without_code():
    analysis = analyze_text("Zxqvor Blintak said the talks went well.", published="2022-02-01")
    assert all(m.actor_id is None for m in analysis.mentions if "Blintak" in m.text)


def test_analyze_actors_glued_words_are_not_actors(seed_path):
    from sitrep.analyze import analyze_documents
    from sitrep.pipeline import documents_from

    [doc] = list(documents_from([str(seed_path)]))
    [analysis] = list(analyze_documents([doc]))
    texts = {m.text for m in analysis.mentions}
    assert not any("Quoting" in t or "PeskovWhich" in t for t in texts)
    assert all(doc.text[m.start : m.end] == m.text for m in analysis.mentions)


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        ("A Kremlin spokesman confirmed the report.", "Kremlin spokesman", ("RUS", "GOV")),
        ("The Russian Foreign Ministry denied it. The Foreign Ministry stated that talks would go on.", "The Foreign Ministry", ("RUS", "GOV")),
        ("They could install a pro-Kremlin official in Kyiv.", "official", ("UKR", "GOV")),
        ("They want to replace the president with a pro-Kremlin official.", "president", (None, "GOV")),
    ],
)
def test_analyze_actors_affiliation_from_context(text, mention, expected):
    assert resolved(text)[mention] == expected
