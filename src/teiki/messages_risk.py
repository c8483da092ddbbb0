"""Labels of the risk actions; merged into :data:`teiki.messages.CATALOGUE`."""

from __future__ import annotations

RISK: dict[str, tuple[str, str]] = {}
