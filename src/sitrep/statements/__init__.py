"""Attributed statements: who said what, through whom (DESIGN.md, Statement).

``extract_statements(analysis)`` reads one document's analysis (parse and actor mentions) and
returns :class:`sitrep.records.Statement` records; ``read_statements`` adds each one's
proposition (``statements.propositions``); ``statements.relations`` relates statements
within a document and, through the store, across documents. The cue vocabulary lives in
``sitrep/data/statements/cues.yaml``.
"""

from typing import Any

from sitrep.records import Statement
from sitrep.statements.extract import cue_lexicon, extract_statements, is_nested


def read_statements(analysis: Any) -> list[Statement]:
    """The analysed document's statements, each with its proposition (the analysis step)."""
    from sitrep.statements.propositions import with_propositions

    return with_propositions(analysis, extract_statements(analysis))


__all__ = ["cue_lexicon", "extract_statements", "is_nested", "read_statements"]
