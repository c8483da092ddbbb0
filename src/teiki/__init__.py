"""teiki: CRM analytics and action engine for subscription and repeat-purchase D2C commerce."""

__version__ = "0.1.0"

from teiki.shop import Shop, open  # noqa: E402,A004

__all__ = ["Shop", "open", "__version__"]
