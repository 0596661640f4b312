"""The content checker: every problem reported as file:line, and broken content never goes live."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import build, locate_html_problems, read_folder
from bot.live_content import LiveContent
from bot.settings import DEFAULT_CONTENT_DIR
from bot.store import open_database


def check(folder: Path) -> tuple[bool, list[str]]:
    content, problems = build(read_folder(folder))
    return content is not None, [str(p) for p in problems if p.severity == "error"]


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; return its 1-based line number."""
    text = path.read_text()
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :])
    return text[:index].count("\n") + 1


def test_the_shipped_content_is_valid() -> None:
    ok, errors = check(DEFAULT_CONTENT_DIR)
    assert ok, errors


def test_the_shipped_content_has_no_missing_translations() -> None:
    _, problems = build(read_folder(DEFAULT_CONTENT_DIR))
    assert not [str(p) for p in problems if "missing" in p.message]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("Your body has changed.", "Your body has changed, addict.", r'"addict" stigmatises'),
        ("Your body has changed.", "Stay clean out there.", r'"clean" stigmatises'),
        (
            "Your body has changed.",
            "Call {emergncy_number}.",
            r"unknown placeholder \{emergncy_number\}",
        ),
        ("Your body has changed.", "<b>Your body has changed.", r"<b> is never closed"),
        ("Your body has changed.", "Tea & toast.", r"write &amp; for &"),
        ("Your body has changed.", "<script>x</script>", r"does not allow the tag <script>"),
        ("when: 0 hours after", "when: soon after", r"cannot read when"),
        ("when: 0 hours after", "when: day 0 at 10:00", r"no day 0"),
        ("priority: critical", "priority: urgent", r"priority 'urgent'"),
        ("topic: tolerance", "topic: vibes", r"unknown topic 'vibes'"),
        ("buttons: [overdose, naloxone]", "buttons: [overdose, dance]", r"unknown button 'dance'"),
        ("    priority: critical", "    prority: critical", r"unknown field 'prority'"),
    ],
)
def test_problems_are_reported_with_file_and_line(
    content_dir: Path, old: str, new: str, expected: str
) -> None:
    path = content_dir / "en" / "timeline.yml"
    line = edit(path, old, new)
    ok, errors = check(content_dir)
    assert not ok
    matching = [e for e in errors if re.search(expected, e)]
    assert matching, errors
    assert matching[0].startswith("en/timeline.yml:")
    assert abs(int(matching[0].split(":")[1]) - line) <= 1, (matching, line)


def test_author_cannot_review_their_own_message(content_dir: Path) -> None:
    path = content_dir / "en" / "answers.yml"
    text = path.read_text()
    author = re.search(r"author: (.+)", text).group(1)  # type: ignore[union-attr]
    path.write_text(re.sub(r"reviewer: .+", f"reviewer: {author}", text, count=1))
    ok, errors = check(content_dir)
    assert not ok and any("reviewer must not be the author" in e for e in errors)


def test_broken_yaml_names_the_line(content_dir: Path) -> None:
    path = content_dir / "en" / "answers.yml"
    lines = path.read_text().splitlines()
    lines[9] = "    body: [unclosed"
    path.write_text("\n".join(lines))
    ok, errors = check(content_dir)
    assert not ok
    assert any(e.startswith("en/answers.yml:") and "not valid YAML" in e for e in errors), errors


def test_a_duplicate_id_points_at_the_first_one(content_dir: Path) -> None:
    path = content_dir / "en" / "timeline.yml"
    edit(path, "id: dose-half-and-wait", "id: tolerance-hour-zero")
    ok, errors = check(content_dir)
    assert not ok and any("already used at en/timeline.yml:" in e for e in errors), errors


def test_a_translation_of_a_retired_message_is_ignored_with_a_warning(content_dir: Path) -> None:
    path = content_dir / "fr" / "emergency.yml"
    edit(path, "id: crisis-card", "id: crisis-cart")
    content, problems = build(read_folder(content_dir))
    assert content is not None, "a retired message must not block the rest"
    assert any(
        p.file == "fr/emergency.yml" and "crisis-cart" in p.message and p.severity == "warning"
        for p in problems
    )


def test_translations_take_timing_and_buttons_from_english() -> None:
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR))
    assert content is not None
    english = content.message("tolerance-hour-zero", "en")
    french = content.message("tolerance-hour-zero", "fr")
    assert english is not None and french is not None
    assert french.body != english.body and french.language == "fr"
    assert (french.when, french.priority, french.buttons) == (
        english.when,
        english.priority,
        english.buttons,
    )


def test_missing_overdose_card_is_an_error(content_dir: Path) -> None:
    edit(content_dir / "en" / "emergency.yml", "id: overdose-card", "id: overdose-cards")
    ok, errors = check(content_dir)
    assert not ok and any("overdose-card is missing" in e for e in errors)


def test_html_checker_accepts_what_telegram_accepts() -> None:
    assert (
        locate_html_problems('<b>Bold</b> <i>it</i> <a href="https://example.org">x</a> &amp; &lt;')
        == []
    )
    assert locate_html_problems("<b><i>crossed</b></i>")
    assert locate_html_problems("<a>no link</a>")


def test_cli_reports_file_line_and_exits_nonzero(content_dir: Path) -> None:
    line = edit(content_dir / "en" / "timeline.yml", "Your body has changed.", "Junkies die.")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "check", str(content_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert re.search(rf"^en/timeline\.yml:{line}: \"Junkies\" stigmatises", result.stdout, re.M), (
        result.stdout
    )


def test_cli_says_ok_for_good_content() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "content", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout


def test_broken_change_keeps_the_last_good_set_live(content_dir: Path, tmp_path: Path) -> None:
    db = open_database(tmp_path / "live.db")
    live = LiveContent(content_dir, db)
    before = live.current.message("tolerance-hour-zero", "en")
    assert before is not None
    edit(
        content_dir / "en" / "timeline.yml", "Your body has changed.", "Your body has changed <b>."
    )
    assert live.reload() is False
    assert live.current.message("tolerance-hour-zero", "en") == before
    assert any(p.file == "en/timeline.yml" for p in live.problems)
    edit(
        content_dir / "en" / "timeline.yml", "Your body has changed <b>.", "Your tolerance is low."
    )
    assert live.reload() is True
    assert "Your tolerance is low." in live.current.message("tolerance-hour-zero", "en").body  # type: ignore[union-attr]


def test_restart_with_broken_files_uses_the_last_good_set(
    content_dir: Path, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "live.db")
    good = LiveContent(content_dir, db).current
    (content_dir / "en" / "emergency.yml").write_text("language: en\nmessages: [")
    restarted = LiveContent(content_dir, open_database(tmp_path / "live.db"))
    assert restarted.current.fingerprint == good.fingerprint
    assert restarted.current.message("overdose-card", "en") is not None


@pytest.mark.parametrize(
    ("language", "plain", "hard"),
    [
        (
            "en",
            "Your body has changed. Your old amount can kill you now. Take half. Then wait.",
            "Physiological tolerance diminishes considerably during incarceration, consequently "
            "substantially elevating mortality probability following reinitiation.",
        ),
        (
            "de",
            "Dein Körper hat sich verändert. Deine alte Menge kann dich jetzt töten. Nimm weniger.",
            "Die physiologische Toleranzentwicklung verringert sich während der Inhaftierung "
            "erheblich, wodurch sich die Mortalitätswahrscheinlichkeit signifikant erhöht.",
        ),
    ],
)
def test_reading_level_is_flagged_above_about_age_twelve(
    language: str, plain: str, hard: str
) -> None:
    from bot.content import READING_EASE_MIN, reading_ease

    assert reading_ease(plain, language) >= READING_EASE_MIN[language]
    assert reading_ease(hard, language) < READING_EASE_MIN[language]


def test_the_reading_level_warning_names_the_file_and_line(content_dir: Path) -> None:
    path = content_dir / "en" / "answers.yml"
    text = path.read_text()
    hard = (
        "Physiological tolerance diminishes considerably during incarceration, consequently "
        "substantially elevating mortality probability following reinitiation."
    )
    path.write_text(text.replace("Naloxone can wear off before the opioid does.", hard, 1))
    content, problems = build(read_folder(content_dir))
    assert content is not None  # a warning, not an error: the content still loads
    found = [
        p
        for p in problems
        if "reads above about age 12" in p.message and p.file == "en/answers.yml"
    ]
    assert found and found[0].severity == "warning"
