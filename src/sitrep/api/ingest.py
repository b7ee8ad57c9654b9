"""Write routes: ingest a URL or an uploaded file through the server's own store connection.

They exist only when the app holds the store read-write (``write_enabled``) and always need the
bearer token (:mod:`sitrep.api.security`). Writes go through one writer at a time on a cursor of
the app's database instance, batch by batch, one transaction each; every read request runs in
its own read transaction on another cursor, so readers see each batch entirely or not at all
(DuckDB's MVCC) and never wait for the ingest to finish.

* ``POST /api/ingest/url`` ``{"url": "https://…"}`` fetches with the safe fetcher: loopback,
  private, link-local and metadata addresses are refused on every hop whatever the
  ``allow_private`` setting says (only ``fetch_allowed_networks`` can open a network).
* ``POST /api/ingest/upload?filename=NAME`` takes the file as the raw request body. The file is
  kept in the upload folder under a sanitised, hash-prefixed name (never outside it, whatever
  ``filename`` says), and read like a file given to ``sitrep ingest``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from sitrep import settings
from sitrep.api.security import safe_filename, safe_join, write_dependencies
from sitrep.errors import InputTooLarge
from sitrep.sources import Rejected
from sitrep.sources.files import read_path, read_url


class UrlIngest(BaseModel):
    """The body of ``POST /api/ingest/url``."""

    url: str


def upload_folder(db_path: str) -> Path:
    """Where uploads are kept: the ``upload_dir`` setting, or ``<store>.uploads``."""
    return Path(settings.get("upload_dir") or f"{db_path}.uploads")


def ingest_router(open_writer: Callable[[], Any], db_path: str, token: str | None) -> APIRouter:
    """The write routes; ``open_writer()`` returns a store the caller closes (a cursor on the
    app's read-write database)."""
    router = APIRouter(prefix="/api/ingest", dependencies=write_dependencies(token), tags=["write"])
    lock = threading.Lock()  # one writer at a time: concurrent writers would conflict

    def run(items) -> dict[str, Any]:
        from sitrep.pipeline import ingest_items

        with lock:
            store = open_writer()
            try:
                return ingest_items(items, store).as_dict()
            finally:
                store.close()

    @router.post("/url", summary="Fetch one URL (page or feed) safely and ingest it")
    def ingest_url(body: UrlIngest) -> dict[str, Any]:
        """Refuses loopback, private, link-local, metadata and rebinding targets, redirects
        included (422, code E111); otherwise the ingest report (read, new, duplicate, rejected)."""
        items = list(read_url(body.url, allow_private=False))
        if len(items) == 1 and isinstance(items[0], Rejected):
            raise items[0].error
        return run(items)

    @router.post("/upload", summary="Ingest an uploaded file (the raw request body)")
    async def ingest_upload(
        request: Request,
        filename: str = Query(..., description="The file's name; its suffix picks the reader (.html, .csv, .warc.gz…)."),
    ) -> dict[str, Any]:
        """The file is stored in the upload folder under a safe name and ingested like a file
        argument of ``sitrep ingest``."""
        cap = int(settings.get("max_upload_bytes"))
        folder = upload_folder(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        size = 0
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > cap:
                        raise InputTooLarge(f"upload is over the {cap:,}-byte cap", input=filename)
                    handle.write(chunk)
            with open(tmp, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            target = safe_join(folder, safe_filename(filename, prefix=digest[:12]))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(run, read_path(target))

    return router
