"""The dashboard (static files served at ``/``) and the security headers on every response.

The dashboard is plain JavaScript and SVG; every asset, including the world map geometry, is
vendored under ``static/`` (licences in ``static/vendor/LICENSES.md``), so it works offline.
Article text is untrusted web content: the page builds its DOM with ``textContent`` only, and
the Content-Security-Policy below forbids inline and third-party script, so markup that slipped
through could not run.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

#: Sent with every response, API and dashboard alike.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response (errors and
    streams included), replacing any the app set itself."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
        self.names = {k for k, _ in self.headers}

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def static_dir() -> str:
    """The folder holding the dashboard's files."""
    return str(resources.files("sitrep.api").joinpath("static"))


def add_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at ``/`` and its assets at ``/static``; add the security headers."""
    folder = static_dir()
    app.mount("/static", StaticFiles(directory=folder), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(f"{folder}/index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    app.add_middleware(SecurityHeaders)
