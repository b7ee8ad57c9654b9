"""What the fuzz targets share: the property every input must satisfy.

Extraction of any byte string ends in a :class:`~sitrep.records.Document` or in an
:class:`~sitrep.errors.InputRejected` that names the input; anything else is a crash.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
logging.disable(logging.CRITICAL)  # extraction libraries log every broken page

from sitrep.errors import InputRejected  # noqa: E402  (after the path is set)
from sitrep.extract import decode, html, to_document  # noqa: E402,F401  (loaded here to be instrumented)
from sitrep.records import Document  # noqa: E402
from sitrep.sources import RawItem  # noqa: E402

ORIGIN = "fuzz://input"


def check(kind: str, data: bytes) -> None:
    """Run one input through the extract stage and check the property."""
    try:
        doc = to_document(RawItem(origin=ORIGIN, content=data, kind=kind))
    except InputRejected as exc:
        if exc.input != ORIGIN:
            raise AssertionError(f"rejection does not name the input: {exc!r}") from exc
        return
    if not isinstance(doc, Document) or not doc.text.strip() or doc.origin != ORIGIN:
        raise AssertionError(f"bad document: {doc!r}")
