"""Tests for the actor dictionary (sitrep.analyze.dictionary) and its converter.

The lookups run against the packaged data (actors.jsonl.gz, countries.tsv, agents.tsv). The
converter tests build a dictionary from small petrarch2-format files written here, so they do
not need ../shared. Speed is measured by benchmarks, not asserted here.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from sitrep.analyze.dictionary import (
    DATA_DIR,
    ActorDictionary,
    CountryMatch,
    DictionaryError,
    alias_key,
    spelling_variants,
)
from sitrep.errors import SitrepError

SEED_DAY = "2022-02-01"


@pytest.fixture(scope="module")
def d() -> ActorDictionary:
    return ActorDictionary.load()


def _top(d: ActorDictionary, name: str, on: str | None = SEED_DAY):
    found = d.lookup(name, on)
    assert found, f"no candidate for {name!r}"
    return found[0]


# --- persons, dated roles ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, on, actor_id, code, sector",
    [
        ("Putin", SEED_DAY, "vladimir-putin", "RUS", "GOV"),
        ("Vladimir Putin", SEED_DAY, "vladimir-putin", "RUS", "GOV"),
        ("Lavrov", SEED_DAY, "sergey-lavrov", "RUS", "GOV"),
        ("Sergey Lavrov", SEED_DAY, "sergey-lavrov", "RUS", "GOV"),
        ("Blinken", SEED_DAY, "antony-blinken", "USA", "GOV"),
        ("Anthony Blinken", SEED_DAY, "antony-blinken", "USA", "GOV"),
        ("Zelensky", SEED_DAY, "volodymyr-zelensky", "UKR", "GOV"),
        ("Volodymyr Zelenskyy", SEED_DAY, "volodymyr-zelensky", "UKR", "GOV"),
        ("Dmitriy Peskov", SEED_DAY, "dmitry-peskov", "RUS", "GOV"),
        ("Peskov", SEED_DAY, "dmitry-peskov", "RUS", "GOV"),
        ("Alexander Grushko", SEED_DAY, "alexander-grushko", "RUS", "GOV"),
        ("Grushko", SEED_DAY, "alexander-grushko", "RUS", "GOV"),
        ("Oleksiy Danilov", SEED_DAY, "oleksiy-danilov", "UKR", "GOV"),
        ("Oleksii Danilov", SEED_DAY, "oleksiy-danilov", "UKR", "GOV"),
        ("Danilov", SEED_DAY, "oleksiy-danilov", "UKR", "GOV"),
        ("Jens Stoltenberg", SEED_DAY, "jens-stoltenberg", "NATO", "IGO"),
        ("Mark Rutte", "2025-03-01", "mark-rutte", "NATO", "IGO"),
        ("Mark Rutte", "2022-02-01", "mark-rutte", "NLD", "GOV"),
        ("Ursula von der Leyen", SEED_DAY, "ursula-von-der-leyen", "EU", "IGO"),
        ("Ursula von der Leyen", "2018-01-01", "ursula-von-der-leyen", "DEU", "MIL"),  # defence minister: MIL (ACTORS_GOLD.md)
        ("Antonio Guterres", SEED_DAY, "antonio-guterres", "UN", "IGO"),
    ],
)
def test_dictionary_lookup_resolves_on_date(d, name, on, actor_id, code, sector):
    top = _top(d, name, on)
    assert (top.actor_id, top.code, top.sector) == (actor_id, code, sector)
    assert top.in_role and not top.stale


def test_dictionary_blinken_not_secretary_of_state_in_2020(d):
    res = d.resolve_code("antony-blinken", "2020-01-01")
    assert res.code == "USA"
    assert not res.in_role
    assert res.office is None and res.sector != "GOV"
    on_seed = d.resolve_code("antony-blinken", SEED_DAY)
    assert on_seed.office == "Secretary of State" and on_seed.sector == "GOV"


def test_dictionary_resolve_code_follows_role_changes(d):
    # Medvedev: president, then prime minister, then Security Council deputy chairman.
    assert d.resolve_code("dmitry-medvedev", "2010-01-01").office == "President of Russia"
    assert d.resolve_code("dmitry-medvedev", "2015-01-01").office == "Prime Minister of Russia"
    assert "Security Council" in d.resolve_code("dmitry-medvedev", SEED_DAY).office
    # Role bounds are inclusive: Zelensky took office on 20 May 2019.
    assert not d.resolve_code("volodymyr-zelensky", "2019-05-19").in_role
    assert d.resolve_code("volodymyr-zelensky", "2019-05-20").in_role


def test_dictionary_secondary_role_does_not_override_main_office(d):
    # Zbigniew Rau chaired the OSCE in 2022 while remaining Poland's foreign minister.
    res = d.resolve_code("zbigniew-rau", "2022-06-01")
    assert (res.code, res.sector) == ("POL", "GOV")
    assert "Foreign Affairs" in res.office


@pytest.mark.parametrize("spelling", ["Sergei Lavrov", "Sergey Lavrov", "SERGEY LAVROV", "sergej lavrov"])
def test_dictionary_transliterations_are_one_actor(d, spelling):
    assert _top(d, spelling).actor_id == "sergey-lavrov"
    assert _top(d, spelling).match == "alias"


def test_dictionary_surname_lookup_is_flagged(d):
    top = _top(d, "Lavrov")
    assert top.match == "surname" and top.surname_match
    full = _top(d, "Sergey Lavrov")
    assert full.match == "alias" and not full.surname_match
    titled = _top(d, "Foreign Minister Lavrov")
    assert titled.actor_id == "sergey-lavrov" and titled.surname_match


def test_dictionary_title_prefix_matches_as_suffix(d):
    top = _top(d, "Russian Deputy Foreign Minister Alexander Grushko")
    assert top.actor_id == "alexander-grushko" and top.match == "suffix"


def test_dictionary_lookup_ignores_case_accents_and_punctuation(d):
    assert _top(d, "recep tayyip erdogan").actor_id == "recep-tayyip-erdogan"
    assert _top(d, "Recep Tayyip Erdoğan").actor_id == "recep-tayyip-erdogan"
    assert _top(d, "U.N. Security Council").actor_id == "un-security-council"


def test_dictionary_stale_petrarch_role_is_flagged(d):
    # Petrarch2's open-ended roles are only known up to its 2014 snapshot.
    stale = [
        c
        for c in d.lookup("Barack Obama", "2009-06-01") + d.lookup("Hamid Karzai", "2020-01-01")
        if c.in_role
    ]
    assert all(c.stale == (c.actor_id != "barack-obama") for c in stale)
    assert not d.resolve_code("barack-obama", SEED_DAY).in_role  # curated: left office 2017


@pytest.mark.parametrize("name", ["Chan-o-cha", "Al-Jazeera", "BBC's Jonathan Marcus", "Labour Party", "x"])
def test_dictionary_lookup_never_guesses_a_surname_after_a_given_name(d, name):
    assert all(not c.surname_match for c in d.lookup(name, SEED_DAY))


def test_dictionary_unknown_actor_raises_keyerror(d):
    with pytest.raises(KeyError):
        d.resolve_code("no-such-actor", SEED_DAY)
    assert d.lookup("Xyzzy Plugh", SEED_DAY) == []


# --- states, countries, agents -------------------------------------------------------------------


@pytest.mark.parametrize(
    "alias, code, alias_type",
    [
        ("Russia", "RUS", "name"),
        ("Russian Federation", "RUS", "name"),
        ("Russian", "RUS", "demonym"),
        ("Russians", "RUS", "demonym"),
        ("Moscow", "RUS", "capital"),
        ("the Kremlin", "RUS", "seat"),
        ("Kremlin", "RUS", "seat"),
        ("the US", "USA", "name"),
        ("Washington", "USA", "capital"),
        ("the White House", "USA", "seat"),
        ("Kiev", "UKR", "capital"),
        ("Kyiv", "UKR", "capital"),
        ("Ukrainian", "UKR", "demonym"),
        ("Beijing", "CHN", "capital"),
        ("Downing Street", "GBR", "seat"),
        ("the Elysee", "FRA", "seat"),
        ("Élysée", "FRA", "seat"),
        ("Belarusian", "BLR", "demonym"),
        ("Korea, Republic of", "KOR", "name"),
    ],
)
def test_dictionary_country_aliases(d, alias, code, alias_type):
    match = d.country(alias)
    assert match == (code, alias_type)
    iso3, kind = match  # unpacks as (iso3, alias_type)
    assert (iso3, kind) == (code, alias_type)


def test_dictionary_brussels_is_ambiguous(d):
    match = d.country("Brussels")
    assert isinstance(match, CountryMatch)
    assert match.ambiguous
    assert {"BEL", "EU", "NATO"} <= set(match.alternatives)


@pytest.mark.parametrize("alias", ["us", "it", "who", "Europe"])
def test_dictionary_country_rejects_words_and_regions(d, alias):
    assert d.country(alias) is None


def test_dictionary_country_table_covers_every_iso_name_and_demonym(d):
    pycountry = pytest.importorskip("pycountry")
    no_demonym = {"ATA", "ATF", "BVT", "HMD", "IOT", "SGS", "SJM", "UMI"}
    rows = d.country_aliases()
    names = {(alias_key(a), c) for a, c, t in rows if t == "name"}
    demonyms = {c for _, c, t in rows if t == "demonym"}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                assert (alias_key(value), country.alpha_3) in names, value
        if country.alpha_3 not in no_demonym:
            assert country.alpha_3 in demonyms, country.name


@pytest.mark.parametrize(
    "name, code",
    [("Russia", "RUS"), ("Moscow", "RUS"), ("Russians", "RUS"), ("Ukraine", "UKR"), ("Kursk", "RUS")],
)
def test_dictionary_state_lookup(d, name, code):
    top = _top(d, name)
    assert (top.kind, top.code) == ("state", code)


def test_dictionary_state_code_history_from_petrarch(d):
    # Petrarch2 codes Ukraine as part of the USSR before independence.
    assert d.resolve_code("ukr", "1990-01-01").code == "SUN"
    assert d.resolve_code("ukr", SEED_DAY).code == "UKR"
    assert d.state("UKR").id == "ukr"
    assert d.state("IRQ").id == "irq"  # not the petrarch2 "Iraqi Kurdistan" group


def test_dictionary_places_are_weaker_than_names(d):
    top = _top(d, "Kursk")
    assert top.match == "place"
    assert "Kursk" in d.actor("rus").places


@pytest.mark.parametrize(
    "noun, sector, code",
    [
        ("Foreign Ministry", "GOV", None),
        ("Russian Foreign Ministry", "GOV", None),
        ("Ministry of Foreign Affairs", "GOV", None),
        ("Defense Ministry", "MIL", None),
        ("army", "MIL", None),
        ("troops", "MIL", None),
        ("police", "COP", None),
        ("parliament", "LEG", None),
        ("intelligence", "SPY", None),
        ("spokesman", "GOV", None),
        ("officials", "GOV", None),
        ("diplomatic sources", "GOV", None),
        ("State Department", "GOV", "USA"),
        ("US State Department", "GOV", "USA"),
        ("Pentagon", "MIL", "USA"),
        ("Kremlin", "GOV", "RUS"),
        ("Bundestag", "LEG", "DEU"),
        ("Knesset", "LEG", "ISR"),
        ("Verkhovna Rada", "LEG", "UKR"),
        ("Duma", "LEG", "RUS"),
        ("National Security and Defense Council", "GOV", "UKR"),
        ("NATO", "IGO", "NATO"),
        ("UN", "IGO", "UN"),
        ("UN Security Council", "IGO", "UN"),
        ("EU", "IGO", "EU"),
        ("European Commission", "IGO", "EU"),
        ("OSCE", "IGO", "OSCE"),
        ("IAEA", "IGO", "IAEA"),
        ("WHO", "IGO", "WHO"),
        ("ICC", "IGO", "ICC"),
        ("IMF", "IGO", "IMF"),
        ("World Bank", "IGO", "WB"),
        ("African Union", "IGO", "AU"),
        ("ASEAN", "IGO", "ASEAN"),
        ("Arab League", "IGO", "LAS"),
        ("CSTO", "IGO", "CSTO"),
        ("CIS", "IGO", "CIS"),
    ],
)
def test_dictionary_agents(d, noun, sector, code):
    info = d.agent(noun)
    assert info is not None, noun
    assert (info.sector, info.code) == (sector, code)
    assert d.agent_sector(noun) == sector


def test_dictionary_agent_and_alias_case_sensitive_acronyms(d):
    assert d.agent("who") is None
    assert d.lookup("who", SEED_DAY) == []
    assert _top(d, "WHO").code == "WHO"
    assert d.lookup("us", SEED_DAY) == []
    assert _top(d, "US").code == "USA"


def test_dictionary_nato_is_an_igo(d):
    top = _top(d, "NATO")
    assert (top.actor_id, top.kind, top.code, top.sector) == ("nato", "igo", "NATO", "IGO")


# --- the seed's people and the extension -----------------------------------------------------


@pytest.mark.parametrize(
    "actor_id",
    ["alexander-grushko", "sergey-lavrov", "dmitry-peskov", "antony-blinken", "oleksiy-danilov",
     "volodymyr-zelensky"],
)
def test_dictionary_seed_people_are_curated(d, actor_id):
    entry = d.actor(actor_id)
    assert entry.kind == "person"
    assert entry.source and "wikipedia.org" in entry.source
    assert d.resolve_code(actor_id, SEED_DAY).in_role


@functools.lru_cache(maxsize=1)
def _extensions() -> dict:
    return yaml.safe_load((DATA_DIR / "extensions.yaml").read_text("utf-8"))


def test_dictionary_extension_entries_are_well_formed():
    data = _extensions()
    ids = set()
    for entry in data["persons"] + data["organizations"]:
        assert entry["id"] not in ids
        ids.add(entry["id"])
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry["id"])
        assert entry["source"].startswith("https://")
        for role in entry.get("roles") or []:
            assert role.get("sector"), (entry["id"], role)
            assert role.get("office"), (entry["id"], role)
            if role.get("from") and role.get("to"):
                assert role["from"] <= role["to"], (entry["id"], role)
    chairs = [c["chair"] for c in next(o for o in data["organizations"] if o["id"] == "osce")["chairmanships"]]
    assert set(chairs) <= ids


_HEAD = re.compile(r"^(President of|Prime Minister of|Chancellor of|Premier of|Supreme Leader|Monarch)")
_FOREIGN = re.compile(r"Foreign|Secretary of State$")
_DEFENCE = re.compile(r"Defen[cs]e|Armed Forces")
_COUNTRIES = ("USA", "RUS", "CHN", "GBR", "FRA", "UKR", "BLR", "POL", "EST", "LVA", "LTU", "DEU",
              "TUR", "IRN", "ISR", "PRK", "KOR")
# Known gaps: North Korea's defence ministers are not dated reliably enough to include, and
# South Korea had only acting defence ministers between December 2024 and mid-2025.
_GAPS = {("PRK", "defence"), ("KOR", "defence", "2025-03-01")}


@pytest.mark.parametrize("day", ["2019-06-01", "2022-02-01", "2023-06-01", "2025-03-01"])
@pytest.mark.parametrize("country", _COUNTRIES)
def test_dictionary_extension_covers_main_offices(d, country, day):
    offices = []
    for entry in _extensions()["persons"]:
        res = d.resolve_code(entry["id"], day)
        for role in d.actor(entry["id"]).roles:
            if role.code == country and role.start and role.covers(day) and res.in_role:
                offices.append(role.office or "")
    for kind, pattern in (("head", _HEAD), ("foreign", _FOREIGN), ("defence", _DEFENCE)):
        if (country, kind) in _GAPS or (country, kind, day) in _GAPS:
            continue
        assert any(pattern.search(o) for o in offices), f"{country} {kind} on {day}: {offices}"


def test_dictionary_igo_leaders_on_seed_day(d):
    expected = {
        "Secretary General of NATO": "jens-stoltenberg",
        "President of the European Commission": "ursula-von-der-leyen",
        "President of the European Council": "charles-michel",
        "High Representative of the Union for Foreign Affairs and Security Policy": "josep-borrell",
        "Secretary-General of the United Nations": "antonio-guterres",
        "Secretary General of the OSCE": "helga-schmid",
        "OSCE Chairperson-in-Office": "zbigniew-rau",
    }
    for office, actor_id in expected.items():
        assert any(r.office == office and r.covers(SEED_DAY) for r in d.actor(actor_id).roles), office


# --- loading, alias lists --------------------------------------------------------------------


def test_dictionary_default_load_is_cached():
    assert ActorDictionary.load() is ActorDictionary.load()


def test_dictionary_missing_file_raises_e310(tmp_path):
    with pytest.raises(DictionaryError) as info:
        ActorDictionary.load(tmp_path)
    assert info.value.code == "E310"
    assert isinstance(info.value, SitrepError)


def test_dictionary_corrupt_file_raises_e310(tmp_path):
    (tmp_path / "actors.jsonl.gz").write_bytes(gzip.compress(b'{"id": "x", "name": "X"\n'))
    with pytest.raises(DictionaryError):
        ActorDictionary.load(tmp_path)
    (tmp_path / "actors.jsonl.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DictionaryError):
        ActorDictionary.load(tmp_path)


def test_dictionary_alias_lists_for_phrase_matcher(d):
    table = d.actor_aliases(kinds=("person",), variants=True)
    assert "sergey-lavrov" in table["Sergei Lavrov"]
    assert "sergey-lavrov" in table["Sergej Lavrov"]  # generated transliteration
    assert "volodymyr-zelensky" in table["Volodymyr Zelenskyy"]
    assert "Sergei Lavrov" in spelling_variants("Sergey Lavrov")
    assert ("Moscow", "RUS", "capital") in d.country_aliases()
    assert "Kursk" in d.place_aliases()
    assert "Lavrov" in d.surname_aliases()
    assert d.case_sensitive_aliases(["WHO", "NATO", "the US"]) == {"WHO", "the US"}
    patterns = d.entity_ruler_patterns(kinds=("igo",))
    assert {"label": "ORG", "pattern": "NATO", "id": "nato"} in patterns


def test_dictionary_packaged_file_is_small_and_complete():
    path = DATA_DIR / "actors.jsonl.gz"
    assert path.stat().st_size < 4_000_000
    kinds = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            assert {"id", "name", "kind", "code", "sector", "aliases", "roles", "source"} <= set(record)
            kinds.add(record["kind"])
            for role in record["roles"]:
                assert {"office", "country", "sector", "from", "to"} <= set(role)
    assert kinds == {"state", "person", "organization", "igo"}
    assert (DATA_DIR / "LICENSE.petrarch2").exists()


def test_dictionary_entry_to_record(d):
    record = d.actor("antony-blinken").to_record()
    assert record.id == "antony-blinken" and record.kind == "person"
    assert any(r["office"] == "Secretary of State" and r["from"] == "2021-01-26" for r in record.roles)


# --- the converter on hand-written petrarch2-format data ---------------------------------------


@functools.lru_cache(maxsize=1)
def _converter():
    """The converter script, imported as a module (scripts/ is not a package)."""
    name = "build_actor_dictionary"
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    # Registered before running: its dataclasses look their module up while being built.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


COUNTRIES = """\
# a snippet in Phoenix.Countries.actors.txt format
RUSSIAN_FEDERATION_  [RUS]
+RUSSIA_
+RUSSLAND_
+KURSK_

UKRAINE_
+UKRAINIAN_
+KHARKIV_
\t[USRUKR <910824]
\t[UKR >911221]

IVAN_PETROV_  # CountryInfo.txt
+PRESIDENT_IVAN_PETROV_
+IVAN_I._PETROV
\t[RUSELI 700101-991231]
\t[RUSGOV 000101-080507] # President
\t[RUSGOVMIL >080508]  # Defence_Minister

MARIA_KOVAL_  # CountryInfo.txt
\t[UKRGOV 20050101-20101231]
\t[UKRELI]

ANNA_SMIRNOVA_  # CountryInfo.txt
\t[RUSGOV >030101]
"""

INTERNATIONAL = """\
UNITED_NATIONS_ [IGOUNO]
+U.N._
EXAMPLE_RELIEF_FUND_(ERF)_\t[NGOHRI] # NGO_Actors
"""

AGENTS = """\
!MINIST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES
DEFENCE_!MINIST! [~GOVMIL]
TROOP {} [~MIL]
POLICE {} [~COP]
"""


def _petrarch(tmp_path: Path) -> Path:
    folder = tmp_path / "petrarch2"
    folder.mkdir()
    (folder / "Phoenix.Countries.actors.txt").write_text(COUNTRIES, encoding="utf-8")
    (folder / "Phoenix.International.actors.txt").write_text(INTERNATIONAL, encoding="utf-8")
    (folder / "Phoenix.agents.txt").write_text(AGENTS, encoding="utf-8")
    return folder


def _build(tmp_path: Path, extensions: str = "persons: []\n") -> ActorDictionary:
    ext = tmp_path / "extensions.yaml"
    ext.write_text(extensions, encoding="utf-8")
    out = tmp_path / "out"
    _converter().build(_petrarch(tmp_path), DATA_DIR, out, extensions=ext, quiet=True)
    (out / "countries.tsv").write_bytes((DATA_DIR / "countries.tsv").read_bytes())
    return ActorDictionary.load(out)


def test_converter_keeps_petrarch_role_periods(tmp_path):
    d = _build(tmp_path)
    entry = d.actor("ivan-petrov")
    periods = [(r.code, r.sector, r.start, r.end) for r in entry.roles]
    assert periods == [
        ("RUS", "ELI", "1970-01-01", "1999-12-31"),
        ("RUS", "GOV", "2000-01-01", "2008-05-07"),
        ("RUS", "GOV", "2008-05-08", None),
    ]
    assert [r.office for r in entry.roles] == [None, "President", "Defence Minister"]
    assert d.resolve_code("ivan-petrov", "1990-06-01").sector == "ELI"
    assert d.resolve_code("ivan-petrov", "2004-06-01").office == "President"
    assert d.resolve_code("ivan-petrov", "2010-06-01").office == "Defence Minister"
    assert d.resolve_code("ivan-petrov", "2010-06-01").stale is False
    assert d.resolve_code("ivan-petrov", "2020-06-01").stale is True
    # Titles and middle initials are aliases; the surname is indexed on its own.
    assert _top(d, "President Ivan Petrov", "2004-06-01").actor_id == "ivan-petrov"
    assert _top(d, "Petrov", "2004-06-01").match == "surname"


def test_converter_undated_code_is_the_default(tmp_path):
    d = _build(tmp_path)
    # YYYYMMDD dates; outside the dated role the undated [UKRELI] applies.
    assert d.resolve_code("maria-koval", "2007-01-01").sector == "GOV"
    later = d.resolve_code("maria-koval", "2015-01-01")
    assert (later.code, later.sector, later.in_role) == ("UKR", "ELI", False)
    # No undated code and before the role: the country still comes from the role.
    early = d.resolve_code("anna-smirnova", "1999-01-01")
    assert (early.code, early.sector, early.in_role) == ("RUS", None, False)


def test_converter_states_names_places_and_code_history(tmp_path):
    d = _build(tmp_path)
    rus = d.actor("rus")
    assert "Russland" in rus.aliases and "Kursk" in rus.places
    assert "Moscow" in rus.aliases  # capitals come from countries.tsv
    assert d.resolve_code("ukr", "1990-01-01").code == "SUN"
    assert d.resolve_code("ukr", "2000-01-01").code == "UKR"
    assert "Kharkiv" in d.actor("ukr").places
    # Every country in the table is a state, petrarch2 entry or not.
    assert d.state("EST").name == "Estonia"


def test_converter_organisations_and_acronyms(tmp_path):
    d = _build(tmp_path)
    un = _top(d, "U.N.")
    assert (un.actor_id, un.kind, un.code) == ("united-nations", "igo", "UN")
    ngo = _top(d, "ERF")
    assert (ngo.kind, ngo.sector) == ("organization", "NGO")
    assert ngo.actor_id == "example-relief-fund"


def test_converter_agents_expand_markers_and_plurals(tmp_path):
    d = _build(tmp_path)
    assert d.agent("defence minister").sector == "GOV"
    assert d.agent("defence ministry").sector == "MIL"
    assert d.agent("troop").sector == "MIL"
    assert d.agent("troops") is None  # "{}" means no plural form
    assert d.agent("police").sector == "COP"


EXTENSION = """\
persons:
  - id: ivan-petrov
    name: Ivan Petrov
    country: RUS
    aliases: [Ivan Petrov, Petrov]
    roles:
      - {office: Minister of Defence, sector: GOV, from: 2008-05-08, to: 2012-05-07}
      - {office: Secretary of the Security Council, sector: GOV, from: 2012-05-08, to: null}
    source: https://example.org/ivan-petrov
organizations: []
agents:
  - {noun: Foreign Ministry, sector: GOV}
  - {noun: Kremlin, sector: GOV, code: RUS}
"""


def test_converter_merges_the_extension(tmp_path):
    d = _build(tmp_path, EXTENSION)
    entry = d.actor("ivan-petrov")
    assert "Ivan I. Petrov" in entry.aliases  # petrarch2 phrase absorbed
    # Closed petrarch2 roles are kept as history; the open-ended one is replaced.
    periods = [(r.start, r.end) for r in entry.roles]
    assert ("2000-01-01", "2008-05-07") in periods
    assert ("2008-05-08", None) not in periods
    assert d.resolve_code("ivan-petrov", "2010-01-01").office == "Minister of Defence"
    assert d.resolve_code("ivan-petrov", "2020-01-01").office == "Secretary of the Security Council"
    assert not d.resolve_code("ivan-petrov", "2020-01-01").stale
    assert d.agent("Kremlin").code == "RUS"


def test_converter_output_is_deterministic(tmp_path):
    conv = _converter()
    petrarch = _petrarch(tmp_path)
    ext = tmp_path / "ext.yaml"
    ext.write_text(EXTENSION, encoding="utf-8")
    conv.build(petrarch, DATA_DIR, tmp_path / "a", extensions=ext, quiet=True)
    conv.build(petrarch, DATA_DIR, tmp_path / "b", extensions=ext, quiet=True)
    for name in ("actors.jsonl.gz", "agents.tsv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_converter_rejects_bad_extension(tmp_path):
    bad = EXTENSION.replace("to: 2012-05-07", "to: 2001-01-01")
    with pytest.raises(SystemExit, match="ends before it starts"):
        _build(tmp_path, bad)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("991231", "1999-12-31"),
        ("080507", "2008-05-07"),
        ("20220201", "2022-02-01"),
    ],
)
def test_converter_parse_date(raw, expected):
    assert _converter().parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("VLADIMIR_V._PUTIN_", ["Vladimir V. Putin"]),
        ("ANIMAL_LIBERATION_FRONT_(ALF)_", ["Animal Liberation Front", "ALF"]),
        ("AMERICA_(COUNTRY)_", ["America"]),
    ],
)
def test_converter_display_names(raw, expected):
    conv = _converter()
    block = conv.Block(names=[raw], restrictions=[conv.Restriction("NGO", None, None, None)],
                       file="Phoenix.International.actors.txt")
    tables = conv.CameoTables.load(DATA_DIR)
    kind, draft = conv.block_to_draft(block, tables, conv.Counter())
    assert [draft.name, *draft.aliases] == expected


# ---------------------------------------------------------------------------------------------
# Hand-written organisation tables (outlets, parties, armed groups) and emitted codes


@pytest.mark.parametrize(
    "name, code, sector",
    [
        ("Reuters", "GBR", "MED"),
        ("Agence France-Presse", "FRA", "MED"),
        ("Xinhua", "CHN", "MED"),
        ("Yonhap", "KOR", "MED"),
        ("Anadolu Agency", "TUR", "MED"),
        ("Ukrinform", "UKR", "MED"),
        ("Al Jazeera", "QAT", "MED"),
        ("Bharatiya Janata Party", "IND", "PTY"),
        ("Likud", "ISR", "PTY"),
        ("Syrian Democratic Forces", "SYR", "REB"),
        ("Popular Mobilization Forces", "IRQ", "MIL"),
    ],
)
def test_dictionary_organisation_tables(d, name, code, sector):
    [best, *_] = [c for c in d.lookup(name, "2022-02-01") if c.kind == "organization"]
    assert (best.code, best.sector) == (code, sector)


def test_dictionary_organisation_tables_are_well_formed():
    conv = _converter()
    for table, prefix in conv.ORG_TABLES:
        rows = conv.load_org_table(DATA_DIR / table, prefix)
        assert len(rows) >= 30, table
        for row in rows:
            assert row["source"].startswith("https://"), row
            assert row["sector"] in {"MED", "PTY", "REB", "MIL", "OPP", "BUS"}, row
    outlets = conv.load_org_table(DATA_DIR / "outlets.tsv", "outlet")
    # every G20 member has at least one outlet or agency
    g20 = {"ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX",
           "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"}
    assert g20 <= {row["code"] for row in outlets}


def test_converter_rejects_a_bad_organisation_row(tmp_path):
    table = tmp_path / "outlets.tsv"
    table.write_text("name\taliases\tcode\tsector\tsource\tnote\nDaily Example\t\tXX\tMED\thttps://example.org\t\n",
                     encoding="utf-8")
    with pytest.raises(SystemExit, match="not ISO"):
        _converter().load_org_table(table, "outlet")


def test_dictionary_taliban_sector_changes_with_the_fall_of_kabul(d):
    assert d.resolve_code("taliban", "2020-02-29").sector == "REB"
    assert d.resolve_code("taliban", "2021-09-01").sector == "GOV"


def test_dictionary_local_agent_flag(d):
    assert d.agent("protesters").local and d.agent("rebels").local
    assert not d.agent("officials").local and not d.agent("people") or not d.agent("people").local


def test_emitted_codes_table():
    from sitrep.analyze.dictionary import emitted_codes

    table = emitted_codes()
    assert table["SUN"] == "RUS" and table["WFP"] == "UN" and table["LAS"] == "ARL"
