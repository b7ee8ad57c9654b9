"""General forms of actor mentions: coordinated countries after an institution noun, a role of
a place followed by the name, a person "of" the body they serve, a country's "leader", defence
ministries named by their portfolio and acronyms, a place before a lower-case title, and
generic (quantified) role nouns, and missions abroad whose place is their host.

Every sentence here is written for the test; none comes from the gold set.
"""

from __future__ import annotations

import pytest
from conftest import resolved


def test_coordinated_countries_after_an_institution_noun_are_each_that_institution():
    found = resolved("Iran held drills with the navies of China, India and Oman.", "2023-01-15")
    assert found["navies of China"] == ("CHN", "MIL")
    assert found["India"] == ("IND", "MIL")
    assert found["Oman"] == ("OMN", "MIL")


@pytest.mark.parametrize(
    "text, mention, expected",
    [
        ("The governor of Kherson, Oleksandr Prokudin, said the city was shelled.",
         "governor of Kherson, Oleksandr Prokudin", ("UKR", "GOV")),
        ("The Foreign Minister of Cyprus, Nikos Christodoulides, said.",
         "Foreign Minister of Cyprus, Nikos Christodoulides", ("CYP", "GOV")),
        ("Ivan Petrov, of the Russian foreign ministry, said the note was delivered.",
         "Ivan Petrov, of the Russian foreign ministry", ("RUS", "GOV")),
        ("Kharkiv mayor Ihor Terekhov said the power was back.", "Kharkiv mayor Ihor Terekhov", ("UKR", "GOV")),
        ("Belgorod governor Vyacheslav Gladkov said two drones were downed.",
         "Belgorod governor Vyacheslav Gladkov", ("RUS", "GOV")),
        ("The North Korean leader watched the test.", "North Korean leader", ("PRK", "GOV")),
        ("The Russian MoD said the drones were destroyed.", "Russian MoD", ("RUS", "MIL")),
        ("Poland's Ministry of National Defence confirmed the purchase.", "Poland's Ministry of National Defence",
         ("POL", "MIL")),
        ("Ukraine's presidential office said the talks would resume.", "Ukraine's presidential office", ("UKR", "GOV")),
    ],
)
def test_forms(text, mention, expected):
    assert resolved(text, "2024-01-01")[mention] == expected


def test_the_place_of_an_embassy_is_its_host_not_its_owner():
    found = resolved("The embassy in Kyiv said it would stay open.", "2024-01-01")
    assert all(code != "UKR" for code, _sector in found.values())
    assert resolved("The French embassy in Tehran said it would stay open.", "2024-01-01")["French embassy in"][0] == "FRA"


def test_a_quantified_role_noun_is_nobody_in_particular():
    found = resolved("No leader should assume that the policy will change, Macron said.", "2023-01-15")
    assert found.get("leader", (None, None))[0] is None
