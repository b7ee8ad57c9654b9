"""Source profiles: facts about each outlet for the analyst, with no truth verdict.

Per outlet (``documents.source``; documents without one are grouped as ``(unknown)``):
documents; the share that are syndicated copies (``duplicates`` rows); the share flagged as
carrying injected links or as spun copies; the share of its statements that another record
contradicts (``relations`` of kind ``contradicts``; zero while none are stored); and the
median delay, in hours, of its documents behind the first report of their story (stories
with at least two documents, dated documents only).
"""

from __future__ import annotations

from typing import Any

PROFILE_SQL = """
WITH docs AS (
    SELECT d.id, coalesce(d.source, '(unknown)') AS source, d.published, d.quality
    FROM documents d
),
story_first AS (
    SELECT sd.story_id, min(TRY_CAST(d.published AS TIMESTAMPTZ)) AS first_at, count(*) AS n
    FROM story_documents sd JOIN documents d ON d.id = sd.doc_id GROUP BY sd.story_id
),
delays AS (
    SELECT sd.doc_id, epoch(TRY_CAST(d.published AS TIMESTAMPTZ) - f.first_at) / 3600.0 AS hours
    FROM story_documents sd JOIN documents d ON d.id = sd.doc_id JOIN story_first f USING (story_id)
    WHERE f.n > 1 AND TRY_CAST(d.published AS TIMESTAMPTZ) IS NOT NULL
),
contradicted AS (
    SELECT DISTINCT x AS statement_id FROM (
        SELECT a AS x FROM relations WHERE kind = 'contradicts'
        UNION ALL SELECT b FROM relations WHERE kind = 'contradicts')
),
statement_counts AS (
    SELECT coalesce(d.source, '(unknown)') AS source, count(*) AS statements,
           count(c.statement_id) AS contradicted
    FROM statements s JOIN documents d ON d.id = s.doc_id
    LEFT JOIN contradicted c ON c.statement_id = s.id GROUP BY 1
)
SELECT docs.source,
       count(*) AS documents,
       count(dup.doc_id) AS copies,
       count(*) FILTER (WHERE coalesce(TRY_CAST(json_extract(docs.quality, '$.injected_links') AS INTEGER), 0) > 0) AS injected,
       count(*) FILTER (WHERE dup.spun) AS spun,
       count(*) FILTER (WHERE coalesce(TRY_CAST(json_extract(docs.quality, '$.injected_links') AS INTEGER), 0) > 0 OR dup.spun) AS flagged,
       any_value(sc.statements) AS statements,
       any_value(sc.contradicted) AS contradicted,
       median(delays.hours) AS median_delay_hours
FROM docs
LEFT JOIN duplicates dup ON dup.doc_id = docs.id
LEFT JOIN delays ON delays.doc_id = docs.id
LEFT JOIN statement_counts sc ON sc.source = docs.source
GROUP BY docs.source
ORDER BY documents DESC, docs.source
"""


def source_profiles(con: Any) -> list[dict[str, Any]]:
    """One profile per outlet, most documents first (see the module docstring)."""
    rows = con.execute(PROFILE_SQL).fetchall()
    out = []
    for source, n, copies, injected, spun, flagged, statements, contradicted, delay in rows:
        statements = statements or 0
        out.append({
            "source": source,
            "documents": n,
            "syndicated_copies": copies,
            "syndicated_share": round(copies / n, 4) if n else 0.0,
            "injected": injected,
            "spun": spun,
            "flagged_share": round(flagged / n, 4) if n else 0.0,
            "statements": statements,
            "contradicted_statements": contradicted or 0,
            "contradicted_share": round((contradicted or 0) / statements, 4) if statements else 0.0,
            "median_delay_hours": round(float(delay), 2) if delay is not None else None,
        })
    return out
