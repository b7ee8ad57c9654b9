"""The ``sitrep`` command line: parses arguments, calls one library function, prints.

Domain errors (:class:`sitrep.errors.SitrepError`) become a one-line message on stderr and
exit code 2; nothing here holds logic that the library or the API would need too. Each module
in this package registers its commands on the shared Typer ``app`` when imported.
"""

from sitrep.cli._common import app
from sitrep.cli import claims, evaluation, linking, process, query, records, service  # noqa: F401  (registers the commands)

__all__ = ["app"]

if __name__ == "__main__":  # pragma: no cover
    app()
