"""Labels of the campaigns actions; merged into :data:`teiki.messages.CATALOGUE`."""

from __future__ import annotations

CAMPAIGNS: dict[str, tuple[str, str]] = {}
