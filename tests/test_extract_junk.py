from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from sitrep.extract import junk


@pytest.mark.parametrize(
    "line, flag",
    [
        ('See also  Use "big and vaccinated" thanks to Trump', "injected_links"),
        ("See also\u00a0 Gold value hits document high on new fears", "injected_links"),
        ("Read more: Ukraine says talks will resume", "injected_links"),
        ("Related: Sanctions bill passes the Senate", "injected_links"),
        ("Leave a Reply", "comment_prompt"),
        ("Your email address will not be published. Required fields are marked *", "comment_prompt"),
        ("Share this article", "share_boilerplate"),
        ("Click to share on Twitter (Opens in new window)", "share_boilerplate"),
        ("Subscribe to our newsletter", "subscribe_boilerplate"),
        ("Follow us on Telegram", "subscribe_boilerplate"),
        ("Read Security International, the Italian newspaper entirely dedicated to international politics", "promo"),
        ("Advertisement", "promo"),
        ("Anna Pevereri, Russian and English translator", "translation_credit"),
        ("by editorial board", "byline"),
        ("Image: Nicholas Moreau.", "caption_credit"),
        ("© 2022 Example Media. All rights reserved.", "footer"),
        ("0", "counter"),
    ],
)
def test_junk_match_line_flags_boilerplate(line, flag):
    rule = junk.match_line(line)
    assert rule is not None, line
    assert rule.name == flag


@pytest.mark.parametrize(
    "line",
    [
        "Related to this, the minister said talks would resume on Monday.",
        "Russia denied the report, saying it had not sent a response.",
        "The Foreign Ministry said 100,000 troops were on Russian soil, and that the deployment was a matter of internal affairs.",
        "Share prices fell sharply after the announcement of new sanctions against Moscow on Tuesday.",
        "By the end of the day, NATO had announced a reinforcement of the eastern flank.",
        "Read the full statement, the ministry told reporters, before drawing conclusions about the talks in Geneva.",
    ],
)
def test_junk_match_line_keeps_reporting(line):
    assert junk.match_line(line) is None


def test_junk_clean_truncates_comment_section_and_reports_it():
    text = "Para one is the story.\n\nLeave a Reply\nGreat article!\nI disagree."
    cleaned, flags = junk.clean(text)
    assert cleaned == "Para one is the story."
    assert flags["comment_prompt"] == 1
    assert flags["truncated_lines"] == 2
    assert "Great article!" in flags["removed"]


def test_junk_clean_seed_removes_every_junk_line(seed_path):
    cleaned, flags = junk.clean(seed_path.read_text(encoding="utf-8"))
    for bad in ("See also", "Leave a Reply", "Your email address", "Read Security International", "translator"):
        assert bad not in cleaned
    assert flags["injected_links"] == 3
    assert "Kremlin spokesman confirmed" in cleaned


def test_junk_load_rules_from_yaml_text():
    rules = junk.load_rules("rules:\n  - name: x\n    pattern: 'foo\\d+'\n    max_len: 10\n")
    assert junk.match_line("foo12", rules).name == "x"
    assert junk.match_line("foo12 and more", rules) is None


@given(st.text(max_size=2000))
def test_junk_clean_only_removes_whole_lines(text):
    cleaned, _ = junk.clean(text)
    source_lines = {line.rstrip() for line in text.splitlines()}
    for line in cleaned.splitlines():
        assert line == "" or line in source_lines


def test_junk_patterns_have_no_class_run_overlapping_a_whitespace_run():
    """Regression: "[^.]{1,80}\\s*" let the class and \\s* split a run of spaces every possible
    way (150 ms on a 20,000-character line, linear only thanks to max_len). Such a class must end
    in a non-space, or the \\s* be possessive (\\s*+). Timing lives in the regex benchmark."""
    import re

    from sitrep.extract.junk import default_rules

    overlap = re.compile(r"\[\^[^\]]*\]\{\d*,\d+\}\)*\\s\*(?!\+)")
    offenders = [r.regex.pattern for r in default_rules() if overlap.search(r.regex.pattern)]
    assert offenders == []
