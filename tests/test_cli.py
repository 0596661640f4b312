"""The first48 command: timeline, link, chat, and settings from the environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, from_environ


def first48(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "TELEGRAM_TOKEN": "", **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_timeline_prints_local_times_ids_and_topics() -> None:
    result = first48(
        "timeline",
        "--released",
        "2026-03-06T10:00",
        "--lang",
        "en",
        "--tz",
        "Europe/Paris",
        "--on-ost",
        "yes",
        "--housed",
        "no",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 25
    assert re.match(r"^Fri 2026-03-06 10:00  tolerance-hour-zero\s+tolerance$", lines[0])
    assert any("weekend" in line for line in lines), "Friday release on OST: the weekend gap"
    assert lines[-1].startswith("Sat 2027-03-06") or "2027-03" in lines[-1]
    times = [line[4:20] for line in lines]
    assert times == sorted(times)
    assert not any(" 23:" in t or " 03:" in t for t in times), "quiet hours respected"


def test_timeline_rejects_a_bad_zone() -> None:
    result = first48("timeline", "--released", "2026-03-06", "--tz", "Mars/Olympus")
    assert result.returncode != 0 and "unknown time zone" in result.stderr


def test_link_prints_a_deep_link_and_writes_a_qr_code(tmp_path: Path) -> None:
    qr = tmp_path / "leeds.png"
    result = first48(
        "link",
        "--released",
        "2026-03-06",
        "--area",
        "leeds",
        "--qr",
        str(qr),
        env={"FIRST48_BOT_USERNAME": "first48_bot"},
    )
    assert result.returncode == 0, result.stderr
    assert "https://t.me/first48_bot?start=r20260306_leeds" in result.stdout
    assert qr.read_bytes().startswith(b"\x89PNG")


def test_link_refuses_an_unknown_area(tmp_path: Path) -> None:
    result = first48(
        "link", "--released", "2026-03-06", "--area", "Atlantis", "--qr", str(tmp_path / "x.png")
    )
    assert result.returncode != 0 and "unknown area" in result.stderr


def test_chat_in_the_terminal_shows_reminders_when_the_clock_moves() -> None:
    script = "\n".join(["1", "I got out today", "Leeds", "1", "1", "::wait 12h", "::quit"])
    result = first48("chat", stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Tap your language" in out
    assert "Got it: released" in out
    assert out.count("reminder:") >= 2, out
    assert "Your old amount can kill you now" in out
    assert "half or less" in out  # 2 hours after, or the morning after if that was night


def test_run_without_a_token_starts_the_terminal_demo() -> None:
    result = first48("run", stdin="::quit\n")
    assert result.returncode == 0, result.stderr
    assert "terminal demo" in result.stdout


def test_settings_come_from_the_environment_and_hide_the_token() -> None:
    settings = from_environ(
        {
            "TELEGRAM_TOKEN": "123:hush-hush",
            "TELEGRAM_API_URL": "http://127.0.0.1:9/",
            "FIRST48_TIMEZONE": "Europe/Lisbon",
            "FIRST48_QUIET_HOURS": "23:00-07:30",
        }
    )
    assert settings.telegram_api_url == "http://127.0.0.1:9"
    assert settings.timezone == "Europe/Lisbon"
    assert (settings.quiet_start.hour, settings.quiet_end.minute) == (23, 30)
    assert "hush" not in repr(settings) and settings.telegram_token.reveal() == "123:hush-hush"


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"FIRST48_TIMEZONE": "Nowhere/Land"}, "FIRST48_TIMEZONE"),
        ({"FIRST48_QUIET_HOURS": "late"}, "FIRST48_QUIET_HOURS"),
        ({"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL"),
        ({"FIRST48_DISPATCH_RATE": "fast"}, "FIRST48_DISPATCH_RATE"),
        ({"FIRST48_CONTENT_DIR": "/no/such/folder"}, "FIRST48_CONTENT_DIR"),
    ],
)
def test_bad_settings_fail_with_the_variable_name(environ: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        from_environ(environ)


def test_bad_settings_stop_the_command_with_a_clear_message() -> None:
    result = first48("content", "check", env={"FIRST48_TIMEZONE": "Nowhere/Land"})
    assert result.returncode == 2 and "FIRST48_TIMEZONE" in result.stderr


def test_a_webhook_needs_a_strong_secret_token() -> None:
    base = {
        "TELEGRAM_TOKEN": "1:x",
        "FIRST48_WEBHOOK_URL": "https://bot.example.org/telegram/update",
    }
    with pytest.raises(SettingsError, match="FIRST48_WEBHOOK_SECRET"):
        from_environ({**base, "FIRST48_WEBHOOK_SECRET": "short"})
    settings = from_environ({**base, "FIRST48_WEBHOOK_SECRET": "k" * 32})
    assert settings.webhook_secret.reveal() == "k" * 32 and "k" * 32 not in repr(settings)
