"""Fuzz the text path: decoding, the header parser, normalisation and junk removal.

    python fuzz/fuzz_text.py fuzz/corpus/text -max_total_time=60

Besides whole documents, the normaliser is checked on its own: it must be idempotent.
"""

import sys

import atheris

with atheris.instrument_imports(include=["sitrep", "_common"]):
    from _common import check
    from sitrep.extract import junk
    from sitrep.extract.normalize import normalize_text


def test_one_input(data: bytes) -> None:
    check("text", data)
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    once, _ = normalize_text(text)
    if normalize_text(once)[0] != once:
        raise AssertionError(f"normalize_text is not idempotent on {text!r}")
    junk.clean(once)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
