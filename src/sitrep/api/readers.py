"""Read-only store access shared by the requests in flight, released when none is.

DuckDB lets many connections of one process share one open database, but while any connection
holds the file no other process may open it for writing. Opening the file for every request
keeps it free between requests, at a price: opening costs tens of milliseconds and starts with
a cold cache. :class:`SharedReader` keeps both properties: the first request in flight opens
the file read-only, every concurrent request gets its own cursor on that same database, and the
last one to finish closes it. Under load the file stays open (and its cache warm); when the API
is idle it holds no lock, so ``sitrep ingest`` in another process can write.
"""

from __future__ import annotations

import asyncio
import threading
from typing import AsyncIterator, Callable

from sitrep.store import Store
from sitrep.store import queries


class _Lease(Store):
    """A cursor on the shared read-only database; closing it returns the lease."""

    def __init__(self, owner: "SharedReader", base: Store) -> None:  # noqa: D107
        view = queries.shared_view(base)
        self.path, self.read_only, self.con = view.path, view.read_only, view.con
        self._owner = owner
        self._closed = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.con.close()
        finally:
            self._owner._release()


class SharedReader:
    """Hands out read-only stores on one database that is open only while leases are out."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._base: Store | None = None
        self._leases = 0

    def lease(self) -> Store:
        """A read-only store for the caller's exclusive use; the caller closes it."""
        with self._lock:
            if self._base is None:
                self._base = Store(self.path, read_only=True)  # raises StoreError when busy
            self._leases += 1
            try:
                return _Lease(self, self._base)
            except BaseException:
                self._leases -= 1
                self._close_if_unused()
                raise

    def _release(self) -> None:
        with self._lock:
            self._leases -= 1
            self._close_if_unused()

    def _close_if_unused(self) -> None:
        if self._leases == 0 and self._base is not None:
            self._base.close()
            self._base = None

    @property
    def is_open(self) -> bool:
        """Whether the file is held right now (some lease is out)."""
        return self._base is not None


def request_slots(n: int) -> Callable[[], AsyncIterator[None]]:
    """A FastAPI dependency that lets at most ``n`` requests work on the store at once.

    Waiting happens on the event loop, so a waiting request holds no worker thread (a thread
    semaphore would let waiters take every thread of the pool and deadlock it)."""
    semaphores: dict[int, asyncio.Semaphore] = {}

    async def slot() -> AsyncIterator[None]:
        loop = id(asyncio.get_running_loop())
        semaphore = semaphores.setdefault(loop, asyncio.Semaphore(n))
        async with semaphore:
            yield

    return slot
