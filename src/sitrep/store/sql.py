"""Small pieces every read query builds its SQL from: AND-ed ``WHERE`` clauses with their
parameters, ``IN`` lists, and ``LIMIT``/``OFFSET`` tails.

Values never enter the SQL text: a clause carries ``?`` marks and its parameters travel
beside it, in the same order.
"""

from __future__ import annotations

from typing import Any, Sequence


class Where:
    """Clauses to AND together and their ``?`` parameters, in order.

    ``add`` takes a clause and its parameters; ``when`` adds a clause only when a filter value
    is given (truthy), with that value for each of its ``?`` marks; ``sql`` gives
    ``WHERE a AND b`` or the empty string.
    """

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> Where:
        """AND ``clause``, whose ``?`` marks take ``params``."""
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def when(self, value: Any, clause: str) -> Where:
        """AND ``clause`` when ``value`` is given; every ``?`` of ``clause`` takes ``value``."""
        if value:
            self.add(clause, *[value] * clause.count("?"))
        return self

    def sql(self) -> str:
        """``WHERE a AND b`` or the empty string."""
        return where_sql(self.clauses)


def where_sql(clauses: Sequence[str]) -> str:
    """``WHERE a AND b`` or the empty string."""
    return ("WHERE " + " AND ".join(clauses)) if clauses else ""


def marks(values: Sequence[Any]) -> str:
    """``?, ?, ?``: one mark per value, for ``IN (...)``."""
    return ", ".join("?" for _ in values)


def limit_sql(limit: int | None, offset: int | None = None) -> str:
    """`` LIMIT n`` (with `` OFFSET m`` when given) to append to a query, or the empty string
    when ``limit`` is None."""
    if limit is None:
        return ""
    return f" LIMIT {int(limit)}" + (f" OFFSET {int(offset)}" if offset is not None else "")


def page_sql(limit: int, offset: int | None = None) -> str:
    """The `` LIMIT`` of one page: a row more than the page, to tell whether another follows
    (see :func:`split_page`)."""
    return limit_sql(int(limit) + 1, offset)


def split_page(rows: Sequence[Any], limit: int) -> tuple[list[Any], bool]:
    """The rows of a page fetched with :func:`page_sql`, and whether more follow."""
    return list(rows[:limit]), len(rows) > limit


def offset_page(items: list[Any], *, offset: int, limit: int, more: bool) -> dict[str, Any]:
    """An offset-paged list: ``{"items": [...], "next_offset": int | None}``."""
    return {"items": items, "next_offset": offset + limit if more else None}


__all__ = ["Where", "limit_sql", "marks", "offset_page", "page_sql", "split_page", "where_sql"]
