"""List, for each state and IGO sitrep follows, the holders of each required post and their
periods in the built actor dictionary, and the days no holder covers.

    .venv/bin/python scripts/actor_coverage.py            # the table
    .venv/bin/python scripts/actor_coverage.py --gaps     # only the posts with open days

The posts and the office names that fill them are in src/sitrep/data/actors/coverage.yaml.
"""

from __future__ import annotations

import argparse
import sys

from sitrep.evaluate.actor_coverage import coverage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", action="store_true", help="only posts with days no holder covers")
    args = parser.parse_args(argv)
    undocumented = 0
    for post in coverage():
        if post.absent:
            if not args.gaps:
                print(f"{post.entity:5} {post.post:20} (no such post: {post.absent})")
            continue
        open_days = post.undocumented()
        undocumented += len(open_days)
        if args.gaps and not post.gaps:
            continue
        print(f"{post.entity:5} {post.post:20} {' | '.join(post.offices)}")
        for h in post.holders:
            if (h.end or "9999") >= "2019-01-01":
                print(f"      {h.start or '?':10} .. {h.end or 'open':10}  {h.name}")
        for a, b in post.gaps:
            why = next((r for f, t, r in post.documented if f <= a and b <= t), None)
            print(f"      GAP {a} .. {b}" + (f"  (documented: {why})" if why else "  (UNDOCUMENTED)"))
    print(f"undocumented gaps: {undocumented}", file=sys.stderr)
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
