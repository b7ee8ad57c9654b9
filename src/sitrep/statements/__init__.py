"""Attributed statements: who said what, through whom (DESIGN.md, Statement).

``extract_statements(analysis)`` reads one document's analysis (parse and actor mentions) and
returns :class:`sitrep.records.Statement` records. The cue vocabulary lives in
``sitrep/data/statements/cues.yaml``.
"""

from sitrep.statements.extract import cue_lexicon, extract_statements, is_nested

__all__ = ["cue_lexicon", "extract_statements", "is_nested"]
