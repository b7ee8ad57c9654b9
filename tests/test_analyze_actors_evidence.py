"""A bare role noun takes a country only with evidence that the country is its own.

Linked evidence (the country modifies the noun, an of-/in-/from-phrase, an apposition, a
coordination) and a country the sentence is about (its subject, a source, where it happens, the
same institution named with its country) count. A target or goal ("to Kiev", "against Iran"),
a passive agent ("by Russia"), a country modifying an event or a thing ("a Russian invasion")
and a counterpart in the same event ("Russian troops shelled the army") do not.

Every sentence here is written for the test; none comes from the gold set.
"""

from __future__ import annotations

import pytest
from conftest import resolved


@pytest.mark.parametrize(
    "text, mention",
    [
        # a passive agent inside an event noun
        ("The army moved tanks to the border to deter an invasion by Russia.", "army"),
        # a goal of motion
        ("The minister sent a letter to Kiev.", "minister"),
        ("The president flew to Ankara for talks.", "president"),
        # a target
        ("The government condemned the sanctions against Iran.", "government"),
        # a country modifying an event
        ("The army is preparing for a Russian invasion.", "army"),
        # a counterpart: a body of the same kind acting on the noun
        ("Russian troops shelled the army overnight.", "army"),
        # a counterpart's country stands for a second reading
        ("Kurdish fighters ambushed two Turkish soldiers, police said.", "police"),
    ],
)
def test_no_country_without_evidence(text, mention):
    code, _sector = resolved(text, "2023-01-15").get(mention, (None, None))
    assert code is None


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        # the subject of the clause that reports the noun
        ("Iraq's interim government said the army would protect the polling stations.", "army", ("IRQ", "MIL")),
        ("The Kremlin said the army would stay on Russian soil.", "army", ("RUS", "MIL")),
        # a source
        ("According to Kabul, the rebels fired first.", "rebels", ("AFG", "REB")),
        # coordination
        ("The president and the Kenyan parliament disagreed over the budget.", "president", ("KEN", "GOV")),
        # the same institution named with its country
        ("A roadside bomb killed a French soldier, the military said.", "military", ("FRA", "MIL")),
        # a group acting on its own state is at home
        ("Serbian students gave the government a deadline.", "government", ("SRB", "GOV")),
        # an in-phrase on the noun
        ("Police in Lyon detained two men who had arrived from Turin.", "Police", ("FRA", "COP")),
    ],
)
def test_country_with_evidence(text, mention, expected):
    assert resolved(text, "2023-01-15")[mention] == expected
