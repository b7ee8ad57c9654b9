"""Shared test helpers: where the repository and ../shared are, and skips when data is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "corpora" / "seed" / "000_80552fc3e566ac56.txt"
SAMPLE = REPO / "data" / "sample" / "wikinews"


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
