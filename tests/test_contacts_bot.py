"""Local contacts in the chat: the cards a person sees, through the conversation core and
through the real Telegram Application against the loopback Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import Clock
from bot.directory import validate
from bot.settings import Settings
from bot.telegram_app import Services
from tests.botharness import CHAT, Harness
from tests.conftest import TOKEN, with_api
from tests.conversation import buttons, onboard, talk
from tests.fakebotapi import FakeBotAPI

OST = "ost_prescriber,ost_pharmacy"


def publish(services: Services, **fields: Any) -> int:
    base = {
        "name": "Leeds Recovery Clinic",
        "kinds": "ost_prescriber",
        "area_id": "leeds",
        "phone": "+44 113 496 0001",
        "opening_hours": "Mo-Fr 09:00-17:00",
    }
    now = services.clock.now()
    data = validate({**base, **fields}, services.live.current, now.date())
    submission_id, _ = services.directory.submit(data, now)
    return services.directory.approve(submission_id, "mod", now, services.live.current)


def in_leeds(services: Services, chat: int = 31) -> None:
    onboard(services, chat, "tap:rel:today", "Leeds", "tap:ost:yes", "tap:housed:yes")


def test_contacts_offers_a_script_a_bed_naloxone_or_anything_else(services: Services) -> None:
    in_leeds(services)
    (replies,) = talk(services, 31, "/contacts")
    assert "near Leeds" in replies[0].text
    assert buttons(replies) == [
        f"c:{OST}",
        "c:night_shelter",
        "c:naloxone",
        "c:*",
    ]
    (every,) = talk(services, 31, "tap:c:*")
    assert buttons(every) == [f"c:{kind}" for kind in services.live.current.kinds]


def test_a_script_question_gets_the_answer_then_the_best_three_cards(services: Services) -> None:
    for name, hours in [
        ("Clinic A", "Mo-Fr 09:00-17:00"),
        ("Clinic B", "Mo-Fr 08:00-18:00"),
        ("Clinic C", "Mo-Su 07:00-22:00"),
        ("Clinic D", "We 10:00-12:00"),
    ]:
        publish(services, name=name, opening_hours=hours)
    in_leeds(services)
    (replies,) = talk(services, 31, "where can i get my methadone")
    answer, cards = replies
    assert answer.text == services.companion.content_reply(None, "ost").text
    # Tuesday 09:00: the three open now, then the one opening later.
    assert [n for n in ("Clinic A", "Clinic B", "Clinic C", "Clinic D") if n in cards.text] == [
        "Clinic A",
        "Clinic B",
        "Clinic C",
    ]
    assert "🟢 Open now, until 17:00" in cards.text
    assert f"c:{OST}:3" in buttons([cards])
    (more,) = talk(services, 31, f"tap:c:{OST}:3")
    assert "Clinic D" in more[0].text and "🔴 Closed. Opens Wed 10:00" in more[0].text
    assert not any(b.startswith("c:ost") for b in buttons(more))


def test_a_card_has_the_phone_a_map_link_flags_and_escapes_what_services_typed(
    services: Services,
) -> None:
    publish(
        services,
        name="<b>Free</b> & <script>x</script>",
        lat="53.7990",
        lon="-1.5450",
        address="1 Example Street",
        flags="walk_in;no_id",
    )
    in_leeds(services)
    services.companion.people.update(services.companion.people.by_chat(31).id, discreet=False)  # type: ignore[union-attr]
    (replies,) = talk(services, 31, f"tap:c:{OST}")
    text = replies[0].text
    assert "&lt;b&gt;Free&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in text
    assert "<script>" not in text
    assert "☎️ +44 113 496 0001" in text
    assert 'href="https://www.openstreetmap.org/?mlat=53.79900&amp;mlon=-1.54500' in text
    assert "walk in, no ID needed" in text
    assert "tg-spoiler" not in text and not replies[0].protect


def test_in_discreet_mode_the_lock_screen_shows_only_a_neutral_line(services: Services) -> None:
    publish(services)
    in_leeds(services)  # discreet is on by default
    (replies,) = talk(services, 31, f"tap:c:{OST}")
    first_line = replies[0].text.split("\n")[0]
    assert first_line == services.live.current.text("en", "discreet_line")
    assert "<tg-spoiler>" in replies[0].text and replies[0].protect


def test_nothing_nearby_says_so_and_gives_the_national_helpline(services: Services) -> None:
    publish(services)  # in Leeds, not Cardiff
    onboard(services, 32, "tap:rel:today", "Cardiff", "tap:ost:yes", "tap:housed:yes")
    (replies,) = talk(services, 32, "tap:c:night_shelter")
    assert "I don't know any Night shelter / emergency housing near Cardiff yet." in replies[0].text
    assert "FRANK: <b>0300 123 6600</b>" in replies[0].text


def test_friday_evening_warns_that_ost_is_closed_until_monday(
    services: Services, clock: Clock
) -> None:
    publish(services)
    publish(
        services,
        name="Out-of-hours line",
        kinds="helpline",
        opening_hours="24/7",
        flags="out_of_hours",
        phone="+44 113 496 0009",
    )
    in_leeds(services)
    clock.advance(datetime(2026, 3, 6, 19, 30, tzinfo=UTC) - clock.now())  # Friday evening
    (replies,) = talk(services, 31, f"tap:c:{OST}")
    text = replies[0].text
    assert "closed until Monday" in text and "take-home doses" in text
    assert "Out-of-hours line" in text and "+44 113 496 0009" in text
    assert "Opens Mon 09:00" in text


def test_without_a_town_the_bot_asks_where_then_shows_what_was_asked(
    services: Services,
) -> None:
    publish(services, name="Shelter", kinds="night_shelter", opening_hours="Mo-Su 19:00-09:00")
    onboard(services, 33, "tap:rel:today", "tap:area:skip", "tap:ost:no", "tap:housed:no")
    (replies,) = talk(services, 33, "tap:c:night_shelter")
    assert replies[0].ask_location and "Which town" in replies[0].text
    (replies,) = talk(services, 33, "leeds")
    assert any("Shelter" in r.text for r in replies)


def test_a_shared_location_shows_the_nearest_with_distance_and_is_not_stored(
    services: Services,
) -> None:
    publish(services, name="Near", lat="53.7999", lon="-1.5490")
    publish(services, name="Further", lat="53.83", lon="-1.60")
    onboard(services, 34, "tap:rel:today", "tap:area:skip", "tap:ost:yes", "tap:housed:yes")
    talk(services, 34, "tap:c:ost_prescriber")  # asks where
    from bot.companion import Incoming

    replies = services.companion.handle(Incoming(34, location=(53.8, -1.549)))
    cards = next(r.text for r in replies if "Near" in r.text)
    assert cards.index("Near") < cards.index("Further")
    assert "0.1 km" in cards or "0.0 km" in cards
    stored = repr(list(services.directory.db.query("SELECT * FROM people")))
    assert "53.8" not in stored and "1.549" not in stored


def test_an_entry_unchecked_for_six_months_warns_and_after_a_year_is_gone(
    services: Services,
) -> None:
    publish(services, name="Checked long ago", verified_on="2025-08-01")
    publish(services, name="Forgotten", verified_on="2025-01-01")
    in_leeds(services)
    (replies,) = talk(services, 31, f"tap:c:{OST}")
    assert "Checked long ago" in replies[0].text and "Not checked since 08/2025" in replies[0].text
    assert "Forgotten" not in replies[0].text


# --- through Telegram ---


@pytest.fixture
async def bot(settings: Settings, clock: Clock) -> AsyncIterator[Harness]:
    api = FakeBotAPI(token=TOKEN).start()
    harness = await Harness.start(api, with_api(settings, api.url), clock)
    yield harness
    await harness.stop()
    api.stop()


async def test_contact_cards_reach_the_person_through_telegram(bot: Harness) -> None:
    for n in range(4):
        publish(bot.services, name=f"Pharmacy {n}", kinds="ost_pharmacy")
    await bot.onboard()
    await bot.say("/contacts")
    menu = await bot.expect("What do you need near Leeds?")
    assert f"c:{OST}" in bot.buttons(menu)
    await bot.tap(f"c:{OST}")
    page = await bot.expect(lambda p: "Pharmacy 0" in p.get("text", ""))
    assert page["parse_mode"] == "HTML" and page.get("protect_content") is True
    assert "Pharmacy 2" in page["text"] and "Pharmacy 3" not in page["text"]
    await bot.tap(f"c:{OST}:3")
    await bot.expect(lambda p: "Pharmacy 3" in p.get("text", "") and p["chat_id"] == CHAT)


async def test_after_the_clock_moves_past_closing_the_card_says_closed(
    bot: Harness, clock: Clock
) -> None:
    publish(bot.services, name="Day clinic", opening_hours="Tu 08:00-10:00")
    await bot.onboard()
    clock.advance(timedelta(hours=2))  # Tuesday 11:00
    await bot.tap(f"c:{OST}")
    page = await bot.expect(lambda p: "Day clinic" in p.get("text", ""))
    assert "🔴 Closed. Opens Tue 08:00" in page["text"]


def test_a_town_named_in_the_question_is_searched_instead(services: Services) -> None:
    publish(services, name="Leeds shelter", kinds="night_shelter")
    publish(
        services,
        name="Asile de nuit",
        kinds="night_shelter",
        area_id="brussels",
        phone="+32 2 000 00 03",
    )
    in_leeds(services)
    (replies,) = talk(services, 31, "i need a night shelter in bruxelles tonight")
    cards = replies[-1].text
    assert "Asile de nuit" in cards and "Leeds shelter" not in cards
    assert "near Brussels" in cards
