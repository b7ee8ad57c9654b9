"""The REST API (FastAPI) over the embedded store: :func:`create_app` and :func:`serve`."""

from sitrep.api.app import create_app, serve

__all__ = ["create_app", "serve"]
