"""Tests of the event coder: real news sentences through the whole pipeline, hand-built
analyses for the participant rules, and the pattern data and its converter."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sitrep.analyze import STEPS, Analysis, analyze_parsed, analyze_text
from sitrep.events.coder import code_events, load_rules, rules, verb_forms
from sitrep.events.ontology import validate_event
from sitrep.records import Actor, Document, Event, Mention, TimeRef, to_dict

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "corpora" / "seed" / "000_80552fc3e566ac56.txt"


@pytest.fixture(scope="module")
def nlp():
    from sitrep.analyze.nlp import load_pipeline

    return load_pipeline()


_STEPS = tuple(s for s in STEPS if s not in ("events", "statements"))  # the tests call the coder themselves


def _events(text: str, published: str = "2022-02-01", doc_id: str = "text") -> list[Event]:
    return code_events(analyze_text(text, published=published, doc_id=doc_id, steps=_STEPS))


def _one(events: list[Event], event_type: str) -> Event:
    found = [e for e in events if e.type == event_type]
    assert found, f"no {event_type} in {[(e.type, e.evidence['trigger']['text']) for e in events]}"
    return found[0]


# --------------------------------------------------------------------------------------------
# Real news sentences

@pytest.mark.parametrize(
    ("text", "event_type", "mode", "actor", "recipient", "factuality"),
    [
        ("Israeli police arrested 12 Palestinians in East Jerusalem on Friday.",
         "COERCE", "arrest", "ISR", "PSE", "asserted"),
        ("The European Union imposed new sanctions on Belarus on Monday.",
         "SANCTION", "discontinue", "EU", "BLR", "asserted"),
        ("France expelled two Russian diplomats on Tuesday.", "SANCTION", "expel", "FRA", "RUS", "asserted"),
        ("China's foreign minister met his Russian counterpart in Beijing on Tuesday.",
         "CONSULT", None, "CHN", "RUS", "asserted"),
        ("Iran threatened to close the Strait of Hormuz.", "THREATEN", None, "IRN", None, "asserted"),
        ("The United States urged Israel to allow more aid into Gaza.", "REQUEST", "assist", "USA", "ISR", "asserted"),
        ("North Korea test-fired two ballistic missiles on Thursday.", "MOBILIZE", "weapons", "PRK", None, "asserted"),
        ("Ukraine accused Russia of shelling the Zaporizhzhia nuclear power plant.",
         "ACCUSE", "allege", "UKR", "RUS", "asserted"),
        ("Egypt rejected an Ethiopian proposal on the dam.", "REJECT", None, "EGY", "ETH", "asserted"),
        ("Russia denied sending troops to Kazakhstan.", "MOBILIZE", "troops", "RUS", "KAZ", "negated"),
        ("Talks between Serbia and Kosovo are expected next week.", "CONSULT", None, "SRB", None, "future"),
        ("Turkey could launch a military operation in northern Syria.", "ASSAULT", None, "TUR", "SYR", "hypothetical"),
        ("Ukraine said Russian troops attacked a checkpoint near Kharkiv.", "ASSAULT", None, "RUS", None, "reported"),
        ("Russian forces shelled the city of Kharkiv on Monday, killing at least 10 civilians.",
         "ASSAULT", "heavy-weapons", "RUS", None, "asserted"),
    ],
)
def test_coder_codes_news_sentences(text, event_type, mode, actor, recipient, factuality):
    event = _one(_events(text), event_type)
    assert event.mode == mode
    assert (event.actor or {}).get("code") == actor
    if recipient is not None:
        assert (event.recipient or {}).get("code") == recipient
    assert event.factuality == factuality


def test_coder_accused_act_is_reported_and_done_by_the_accused():
    events = _events("Ukraine accused Russia of shelling the Zaporizhzhia nuclear power plant.")
    shelling = _one(events, "ASSAULT")
    assert shelling.actor["code"] == "RUS"
    assert shelling.factuality == "reported"


@pytest.mark.parametrize(
    "text",
    [
        "It is not clear whether the Russian document was delivered before or after the meeting.",
        "The weather in Geneva was mild on Tuesday.",
        "Analysts expect oil prices to rise next year.",
        "Scientists released findings about the statues on Thursday.",
        "Wikinews asked the researcher whether he had any ideas.",
    ],
)
def test_coder_yields_nothing_for_non_events(text):
    assert _events(text) == []


def test_coder_event_records_are_valid_and_complete():
    text = "Israeli police arrested 12 Palestinians in East Jerusalem on Friday."
    (event,) = [e for e in _events(text) if e.type == "COERCE"]
    validate_event(event.type, event.mode, event.context, event.factuality)
    assert event.evidence["start"] == 0 and event.evidence["end"] == len(text)
    assert event.evidence["sentence"] == text
    assert text[event.evidence["trigger"]["start"]:event.evidence["trigger"]["end"]] == "arrested"
    assert event.quantity["value"] == 12 and event.quantity["unit"] == "palestinians"
    assert event.location["text"] == "East Jerusalem" and event.location["country"] in ("PSE", "ISR")
    assert event.date == "2022-01-28" and event.date_precision == "day"
    assert 0.0 <= event.confidence <= 1.0
    assert set(event.actor) == {"text", "actor_id", "code", "sector"}
    assert to_dict(event, with_kind=True)["record"] == "event"


def test_coder_date_falls_back_to_publication():
    event = _one(_events("France expelled two Russian diplomats."), "SANCTION")
    assert event.date == "2022-02-01" and event.date_precision == "publication"


def test_coder_ids_are_stable_and_distinct():
    text = "France expelled two Russian diplomats. Germany expelled two Russian diplomats."
    first, second = _events(text), _events(text)
    assert [e.id for e in first] == [e.id for e in second]
    assert len({e.id for e in first}) == len(first) == 2
    other_doc = _events(text, doc_id="other")
    assert {e.id for e in other_doc}.isdisjoint({e.id for e in first})


def test_coder_codes_several_events_in_one_sentence():
    events = _events("Israeli soldiers arrested two Palestinians and shot a third near Hebron on Monday.")
    assert {"COERCE", "ASSAULT"} <= {e.type for e in events}


# --------------------------------------------------------------------------------------------
# The seed article (read from ../shared, never copied)

@pytest.fixture(scope="module")
def seed_events() -> list[Event]:
    if not SEED.exists():
        pytest.skip(f"{SEED} is not available (the ../shared seed article is missing); skipping")
    text = SEED.read_text(encoding="utf-8")
    return _events(text, doc_id="seed")


def _in_sentence(events: list[Event], fragment: str) -> list[Event]:
    return [e for e in events if fragment in e.evidence["sentence"]]


def test_coder_seed_kremlin_deploys_troops(seed_events):
    event = _one(_in_sentence(seed_events, "began deploying around 100,000 troops"), "MOBILIZE")
    assert event.actor["code"] == "RUS"
    assert event.mode == "troops"
    assert event.quantity["value"] == 100000 and event.quantity["unit"] == "troops"
    assert event.quantity["approximate"] is True
    assert event.factuality == "asserted"


def test_coder_seed_washington_promises_soldiers(seed_events):
    events = _in_sentence(seed_events, "promised to send 8,500 soldiers")
    assert events and all(e.factuality == "future" for e in events)
    event = events[0]
    assert event.actor["code"] == "USA"
    assert event.quantity["value"] == 8500


def test_coder_seed_phone_talks_are_expected(seed_events):
    event = _one(_in_sentence(seed_events, "phone talks between Lavrov"), "CONSULT")
    assert event.mode == "phone"
    assert event.factuality == "future"
    assert event.actor["code"] == "RUS" and event.recipient["code"] == "USA"
    assert event.date == "2022-02-01" and event.date_precision == "day"


def test_coder_seed_cyber_attack_on_government_websites(seed_events):
    # PLOVER puts cyber attacks under COERCE, mode cyber (manual 2.0 and the NGEC codebook).
    event = _one(_in_sentence(seed_events, "cyber attack that hit"), "COERCE")
    assert event.mode == "cyber" and "cyber" in event.context
    assert event.recipient["code"] == "UKR"
    assert event.date == "2022-01-14"


def test_coder_seed_nato_deploys_troops_to_latvia_and_romania(seed_events):
    events = [e for e in _in_sentence(seed_events, "deploying more troops to Latvia") if e.type == "MOBILIZE"]
    assert events and all(e.actor["code"] == "NATO" for e in events)
    # One event per destination, each located there; the announcement ("a reinforcement of the
    # eastern flank") is the same happening and is not told a second time.
    by_recipient = {e.recipient["code"]: e for e in events}
    assert set(by_recipient) == {"LVA", "ROU"} and len(events) == 2
    assert by_recipient["LVA"].location["name"] == "Latvia"
    assert by_recipient["ROU"].location["name"] == "Romania"


def test_coder_seed_kremlin_surrounds_ukraine(seed_events):
    (event,) = [e for e in _in_sentence(seed_events, "began deploying around 100,000 troops") if e.type == "MOBILIZE"]
    assert event.recipient["code"] == "UKR"
    assert event.date_precision == "interval"


def test_coder_seed_geneva_talks(seed_events):
    event = _one(_in_sentence(seed_events, "held face-to-face talks"), "CONSULT")
    assert event.actor["code"] == "RUS" and "Blinken" in event.recipient["text"]
    assert (event.date, event.date_precision) == ("2022-01-21", "day")
    assert event.location["name"] == "Geneva" and event.mode == "third-party"
    assert event.factuality == "asserted"


def test_coder_seed_us_officials_received_russias_follow_up(seed_events):
    event = _one(_in_sentence(seed_events, "received written follow-up from Russia"), "CONSULT")
    assert event.actor["code"] == "RUS" and event.recipient["code"] == "USA"
    assert event.factuality == "reported"
    assert event.date == "2022-01-31"


def test_coder_seed_denied_sending_is_dated_by_the_denial(seed_events):
    # "On Tuesday, February 1, the Ministry denied …, saying that Moscow had not yet sent
    # Washington a final response to the … document presented … on January 26": January 26 dates
    # the document, not the (denied) sending.
    (event,) = [e for e in _in_sentence(seed_events, "had not yet sent Washington") if e.type == "CONSULT"]
    assert event.factuality == "negated"
    assert event.date == "2022-02-01" and event.date_precision == "day"


def test_coder_seed_codes_nothing_that_is_no_event(seed_events):
    # "does not want to spark a conflict" is no accusation; "Regarding the deployment of troops"
    # refers to the deployment already coded; the page's injected links and footer hold none.
    assert not [e for e in seed_events if e.type == "ACCUSE" and e.evidence["trigger"]["text"] == "spark"]
    # "a final response to the security guarantees document": the tagger's verb is a noun.
    assert not [e for e in seed_events if e.evidence["trigger"]["text"] == "guarantees"]
    assert not _in_sentence(seed_events, "Regarding the deployment of troops")
    text = SEED.read_text(encoding="utf-8")
    junk_lines = [(m.start(), m.end()) for m in re.finditer(r"(?m)^(See also|Leave a Reply|Read Security International).*$", text)]
    assert len(junk_lines) >= 4
    for e in seed_events:
        trigger = e.evidence["trigger"]["start"]
        assert not any(start <= trigger < end for start, end in junk_lines), e


def test_coder_seed_unreal_events_are_never_asserted(seed_events):
    # What analysts believe Russia will not do, what it has not done, what it could do.
    for fragment, trigger, factuality in (("Russia will not attack", "attack", "negated"),
                                          ("has not gathered enough forces", "gathered", "negated"),
                                          ("promised to send 8,500 soldiers", "send", "future"),
                                          ("phone talks between Lavrov", "talks", "future")):
        events = [e for e in _in_sentence(seed_events, fragment) if e.evidence["trigger"]["text"] == trigger]
        assert events and all(e.factuality == factuality for e in events), (fragment, events)


def test_coder_seed_west_threatens_sanctions(seed_events):
    event = _one(_in_sentence(seed_events, "threatens to impose new sanctions"), "THREATEN")
    assert event.mode == "restrict"
    assert "West" in event.actor["text"]


def test_coder_seed_response_not_sent_is_not_counted_as_happened(seed_events):
    events = [e for e in _in_sentence(seed_events, "had not yet sent Washington")
              if e.evidence["trigger"]["text"] == "sent"]
    assert all(e.factuality == "negated" for e in events)


def test_coder_seed_unclear_delivery_is_no_event(seed_events):
    assert not [e for e in seed_events if e.evidence["sentence"].startswith("It is not clear whether")]


def test_coder_seed_events_are_valid(seed_events):
    assert seed_events
    for e in seed_events:
        validate_event(e.type, e.mode, e.context, e.factuality)
        assert e.actor or e.recipient


# --------------------------------------------------------------------------------------------
# Hand-built analyses: participants come from the analysis, not from the coder's guesses

def _analysis(nlp, text: str, actors: dict[str, tuple], *, times=(), published="2000-01-01") -> Analysis:
    """An analysis of ``text`` whose actor mentions are every occurrence of the given names
    (each ``(code, sector)`` or ``(code, sector, kind)``; kind defaults to ``state``)."""
    import re

    doc = nlp(text)
    base = analyze_parsed(Document(id="d1", text=text, published=published), doc, steps=("places", "quantities"))
    mentions, records = [], {}
    for name, (code, sector, *kind) in actors.items():
        actor_id = f"test:{code or name}"
        records[actor_id] = Actor(id=actor_id, name=name, code=code, sector=sector, kind=kind[0] if kind else "state")
        for found in re.finditer(re.escape(name), text):
            mentions.append(Mention(doc_id="d1", start=found.start(), end=found.end(), text=name, label="ORG",
                                    actor_id=actor_id))
    mentions.sort(key=lambda m: m.start)
    return Analysis(document=base.document, doc=doc, mentions=tuple(mentions), actors=records,
                    times=tuple(times), places=base.places, quantities=base.quantities)


def test_coder_actor_is_subject_and_recipient_is_object(nlp):
    a = _analysis(nlp, "Arnor attacked Gondor.", {"Arnor": ("ARN", "GOV"), "Gondor": ("GON", None)})
    (event,) = code_events(a)
    assert event.type == "ASSAULT"
    assert event.actor == {"text": "Arnor", "actor_id": "test:ARN", "code": "ARN", "sector": "GOV"}
    assert event.recipient["code"] == "GON"


def test_coder_passive_by_agent_is_the_actor(nlp):
    a = _analysis(nlp, "Gondor was attacked by Arnor.", {"Gondor": ("GON", None), "Arnor": ("ARN", None)})
    (event,) = code_events(a)
    assert event.actor["code"] == "ARN" and event.recipient["code"] == "GON"


@pytest.mark.parametrize("prep", ["against", "on"])
def test_coder_prepositional_target_is_the_recipient(nlp, prep):
    a = _analysis(nlp, f"Arnor imposed sanctions {prep} Gondor.", {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    (event,) = code_events(a)
    assert event.type == "SANCTION" and event.recipient["code"] == "GON"


def test_coder_needs_a_participant(nlp):
    a = _analysis(nlp, "The soldiers attacked the village.", {})
    assert code_events(a) == []


def test_coder_date_from_a_time_in_the_sentence(nlp):
    text = "Arnor attacked Gondor on Friday. Gondor attacked Arnor."
    friday = TimeRef(doc_id="d1", start=text.index("Friday"), end=text.index("Friday") + 6, text="Friday",
                     value="1999-12-31", precision="day")
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)}, times=[friday])
    first, second = code_events(a)
    assert (first.date, first.date_precision) == ("1999-12-31", "day")
    assert (second.date, second.date_precision) == ("2000-01-01", "publication")


@pytest.mark.parametrize(
    ("text", "factuality"),
    [
        ("Arnor did not attack Gondor.", "negated"),
        ("Arnor will attack Gondor.", "future"),
        ("Arnor might attack Gondor.", "hypothetical"),
        ("If Arnor attacks Gondor, prices will rise.", "hypothetical"),
        ("Officials said that Arnor attacked Gondor.", "reported"),
        ("Arnor attacked Gondor.", "asserted"),
    ],
)
def test_coder_factuality(nlp, text, factuality):
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    assert [e.factuality for e in code_events(a) if e.type == "ASSAULT"] == [factuality]


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Arnor threatened to attack Gondor.", "THREATEN"),
        ("Arnor promised to send aid to Gondor.", "AGREE"),
        ("Arnor urged Gondor to withdraw its troops.", "REQUEST"),
        ("Arnor refused to release the Gondor prisoners.", "REJECT"),
    ],
)
def test_coder_frames_make_one_event(nlp, text, event_type):
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    events = code_events(a)
    assert [e.type for e in events] == [event_type]
    assert events[0].actor["code"] == "ARN"


@pytest.mark.parametrize(
    ("text", "factuality"),
    [
        ("Arnor said Gondor must withdraw its troops.", "asserted"),  # the demand was made
        ("Arnor urged Gondor not to attack.", "asserted"),
        ("Arnor might urge Gondor to withdraw its troops.", "hypothetical"),
    ],
)
def test_coder_framed_event_is_as_factual_as_its_frame(nlp, text, factuality):
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    (event,) = [e for e in code_events(a) if e.type == "REQUEST"]
    assert event.actor["code"] == "ARN" and event.recipient["code"] == "GON"
    assert event.factuality == factuality


def test_coder_refused_cooperation_reported_as_a_promise_not_to_is_a_rejection(nlp):
    a = _analysis(nlp, "Arnor said it would not send aid to Gondor.", {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    assert [(e.type, e.factuality) for e in code_events(a)] == [("REJECT", "asserted")]


def test_coder_coordinated_participants_give_one_event_each(nlp):
    names = {"Arnor": ("ARN", None), "Gondor": ("GON", None), "Rohan": ("ROH", None)}
    a = _analysis(nlp, "Arnor and Gondor attacked Rohan.", names)
    assert sorted((e.actor["code"], e.recipient["code"]) for e in code_events(a)) == [("ARN", "ROH"), ("GON", "ROH")]
    a = _analysis(nlp, "Arnor attacked Gondor and Rohan.", names)
    assert sorted((e.actor["code"], e.recipient["code"]) for e in code_events(a)) == [("ARN", "GON"), ("ARN", "ROH")]
    events = code_events(a)
    assert len({e.id for e in events}) == 2


def test_coder_coordinated_subjects_of_a_meeting_meet_each_other(nlp):
    a = _analysis(nlp, "Arnor and Gondor held talks on Monday.", {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    event = _one(code_events(a), "CONSULT")
    assert (event.actor["code"], event.recipient["code"]) == ("ARN", "GON")


def test_coder_role_only_recipient_of_repression_is_domestic(nlp):
    names = {"Arnor police": ("ARN", "COP"), "demonstrators": (None, "CVL")}
    a = _analysis(nlp, "Arnor police arrested demonstrators on Monday.", names)
    event = _one(code_events(a), "COERCE")
    assert event.recipient["text"] == "demonstrators" and event.recipient["code"] == "ARN"


def test_coder_passive_arrest_without_agent_is_by_the_place(nlp):
    # "was arrested in Lebanon": by that country's authorities (the place's country).
    a = _analysis(nlp, "A Gondor journalist was arrested in Lebanon.", {"Gondor journalist": ("GON", "JRN")})
    event = _one(code_events(a), "COERCE")
    assert event.actor["code"] == "LBN" and event.recipient["code"] == "GON"


def test_coder_person_named_with_another_country_is_coded_by_the_text(nlp):
    names = {"King Hassan": ("JOR", "ELI", "person"), "Morocco": ("MAR", None), "Gondor": ("GON", None)}
    a = _analysis(nlp, "King Hassan of Morocco visited Gondor.", names)
    event = _one(code_events(a), "CONSULT")
    assert event.actor["code"] == "MAR" and event.recipient["code"] == "GON"


def test_coder_stray_by_agent_of_a_passive(nlp):
    text = "Ousted leader Arnold has been accused of misusing funds, much of it believed stolen, by Gondor officials."
    a = _analysis(nlp, text, {"Arnold": ("ARN", "ELI", "person"), "Gondor officials": ("GON", "GOV")})
    event = _one(code_events(a), "ACCUSE")
    assert event.actor["code"] == "GON" and event.recipient["code"] == "ARN"


@pytest.mark.parametrize(
    ("text", "event_type", "mode", "recipient"),
    [
        ("Arnor mobilized reservists for a war against Gondor.", "MOBILIZE", "troops", "GON"),
        ("Arnor threatened to attack unless Gondor withdrew.", "THREATEN", "violence", "GON"),
        ("Arnor threatened to stop talks with Gondor.", "THREATEN", "relations", "GON"),
    ],
)
def test_coder_recipient_and_mode_from_purpose_condition_and_ending(nlp, text, event_type, mode, recipient):
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    event = _one(code_events(a), event_type)
    assert (event.actor["code"], event.mode, (event.recipient or {}).get("code")) == ("ARN", mode, recipient)


def test_coder_event_noun_in_a_topic_phrase_is_no_new_event(nlp):
    a = _analysis(nlp, "Regarding the attack on Gondor, Arnor repeated its position.",
                  {"Arnor": ("ARN", None), "Gondor": ("GON", None)})
    assert code_events(a) == []


def test_coder_date_comes_from_the_events_own_clause(nlp):
    text = "Arnor attacked Gondor, which had signed the treaty on Friday."
    friday = TimeRef(doc_id="d1", start=text.index("Friday"), end=text.index("Friday") + 6, text="Friday",
                     value="1999-12-31", precision="day")
    a = _analysis(nlp, text, {"Arnor": ("ARN", None), "Gondor": ("GON", None)}, times=[friday])
    event = _one(code_events(a), "ASSAULT")
    assert (event.date, event.date_precision) == ("2000-01-01", "publication")


# --------------------------------------------------------------------------------------------
# Pattern data and its converter

def test_coder_pattern_files_load_and_are_valid():
    r = rules()
    assert len(r.verbs) > 1000 and "attack" in r.verbs and "talk" in r.nouns
    for patterns in (*r.verbs.values(), *r.nouns.values()):
        for p in patterns:
            if p.type is not None:
                validate_event(p.type, p.mode, p.context)


def test_coder_hand_patterns_reject_unknown_types():
    from sitrep.events.coder import InvalidPattern

    with pytest.raises(InvalidPattern) as caught:
        load_rules("blocks: []\n", "verbs:\n- {lemmas: [hit], type: SMASH}\n")
    assert caught.value.code == "E413"
    with pytest.raises(InvalidPattern):
        load_rules("blocks: []\n", "verbs:\n- {lemmas: [hit], type: ASSAULT, mode: tickle}\n")
    with pytest.raises(InvalidPattern):
        load_rules("blocks: []\n", "verbs:\n- {lemmas: [hit], type: ASSAULT, object: ['@nolist']}\n")
    # An unquoted "on" is a YAML boolean: the pattern would silently never match.
    with pytest.raises(InvalidPattern):
        load_rules("blocks: []\n", "verbs:\n- {lemmas: [call], preps: [[on]], type: REQUEST}\n")
    with pytest.raises(InvalidPattern):
        load_rules("blocks: []\n", "recipient_preps: [against, on]\n")


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [("stage", {"staged", "stages", "staging"}), ("deploy", {"deployed", "deploys", "deploying"}),
     ("ban", {"banned", "banning"}), ("carry", {"carried", "carries"}), ("push", {"pushes", "pushed"})],
)
def test_coder_verb_forms(lemma, forms):
    assert forms <= verb_forms(lemma)


def _converter():
    spec = importlib.util.spec_from_file_location("build_event_patterns", REPO / "scripts" / "build_event_patterns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _FakeLemmatizer:
    def noun(self, word: str) -> str:
        return word[:-1] if word.endswith("s") else word


def test_coder_converter_reads_the_petrarch_verb_format():
    conv = _converter()
    text = """
####### SYNONYM SETS #######
&MILITARY
+TROOP
+SOLDIER

####### VERB PATTERNS #######
---  SEND   [---]  ---
SEND {SENDS SENT SENDING}
DISPATCH
- * &MILITARY (TO +)                       [154]   # SEND
- * {HUMANITARIAN AID}                     [073]   # SEND
- * MESSAGE                                [040]   # SEND
- * GREETINGS                              [017]   # SEND
- * (ON TUESDAY) (TO)                      [:173]  # SEND

---  CALL   [041]  ---
+CALL_OFF {+CALLED_OFF} [160]
- * [111] # CALL
######## TRANSFORMATIONS ##########
"""
    blocks, synsets, dropped = conv.convert(text, _FakeLemmatizer())
    assert synsets == {"military": ["troop", "troops", "soldier", "soldiers"]}
    send, call = blocks
    assert [v["lemma"] for v in send["verbs"]] == ["send", "dispatch"]
    assert send["verbs"][0]["forms"] == ["sends", "sent", "sending"]
    first = send["patterns"][0]
    assert first["object"] == ["@military"] and first["preps"] == [["to"]] and first["target"] == "to"
    assert (first["type"], first["mode"], first["cameo"]) == ("MOBILIZE", "troops", "154")
    aid = send["patterns"][1]
    assert aid["object"] == ["aid"] and aid["modifiers"] == ["humanitarian"] and aid["type"] == "AID"
    assert send["patterns"][3]["type"] is None  # CAMEO 017 is a statement: no PLOVER event
    assert send["patterns"][4]["reverse"] is True and send["patterns"][4]["type"] == "COERCE"
    assert call["default"]["type"] == "CONSULT" and call["default"]["mode"] == "phone"
    assert call["verbs"][0] == {"lemma": "call", "words": ["off"], "forms": ["called"], "cameo": "160",
                                "type": "SANCTION"}
    # The unconstrained "- * [111] # CALL" is a reading of "call" only, not of the block.
    assert "patterns" not in call or not call["patterns"]
    rendered = conv.render(blocks, synsets, dropped, "test")
    import yaml

    assert yaml.safe_load(rendered)["blocks"][0]["name"] == "send"


def test_coder_converter_output_is_current():
    """The packaged verb_patterns.yaml is what the converter makes from ../shared's dictionary."""
    source = REPO.parent / "shared" / "dictionaries" / "petrarch2" / "CAMEO.2.0.txt"
    if not source.exists():
        pytest.skip(f"{source} is not available (the ../shared dictionaries are missing); skipping")
    conv = _converter()
    blocks, synsets, dropped = conv.convert(source.read_text("utf-8", errors="replace"), conv.Lemmatizer())
    rendered = conv.render(blocks, synsets, dropped, source.name)
    packaged = (REPO / "src" / "sitrep" / "data" / "events" / "verb_patterns.yaml").read_text("utf-8")
    assert rendered == packaged


def test_coder_seed_relative_clause_keeps_its_own_time(seed_events):
    # "the response it received, on January 26, from the United States and NATO regarding the
    # security guarantees that Russia is asking for": January 26 dates the response, not the
    # asking, which is Russia's standing demand.
    events = [e for e in _in_sentence(seed_events, "that Russia is asking for") if e.evidence["trigger"]["text"] == "asking"]
    assert events and all(e.date != "2022-01-26" for e in events), events


def test_coder_seed_do_so_dates_the_invasion_it_stands_for(seed_events):
    (event,) = [e for e in _in_sentence(seed_events, "intention to invade its neighbor") if e.type == "ASSAULT"]
    assert event.actor["code"] == "RUS"
    assert (event.date, event.date_precision) == ("2022-02", "month")
    assert event.factuality == "future"


def test_coder_seed_discussing_an_issue_is_no_investigation(seed_events):
    assert not [e for e in _in_sentence(seed_events, "investigated this issue in an interview")
                if e.mode == "investigate"]


def test_coder_discussed_subject_is_not_investigated_but_an_issue_of_crimes_is():
    assert not [e for e in _events("The defence minister of Poland investigated the question in a long interview.")
                if e.mode == "investigate"]
    events = _events("Ukrainian prosecutors are investigating the issue of war crimes by Russian troops.")
    assert [e for e in events if e.type == "ACCUSE" and e.mode == "investigate"]


def test_coder_object_relative_clause_gives_the_verb_its_object():
    # "the proposal that NATO sent": the proposal is what NATO sent.
    events = _events("Russia rejected the proposal that NATO sent on Monday.", published="2022-02-02")
    (sent,) = [e for e in events if e.evidence["trigger"]["text"] == "sent"]
    assert sent.type == "CONSULT" and sent.actor["code"] == "NATO"
    assert sent.date == "2022-01-31"
    (rejected,) = [e for e in events if e.type == "REJECT"]
    assert rejected.actor["code"] == "RUS" and rejected.date == "2022-02-02"


def test_coder_supplied_with_weapons_makes_the_object_the_recipient():
    (event,) = _events("The United States supplied Ukraine with Javelin missiles.")
    assert (event.type, event.actor["code"], event.recipient["code"]) == ("AID", "USA", "UKR")
    assert "military" in event.context
    (passive,) = _events("Ukraine is being supplied with anti-tank weapons.")
    assert passive.type == "AID" and passive.recipient["code"] == "UKR"


def test_coder_do_so_needs_a_later_do_clause():
    (event,) = [e for e in _events("Russia plans to invade Ukraine and says it will do so in March.",
                                   published="2022-02-01") if e.type == "ASSAULT"]
    assert event.date == "2022-03" and event.factuality == "future"
    (plain,) = [e for e in _events("Russia plans to invade Ukraine.", published="2022-02-01") if e.type == "ASSAULT"]
    assert plain.date_precision == "publication"


def test_coder_seed_delivered_documents_are_russias(seed_events):
    # "These documents were delivered to coalition partners and Washington on December 15, 2021,
    # and were posted on the Russian Ministerial website on December 17."
    (event,) = [e for e in _in_sentence(seed_events, "These documents were delivered") if e.type == "CONSULT"]
    assert (event.actor["code"], event.actor["sector"]) == ("RUS", "GOV")
    assert event.recipient["code"] == "USA"
    assert (event.date, event.factuality) == ("2021-12-15", "asserted")


def test_coder_channel_owner_needs_a_coded_channel():
    (event,) = [e for e in _events("The letter was sent to Kiev and posted on a blog.") if e.type == "CONSULT"]
    assert event.actor is None


def test_coder_met_with_a_reaction_is_no_meeting():
    assert not [e for e in _events("The Polish plan was met with criticism in Germany.") if e.type == "CONSULT"]
    assert not [e for e in _events("Protesters were met with tear gas by Iranian police.") if e.type == "CONSULT"]
    (meeting,) = [e for e in _events("Putin met with Erdogan in Sochi.") if e.type == "CONSULT"]
    assert (meeting.actor["code"], meeting.recipient["code"]) == ("RUS", "TUR")


def test_coder_relative_clause_with_its_own_subject_keeps_the_matrix_time_out():
    # The agreement told in the relative clause is older than the denunciation on Wednesday.
    events = _events("On Wednesday, Egypt denounced the memorandum in which Turkey and Libya agreed on maritime borders.",
                     published="2020-01-11")
    (agreed,) = [e for e in events if e.type == "AGREE"]
    assert agreed.date_precision == "publication"
    # A "where"/"when" clause tells the matrix's occasion and keeps its time.
    events = _events("On Tuesday Mitsotakis met Trump in Washington, where he denounced the Turkish border deal.",
                     published="2020-01-10")
    assert {e.date for e in events} == {"2020-01-07"}


def test_coder_seed_reply_received_on_january_26(seed_events):
    # "Moscow will put on the table the response it received, on January 26, from the United
    # States and NATO": the parser hangs the date and the senders on "put"; they are the
    # receiving's. One event per sender, each to Moscow.
    events = [e for e in _in_sentence(seed_events, "the response it received") if e.evidence["trigger"]["text"] == "received"]
    assert {(e.actor["code"], e.recipient["code"]) for e in events} == {("USA", "RUS"), ("NATO", "RUS")}
    assert all(e.type == "CONSULT" and e.date == "2022-01-26" and e.factuality == "asserted" for e in events)


def test_coder_purpose_clause_names_whom_aid_is_for():
    (event,) = [e for e in _events("Britain deployed troops to protect Kuwait.") if e.type == "MOBILIZE"]
    assert (event.actor["code"], event.recipient["code"]) == ("GBR", "KWT")
    (aid,) = [e for e in _events("Germany sent humanitarian aid to help the people of Ukraine.") if e.type == "AID"]
    assert aid.actor["code"] == "DEU"
    # A hostile purpose is no help: the recipient of the move is not taken from it.
    moves = [e for e in _events("Russia sent troops to attack Ukraine.") if e.type == "MOBILIZE"]
    assert moves and all(e.recipient is None for e in moves)


def test_coder_martial_law_is_imposed_on_the_states_own_country():
    (event,) = _events("The Thai government imposed a curfew.")
    assert (event.type, event.mode, event.actor["code"], event.recipient["code"]) == ("COERCE", "curfew", "THA", "THA")


def test_coder_purpose_infinitive_is_intended_not_done():
    events = _events("Russia sent troops to attack Ukraine.")
    (attack,) = [e for e in events if e.type == "ASSAULT"]
    assert attack.factuality == "future"
    (move,) = [e for e in events if e.type == "MOBILIZE"]
    assert move.factuality == "asserted"
    (arrest,) = [e for e in _events("Israel deployed troops in order to arrest militants in Jenin.") if e.mode == "arrest"]
    assert arrest.type == "COERCE" and arrest.actor["code"] == "ISR" and arrest.factuality == "future"
    # A gathering's purpose is carried out in the gathering.
    talks = [e for e in _events("Putin and Erdogan met in Sochi to discuss Syria.") if e.type == "CONSULT"]
    assert talks and all(e.factuality == "asserted" for e in talks)
