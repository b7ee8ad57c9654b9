"""API routes for events, statements, relations, claims, stories and the aggregates the
dashboard draws (timeline, dyads, network, map points, facets), with their exports.

Every list takes the same filters (:func:`filter_params`, matching the CLI), answers JSON or
CSV (``?format=csv`` or ``Accept: text/csv``), and pages with an opaque cursor. Exports stream
every matching row, not one page.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, Callable, Iterator, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from sitrep import formats
from sitrep.records import Document, Event
from sitrep.store import Store
from sitrep.store import aggregates, record_queries as rq
from sitrep.store.db import EVENT_COLUMNS
from sitrep.store.filters import Filters
from sitrep.store.queries import MAX_LIMIT


def filter_params(
    actor: str | None = Query(None, description="Actor code (ISO3 or IGO, e.g. RUS); the speaker's code for statements."),
    recipient: str | None = Query(None, description="Recipient code, e.g. UKR."),
    type: str | None = Query(None, description="PLOVER event types, comma-separated, e.g. ASSAULT,MOBILIZE."),
    quad: str | None = Query(None, description="Quad classes, comma-separated: verbal_cooperation, "
                                                "material_cooperation, verbal_conflict, material_conflict."),
    mode: str | None = Query(None, description="PLOVER mode, e.g. aerial."),
    stance: str | None = Query(None, description="Statement stance: assert, deny, confirm, question, predict."),
    since: date | None = Query(None, description="On or after this day (YYYY-MM-DD): the event's day, else its "
                                                 "document's publication day."),
    until: date | None = Query(None, description="On or before this day (YYYY-MM-DD)."),
    source: str | None = Query(None, description="Outlet (case-insensitive)."),
    q: str | None = Query(None, description="Full text: evidence sentence, content or title contains this."),
    doc_id: str | None = Query(None, description="Only records of this document (id or 6+ character prefix)."),
    factuality: str | None = Query(None, description="Event factuality values, comma-separated: asserted, "
                                                     "reported, negated, future, hypothetical."),
) -> Filters:
    """The shared filters, parsed from the query string."""
    return Filters.of(
        actor=actor, recipient=recipient, type=type, quad=quad, mode=mode, stance=stance,
        since=since.isoformat() if since else None, until=until.isoformat() if until else None,
        source=source, q=q, doc_id=doc_id, factuality=factuality,
    )


#: Route parameters the record routes share (FastAPI reads their OpenAPI text from here).
Filtered = Annotated[Filters, Depends(filter_params)]
Format = Annotated[Literal["json", "csv"] | None, Query(description="json (default) or csv; or send Accept: text/csv.")]
PageSize = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _page_response(request: Request, fmt: str | None, page: Any, columns, flatten: Callable | None = None) -> Response:
    data = page.as_dict() if hasattr(page, "as_dict") else page
    if not _wants_csv(request, fmt):
        return JSONResponse(data)
    headers = {}
    for key, header in (("next_cursor", "X-Next-Cursor"), ("next_offset", "X-Next-Offset")):
        if data.get(key) is not None:
            headers[header] = str(data[key])
    rows = [flatten(r) for r in data["items"]] if flatten else data["items"]
    return Response(formats.csv_text(rows, columns), media_type=formats.CSV_MEDIA, headers=headers)


def _event_record(row: dict[str, Any]) -> tuple[Event, Document]:
    event = Event(**{k: (tuple(row[k]) if k == "context" else row[k]) for k in EVENT_COLUMNS})
    doc = row.get("document") or {}
    document = Document(id=row["doc_id"], text="", url=doc.get("url"), source=doc.get("source"),
                        title=doc.get("title"), published=doc.get("published"))
    return event, document


def plover_line(row: dict[str, Any]) -> dict[str, Any]:
    """An event dict from the store as a PLOVER JSON record."""
    from sitrep.events.plover_json import to_plover

    return to_plover(*_event_record(row))


def add_record_routes(router: APIRouter, get_store: Callable, open_store: Callable[[], Store]) -> None:
    """Register the routes of this module on ``router``; ``open_store`` gives a store the
    caller closes (streaming exports keep it open until the last byte is sent)."""
    page_doc = {200: {"content": {"text/csv": {}}}}

    @router.get("/events", summary="List events, newest first", responses=page_doc)
    def events(
        request: Request,
        filters: Filtered,
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Page size."),
        cursor: str | None = Query(None, description="next_cursor of the previous page."),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """A page of PLOVER events with their quad class, day and document; ordered by day
        (newest first) then id. CSV flattens actor, recipient, location and evidence."""
        page = rq.list_events(store, filters, limit=limit, cursor=cursor)
        return _page_response(request, format, page, rq.EVENT_CSV_COLUMNS, rq.event_csv_row)

    @router.get("/canonical-events", summary="Canonical events: one per happening, with its sources")
    def canonical_events(
        actor: str | None = Query(None, description="Actor code, e.g. RUS."),
        recipient: str | None = Query(None, description="Recipient code, e.g. UKR."),
        type: str | None = Query(None, description="PLOVER event type, e.g. MOBILIZE."),
        since: date | None = Query(None, description="On or after this day."),
        until: date | None = Query(None, description="On or before this day."),
        all_events: bool = Query(False, alias="all", description="Include negated, future and hypothetical events."),
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="At most this many."),
        store: Store = Depends(get_store),
    ) -> dict[str, Any]:
        """Event mentions merged into happenings (same type, compatible actors, dates and
        place), newest first, each with ``num_sources``, ``num_mentions``, first and last
        report, and every mention's evidence sentence and document."""
        from sitrep.export import HAPPENED
        from sitrep.link.queries import query_canonical_events

        items = query_canonical_events(
            store.con, actor=actor, recipient=recipient, type=type,
            since=since.isoformat() if since else None, until=until.isoformat() if until else None,
            factuality=None if all_events else HAPPENED, limit=limit,
        )
        return {"items": items}

    @router.get("/events/{event_id}", summary="One event")
    def event(event_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """The event with its quad class, day and document summary."""
        return rq.event_detail(store, event_id)

    @router.get("/statements", summary="List attributed statements, newest first", responses=page_doc)
    def statements(request: Request, filters: Filtered, limit: PageSize = 50, cursor: str | None = None,
                   format: Format = None, store: Store = Depends(get_store)) -> Response:
        """Who said what: speaker, carriers (``via``), cue, stance, content and evidence."""
        page = rq.list_statements(store, filters, limit=limit, cursor=cursor)
        return _page_response(request, format, page, rq.STATEMENT_CSV_COLUMNS, rq.statement_csv_row)

    @router.get("/statements/{statement_id}", summary="One statement with its relations")
    def statement(statement_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """The statement, its document summary and every relation it takes part in."""
        return rq.statement_detail(store, statement_id)

    @router.get("/relations", summary="Relations between statements (contradictions by default)", responses=page_doc)
    def relations(request: Request, filters: Filtered,
                  kind: Literal["contradicts", "corroborates", "same_event", "any"] = "contradicts",
                  limit: PageSize = 50, cursor: str | None = None, format: Format = None,
                  store: Store = Depends(get_store)) -> Response:
        """Pairs of records with a score and an explanation; both statements come in full as
        ``a_record`` and ``b_record``. A pair is listed when either side matches the filters."""
        page = rq.list_relations(store, filters, kind=None if kind == "any" else kind, limit=limit, cursor=cursor)
        return _page_response(request, format, page, rq.RELATION_COLUMNS)

    @router.get("/claims", summary="The claims board: statements grouped by proposition")
    def claims(filters: Filtered, limit: PageSize = 50, store: Store = Depends(get_store)) -> dict[str, Any]:
        """Groups of statements linked by contradiction or corroboration, or sharing a
        proposition; groups with contradictions first. Each group has ``statements`` and
        ``pairs``."""
        return aggregates.claims(store, filters, limit=limit)

    @router.get("/stories", summary="Stories: articles about one happening", responses=page_doc)
    def stories(request: Request, filters: Filtered, limit: PageSize = 50, offset: int = Query(0, ge=0),
                format: Format = None, store: Store = Depends(get_store)) -> Response:
        """Stories with a matching document, latest first, with their document counts."""
        return _page_response(request, format, rq.list_stories(store, filters, limit=limit, offset=offset),
                              rq.STORY_COLUMNS)

    @router.get("/stories/{story_id}", summary="One story and its documents")
    def story(story_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """The story and its documents, oldest first."""
        return rq.story_detail(store, story_id)

    @router.get("/timeline", summary="Event counts per day, week or month", responses=page_doc)
    def timeline(
        request: Request,
        filters: Filtered,
        by: Literal["day", "week", "month"] = "day",
        group: Literal["type", "quad"] = Query("type", description="Stack by PLOVER type or quad class."),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """``items``: one row per period and group with its count; ``totals`` per period;
        ``range``: first, last, 1st and 99th percentile days."""
        return _page_response(request, format, aggregates.timeline(store, filters, by=by, group=group),
                              ("period", "group", "count"))

    @router.get("/dyads", summary="Actor → recipient event counts", responses=page_doc)
    def dyads(
        request: Request,
        filters: Filtered,
        by: Literal["day", "week", "month"] | None = Query(None, description="Count per period (default: overall)."),
        limit: int = Query(500, ge=1, le=5000),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """Pairs of actor codes with their event count, largest first (within each period)."""
        data = aggregates.dyads(store, filters, by=by, limit=limit)
        columns = (("period",) if by else ()) + ("actor", "recipient", "count")
        return _page_response(request, format, data, columns)

    @router.get("/network", summary="Actor network: nodes and weighted edges",
                responses={200: {"content": {formats.GEXF_MEDIA: {}}}})
    def network(
        filters: Filtered,
        limit: int = Query(300, ge=1, le=5000, description="At most this many edges, heaviest first."),
        format: Literal["json", "gexf"] | None = Query(None, description="json (default) or gexf (Gephi)."),
        store: Store = Depends(get_store),
    ) -> Response:
        """Nodes are actor codes, edges actor → recipient weighted by event count, with counts per type."""
        data = aggregates.network(store, filters, limit=limit)
        if format == "gexf":
            return Response(formats.gexf(data), media_type=formats.GEXF_MEDIA,
                            headers={"Content-Disposition": 'attachment; filename="network.gexf"'})
        return JSONResponse(data)

    @router.get("/locations", summary="Event locations for the map")
    def locations(filters: Filtered, store: Store = Depends(get_store)) -> dict[str, Any]:
        """Places with coordinates, their event count, counts per type and event ids."""
        return aggregates.locations(store, filters)

    @router.get("/facets", summary="Counts per value of each filter")
    def facets(filters: Filtered, store: Store = Depends(get_store)) -> dict[str, Any]:
        """Event facets (type, quad, actor, recipient, mode, factuality, source) and statement
        facets (stance, speaker, kind); each counts over every filter but its own."""
        return aggregates.facets(store, filters)

    # -- exports ---------------------------------------------------------------------------------
    @contextmanager
    def _opened() -> Iterator[Store]:
        store = open_store()
        try:
            yield store
        except BaseException:
            store.close()
            raise

    def _closing(store: Store, rows: Any, chunks: Iterator[Any]) -> Iterator[Any]:
        try:
            yield from chunks
        finally:
            close = getattr(rows, "close", None)
            if close:
                close()
            store.close()

    def _export(kind: str, fmt: str, filters: Filters) -> StreamingResponse:
        with _opened() as store:
            if kind == "events":
                rows = rq.iter_events(store, filters)
                columns, flatten = rq.EVENT_CSV_COLUMNS, rq.event_csv_row
            else:
                rows = rq.iter_statements(store, filters)
                columns, flatten = rq.STATEMENT_CSV_COLUMNS, rq.statement_csv_row
        record = kind[:-1]
        if fmt == "csv":
            chunks, media, ext = formats.stream_csv(rows, columns, flatten=flatten), formats.CSV_MEDIA, "csv"
        elif fmt == "parquet":
            chunks, media, ext = formats.stream_parquet(rows, columns, flatten=flatten, numeric=rq.CSV_NUMERIC), formats.PARQUET_MEDIA, "parquet"
        elif fmt == "plover":
            chunks, media, ext = formats.stream_jsonl(rows, record, convert=plover_line), formats.JSONL_MEDIA, "plover.jsonl"
        else:
            chunks, media, ext = formats.stream_jsonl(rows, record), formats.JSONL_MEDIA, "jsonl"
        return StreamingResponse(
            _closing(store, rows, chunks), media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{kind}.{ext}"'},
        )

    export_doc = {200: {"content": {"text/csv": {}, formats.JSONL_MEDIA: {}, formats.PARQUET_MEDIA: {}}}}

    @router.get("/export/events", summary="Stream every matching event", responses=export_doc)
    def export_events(
        filters: Filtered,
        format: Literal["jsonl", "csv", "parquet", "plover"] = Query(
            "jsonl", description="jsonl (sitrep records), csv, parquet or plover (PLOVER JSONL)."),
    ) -> StreamingResponse:
        """All matching events (not one page) as JSON lines, CSV, Parquet or PLOVER JSONL."""
        return _export("events", format, filters)

    @router.get("/export/statements", summary="Stream every matching statement", responses=export_doc)
    def export_statements(
        filters: Filtered,
        format: Literal["jsonl", "csv", "parquet"] = "jsonl",
    ) -> StreamingResponse:
        """All matching statements as JSON lines, CSV or Parquet."""
        return _export("statements", format, filters)
