"""Labels of the calls actions; merged into :data:`teiki.messages.CATALOGUE`."""

from __future__ import annotations

CALLS: dict[str, tuple[str, str]] = {}
