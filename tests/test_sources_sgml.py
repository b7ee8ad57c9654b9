"""Reuters-21578 SGML reader: fields, entities, body-less stories, truncation, the real corpus."""

from __future__ import annotations

from pathlib import Path

from conftest import SHARED, need
from sitrep.errors import InputCorrupt, NoArticle
from sitrep.extract import to_document
from sitrep.sources import RawItem, Rejected
from sitrep.sources.files import read_path

# Written for this test in the collection's layout (not copied from it).
STORY = b"""<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="%d">
<DATE>%s</DATE>
<TOPICS><D>grain</D></TOPICS>
<PLACES><D>usa</D><D>ussr</D></PLACES>
<PEOPLE></PEOPLE>
<ORGS></ORGS>
<TEXT>&#2;
<TITLE>%s</TITLE>
<DATELINE>    WASHINGTON, March 2 - </DATELINE><BODY>The Soviet Union bought 100,000 tonnes
of U.S. wheat &amp; corn this week, the Agriculture Department said.
    Officials said the sale was made under the long-term
agreement &lt;LTA&gt; between the two countries.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
"""


def _write(tmp_path: Path, data: bytes, name: str = "reut2-test.sgm") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_reads_fields_entities_and_paragraphs(tmp_path):
    data = b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + STORY % (7, b"2-MAR-1987 10:20:30.00", b"SOVIETS BUY U.S. GRAIN")
    items = list(read_path(_write(tmp_path, data)))
    assert len(items) == 1 and isinstance(items[0], RawItem)
    item = items[0]
    assert item.origin.endswith("reut2-test.sgm#newid=7")
    assert item.meta["published"] == "1987-03-02T10:20:30"
    assert item.meta["tags"] == ("grain", "usa", "ussr")
    assert item.meta["title"] == "SOVIETS BUY U.S. GRAIN"
    assert "wheat & corn" in item.content and "<LTA>" in item.content
    assert item.content.endswith("two countries.")  # the "Reuter" sign-off is not article text
    assert item.content.count("\n\n") == 1  # the indented line starts the second paragraph
    doc = to_document(item)
    assert doc.source == "Reuters" and doc.published == "1987-03-02T10:20:30"
    assert doc.title == "SOVIETS BUY U.S. GRAIN"


def test_story_without_body_and_truncated_story_are_rejected_others_kept(tmp_path):
    no_body = b'<REUTERS NEWID="2">\n<DATE>3-MAR-1987 09:00:00.00</DATE>\n<TEXT TYPE="BRIEF">&#2;\n<TITLE>SHORT ITEM</TITLE></TEXT>\n</REUTERS>\n'
    good = STORY % (3, b"3-MAR-1987 11:00:00.00", b"SECOND STORY")
    cut = (STORY % (4, b"3-MAR-1987 12:00:00.00", b"CUT"))[:200]
    items = list(read_path(_write(tmp_path, no_body + good + cut)))
    kinds = [(type(i).__name__, i.origin.rsplit("#", 1)[1]) for i in items]
    assert kinds == [("Rejected", "newid=2"), ("RawItem", "newid=3"), ("Rejected", "newid=4")]
    assert isinstance(items[0].error, NoArticle)
    assert isinstance(items[2].error, InputCorrupt) and "cut off" in str(items[2].error)


def test_file_without_stories_is_rejected(tmp_path):
    items = list(read_path(_write(tmp_path, b"<!DOCTYPE lewis>\nnothing here\n")))
    assert len(items) == 1 and isinstance(items[0], Rejected)
    assert "no <REUTERS> stories" in str(items[0].error)


def test_sniffed_without_suffix(tmp_path):
    data = STORY % (9, b"4-MAR-1987 08:00:00.00", b"NO SUFFIX")
    items = list(read_path(_write(tmp_path, data, name="story-feed")))
    assert [type(i).__name__ for i in items] == ["RawItem"]


def test_real_corpus_file():
    path = need(SHARED / "corpora" / "reuters-21578" / "sgm-data" / "reut2-000.sgm")
    items = list(read_path(path))
    assert len(items) == 1000
    stories = [i for i in items if isinstance(i, RawItem)]
    assert 850 <= len(stories) < 1000
    assert all(isinstance(i.error, NoArticle) for i in items if isinstance(i, Rejected))
    assert all(s.meta["published"] and s.meta["published"].startswith("1987-") for s in stories)
    assert not any("&#" in s.content or "\x03" in s.content for s in stories)
