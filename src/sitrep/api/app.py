"""The REST API: a thin FastAPI layer over :mod:`sitrep.store.queries` (documents, actors,
mentions, sources; this module) and :mod:`sitrep.store.record_queries` /
:mod:`sitrep.store.aggregates` (events, statements, relations, claims, stories, timeline,
dyads, network, map points, facets, exports; :mod:`sitrep.api.records`). The dashboard and the
security headers sent with every response come from :mod:`sitrep.api.dashboard`.

Each route parses its parameters, calls one query function and maps domain errors
(:class:`sitrep.errors.SitrepError`) to HTTP statuses. Every error, including bad parameters,
unknown routes and failed authentication, has one JSON shape::

    {"error": {"code": "E404", "message": "...", "input": "..."}}

Store connections. DuckDB lets one process hold a database file for writing; other processes
may open it read-only only while no writer holds it, and inside one process every connection to
a file must use the same mode. So:

* by default (``write_enabled=False``) the store is open **read-only only while requests are in
  flight** (:class:`sitrep.api.readers.SharedReader`: concurrent requests share one database,
  each on its own cursor; the last one out closes it). When the API is idle it holds no lock,
  so ``sitrep ingest`` (or a test) can write to the file; a request that arrives while a writer
  holds the file gets a 503 with code ``E200`` and can be retried.
* with ``write_enabled=True`` the app opens the store **once, read-write**, for its lifetime and
  gives each request its own DuckDB cursor on that connection (DuckDB connections must not be
  shared between threads; cursors are independent connections to the same database). No
  other process can open the file meanwhile. Each request's cursor runs in one read
  transaction (a snapshot); the write routes (:mod:`sitrep.api.ingest`) write through another
  cursor, batch by batch, so readers never see part of a batch.

Streaming exports keep their connection (or cursor) open until the last row is sent.

Tokens, CORS (closed unless origins are configured) and safe paths: :mod:`sitrep.api.security`.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from typing import Any, Iterator, Literal, Sequence

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from sitrep import __version__ as _version
from sitrep import settings
from sitrep.formats import CSV_MEDIA, JSONL_MEDIA, csv_text
from sitrep.errors import InputRejected, NotFound, SitrepError, StoreError
from sitrep.store import Store
from sitrep.store import queries, record_queries
from sitrep.api.dashboard import add_dashboard
from sitrep.api.records import Format, PageSize, add_record_routes
from sitrep.store.db import DOCUMENT_COLUMNS
from sitrep.api import security
from sitrep.api.ingest import ingest_router
from sitrep.api.readers import SharedReader, request_slots



# -- error shape ---------------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    """What went wrong: a stable code, a message that says what to do, the offending input."""

    code: str
    message: str
    input: str | None = None


class ErrorResponse(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class Page(BaseModel):
    """One page of a list; pass ``next_cursor`` as ``cursor`` to get the next (null: no more)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


class OffsetPage(BaseModel):
    """One page of a list; pass ``next_offset`` as ``offset`` to get the next (null: no more)."""

    items: list[dict[str, Any]]
    next_offset: int | None


def _error(status: int, code: str, message: str, input: str | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "input": input}}
    return JSONResponse(body, status_code=status, headers=headers)


def status_for(exc: SitrepError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputRejected):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 400


ERRORS = {
    401: {"model": ErrorResponse, "description": "Missing or wrong bearer token"},
    404: {"model": ErrorResponse, "description": "No such record"},
    422: {"model": ErrorResponse, "description": "A parameter is malformed (code E422)"},
    503: {"model": ErrorResponse, "description": "The store cannot be opened (busy or missing)"},
}


# -- store access --------------------------------------------------------------------------------
class StoreAccess:
    """Hands out a store for one request: a fresh read-only one, or a cursor on a shared one."""

    def __init__(self, path: str, *, write_enabled: bool) -> None:
        self.path = path
        self.write_enabled = write_enabled
        self._shared: Store | None = None
        self._lock = threading.Lock()
        self._reader = SharedReader(path)  # read-only mode: one database while requests are in flight

    def open(self, *, snapshot: bool = True) -> Store:
        """A store for the caller's exclusive use; the caller closes it.

        On the shared store, ``snapshot`` starts a read transaction, so every query of one
        request sees the same committed state (never part of a batch being written)."""
        if not self.write_enabled:
            return self._reader.lease()
        with self._lock:
            if self._shared is None:
                self._shared = Store(self.path)
            view = queries.shared_view(self._shared)
        if snapshot:
            view.con.execute("BEGIN TRANSACTION")  # closing the cursor ends it
        return view

    @contextmanager
    def session(self) -> Iterator[Store]:
        """:meth:`open` as a context manager."""
        store = self.open()
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        """Close the shared store, if one was opened."""
        with self._lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = None


# -- output formats ------------------------------------------------------------------------------
def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def _list_response(
    request: Request, fmt: str | None, data: dict[str, Any], columns: Sequence[str], next_key: str | None = None
) -> Response:
    if not _wants_csv(request, fmt):
        return JSONResponse(data)
    headers = {}
    if next_key and data.get(next_key) is not None:
        # CSV has no place for the cursor, so it travels in a header.
        headers["X-Next-" + next_key.split("_", 1)[1].capitalize()] = str(data[next_key])
    return Response(csv_text(data["items"], columns), media_type=CSV_MEDIA, headers=headers)


def _stream_rows(store: Store, rows: Iterator[dict[str, Any]], fmt: str, *, batch: int = 200) -> Iterator[str]:
    """Serialise rows chunk by chunk; closes the rows and the store when done or abandoned."""
    try:
        if fmt == "csv":
            yield csv_text((), DOCUMENT_COLUMNS)
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                yield _serialise(chunk, fmt)
                chunk = []
        if chunk:
            yield _serialise(chunk, fmt)
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()
        store.close()


def _serialise(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "csv":
        return csv_text(rows, DOCUMENT_COLUMNS, header=False)
    return "".join(json.dumps({"record": "document", **r}, ensure_ascii=False) + "\n" for r in rows)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# -- the app -------------------------------------------------------------------------------------
def create_app(
    db_path: str | None = None, *, token: str | None = None, write_enabled: bool = False,
    private: bool | None = None, cors_origins: str | None = None,
) -> Any:
    """Build the API over the store at ``db_path`` (default: the ``db`` setting).

    ``token``: when set, every ``/api`` route requires ``Authorization: Bearer <token>`` (read
    routes only while ``private``, default the ``api_private`` setting).
    ``write_enabled``: hold the store open read-write for the app's lifetime instead of opening
    it read-only per request (see the module docstring), and serve the write routes of
    :mod:`sitrep.api.ingest`, which always need the token.
    ``cors_origins``: origins allowed to call the API from a browser (default: none).
    """
    access = StoreAccess(str(settings.get("db", db_path)), write_enabled=write_enabled)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        access.close()

    app = FastAPI(
        title="sitrep",
        version=_version,
        description="Read-only access to a sitrep store: documents, actors, mentions, sources, events, "
        "statements, relations, claims, stories, timeline, dyads, network, map points, facets and exports. "
        "The dashboard is served at /.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their code from a CDN and start it with inline script; the
        # app works offline and its CSP forbids both, so the schema is served as /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.store_access = access

    # -- errors --
    @app.exception_handler(SitrepError)
    async def _domain_error(_request: Request, exc: SitrepError) -> JSONResponse:
        retry = {"Retry-After": "1"} if isinstance(exc, StoreError) else None  # busy store: retry soon
        return _error(status_for(exc), exc.code, exc.message, exc.input, headers=retry)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        parts = []
        for e in errors:
            name = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            parts.append(f"{name}: {e.get('msg', 'invalid')}")
        first = errors[0] if errors else {}
        value = first.get("input")
        return _error(422, "E422", "; ".join(parts) or "invalid request", None if value is None else str(value))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, f"E{exc.status_code}", str(exc.detail), request.url.path,
                      headers=getattr(exc, "headers", None))

    # -- auth (see sitrep.api.security) --
    dependencies = security.read_dependencies(token, private=settings.get("api_private", private))

    # After the token check, requests beyond a few per core wait on the event loop (holding no
    # thread) instead of thrashing DuckDB and the GIL; see sitrep.api.readers.
    dependencies.append(Depends(request_slots(max(4, 2 * (os.cpu_count() or 2)))))

    def get_store() -> Iterator[Store]:
        with access.session() as store:
            yield store

    router = APIRouter(prefix="/api", dependencies=dependencies, responses=ERRORS)

    @router.get("/health", summary="Store reachability and row counts")
    def health(store: Store = Depends(get_store)) -> dict[str, Any]:
        """Whether the store opens, its schema version and main table sizes."""
        return queries.health(store)

    @router.get(
        "/documents", summary="List documents, newest first",
        responses={200: {"model": Page, "content": {"text/csv": {}}}},
    )
    def documents(
        request: Request,
        source: str | None = Query(None, description="Only this outlet (case-insensitive)."),
        since: date | None = Query(None, description="Published on or after (YYYY-MM-DD)."),
        until: date | None = Query(None, description="Published on or before (YYYY-MM-DD)."),
        q: str | None = Query(None, description="Title or text contains this (case-insensitive)."),
        limit: int = Query(50, ge=1, le=queries.MAX_LIMIT, description="Page size."),
        cursor: str | None = Query(None, description="next_cursor of the previous page."),
        fields: str | None = Query(None, description="Extra fields, comma-separated: text."),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """A page of documents (without ``text`` unless ``fields=text``), ordered by publication
        day (newest first) then id, with an opaque cursor that stays valid while rows are added."""
        extra = {f.strip() for f in (fields or "").split(",") if f.strip()}
        if extra - {"text"}:
            raise queries.QueryRejected("unknown field; fields may only be: text", input=fields)
        page = queries.list_documents(
            store, source=source, since=_iso(since), until=_iso(until), q=q, limit=limit, cursor=cursor,
            with_text="text" in extra,
        )
        columns = DOCUMENT_COLUMNS if "text" in extra else queries.LIST_COLUMNS
        return _list_response(request, format, page.as_dict(), columns, "next_cursor")

    @router.get("/documents/{doc_id}", summary="One document with everything found in it")
    def document(doc_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """The full document by id or unique id prefix (6+ characters), with its origins,
        mentions, time refs, events, statements and the relations of its statements."""
        return record_queries.document_with_records(store, doc_id)

    @router.get(
        "/actors", summary="List actors with mention counts",
        responses={200: {"model": OffsetPage, "content": {"text/csv": {}}}},
    )
    def actors(
        request: Request,
        code: str | None = Query(None, description="ISO 3166-1 alpha-3 or IGO code, e.g. RUS, NATO."),
        sector: str | None = Query(None, description="PLOVER sector, e.g. GOV, MIL."),
        q: str | None = Query(None, description="Name or an alias contains this (case-insensitive)."),
        limit: PageSize = 50,
        offset: int = Query(0, ge=0),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """Actors, most mentioned first, each with ``mentions`` and ``documents`` counts."""
        data = queries.list_actors(store, code=code, sector=sector, q=q, limit=limit, offset=offset)
        columns = queries.ACTOR_COLUMNS + ("mentions", "documents")
        return _list_response(request, format, data, columns, "next_offset")

    @router.get("/actors/{actor_id}", summary="One actor and the documents that mention it")
    def actor(actor_id: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        """The actor record with ``documents``: each mentioning document and its mention count."""
        return queries.actor_detail(store, actor_id)

    @router.get(
        "/mentions", summary="List actor mentions",
        responses={200: {"model": Page, "content": {"text/csv": {}}}},
    )
    def mentions(
        request: Request,
        actor_id: str | None = Query(None),
        code: str | None = Query(None),
        sector: str | None = Query(None),
        doc_id: str | None = Query(None, description="Document id or a prefix of 6+ characters."),
        limit: PageSize = 50,
        cursor: str | None = Query(None, description="next_cursor of the previous page."),
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """Mentions ordered by document then offset, with an opaque cursor."""
        page = queries.list_mentions(
            store, actor_id=actor_id, code=code, sector=sector, doc_id=doc_id, limit=limit, cursor=cursor
        )
        return _list_response(request, format, page.as_dict(), queries.MENTION_COLUMNS, "next_cursor")

    @router.get(
        "/sources", summary="Per-outlet statistics",
        responses={200: {"content": {"text/csv": {}}}},
    )
    def sources(
        request: Request,
        format: Format = None,
        store: Store = Depends(get_store),
    ) -> Response:
        """Per outlet: documents, first and last publication day, share with injected links,
        syndicated copies, spun copies, contradicted statements, median delay behind the first
        report (hours)."""
        items = queries.list_sources(store)
        columns = ("source", "documents", "first_published", "last_published", "injected_links_share",
                   "syndicated_copies", "syndicated_share", "spun", "flagged_share", "statements",
                   "contradicted_statements", "contradicted_share", "median_delay_hours")
        return _list_response(request, format, {"items": items}, columns)

    @router.get(
        "/export/documents", summary="Stream every matching document",
        responses={200: {"content": {"text/csv": {}, JSONL_MEDIA: {}}}},
    )
    def export_documents(
        request: Request,
        source: str | None = Query(None),
        since: date | None = Query(None),
        until: date | None = Query(None),
        q: str | None = Query(None),
        format: Literal["csv", "jsonl"] | None = Query(None, description="jsonl (default) or csv; or Accept: text/csv."),
    ) -> StreamingResponse:
        """All matching documents with their text (not one page), streamed as CSV or JSON lines."""
        fmt = format or ("csv" if "text/csv" in request.headers.get("accept", "") else "jsonl")
        # The store stays open until the stream ends, so it is opened here, not by a dependency.
        store = access.open()
        try:
            rows = queries.iter_documents(store, source=source, since=_iso(since), until=_iso(until), q=q)
        except BaseException:
            store.close()
            raise
        media = CSV_MEDIA if fmt == "csv" else JSONL_MEDIA
        return StreamingResponse(
            _stream_rows(store, rows, fmt), media_type=media,
            headers={"Content-Disposition": f'attachment; filename="documents.{fmt}"'},
        )

    add_record_routes(router, get_store, access.open)
    app.include_router(router)
    add_dashboard(app)
    if write_enabled:
        app.include_router(ingest_router(lambda: access.open(snapshot=False), access.path, token))
    security.install_cors(app, settings.get("cors_origins", cors_origins))
    return app


def serve(
    db_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    token: str | None = None,
    write_enabled: bool = False,
    log_level: str = "info",
) -> None:
    """Run the API with uvicorn until interrupted (bound to loopback unless ``host`` says so)."""
    import uvicorn

    uvicorn.run(create_app(db_path, token=token, write_enabled=write_enabled), host=host, port=port, log_level=log_level,
                timeout_keep_alive=30)
