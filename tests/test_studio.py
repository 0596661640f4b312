"""The content studio's core: a peer proposes, another approves, the running bot says it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.accounts import Accounts, User
from bot.content import build, read_folder
from bot.studio import Studio, StudioError, entries, entry_text, splice
from bot.telegram_app import Services
from tests.conversation import onboard, talk
from tests.test_cli import first48

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
FILE = "en/answers.yml"
NEW_ENTRY = """\
id: naloxone-howto
intent: naloxone_howto
topic: naloxone
author: amina (peer writer)
reviewer: pending
buttons: [overdose, contacts]
body: |
  <b>Naloxone, step by step</b>
  Call {emergency_number} first. Spray once up one nostril.
  Put them on their side. Stay with them.
  No change after 2 to 3 minutes? Give the second spray.
"""


def people(services: Services) -> tuple[User, User, User]:
    accounts = Accounts(services.live.db)
    return (
        accounts.create_user("amina", "a long passphrase 1", "peer_editor", NOW),
        accounts.create_user("bruno", "a long passphrase 2", "peer_editor", NOW),
        accounts.create_user("clinic", "a long passphrase 3", "service", NOW),
    )


def naloxone_answer(services: Services, chat: int = 31) -> str:
    onboard(services, chat, "tap:rel:today", "Leeds", "tap:ost:yes", "tap:housed:yes")
    (replies,) = talk(services, chat, "/naloxone")
    return "\n".join(r.text for r in replies)


def test_a_change_reaches_people_only_after_another_peer_approves_it(services: Services) -> None:
    amina, bruno, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    before = naloxone_answer(services)
    version, _ = studio.propose(amina, FILE, "naloxone-howto", NEW_ENTRY, NOW)

    services.reload_content()
    assert "Naloxone, step by step" not in naloxone_answer(services, 32)  # proposed is not live

    with pytest.raises(StudioError, match="another peer"):
        studio.approve(amina, version, NOW)
    studio.approve(bruno, version, NOW)
    assert services.reload_content()  # what the running bot's reload job does, no restart
    after = naloxone_answer(services, 33)
    assert "Naloxone, step by step" in after and after != before
    (live,) = [v for v in studio.history(FILE, "naloxone-howto") if v.status == "live"]
    assert (live.author, live.approver) == ("amina", "bruno")
    message = services.live.current.message("naloxone-howto", "en")
    assert message is not None and message.reviewer == "bruno (peer reviewer)"


def test_an_earlier_version_can_be_restored(services: Services) -> None:
    amina, bruno, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    original = entry_text(studio.live_files()[FILE], "naloxone-howto")
    first, _ = studio.propose(amina, FILE, "naloxone-howto", NEW_ENTRY, NOW)
    studio.approve(bruno, first, NOW)
    second, _ = studio.propose(
        bruno, FILE, "naloxone-howto", NEW_ENTRY.replace("step by step", "in four steps"), NOW
    )
    studio.approve(amina, second, NOW)
    assert "in four steps" in studio.live_files()[FILE]

    restored, _ = studio.restore(amina, first, NOW)
    studio.approve(bruno, restored, NOW)
    approved = NEW_ENTRY.replace("reviewer: pending", "reviewer: bruno (peer reviewer)")
    assert entry_text(studio.live_files()[FILE], "naloxone-howto") == approved
    history = studio.history(FILE, "naloxone-howto")
    assert [v.status for v in history] == ["live", "replaced", "replaced", "replaced"]
    assert original is not None and "Naloxone, step by step" not in original
    # The text the files came with is kept too, last, with no studio author, and restorable.
    assert (history[-1].author, history[-1].entry) == (None, original)
    from_files, _ = studio.restore(bruno, history[-1].id, NOW)
    studio.approve(amina, from_files, NOW)
    restored_text = entry_text(studio.live_files()[FILE], "naloxone-howto")
    assert restored_text == studio.with_reviewer(original, "amina")
    assert "reviewer: amina (peer reviewer)" in restored_text


def test_a_broken_change_is_refused_with_the_line_and_nothing_is_saved(services: Services) -> None:
    amina, _, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    broken = NEW_ENTRY.replace("<b>Naloxone, step by step</b>", "<b>Naloxone, step by step")
    with pytest.raises(StudioError) as refused:
        studio.propose(amina, FILE, "naloxone-howto", broken, NOW)
    assert refused.value.problems and refused.value.problems[0].file == FILE
    assert studio.proposals() == []


def test_a_message_can_be_added_and_retired(services: Services) -> None:
    amina, bruno, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    new = NEW_ENTRY.replace("id: naloxone-howto", "id: naloxone-second-spray").replace(
        "intent: naloxone_howto\n", ""
    )
    added, _ = studio.propose(amina, FILE, "naloxone-second-spray", new, NOW)
    studio.approve(bruno, added, NOW)
    services.reload_content()
    assert services.live.current.message("naloxone-second-spray", "en") is not None

    retired, _ = studio.propose(bruno, FILE, "naloxone-second-spray", None, NOW)
    studio.approve(amina, retired, NOW)
    services.reload_content()
    assert services.live.current.message("naloxone-second-spray", "en") is None


def test_a_service_account_cannot_touch_content(services: Services) -> None:
    _, _, clinic = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    with pytest.raises(PermissionError):
        studio.propose(clinic, FILE, "naloxone-howto", NEW_ENTRY, NOW)


def test_splicing_keeps_the_rest_of_the_file() -> None:
    text = "language: en\nmessages:\n\n  # one\n  - id: a\n    body: x\n\n  - id: b\n    body: y\n"
    assert list(entries(text)) == ["a", "b"]
    changed = splice(text, "a", "id: a\nbody: z\n")
    assert changed == text.replace("body: x", "body: z")
    assert "id: a" not in splice(text, "a", None) and "# one" in splice(text, "a", None)
    assert splice(text, "c", "id: c\nbody: w\n").endswith("  - id: c\n    body: w\n")


def test_export_then_import_moves_a_content_pack(services: Services, tmp_path: Path) -> None:
    amina, bruno, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)
    version, _ = studio.propose(amina, FILE, "naloxone-howto", NEW_ENTRY, NOW)
    studio.approve(bruno, version, NOW)
    env = {
        "FIRST48_DATABASE": str(services.settings.database),
        "FIRST48_CONTENT_DIR": str(services.settings.content_dir),
    }
    services.reload_content()
    pack = tmp_path / "pack"
    exported = first48("content", "export", str(pack), env=env)
    assert exported.returncode == 0, exported.stderr
    content, _ = build(read_folder(pack))
    assert content is not None and content.fingerprint == services.live.current.fingerprint

    # Another organisation loads the pack: the one changed message is proposed to its peers.
    # What does not come in through the studio is listed, not dropped in silence.
    ui = pack / "fr" / "ui.yml"
    ui.write_text(ui.read_text() + "\n# a local note\n")
    answers = pack / "de" / "answers.yml"
    first, end = entries(answers.read_text())["naloxone-howto"]
    lines = answers.read_text().splitlines(keepends=True)
    answers.write_text("".join(lines[:first] + lines[end:]))
    other = {**env, "FIRST48_DATABASE": str(tmp_path / "other.db")}
    made = first48(
        "admin", "create-user", "dana", "--role", "peer_editor", "--password-stdin",
        stdin="a long passphrase 4\n", env=other,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    imported = first48("content", "import", str(pack), "--as", "dana", env=other)
    assert imported.returncode == 0, imported.stderr
    assert "1 changed messages imported (proposed" in imported.stdout
    assert "Not imported (2)" in imported.stdout
    assert "fr/ui.yml: changed file" in imported.stdout
    assert "de/answers.yml: naloxone-howto is not in the pack (kept)" in imported.stdout
    again = first48("content", "import", str(pack), "--as", "nobody", env=other)
    assert again.returncode == 1 and "No account 'nobody'" in again.stderr


def test_the_checks_are_about_the_message_being_edited(services: Services) -> None:
    studio = Studio(services.live.db, services.settings.content_dir)
    timeline = "en/timeline.yml"
    others = [p for p in build(studio.live_files())[1] if p.file == timeline]
    assert others, "the shipped timeline has a reading-level warning elsewhere in the file"
    entry = entry_text(studio.live_files()[timeline], "dose-half-and-wait")
    assert entry is not None
    assert studio.check(timeline, "dose-half-and-wait", entry) == []

    stigma = entry.replace("Go slow.", "Even clean people go slow.")
    (problem,) = studio.check(timeline, "dose-half-and-wait", stigma)
    assert '"clean"' in problem.message
    first, end = entries(studio.live_files()[timeline])["dose-half-and-wait"]
    assert first < problem.line <= end  # the line of the file where the word is


def test_a_translation_is_out_of_date_when_english_changes_in_the_studio_or_the_files(
    services: Services,
) -> None:
    amina, bruno, _ = people(services)
    studio = Studio(services.live.db, services.settings.content_dir)

    def state(language: str = "fr", message_id: str = "naloxone-howto") -> str:
        services.reload_content()
        return studio.translation_states(services.live.current)[language, message_id]

    assert state() == "ok" and state("de") == "ok"
    changed, _ = studio.propose(amina, FILE, "naloxone-howto", NEW_ENTRY, NOW)
    assert state() == "ok"  # only a proposal
    studio.approve(bruno, changed, NOW)
    assert state() == "out of date" and state("pt") == "out of date"

    french = entry_text(studio.live_files()["fr/answers.yml"], "naloxone-howto")
    assert french is not None
    new_french = french.replace("  <b>", "  <b>Naloxone, étape par étape.</b>\n  <b>", 1)
    translated, _ = studio.propose(bruno, "fr/answers.yml", "naloxone-howto", new_french, NOW)
    studio.approve(amina, translated, NOW)
    assert state() == "ok" and state("pt") == "out of date"

    # An edit to the files alone (no studio) is noticed the same way.
    assert state(message_id="dose-half-and-wait") == "ok"
    timeline = services.settings.content_dir / "en" / "timeline.yml"
    timeline.write_text(timeline.read_text().replace("Go slow.", "Go slowly."))
    assert state(message_id="dose-half-and-wait") == "out of date"
    german = services.settings.content_dir / "de" / "timeline.yml"
    body = services.live.current.message("dose-half-and-wait", "de")
    assert body is not None
    first_line = body.body.splitlines()[0]
    german.write_text(german.read_text().replace(first_line, first_line + " Langsam.", 1))
    assert state("de", "dose-half-and-wait") == "ok"  # translated again in the same change
    assert state("nl", "dose-half-and-wait") == "out of date"
