"""Analysis benchmark: words/s of the analyze stage next to bare ``nlp.pipe`` on the same texts.

Run through ``benchmarks/run.py`` (``make bench``).
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    from sitrep.analyze import analyze_documents
    from sitrep.analyze.actors import default_resolver
    from sitrep.analyze.nlp import load_pipeline
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    inputs = sys.argv[1:]
    docs = [d for d in documents_from(inputs) if isinstance(d, Document)]
    words = sum(len(d.text.split()) for d in docs)
    nlp = load_pipeline()
    default_resolver()  # build the matchers outside the timing, as a long run would
    list(nlp.pipe([d.text for d in docs[:5]]))  # warm up

    start = time.perf_counter()
    for _ in nlp.pipe([d.text for d in docs], batch_size=32):
        pass
    bare = time.perf_counter() - start

    start = time.perf_counter()
    for _ in analyze_documents(docs, batch_size=32):
        pass
    full = time.perf_counter() - start
    json.dump(
        {
            "documents": len(docs),
            "words": words,
            "bare_nlp_pipe_words_per_s": round(words / bare, 1),
            "analysis_words_per_s": round(words / full, 1),
            "overhead": round((full - bare) / bare, 3),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
