"""The :class:`teiki.Shop` methods of the offers actions (a mixin of Shop)."""

from __future__ import annotations


class OfferMethods:
    """Shop methods for the offers actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""
