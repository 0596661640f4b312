"""Webhook mode: Telegram POSTs each update here instead of the bot polling for it.

Telegram sends the secret token we gave it in ``setWebhook`` with every call, in the
``X-Telegram-Bot-Api-Secret-Token`` header; anything without it (or with another) is refused
with 403 and never reaches the bot. Only used when ``FIRST48_WEBHOOK_URL`` is set (see
``first48 run``).
"""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from telegram import Update

from bot.web.app import services_of

logger = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram/update"


@router.post(PATH)
async def telegram_update(request: Request) -> Response:
    """One update from Telegram, checked, then queued for the bot."""
    application = getattr(request.app.state, "telegram", None)
    secret = services_of(request).settings.webhook_secret.reveal()
    if application is None or not secret:
        return Response(status_code=404)  # not in webhook mode: there is nothing here
    given = request.headers.get(HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        logger.warning("a webhook call without the right secret token was refused")
        return Response(status_code=403)
    try:
        update = Update.de_json(await request.json(), application.bot)
    except Exception:  # noqa: BLE001 - whatever was sent, it is not an update
        update = None
    if update is None:
        return Response(status_code=400)
    await application.update_queue.put(update)
    return Response(status_code=200)
