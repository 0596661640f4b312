"""The web app in real headless Chromium: a phone, the keyboard, labels, contrast, then the bot.

Uses Debian's chromium (/usr/bin/chromium; Playwright's own browser download is not used).
CI sets FIRST48_REQUIRE_BROWSER=1, so a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

from bot.accounts import Accounts
from bot.directory import search
from bot.settings import Secret, Settings
from bot.telegram_app import Services
from bot.web import create_app
from tests.conversation import onboard, talk

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"

if not CHROMIUM.exists() and os.environ.get("FIRST48_REQUIRE_BROWSER"):
    raise RuntimeError(
        "FIRST48_REQUIRE_BROWSER is set but /usr/bin/chromium is missing (apt-get install chromium)"
    )
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="headless Chromium is not installed (apt-get install chromium; .ci/run does)",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")

# Inputs a person can reach that have no label (a <label>, aria-label or aria-labelledby).
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML)"""

# Text whose contrast with the background behind it is below 4.5:1 (WCAG AA).
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text || el.closest('.visually-hidden, .skip')) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const what = `${el.tagName} "${el.textContent.trim().slice(0, 30)}"`;
    if (ratio < 4.5) bad.push(`${what} ${ratio.toFixed(2)}`);
  }
  return bad;
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Plain http on loopback: the Secure cookie flag would stop the browser sending it back.
    return replace(settings, web_session_key=Secret("b" * 40), web_https_only=False)


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(
        create_app(services), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not web.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def _phone(browser: object) -> object:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    # A stylesheet or anything else the Content-Security-Policy blocks is reported here.
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)
    page.problems = problems
    return page


def _check_page(page: object, name: str) -> None:
    """Every input labelled, no sideways scrolling at 390 px, contrast ≥ 4.5:1, CSS loaded."""
    assert page.evaluate(UNLABELLED) == [], name  # type: ignore[attr-defined]
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name}: scrolls sideways at 390 px"  # type: ignore[attr-defined]
    assert page.evaluate(LOW_CONTRAST) == [], name  # type: ignore[attr-defined]
    header = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")  # type: ignore[attr-defined]
    assert header == "rgb(27, 27, 27)", f"{name}: the stylesheet did not load"
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    assert page.problems == [], name  # type: ignore[attr-defined]


def _focused(page: object) -> str:
    return page.evaluate(  # type: ignore[attr-defined, no-any-return]
        "() => { const el = document.activeElement;"
        " return (el.id || el.name || el.textContent || '').trim(); }"
    )


def test_a_service_registers_on_a_phone_and_a_moderator_approves_it(
    server: str, browser: object, services: Services
) -> None:
    page = _phone(browser)
    page.goto(server + "/")
    _check_page(page, "/")

    # The keyboard alone: the skip link first, then into the page and on to the form.
    page.keyboard.press("Tab")
    assert _focused(page) == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page) == "Register a service"
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/register")
    _check_page(page, "/register")

    page.focus("#field-name")
    page.keyboard.type("Leeds Recovery Hub")
    page.keyboard.press("Tab")
    assert _focused(page) == "kinds-ost_prescriber"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "kinds-naloxone"
    page.keyboard.press("Space")
    assert page.is_checked("#kinds-ost_prescriber") and page.is_checked("#kinds-naloxone")
    page.select_option("#field-area_id", "leeds")
    page.fill("#field-address", "1 Example Street, Leeds LS1 1AA")
    page.focus("#field-phone")
    page.keyboard.type("call me")
    page.fill("#field-opening_hours", "Mo-Fr 09:00-17:00")
    page.check("#flags-walk_in")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")

    # The error, at the top and beside the field, with everything typed kept.
    page.wait_for_selector(".error-summary")
    summary = page.inner_text(".error-summary")
    assert "Phone number: Enter a phone number with digits only" in summary
    assert "digits only" in page.inner_text("#phone-error")
    assert page.get_attribute("#field-phone", "aria-describedby") == "phone-hint phone-error"
    assert page.input_value("#field-name") == "Leeds Recovery Hub"
    assert page.input_value("#field-phone") == "call me"
    assert page.is_checked("#kinds-naloxone") and page.is_checked("#flags-walk_in")
    _check_page(page, "/register with an error")
    page.focus(".error-summary a")
    page.keyboard.press("Enter")
    assert _focused(page) == "field-phone"  # the summary's link leads to the field

    page.fill("#field-phone", "+44 113 496 0000")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/register/done")
    assert "a moderator will check it before anyone sees it" in page.inner_text("h1")
    link = page.inner_text(".secret a")
    assert re.fullmatch(re.escape(server) + r"/edit/[\w-]+", link), link
    _check_page(page, "/register/done")
    assert _visible(services) == []  # nothing reaches a released person yet

    page.goto(link)
    assert "nobody sees this entry yet" in page.inner_text("main")
    _check_page(page, "/edit/<token>")
    for path in ("/login", "/logout", "/api/docs", "/nowhere"):
        page.goto(server + path)
        _check_page(page, path)

    # A moderator signs in (on another phone) and approves it.
    Accounts(services.directory.db).create_user(
        "moira", PASSWORD, "moderator", services.clock.now()
    )
    moderator = _phone(browser)
    moderator.goto(server + "/moderate")
    moderator.wait_for_url(server + "/login?next=/moderate")
    moderator.fill("#field-username", "moira")
    moderator.fill("#field-password", PASSWORD)
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(server + "/moderate")
    _check_page(moderator, "/moderate")
    moderator.click("text=Leeds Recovery Hub")
    moderator.wait_for_url(re.compile(r".*/moderate/\d+$"))
    _check_page(moderator, "/moderate/<id>")
    moderator.click("text=Approve and publish")
    moderator.wait_for_url(server + "/moderate")
    assert "is now shown to people" in moderator.inner_text("main")

    # The bot finds it: the same search the bot's contact answers use...
    assert _visible(services, "naloxone") == ["Leeds Recovery Hub"]
    assert _visible(services, "ost_prescriber") == ["Leeds Recovery Hub"]
    # ...and a person in Leeds asking for naloxone sees its card. (Playwright's sync API
    # holds this thread's event loop, so the chat runs in another thread.)
    with ThreadPoolExecutor(1) as chat:
        card = chat.submit(_ask_the_bot_for_naloxone_in_leeds, services).result(timeout=30)
    assert "Leeds Recovery Hub" in card

    contact = services.directory.contacts()[0]
    for path in ("/contacts", f"/contacts/{contact.id}/history", f"/contacts/{contact.id}/edit"):
        moderator.goto(server + path)
        _check_page(moderator, path)
    page.goto(link)
    assert "What people see now" in page.inner_text("main")
    _check_page(page, "/edit/<token> once published")


def test_a_service_account_page_works_on_a_phone(
    server: str, browser: object, services: Services
) -> None:
    Accounts(services.directory.db).create_user(
        "leeds-hub", PASSWORD, "service", services.clock.now()
    )
    page = _phone(browser)
    page.goto(server + "/login")
    page.fill("#field-username", "leeds-hub")
    page.fill("#field-password", "not the password")
    page.keyboard.press("Enter")
    assert "don't match" in page.inner_text(".error-summary")
    _check_page(page, "/login with an error")
    page.fill("#field-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/my")
    _check_page(page, "/my")
    page.fill("#field-label", "case system")
    page.click("text=Create a token")
    token = page.inner_text(".secret code")
    assert token.startswith("f48_")
    _check_page(page, "/my with a new token")
    page.click("text=Sign out")
    page.wait_for_url(server + "/")
    assert "You are signed out." in page.inner_text("main")


def _ask_the_bot_for_naloxone_in_leeds(services: Services) -> str:
    onboard(services, 5150, "tap:rel:today", "Leeds", "tap:ost:yes", "tap:housed:yes")
    (replies,) = talk(services, 5150, "tap:c:naloxone")
    return replies[0].text


def _visible(services: Services, kind: str = "naloxone") -> list[str]:
    content = services.live.current
    result = search(
        services.directory,
        content,
        area=content.areas["leeds"],
        kinds=[kind],
        at=services.clock.now(),
    )
    return [m.contact.name for m in result.matches]
