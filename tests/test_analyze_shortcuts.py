"""The shortcuts the analysis steps take instead of spaCy's general accessors give the same
answers as those accessors, on real parses of the Wikinews sample (and on edge cases)."""

from __future__ import annotations

import csv
import random

import pytest
from conftest import SAMPLE

#: Sample articles parsed for these tests: enough for entities, quotes, verbs and nouns of
#: every kind, few enough to parse in seconds.
N_DOCS = 12


@pytest.fixture(scope="module")
def nlp():
    from sitrep.analyze.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="module")
def docs(nlp):
    with open(SAMPLE / "wikinews_2020.csv", newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)][:N_DOCS]
    return list(nlp.pipe(texts + ["", "Attack.", "Russia attacked Ukraine on Monday."]))


def test_doc_text_is_the_parse_text(docs):
    from sitrep.analyze.nlp import doc_text

    for doc in docs:
        assert doc_text(doc) == doc.text
        assert doc_text(doc) is doc_text(doc)  # read once


def test_entity_lookups_agree_with_spacy(docs):
    from sitrep.analyze.nlp import doc_ents, ent_at, ents_in

    for doc in docs:
        assert [(e.start, e.end, e.label_) for e in doc_ents(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
        for i in range(len(doc)):
            want = next((e for e in doc.ents if e.start <= i < e.end), None)
            got = ent_at(doc, i)
            assert (got.start, got.end) == (want.start, want.end) if want is not None else got is None
        spans = list(doc.sents) + [doc[a:b] for a, b in ((0, len(doc)), (3, 40), (10, 11))]
        for span in spans:
            assert [(e.start, e.end) for e in ents_in(span)] == [(e.start, e.end) for e in span.ents]


def test_coder_triggers_are_the_matcher_matches(nlp, docs):
    """The coder's one-pass trigger lookup finds what a spaCy Matcher with the same tests finds."""
    from spacy.matcher import Matcher

    from sitrep.events.coder import EventCoder

    coder = EventCoder()
    r = coder.rules
    verbs, nouns = sorted(r.verbs), sorted(r.nouns)
    speech = sorted(w for w, kind in r.frames.items() if kind == "report")
    matcher = Matcher(nlp.vocab)
    matcher.add("VERB", [[{"LEMMA": {"IN": verbs}, "POS": {"IN": ["VERB"]}}],
                         [{"LOWER": {"IN": sorted(r.verb_forms)}, "POS": {"IN": ["VERB"]}}]])
    matcher.add("NOUN", [[{"LEMMA": {"IN": nouns}, "POS": {"IN": ["NOUN", "PROPN"]}}],
                         [{"LOWER": {"IN": nouns}, "POS": {"IN": ["NOUN", "PROPN"]}}]])
    matcher.add("SPEECH", [[{"LEMMA": {"IN": speech}, "POS": {"IN": ["VERB"]}}]])
    total = 0
    for doc in docs:
        expected = [(key, start) for key, start, _end in matcher(doc)]
        assert coder._triggers(doc) == expected
        total += len(expected)
    assert total > 100  # the sample has plenty of trigger words


def test_quote_scan_skips_nothing_that_matters(monkeypatch):
    """The quote scan jumps from mark to mark; visiting every character gives the same spans."""
    from sitrep.statements import quotes

    rng = random.Random(7)
    pieces = ["a", " ", "\n", "\n\n", " \n \n", "“", "”", "«", "»", "„", '"', "'", "''", "`", "``", "b.", ","]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    texts += ['He said: "We will win."\n\nShe said “no', "“Open\n\nand closed”", "x ``quoted'' y"]
    jumping = [quotes.find_quotes(t) for t in texts]
    with monkeypatch.context() as m:
        m.setattr(quotes, "_MARKS", _EveryCharacter())
        stepwise = [quotes.find_quotes(t) for t in texts]
    assert jumping == stepwise
    assert sum(map(len, jumping)) > 1000


class _EveryCharacter:
    """In place of the mark pattern: every next character is a mark, so the scan visits each
    character in turn, as it did before it learnt to jump."""

    def search(self, text: str, pos: int):
        return _At(pos) if pos < len(text) else None


class _At:
    def __init__(self, pos: int) -> None:
        self.pos = pos

    def start(self) -> int:
        return self.pos


def test_shortcut_caches_do_not_keep_parses_alive(nlp):
    """Reading a parse's text and entities must not keep it in memory once the next one is read."""
    import gc
    import weakref

    from sitrep.analyze.nlp import doc_ents, doc_text, ent_at

    first = nlp("Russia attacked Ukraine on Monday, President Vladimir Putin said.")
    ref = weakref.ref(first)
    assert doc_text(first) and doc_ents(first) and ent_at(first, 0) is not None
    second = nlp("France and Germany met in Paris.")
    assert [e.text for e in doc_ents(second)] == [e.text for e in second.ents]
    del first
    gc.collect()
    assert ref() is None


def test_coder_word_forms_answer_as_the_token_does(docs):
    """The coder tests a verb's arguments against its patterns' word lists from forms read once
    per token; they answer as the token itself does, for every token and word list."""
    from sitrep.events.coder import _in, _in_forms, _word_forms, rules

    patterns = [p for group in (*rules().verbs.values(), *rules().nouns.values()) for p in group]
    lists = list({w for p in patterns for w in (p.subject, p.object, p.modifiers, *(n for _, n in p.preps)) if w})
    assert any("=actor" in w for w in lists) and any("=person" in w for w in lists)
    hits = 0
    for doc in docs[:2]:
        for tok in doc[:300]:
            forms = _word_forms(tok)
            for words in lists:
                want = bool(_in(tok, words))
                assert _in_forms(forms, words) == want, (tok.text, sorted(words)[:5])
                hits += want
    assert hits > 50
