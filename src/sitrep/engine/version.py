"""The pipeline version: what produced a record, so a rerun can skip what is already done.

A record's ``pipeline_version`` is a short hash of three components, each of which changes the
output of the per-document stages:

* ``code``: the package version plus a hash of the per-document stage modules (readers,
  extraction, analysis, event coding, statements, the record schema);
* ``model``: the spaCy pipeline's name and version;
* ``data``: a hash of the dictionaries, patterns and word lists under ``sitrep/data``.

Editing a pattern file or the event coder, or pointing ``SITREP_SPACY_MODEL`` at another
pipeline, gives a new version, and only documents whose stored version differs are processed
again. Cross-document stages (linking, the store, the API) are not part of it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import sitrep
from sitrep import settings

PACKAGE = Path(sitrep.__file__).resolve().parent

#: Modules and packages whose code decides the per-document records.
PER_DOCUMENT_CODE = (
    "sources", "extract", "analyze", "events", "statements", "records.py", "pipeline.py",
    "engine/tables.py", "engine/worker.py",
)


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def code_hash() -> str:
    """Hash of the per-document stage sources."""
    files: list[Path] = []
    for name in PER_DOCUMENT_CODE:
        target = PACKAGE / name
        if target.is_dir():
            files.extend(p for p in target.rglob("*.py"))
        elif target.is_file():
            files.append(target)
    return _hash_files(files, PACKAGE)


def data_hash() -> str:
    """Hash of the rule and dictionary files under ``sitrep/data``."""
    root = PACKAGE / "data"
    files = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return _hash_files(files, root)


def model_version(name: str | None = None) -> str:
    """``name==version`` of the spaCy pipeline, read from its meta.json without loading it."""
    name = name or settings.get("spacy_model")
    meta: dict = {}
    spec = importlib.util.find_spec(name) if "/" not in name else None
    candidates: list[Path] = []
    if spec and spec.origin:
        package = Path(spec.origin).parent
        candidates += [package / "meta.json", *sorted(package.glob("*/meta.json"))]
    else:
        candidates.append(Path(name) / "meta.json")
    for candidate in candidates:
        if candidate.is_file():
            meta = json.loads(candidate.read_text(encoding="utf-8"))
            break
    return f"{name}=={meta.get('version', 'unknown')}"


@lru_cache(maxsize=8)
def _components(model: str) -> tuple[tuple[str, str], ...]:
    return (
        ("code", f"{sitrep.__version__}+{code_hash()}"),
        ("model", model_version(model)),
        ("data", data_hash()),
    )


def pipeline_components() -> dict[str, str]:
    """The components of the current pipeline version (code, model, data)."""
    return dict(_components(settings.get("spacy_model")))


def pipeline_version() -> str:
    """The current pipeline version: ``<package version>-<12 hex digits>``."""
    parts = pipeline_components()
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()[:12]
    return f"{sitrep.__version__}-{digest}"
