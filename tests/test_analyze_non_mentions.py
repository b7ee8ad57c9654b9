"""Spans in positions where they name no actor (sitrep.analyze.non_mentions): legislatures used
as places and personal titles used as predicates.

Every sentence here is written for the test; none comes from the gold set.
"""

from __future__ import annotations

import pytest
from conftest import resolved

from sitrep.analyze.non_mentions import non_mention_rules, parse_non_mention_rules


@pytest.mark.parametrize(
    "text, body",
    [
        ("She served for three decades in Congress before retiring.", "Congress"),
        ("The motion was debated for hours in the Senate on Monday.", "Senate"),
        ("He was first elected to Congress in 1990.", "Congress"),
        ("She will run for Congress next year.", "Congress"),
    ],
)
def test_non_mentions_legislature_used_as_a_place_is_no_mention(text, body):
    assert not any(body in mention for mention in resolved(text, "2021-05-04"))


@pytest.mark.parametrize(
    "text, body",
    [
        ("Congress passed the budget on Friday.", "Congress"),
        ("The Senate voted to confirm the nominee.", "Senate"),
        ("The ambassador wrote to Congress about the sale.", "Congress"),
    ],
)
def test_non_mentions_legislature_that_acts_stays(text, body):
    assert any(body in mention for mention in resolved(text, "2021-05-04"))


@pytest.mark.parametrize(
    "text, title",
    [
        ("Osei, who had been Ghana's prime minister since 2014, died on Friday.", "prime minister"),
        ("Mensah was sworn in as Ghana's new governor on Friday.", "governor"),
    ],
)
def test_non_mentions_title_used_as_predicate_is_no_mention(text, title):
    assert not any(title in mention for mention in resolved(text, "2021-05-04"))


def test_non_mentions_group_noun_as_predicate_stays():
    # Victims named in the predicate are actors (only personal titles are dropped).
    result = resolved("According to Ghana's police, the dead are fourteen civilians.", "2021-05-04")
    assert any("civilians" in mention for mention in result)


def test_non_mentions_title_acting_stays():
    assert resolved("Ghana's prime minister said the talks would resume.", "2021-05-04")["Ghana's prime minister"][1] == "GOV"


def test_non_mentions_rules_parse():
    rules = non_mention_rules()
    assert "in" in rules.locative_prepositions and "elect" in rules.goal_prepositions["to"]
    parsed = parse_non_mention_rules("locative_prepositions: [In]\ngoal_prepositions: {for: [Run]}\n")
    assert parsed.locative_prepositions == frozenset({"in"}) and parsed.goal_prepositions == {"for": frozenset({"run"})}


@pytest.mark.parametrize(
    "text, country",
    [
        ("Turnout in the 2020 United States presidential election was high.", "United States"),
        ("The firm invested nine billion US dollars in the plant.", "US"),
        ("The shooting happened in the U.S. border city of El Paso.", "U.S."),
    ],
)
def test_non_mentions_country_modifying_a_common_noun_is_no_mention(text, country):
    assert not any(country in mention for mention in resolved(text, "2021-05-04"))


@pytest.mark.parametrize(
    "text, country",
    [
        ("The United States imposed sanctions on the firm.", "United States"),
        ("Sanctions were imposed by the US on Friday.", "US"),
        ("US troops left the base.", "US troops"),
    ],
)
def test_non_mentions_country_acting_stays(text, country):
    assert any(country in mention for mention in resolved(text, "2021-05-04"))


def test_non_mentions_country_before_an_event_noun_stays_for_the_coder():
    # The country modifying an event noun is the event's actor: the mention stays, and the
    # coder codes the attack as the country's.
    from sitrep.analyze import analyze_text

    text = "Recent US drone strikes have killed five militants near the border, officials said."
    assert any("US" in mention for mention in resolved(text, "2021-05-04"))
    events = analyze_text(text, published="2021-05-04").events
    assert any(e.type == "ASSAULT" and (e.actor or {}).get("code") == "USA" for e in events), events
