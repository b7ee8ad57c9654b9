"""Analysis benchmark: words/s of the analyze stage next to bare ``nlp.pipe`` on the same texts,
and what the event coder adds to it.

After a warm-up that builds the spaCy pipeline, the actor matchers and the event coder's
matchers (a long run builds them once), every batch of 32 documents goes through three passes,
one after the other, so that the changing load of a shared machine falls on all alike (their
order turns from batch to batch: the first pass over new text also pays for adding its words
to the vocabulary):

1. bare ``nlp.pipe``: the parse alone, the anchor;
2. the analyze stage without the ``events`` step (parse, actors, times, places, quantities),
   then ``code_events`` on those analyses, timed on its own;
3. the whole analyze stage, ``events`` step included.

``coding_share`` is the coder's own time over the analysis time without it (pass 2): what
event coding adds to analysis (target: at most 15%). ``coding_overhead`` is the same from the
two whole runs, (3 - 2) / 2, everything ``analyze_documents`` does included; on a busy machine
it is the noisier of the two.

Run through ``benchmarks/run.py`` (``make bench``).
"""

from __future__ import annotations

import json
import sys
import time

BATCH = 32


def main() -> None:
    from sitrep.analyze import STEPS, analyze_documents, analyze_text
    from sitrep.analyze.actors import default_resolver
    from sitrep.analyze.nlp import load_pipeline
    from sitrep.events.coder import code_events
    from sitrep.pipeline import documents_from
    from sitrep.records import Document

    inputs = sys.argv[1:]
    docs = [d for d in documents_from(inputs) if isinstance(d, Document)]
    words = sum(len(d.text.split()) for d in docs)
    nlp = load_pipeline()
    default_resolver()  # build the matchers outside the timing, as a long run would
    list(nlp.pipe([d.text for d in docs[:5]]))  # warm up
    code_events(analyze_text("Russia deployed troops to the border.", published="2022-01-01"))  # coder built
    without_events = tuple(s for s in STEPS if s != "events")

    # The passes alternate batch by batch, so that the changing load of a shared machine falls
    # on all of them alike, and their order turns from batch to batch, because the first pass
    # over new text also pays for adding its words to the vocabulary.
    times = {"bare": 0.0, "no_events": 0.0, "coding": 0.0, "full": 0.0}
    n_events = 0

    def run_bare(batch: list) -> None:
        start = time.perf_counter()
        for _ in nlp.pipe([d.text for d in batch], batch_size=BATCH):
            pass
        times["bare"] += time.perf_counter() - start

    def run_without_events(batch: list) -> None:
        nonlocal n_events
        start = time.perf_counter()
        analyses = list(analyze_documents(batch, steps=without_events, batch_size=BATCH))
        times["no_events"] += time.perf_counter() - start
        start = time.perf_counter()
        n_events += sum(len(code_events(a)) for a in analyses)
        times["coding"] += time.perf_counter() - start

    def run_full(batch: list) -> None:
        start = time.perf_counter()
        for _ in analyze_documents(batch, batch_size=BATCH):
            pass
        times["full"] += time.perf_counter() - start

    passes = [run_bare, run_without_events, run_full]
    for k, i in enumerate(range(0, len(docs), BATCH)):
        batch = docs[i:i + BATCH]
        for run in passes[k % 3:] + passes[:k % 3]:
            run(batch)
    bare, no_events, coding, full = times["bare"], times["no_events"], times["coding"], times["full"]
    json.dump(
        {
            "documents": len(docs),
            "words": words,
            "events": n_events,
            "bare_nlp_pipe_words_per_s": round(words / bare, 1),
            "analysis_without_events_words_per_s": round(words / no_events, 1),
            "analysis_words_per_s": round(words / full, 1),
            "overhead": round((full - bare) / bare, 3),
            "coding_s": round(coding, 2),
            "coding_overhead": round((full - no_events) / no_events, 3),
            "coding_share": round(coding / no_events, 3),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
