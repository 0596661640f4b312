"""Docs stay honest: every command documented and in the menu, every setting in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import parser
from bot.companion import COMMANDS
from bot.content import LANGUAGES, build, read_folder
from bot.settings import DEFAULT_CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_telegram_command_is_in_the_readme_and_the_menu(command: str) -> None:
    assert f"/{command}" in README
    content, _ = build(read_folder(DEFAULT_CONTENT_DIR))
    assert content is not None
    for language in LANGUAGES:
        assert content.ui[language].get(f"command_{command}"), (command, language)


def test_every_cli_command_is_in_the_readme() -> None:
    actions = parser()._subparsers._group_actions  # type: ignore[union-attr]
    for name, sub in actions[0].choices.items():
        nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
        names = [f"{name} {child}" for child in nested[0].choices] if nested else [name]
        for full in names:
            assert f"first48 {full}" in README, full


def test_every_setting_read_from_the_environment_is_in_the_readme() -> None:
    source = (ROOT / "bot" / "settings.py").read_text()
    names = set(re.findall(r'env\.get\("([A-Z0-9_]+)"', source))
    assert names
    missing = [name for name in names if f"`{name}`" not in README]
    assert missing == []
    example = (ROOT / ".env.example").read_text()
    assert [name for name in names if f"{name}=" not in example] == []
