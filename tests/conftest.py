"""Shared test helpers: where the repository and ../shared are, and skips when data is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpora" / "seed" / "000_80552fc3e566ac56.txt"
SAMPLE = REPO / "data" / "sample" / "wikinews"


def resolved(text: str, published: str = "2022-02-01") -> dict[str, tuple]:
    """Mention text -> (code, sector) of what the actor layer resolves it to, for one text."""
    from sitrep.analyze import analyze_text

    analysis = analyze_text(text, published=published)
    out = {}
    for m in analysis.mentions:
        actor = analysis.actors.get(m.actor_id) if m.actor_id else None
        out[m.text] = (actor.code, actor.sector) if actor else (None, None)
    return out


def need(path: Path) -> Path:
    """Skip the calling test with a clear message when ``path`` (from ../shared) is missing."""
    if not path.exists():
        pytest.skip(f"{path} is not available (the ../shared data folder is missing); skipping")
    return path


@pytest.fixture
def seed_path() -> Path:
    return need(SEED)


@pytest.fixture
def store(tmp_path):
    from sitrep.store import Store

    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


#: Sample rows (file year, row index) whose articles hold denials, located events and
#: statements: enough for every dashboard view, small enough to analyse in seconds.
RECORD_ROWS = (("2020", 8), ("2020", 90), ("2020", 5), ("2019", 120))

#: An article whose text and metadata carry markup that must never run in the dashboard.
HOSTILE = {
    "url": "javascript:alert('url')",
    "date": "2020-01-10",
    "title": "Hostile <img src=x onerror=\"window.__pwned='title'\"> headline",
    "text": (
        "Russia said on Friday that it would hold talks with Ukraine. "
        "<script>window.__pwned = 'script';</script> "
        "The minister added <img src=x onerror=\"window.__pwned='onerror'\"> that "
        "<a href=\"javascript:window.__pwned='link'\">this link</a> proves nothing.\n\n"
        "Ukraine denied that any talks were planned, a spokesman said."
    ),
}


def sample_rows(rows=RECORD_ROWS) -> list[dict[str, str]]:
    """The chosen rows of the bundled Wikinews sample (url, date, title, text)."""
    import csv

    csv.field_size_limit(10**8)
    out = []
    for year, index in rows:
        with open(SAMPLE / f"wikinews_{year}.csv", newline="", encoding="utf-8") as f:
            out.append(list(csv.DictReader(f))[index])
    return out


@pytest.fixture(scope="session")
def records_store(tmp_path_factory):
    """A store filled by the ingest pipeline (events, statements, relations, stories): four
    sample articles, a hostile article and, when ../shared is present, the seed. Built once per
    test run; tests must only read it."""
    import csv

    from sitrep.pipeline import ingest
    from sitrep.store import Store

    tmp = tmp_path_factory.mktemp("records")
    path = tmp / "rows.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["url", "date", "title", "text"])
        writer.writeheader()
        writer.writerows(sample_rows() + [HOSTILE])
    inputs = [str(path)] + ([str(SEED)] if SEED.exists() else [])
    db = tmp / "records.duckdb"
    with Store(db) as store:
        ingest(inputs, store)
    return db
