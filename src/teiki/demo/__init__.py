"""The deterministic synthetic demo shop (a Japanese cosmetics / health-food D2C brand)."""

from teiki.demo.shop import generate

__all__ = ["generate"]
