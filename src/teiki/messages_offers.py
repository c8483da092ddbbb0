"""Labels of the offers actions; merged into :data:`teiki.messages.CATALOGUE`."""

from __future__ import annotations

OFFERS: dict[str, tuple[str, str]] = {}
