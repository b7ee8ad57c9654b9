"""Sector cues around resolved mentions (sitrep.analyze.role_cues): former officials, candidates,
outlets, companies and distributive coordination.

Every sentence here is written for the test; none comes from the gold set.
"""

from __future__ import annotations

import pytest
from conftest import resolved

from sitrep.analyze.role_cues import parse_role_cues, role_cues


def _find(result: dict[str, tuple], part: str) -> tuple:
    """The (code, sector) of the one mention whose text contains ``part``."""
    hits = [v for k, v in result.items() if part in k]
    assert len(hits) == 1, (part, result)
    return hits[0]


# -- former officials ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Kwame Osei, former vice-president of Ghana, died on Tuesday.",
        "Kwame Osei, previously the Foreign Minister of Ghana, died on Tuesday.",
        "Former Ghanaian Defence Minister Kwame Osei told reporters the talks had failed.",
    ],
)
def test_role_cues_former_official_acting_privately_is_eli(text):
    assert _find(resolved(text, "2021-03-02"), "Osei")[1] == "ELI"


def test_role_cues_former_official_governed_by_under_keeps_the_office():
    result = resolved("The accord had been signed under former Ghanaian President Kwame Osei.", "2021-03-02")
    assert _find(result, "Osei") == ("GHA", "GOV")


def test_role_cues_former_official_acting_in_a_dated_past_keeps_the_office():
    result = resolved("Former Ghanaian President Kwame Osei expelled the envoys in 1994.", "2021-03-02")
    assert _find(result, "Osei")[1] == "GOV"


def test_role_cues_former_post_of_a_current_office_holder_keeps_the_current_office():
    # Named by former posts, but prime minister on the day.
    result = resolved("Boris Johnson, former Foreign Secretary, met the Irish leader.", "2019-09-09")
    assert _find(result, "Boris Johnson") == ("GBR", "GOV")
    assert all(sector != "ELI" for _code, sector in result.values())


def test_role_cues_without_a_former_word_keep_the_sector():
    assert _find(resolved("Ghanaian Foreign Minister Kwame Osei died on Tuesday.", "2021-03-02"), "Osei")[1] == "GOV"


# -- candidates ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Maria Quispe, the opposition's presidential candidate, held a rally in Lima.",
        "Maria Quispe, who was a candidate in the presidential primary, ended her campaign.",
        "The governor named John Whitfield as his running mate.",
        "Presidential challenger Maria Quispe of Peru held a rally.",
    ],
)
def test_role_cues_named_candidate_is_opp(text):
    name = "Whitfield" if "Whitfield" in text else "Quispe"
    assert _find(resolved(text, "2021-03-02"), name)[1] == "OPP"


def test_role_cues_nominee_for_an_appointed_post_is_not_opp():
    result = resolved("Supreme Court nominee Maria Quispe met senators on Tuesday.", "2021-03-02")
    assert _find(result, "Quispe")[1] != "OPP"


def test_role_cues_as_phrase_describes_the_object_not_the_subject():
    result = resolved("The governor named John Whitfield as his running mate.", "2021-03-02")
    assert _find(result, "governor")[1] != "OPP"


def test_role_cues_incumbent_candidate_keeps_the_office():
    result = resolved("President Donald Trump, the Republican nominee, spoke in Ohio.", "2020-09-01")
    assert _find(result, "Trump") == ("USA", "GOV")


# -- members and spokespeople of a body ------------------------------------------------------

@pytest.mark.parametrize(
    "text, part, expected",
    [
        ("Kwame Mensah, a spokesman for the Taliban, denied the report.", "Mensah", ("AFG", "REB")),
        ("Kwame Mensah, a spokesperson for the national police, said two men were held.", "Mensah", (None, "COP")),
    ],
)
def test_role_cues_spokesperson_takes_the_sector_of_the_body(text, part, expected):
    code, sector = _find(resolved(text, "2019-06-01"), part)
    assert sector == expected[1]
    assert expected[0] is None or code == expected[0]


def test_role_cues_spokesperson_of_a_ministry_stays_gov():
    assert _find(resolved("Kwame Mensah, a spokesman for the Ghanaian Foreign Ministry, said the talks ended."), "Mensah")[1] == "GOV"


# -- outlets and companies -------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, part, expected",
    [
        ("Iranian state media reported the crash.", "state media", ("IRN", "MED")),
        ("Syrian state television said the convoy had arrived.", "television", ("SYR", "MED")),
    ],
)
def test_role_cues_state_media_are_outlets(text, part, expected):
    assert _find(resolved(text), part) == expected


def test_role_cues_country_based_company_takes_the_country():
    result = resolved("Norway-based retailer Nordhandel Group announced the purchase.")
    assert _find(result, "Nordhandel") == ("NOR", "BUS")
    # "Norway" only says where the company is based: no mention of its own (rule 4).
    assert "Norway" not in result


def test_role_cues_company_name_head_gives_bus():
    assert _find(resolved("Brightwater Holdings sued the ministry over the contract."), "Brightwater")[1] == "BUS"


def test_role_cues_development_bank_is_not_made_a_company():
    result = resolved("African Export-Import Bank president Okey Oramah spoke at the forum.")
    assert all(sector != "BUS" for _code, sector in result.values())


# -- distributive coordination ---------------------------------------------------------------

def test_role_cues_distributive_coordination_after_a_body_noun():
    result = resolved("Agencies from Germany, South Korea and the United States joined the operation.")
    assert _find(result, "Germany") == ("DEU", "GOV")
    assert _find(result, "South Korea") == ("KOR", "GOV")
    assert _find(result, "United States") == ("USA", "GOV")
    assert "Agencies from Germany" in result


def test_role_cues_distributive_coordination_splits_one_long_mention():
    result = resolved("Iran held naval drills with the navies of China, India and Oman.")
    assert _find(result, "navies of China") == ("CHN", "MIL")
    assert result["India"] == ("IND", "MIL")
    assert result["Oman"] == ("OMN", "MIL")


def test_role_cues_no_distribution_after_a_non_actor_noun():
    result = resolved("Exports from Germany and France rose sharply last year.")
    assert all(sector is None for code, sector in result.values() if code in ("DEU", "FRA"))


def test_role_cues_distributive_coordination_of_a_domestic_group():
    result = resolved("Tourists from Germany and France visited the museum.")
    assert _find(result, "Germany") == ("DEU", "CVL") and result["France"] == ("FRA", "CVL")


# -- counted people named by nationality ------------------------------------------------------

@pytest.mark.parametrize(
    "text, part, code",
    [
        ("Border guards detained 37 Afghans near the crossing.", "Afghans", "AFG"),
        ("Thousands of Sudanese marched through the capital.", "Sudanese", "SDN"),
    ],
)
def test_role_cues_counted_nationals_are_civilians(text, part, code):
    assert _find(resolved(text), part) == (code, "CVL")


def test_role_cues_counted_nationals_do_not_change_the_state_actor():
    from sitrep.analyze import analyze_text

    analysis = analyze_text("Iraq protested. Gunmen killed 4 Iraqis near the border.", published="2021-05-04")
    by_text = {m.text: analysis.actors[m.actor_id] for m in analysis.mentions if m.actor_id}
    assert (by_text["Iraq"].code, by_text["Iraq"].sector) == ("IRQ", None)
    assert (by_text["Iraqis"].code, by_text["Iraqis"].sector) == ("IRQ", "CVL")


def test_role_cues_uncounted_plural_demonym_stays_the_state():
    assert resolved("The Saudis rejected the proposal on Monday.")["Saudis"] == ("SAU", None)


# -- the data file ---------------------------------------------------------------------------

def test_role_cues_data_file_parses_and_normalises():
    cues = role_cues()
    assert "former" in cues.former and "running mate" in cues.candidate
    assert cues.distributive_heads["agencies"] == "GOV"
    parsed = parse_role_cues("former: [Ex]\ncandidate: [President-Elect]\ndistributive_heads: {Navies: MIL}\n")
    assert parsed.former == frozenset({"ex"}) and parsed.candidate == ("president elect",)
    assert parsed.distributive_heads == {"navies": "MIL"}
