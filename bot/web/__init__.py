"""The web app: services register and update contacts, moderators review them, and a JSON API."""

from bot.web.app import create_app

__all__ = ["create_app"]
