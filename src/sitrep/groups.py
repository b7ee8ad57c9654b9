"""Disjoint sets (union-find): items joined pairwise, read back as groups.

Used wherever sitrep joins things transitively: copy chains in linking, the claims board's
statement groups, and the evaluation's gold duplicate chains and story topics. The root of a
group is always its smallest member, so a group's name does not depend on the order in which
pairs were joined.
"""

from __future__ import annotations

from typing import Generic, Hashable, Iterable, Iterator, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items (any mutually comparable, hashable values) and the groups joined among them."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._parent: dict[T, T] = {}
        for item in items:
            self.add(item)

    def add(self, item: T) -> None:
        """Add ``item`` as a group of its own, unless it is already known."""
        self._parent.setdefault(item, item)

    def find(self, item: T) -> T:
        """The root (smallest member) of ``item``'s group; an unknown item is added first."""
        parent = self._parent
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]  # path halving
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> T:
        """Join the groups of ``a`` and ``b``; returns the joined group's root."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        root, other = (ra, rb) if ra < rb else (rb, ra)  # type: ignore[operator]
        self._parent[other] = root
        return root

    def __contains__(self, item: object) -> bool:
        return item in self._parent

    def __iter__(self) -> Iterator[T]:
        """Every item, in the order it was first added."""
        return iter(list(self._parent))

    def __len__(self) -> int:
        return len(self._parent)

    def groups(self) -> dict[T, list[T]]:
        """Root -> members (in the order they were added), groups in order of their first
        member."""
        out: dict[T, list[T]] = {}
        for item in list(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return out


__all__ = ["DisjointSets"]
