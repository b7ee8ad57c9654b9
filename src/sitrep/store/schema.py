"""The DuckDB schema as an ordered list of migrations.

A store records the migrations it has applied in ``schema_version``; opening a store applies
the missing ones in order, each in its own transaction. Later stages extend the schema by
appending a migration here, never by editing an applied one.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "documents, their origins and rejected inputs",
        """
        CREATE TABLE documents (
            id            VARCHAR PRIMARY KEY,
            url           VARCHAR,
            source        VARCHAR,
            title         VARCHAR,
            published     VARCHAR,
            published_day DATE,
            authors       VARCHAR[],
            tags          VARCHAR[],
            language      VARCHAR,
            text          VARCHAR NOT NULL,
            ingested_at   VARCHAR,
            origin        VARCHAR,
            quality       JSON
        );
        CREATE TABLE document_origins (
            doc_id      VARCHAR NOT NULL,
            origin      VARCHAR NOT NULL,
            url         VARCHAR,
            ingested_at VARCHAR,
            PRIMARY KEY (doc_id, origin)
        );
        CREATE TABLE rejections (
            origin      VARCHAR PRIMARY KEY,
            code        VARCHAR NOT NULL,
            reason      VARCHAR NOT NULL,
            rejected_at VARCHAR
        );
        """,
    ),
    (
        2,
        "analysis: actors, mentions and time expressions",
        """
        CREATE TABLE actors (
            id      VARCHAR PRIMARY KEY,
            name    VARCHAR,
            code    VARCHAR,
            sector  VARCHAR,
            kind    VARCHAR,
            aliases VARCHAR[],
            roles   JSON
        );
        CREATE TABLE mentions (
            doc_id   VARCHAR NOT NULL,
            start    INTEGER NOT NULL,
            "end"    INTEGER NOT NULL,
            text     VARCHAR,
            label    VARCHAR,
            actor_id VARCHAR,
            code     VARCHAR,
            sector   VARCHAR,
            PRIMARY KEY (doc_id, start, "end")
        );
        CREATE TABLE time_refs (
            doc_id    VARCHAR NOT NULL,
            start     INTEGER NOT NULL,
            "end"     INTEGER NOT NULL,
            text      VARCHAR,
            value     VARCHAR,
            precision VARCHAR,
            PRIMARY KEY (doc_id, start, "end")
        );
        CREATE INDEX mentions_actor ON mentions (actor_id);
        CREATE INDEX mentions_code ON mentions (code);
        """,
    ),
    (
        3,
        "PLOVER events",
        """
        CREATE TABLE events (
            id               VARCHAR PRIMARY KEY,
            doc_id           VARCHAR NOT NULL,
            type             VARCHAR NOT NULL,
            mode             VARCHAR,
            context          VARCHAR[],
            actor            JSON,
            recipient        JSON,
            actor_code       VARCHAR,
            actor_sector     VARCHAR,
            recipient_code   VARCHAR,
            recipient_sector VARCHAR,
            date             VARCHAR,
            event_day        DATE,
            date_precision   VARCHAR,
            location         JSON,
            quantity         JSON,
            factuality       VARCHAR,
            evidence         JSON,
            confidence       DOUBLE
        );
        CREATE INDEX events_day ON events (event_day);
        CREATE INDEX events_type ON events (type);
        """,
    ),
    (
        4,
        "attributed statements and the relations between records",
        """
        CREATE TABLE statements (
            id             VARCHAR PRIMARY KEY,
            doc_id         VARCHAR NOT NULL,
            speaker        JSON,
            speaker_code   VARCHAR,
            speaker_sector VARCHAR,
            speaker_name   VARCHAR,
            via            JSON,
            cue            JSON,
            stance         VARCHAR,
            kind           VARCHAR,
            content        JSON,
            content_text   VARCHAR,
            proposition    JSON,
            date           VARCHAR,
            statement_day  DATE,
            evidence       JSON
        );
        CREATE INDEX statements_doc ON statements (doc_id);
        CREATE INDEX statements_speaker ON statements (speaker_code);
        CREATE TABLE relations (
            kind        VARCHAR NOT NULL,
            a           VARCHAR NOT NULL,
            b           VARCHAR NOT NULL,
            score       DOUBLE,
            explanation VARCHAR,
            created_at  VARCHAR,
            PRIMARY KEY (kind, a, b)
        );
        """,
    ),
    (
        5,
        "linking: near duplicates, stories and canonical events",
        """
        CREATE TABLE duplicates (
            doc_id        VARCHAR PRIMARY KEY,
            original_id   VARCHAR NOT NULL,
            similarity    DOUBLE,
            exact_overlap DOUBLE,
            spun          BOOLEAN,
            delay_seconds DOUBLE
        );
        CREATE TABLE stories (
            id         VARCHAR PRIMARY KEY,
            title      VARCHAR,
            first_seen VARCHAR,
            last_seen  VARCHAR
        );
        CREATE TABLE story_documents (
            doc_id   VARCHAR PRIMARY KEY,
            story_id VARCHAR NOT NULL
        );
        CREATE TABLE canonical_events (
            id             VARCHAR PRIMARY KEY,
            type           VARCHAR NOT NULL,
            mode           VARCHAR,
            actor_code     VARCHAR,
            recipient_code VARCHAR,
            event_day      DATE,
            date_precision VARCHAR,
            location       JSON,
            num_sources    INTEGER,
            num_mentions   INTEGER,
            first_report   VARCHAR,
            last_report    VARCHAR,
            factuality     VARCHAR,
            report_day     DATE,
            story_id       VARCHAR
        );
        CREATE TABLE event_canonical (
            event_id     VARCHAR PRIMARY KEY,
            canonical_id VARCHAR NOT NULL
        );
        CREATE INDEX event_canonical_canonical ON event_canonical (canonical_id);
        CREATE INDEX story_documents_story ON story_documents (story_id);
        CREATE INDEX canonical_events_type ON canonical_events (type);
        -- What linking keeps so that new documents are linked without recomputing the old:
        -- each document's MinHash signatures (words, structure) and their LSH band keys, its
        -- term counts, and the document frequency of every term.
        CREATE TABLE doc_signatures (
            doc_id    VARCHAR PRIMARY KEY,
            words     UINTEGER[] NOT NULL,
            structure UINTEGER[] NOT NULL
        );
        CREATE TABLE doc_bands (
            kind   TINYINT NOT NULL,   -- 0 word signature, 1 structure signature
            band   SMALLINT NOT NULL,
            key    UBIGINT NOT NULL,
            doc_id VARCHAR NOT NULL
        );
        CREATE TABLE doc_terms (
            doc_id VARCHAR PRIMARY KEY,
            terms  VARCHAR[] NOT NULL,
            counts INTEGER[] NOT NULL
        );
        CREATE TABLE term_df (
            term VARCHAR PRIMARY KEY,
            df   INTEGER NOT NULL
        );
        """,
    ),
    (
        6,
        "pipeline version on documents and their per-document records",
        """
        ALTER TABLE documents ADD COLUMN pipeline_version VARCHAR;
        ALTER TABLE mentions ADD COLUMN pipeline_version VARCHAR;
        ALTER TABLE time_refs ADD COLUMN pipeline_version VARCHAR;
        ALTER TABLE events ADD COLUMN pipeline_version VARCHAR;
        ALTER TABLE statements ADD COLUMN pipeline_version VARCHAR;
        """,
    ),
)

LATEST_VERSION = MIGRATIONS[-1][0]
