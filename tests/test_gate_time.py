"""Evaluation gate for time expressions, and tests of the TimeML/MEANTIME scorer it uses.

The gate runs :func:`sitrep.evaluate.time.evaluate_time` on the dev halves of TimeBank/AQUAINT
and MEANTIME in ../shared and fails when a figure drops under its floor. Lowering a floor is a
deliberate, reviewed change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.errors import InputRejected
from sitrep.evaluate.time import evaluate_time

# Measured on the dev halves (256 TimeBank/AQUAINT documents, 1,822 gold timexes; 65 MEANTIME
# documents, 182 gold timexes, one more skipped for want of a creation time), each document
# parsed with the spaCy pipeline so that the tense of the governing verb is known:
#   timebank_aquaint: strict span F1 0.8896, relaxed span F1 0.9483, value F1 0.8293
#   meantime:         strict span F1 0.8952, relaxed span F1 0.9462, value F1 0.8555
# (From plain text, without the parse: value F1 0.8244 and 0.8555.)
# Floor = the figure rounded down to two decimals (TimeBank/AQUAINT value F1: to 0.82, which
# also holds without the parse; MEANTIME strict: to 0.88). On MEANTIME one expression moves a
# figure by about 0.0057: its value F1 is held at the goal of 0.85, so that one correct value
# fewer fails the gate and has to be looked at.
FLOORS = {
    "timebank_aquaint": {"span_f1_strict": 0.88, "span_f1_relaxed": 0.94, "value_f1": 0.82},
    "meantime": {"span_f1_strict": 0.88, "span_f1_relaxed": 0.94, "value_f1": 0.85},
}

TIME_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "time"


def _corpus(name: str) -> Path:
    path = TIME_EVAL / name
    if not path.is_dir():
        pytest.skip(f"{path} is not available (the ../shared time gold sets are missing); skipping")
    return path


@pytest.mark.gate
@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_gate_time_figures_above_floor(corpus):
    result = evaluate_time(_corpus(corpus))
    assert result["n_docs"] > 0 and result["n_gold"] > 0
    for metric, floor in FLOORS[corpus].items():
        assert result[metric] >= floor, (
            f"{corpus} {metric} {result[metric]:.4f} fell under the floor {floor}: {result}"
        )


# ---------------------------------------------------------------------------------------------
# The scorer on hand-made files

_TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>t1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-06" functionInDocument="CREATION_TIME">02/06/1998</TIMEX3></DCT>
<TEXT>
Officials said <TIMEX3 tid="t1" type="DATE" value="1998-02-05">yesterday</TIMEX3> that talks
would resume <TIMEX3 tid="t2" type="DATE" value="1998-W07">next week</TIMEX3>, after
<TIMEX3 tid="t3" type="DURATION" value="P2D">two days</TIMEX3> of delay. Some 100,000 troops
waited {extra}.
</TEXT>
</TimeML>
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_time_timeml_perfect_document(tmp_path):
    _write(tmp_path / "a.tml", _TIMEML.format(extra="at the border"))
    result = evaluate_time(tmp_path)
    assert (result["n_docs"], result["n_gold"], result["n_pred"]) == (1, 3, 3)
    assert result["span_f1_strict"] == result["span_f1_relaxed"] == result["value_f1"] == 1.0
    assert result["n_skipped"] == 0 and "by_corpus" not in result


def test_evaluate_time_timeml_counts_spurious_and_wrong_values(tmp_path):
    text = _TIMEML.format(extra="since <TIMEX3 tid=\"t4\" type=\"DATE\" value=\"1997\">1996</TIMEX3>"
                          " and recently")
    _write(tmp_path / "a.tml", text)
    result = evaluate_time(tmp_path)
    # Four gold; five predictions ("recently" is spurious); "1996" is found with another value.
    assert (result["n_gold"], result["n_pred"]) == (4, 5)
    assert result["span_precision_relaxed"] == pytest.approx(4 / 5)
    assert result["span_recall_relaxed"] == 1.0
    assert result["value_precision"] == pytest.approx(3 / 5)
    assert result["value_recall"] == pytest.approx(3 / 4)


_MEANTIME = """<?xml version="1.0" ?><Document doc_id="1" doc_name="x" lang="en">
{tokens}
<Markables>
<TIMEX3 functionInDocument="CREATION_TIME" m_id="1" type="DATE" value="2008-06-09">
<token_anchor t_id="3"/><token_anchor t_id="4"/><token_anchor t_id="5"/><token_anchor t_id="6"/>
</TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="2" type="DATE" value="2008-06-09">
<token_anchor t_id="9"/>
</TIMEX3>
<TIMEX3 functionInDocument="NONE" m_id="3" type="DATE" value="XXXX"/>
</Markables>
</Document>
"""
_TOKENS = [
    (0, "Apple"), (0, "launches"),
    (1, "June"), (1, "9"), (1, ","), (1, "2008"),
    (2, "Apple"), (2, "Computer"), (2, "today"), (2, "launched"), (2, "it"), (2, "."),
    # Sentences from 6 on carry no time annotation in MEANTIME: not scored.
    (6, "It"), (6, "shipped"), (6, "in"), (6, "2007"), (6, "."),
]


def _meantime_tokens() -> str:
    return "\n".join(
        f'<token number="{i}" sentence="{s}" t_id="{i + 1}">{w}</token>'
        for i, (s, w) in enumerate(_TOKENS)
    )


def test_evaluate_time_meantime_rebuilds_text_and_skips_dct(tmp_path):
    _write(tmp_path / "m.xml", _MEANTIME.format(tokens=_meantime_tokens()))
    result = evaluate_time(tmp_path)
    # The dateline "June 9, 2008" is the creation time: neither gold nor scored; "2007" lies
    # after the annotated sentences; the empty TIMEX3 has no words.
    assert (result["n_gold"], result["n_pred"]) == (1, 1)
    assert result["value_f1"] == result["span_f1_strict"] == 1.0


def test_evaluate_time_breaks_down_by_corpus(tmp_path):
    _write(tmp_path / "timebank" / "a.tml", _TIMEML.format(extra="here"))
    _write(tmp_path / "meantime" / "m.xml", _MEANTIME.format(tokens=_meantime_tokens()))
    result = evaluate_time(tmp_path)
    assert set(result["by_corpus"]) == {"timebank", "meantime"}
    assert result["by_corpus"]["meantime"]["n_gold"] == 1
    assert result["n_gold"] == 4 and result["n_docs"] == 2


def test_evaluate_time_reports_skipped_documents(tmp_path):
    _write(tmp_path / "a.tml", _TIMEML.format(extra="here"))
    no_dct = _TIMEML.replace('functionInDocument="CREATION_TIME"', 'functionInDocument="NONE"')
    no_dct = no_dct.replace("<DCT>", "<X>").replace("</DCT>", "</X>")
    _write(tmp_path / "b.tml", no_dct.format(extra="here"))
    _write(tmp_path / "c.xml", "<?xml version='1.0'?><Other/>")
    _write(tmp_path / "notes.txt", "not a gold file")
    result = evaluate_time(tmp_path)
    assert result["n_docs"] == 1
    assert result["n_skipped"] == 2
    reasons = {Path(s["file"]).name: s["reason"] for s in result["skipped"]}
    assert "creation time" in reasons["b.tml"]
    assert "neither TimeML nor MEANTIME" in reasons["c.xml"]


def test_evaluate_time_rejects_broken_xml_naming_the_file(tmp_path):
    bad = _write(tmp_path / "broken.tml", "<TimeML><TEXT>unclosed")
    with pytest.raises(InputRejected) as info:
        evaluate_time(tmp_path)
    assert str(bad) in str(info.value)


def test_evaluate_time_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        evaluate_time(tmp_path / "nowhere")


def test_evaluate_time_week_numbers_compare_without_padding(tmp_path):
    _write(tmp_path / "a.tml", _TIMEML.format(extra="here").replace("1998-W07", "1998-W7"))
    assert evaluate_time(tmp_path)["value_f1"] == 1.0


def test_evaluate_time_without_parse_reads_plain_text(tmp_path):
    _write(tmp_path / "a.tml", _TIMEML.format(extra="at the border"))
    result = evaluate_time(tmp_path, parse=False)
    assert result["value_f1"] == 1.0
