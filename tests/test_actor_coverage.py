"""The actor dictionary covers the offices sitrep follows, every day of 2019-01-01..2026-11-01.

``src/sitrep/data/actors/coverage.yaml`` lists the posts (heads of state and government,
foreign and defence ministers, spokespeople, intelligence chiefs of the P5, Ukraine, Belarus,
Poland, the Baltic states, Germany, Turkey, Iran, Israel and the two Koreas; the leadership of
NATO, the EU, the UN, the IAEA and the OSCE; the heads of state and government of the states of
more than about five million people and the G20 foreign ministers), the posts a state does not
have and the periods known to be open, each with its reason. Any other day without a holder in the built
dictionary fails here.
"""

from __future__ import annotations

import pytest

from sitrep.evaluate.actor_coverage import _gaps, coverage, load_spec, undocumented_gaps

STATES = ("USA", "RUS", "CHN", "GBR", "FRA", "UKR", "BLR", "POL", "EST", "LVA", "LTU", "DEU", "TUR", "IRN", "ISR",
          "PRK", "KOR")
IGOS = ("NATO", "EU", "UN", "IAEA", "OSCE")
# Heads of state and government (kind leaders; kind g20 adds the foreign minister) of the states
# of more than about five million people that are covered (coverage.yaml names those not yet listed).
G20 = ("ARG", "AUS", "BRA", "CAN", "IND", "IDN", "ITA", "JPN", "MEX", "SAU", "ZAF")
LEADERS = ("AUT", "BEL", "CZE", "DNK", "FIN", "GRC", "HUN", "IRL", "NLD", "NOR", "PRT", "ROU", "SRB", "SVK", "ESP",
           "SWE", "AZE", "DZA", "EGY", "IRQ", "JOR", "MAR", "TUN", "ARE", "LBN", "SYR", "PAK", "BGD", "NPL", "LKA",
           "MYS", "VNM", "THA", "PHL", "SGP", "KHM", "KAZ", "UZB", "TJK", "AFG", "NZL", "NGA", "ETH", "KEN", "TZA",
           "CMR", "UGA", "GHA", "ZWE", "ZMB", "AGO", "MOZ", "MWI", "COD", "CHL", "COL", "ECU", "BOL", "CUB", "GTM",
           "HND", "DOM", "SLV", "PRY", "PER", "CRI", "PNG", "TKM", "TWN", "OMN", "YEM", "SLE", "LBR", "SEN", "CIV",
           "SOM", "SSD", "RWA", "COG", "BDI", "GIN", "MLI", "BFA", "NER", "TCD", "SDN", "BEN", "NIC")


@pytest.fixture(scope="module")
def posts():
    return coverage()


def test_every_listed_state_and_igo_has_every_post_filled_or_explained(posts):
    spec = load_spec()
    assert str(spec["period"]["from"]) == "2019-01-01" and str(spec["period"]["to"]) == "2026-11-01"
    assert set(spec["entities"]) == set(STATES) | set(IGOS) | set(G20) | set(LEADERS)
    for kind, entities in (("state", STATES), ("g20", G20), ("leaders", LEADERS)):
        for entity in entities:
            assert spec["entities"][entity].get("kind", "state") == kind, entity
            got = {p.post for p in posts if p.entity == entity}
            assert got == set(spec["posts"][kind]), entity
    assert spec["posts"]["leaders"] == ["head_of_state", "head_of_government"]
    assert spec["posts"]["g20"] == ["head_of_state", "head_of_government", "foreign_minister"]
    assert undocumented_gaps(posts) == []


def test_absent_posts_and_open_periods_give_their_reason(posts):
    for post in posts:
        if post.absent is not None:
            assert len(post.absent) > 20, post
        for start, end, reason in post.documented:
            assert start <= end and len(reason) > 20, post
        # a documented open period must still be open: a filled one is to be removed from the data
        for start, end, _reason in post.documented:
            assert any(start <= a and b <= end for a, b in post.gaps), (post.entity, post.post, start, end)


@pytest.mark.parametrize(
    "entity, post, day, name",
    [
        ("USA", "head_of_state", "2021-06-01", "Joe Biden"),
        ("USA", "defence_minister", "2020-12-01", "Christopher C. Miller"),
        ("GBR", "head_of_government", "2022-10-01", "Liz Truss"),
        ("UKR", "foreign_minister", "2024-10-01", "Andrii Sybiha"),
        ("ISR", "foreign_minister", "2019-01-15", "Benjamin Netanyahu"),
        ("PRK", "head_of_government", "2019-06-01", "Kim Jae Ryong"),
        ("EU", "parliament_president", "2022-01-14", "Roberta Metsola"),
        ("UN", "refugees_high_commissioner", "2020-01-01", "Filippo Grandi"),
        ("AUT", "head_of_government", "2019-10-01", "Brigitte Bierlein"),
        ("AUT", "head_of_government", "2025-02-01", "Alexander Schallenberg"),
        ("SAU", "head_of_government", "2023-01-01", "Mohammed bin Salman"),
        ("SAU", "foreign_minister", "2019-06-01", "Ibrahim Abdulaziz Al-Assaf"),
        ("ITA", "foreign_minister", "2019-03-01", "Enzo Moavero Milanesi"),
        ("CAN", "foreign_minister", "2021-06-01", "Marc Garneau"),
        ("VNM", "head_of_state", "2024-04-15", "Võ Thị Ánh Xuân"),
        ("ROU", "head_of_state", "2025-03-01", "Ilie Bolojan"),
        ("NPL", "head_of_government", "2023-06-01", "Pushpa Kamal Dahal"),
        ("PER", "head_of_state", "2021-03-01", "Francisco Sagasti"),
        ("MLI", "head_of_state", "2021-01-15", "Bah Ndaw"),
        ("SDN", "head_of_state", "2019-06-01", "Abdel Fattah al-Burhan"),
    ],
)
def test_holders_on_a_day(posts, entity, post, day, name):
    found = next(p for p in posts if p.entity == entity and p.post == post)
    holders = {h.name for h in found.holders if (h.start or "") <= day <= (h.end or "9999")}
    assert name in holders


def test_a_post_not_held_is_not_credited(posts):
    # Marcelo Rebelo de Sousa's last term ended on 2026-03-09; the days after stay open.
    found = next(p for p in posts if p.entity == "PRT" and p.post == "head_of_state")
    assert not any((h.start or "") <= "2026-06-01" <= (h.end or "9999") for h in found.holders)
    assert any(a <= "2026-06-01" <= b for a, b in found.gaps)


def test_gap_arithmetic():
    assert _gaps([("2019-01-05", "2019-01-10"), ("2019-01-08", None)], "2019-01-01", "2019-01-31") == [
        ("2019-01-01", "2019-01-04")]
    assert _gaps([("2018-01-01", "2019-01-10"), ("2019-01-12", "2019-01-20")], "2019-01-01", "2019-01-31") == [
        ("2019-01-11", "2019-01-11"), ("2019-01-21", "2019-01-31")]
    assert _gaps([], "2019-01-01", "2019-01-02") == [("2019-01-01", "2019-01-02")]
