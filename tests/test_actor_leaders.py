"""Heads of state and government of the world, 2019-2026, resolve by the article's date.

The holders come from the coverage section of ``src/sitrep/data/actors/extensions.yaml``
(states of more than about five million people and the G20 foreign ministers): a person is
coded as the office (sector GOV) while the article date lies in a role period, and as their
country alone before or after it.
"""

from __future__ import annotations

import pytest
from conftest import resolved


@pytest.mark.parametrize(
    "text, mention, day, expected",
    [
        # in office on the article's date
        ("Brigitte Bierlein met the President in Vienna.", "Brigitte Bierlein", "2019-09-01", ("AUT", "GOV")),
        ("Naledi Pandor said South Africa would not take sides.", "Naledi Pandor", "2022-03-01", ("ZAF", "GOV")),
        ("Dina Boluarte said the protests would be investigated.", "Dina Boluarte", "2023-01-10", ("PER", "GOV")),
        ("Katalin Novak resigned as president.", "Katalin Novak", "2024-02-10", ("HUN", "GOV")),
        ("Kassim Majaliwa opened the conference.", "Kassim Majaliwa", "2020-05-01", ("TZA", "GOV")),
        ("Mauro Vieira met Antony Blinken in Washington.", "Mauro Vieira", "2023-02-10", ("BRA", "GOV")),
        # the same names after leaving office: the country only, not the office
        ("Brigitte Bierlein attended the ceremony.", "Brigitte Bierlein", "2023-03-01", ("AUT", None)),
        ("Naledi Pandor said the party would campaign hard.", "Naledi Pandor", "2025-03-01", ("ZAF", None)),
        ("Dina Boluarte said she was innocent.", "Dina Boluarte", "2025-11-20", ("PER", None)),
        ("Katalin Novak spoke at a conference.", "Katalin Novak", "2025-02-10", ("HUN", None)),
    ],
)
def test_leader_is_coded_as_the_office_only_while_in_it(text, mention, day, expected):
    assert resolved(text, day)[mention] == expected


def test_surname_alone_follows_the_date():
    assert resolved("Bierlein said the talks went well.", "2019-09-01")["Bierlein"] == ("AUT", "GOV")


def test_namesakes_in_two_states_are_told_apart_by_first_name():
    # Ludovic Orban (Romania) is written without a surname-only alias, so "Orban" stays Hungary's.
    assert resolved("Ludovic Orban said the government would act.", "2020-04-01")["Ludovic Orban"] == ("ROU", "GOV")
    assert resolved("Viktor Orban said the government would act.", "2020-04-01")["Viktor Orban"] == ("HUN", "GOV")
