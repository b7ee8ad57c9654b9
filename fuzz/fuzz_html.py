"""Fuzz the HTML path (decoding, trafilatura + htmldate, normalisation, junk removal).

    python fuzz/fuzz_html.py fuzz/corpus/html -max_total_time=60

A crash writes ``crash-<hash>`` with the input; turn it into a regression test in
``tests/test_hostile_input.py``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["sitrep", "_common"]):
    from _common import check


def test_one_input(data: bytes) -> None:
    check("html", data)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
