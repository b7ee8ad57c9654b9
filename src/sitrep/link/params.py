"""The linking parameters (``src/sitrep/data/linking/params.yaml``; tuning notes beside it)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def _data(name: str) -> Path:
    return Path(str(resources.files("sitrep") / "data" / "linking" / name))


@lru_cache(maxsize=4)
def load_params(path: str | None = None) -> dict[str, Any]:
    """The parameter tree from ``path`` (default: the bundled ``params.yaml``)."""
    with open(path or _data("params.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def with_overrides(params: dict[str, Any], **sections: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``params`` with some values of some sections replaced (for tuning runs)."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in params.items()}
    for section, values in sections.items():
        out[section] = {**out.get(section, {}), **values}
    return out


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """English function words (``function_words.txt``)."""
    lines = _data("function_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
