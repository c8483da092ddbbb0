"""The :class:`teiki.Shop` methods of the calls actions (a mixin of Shop)."""

from __future__ import annotations


class CallMethods:
    """Shop methods for the calls actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""
