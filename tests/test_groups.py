"""Disjoint sets: the union-find that copy chains, claim groups and gold chains share."""

from __future__ import annotations

import random

from sitrep.groups import DisjointSets


def test_groups_join_transitively_and_root_on_the_smallest_member():
    sets: DisjointSets[str] = DisjointSets(["e"])
    sets.union("d", "b")
    sets.union("c", "a")
    sets.union("b", "c")
    assert sets.groups() == {"e": ["e"], "a": ["d", "b", "c", "a"]}
    assert sets.find("d") == "a" and "a" in sets and "z" not in sets and len(sets) == 5
    assert list(sets) == ["e", "d", "b", "c", "a"]


def test_groups_match_a_brute_force_closure():
    rng = random.Random(3)
    for _ in range(50):
        items = list(range(30))
        pairs = [(rng.choice(items), rng.choice(items)) for _ in range(rng.randrange(40))]
        sets: DisjointSets[int] = DisjointSets(items)
        for a, b in pairs:
            sets.union(a, b)
        # brute force: grow each item's component until it stops changing
        for x in items:
            component = {x}
            while True:
                grown = component | {b for a, b in pairs if a in component} | {a for a, b in pairs if b in component}
                if grown == component:
                    break
                component = grown
            assert sets.find(x) == min(component)
            assert sorted(sets.groups()[min(component)]) == sorted(component)
