"""The :class:`teiki.Shop` methods of the risk actions (a mixin of Shop)."""

from __future__ import annotations


class RiskMethods:
    """Shop methods for the risk actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""
