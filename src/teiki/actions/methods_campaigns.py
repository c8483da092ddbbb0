"""The :class:`teiki.Shop` methods of the campaigns actions (a mixin of Shop)."""

from __future__ import annotations


class CampaignMethods:
    """Shop methods for the campaigns actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""
