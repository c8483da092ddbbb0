"""teiki: CRM analytics and action engine for subscription and repeat-purchase D2C commerce."""

from teiki.shop import Shop, open  # noqa: A004
from teiki.version import __version__

__all__ = ["Shop", "open", "__version__"]
