"""The demo shop's calendar: the simulated period and times of day.

All simulated times are int64 seconds since the first day of the period,
00:00:00 JST (timestamps are written without a zone, as Japanese cart systems
export them). Days are ``t // DAY``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from teiki.demo.params import ShopParams

DAY = 86_400
HOUR = 3_600

# Relative share of customer-initiated web orders by hour of day (JST):
# quiet at night, a lunch bump, the evening peak after 20:00.
WEB_HOURS = np.array(
    [2.0, 1.2, 0.7, 0.4, 0.3, 0.4, 0.8, 1.5, 2.2, 3.0, 3.6, 3.9,
     4.4, 4.0, 3.6, 3.5, 3.5, 3.7, 4.0, 4.6, 5.6, 6.4, 6.2, 4.2]
)
BATCH_HOURS = (3, 6)  # recurring subscription orders are created by a night batch
OFFICE_HOURS = (9, 20)  # call center, Monday to Saturday


@dataclass(frozen=True)
class Window:
    """The simulated period: ``start`` .. ``end`` inclusive."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    @property
    def end_t(self) -> int:
        """The last second of the period."""
        return self.days * DAY - 1

    def weekday(self, days: np.ndarray) -> np.ndarray:
        """Weekday (Monday = 0) of day numbers."""
        return (self.start.weekday() + days) % 7


def make_window(end: datetime.date, months: int) -> Window:
    """The ``months`` months ending on ``end`` (starting the day after the same date ``months`` earlier)."""
    if months < 1:
        raise ValueError("months must be at least 1")
    index = end.year * 12 + end.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return Window(datetime.date(year, month, min(end.day, last_day)) + datetime.timedelta(days=1), end)


def daily_acquisition_weights(window: Window, params: ShopParams) -> np.ndarray:
    """Relative number of new customers on each day: seasonality times growth."""
    dates = np.datetime64(window.start, "D") + np.arange(window.days)
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    season = np.asarray(params.month_season)[months]
    growth = (1.0 + params.growth_per_year) ** (np.arange(window.days) / 365.0)
    return season * growth


def acquisition_times(rng: np.random.Generator, n: int, window: Window, params: ShopParams) -> np.ndarray:
    """Sorted first-order times of ``n`` new customers over the period."""
    weights = daily_acquisition_weights(window, params)
    days = rng.choice(window.days, size=n, p=weights / weights.sum())
    return np.sort(days * DAY + web_seconds(rng, n))


def web_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day of customer-initiated (web) actions."""
    hours = rng.choice(24, size=n, p=WEB_HOURS / WEB_HOURS.sum())
    return hours * HOUR + rng.integers(0, HOUR, size=n)


def batch_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day of orders created by the subscription batch."""
    return rng.integers(BATCH_HOURS[0] * HOUR, BATCH_HOURS[1] * HOUR, size=n)


def office_times(rng: np.random.Generator, days: np.ndarray, window: Window) -> np.ndarray:
    """Call-center times on the given days (a Sunday moves to Monday)."""
    days = days + (window.weekday(days) == 6)
    return days * DAY + rng.integers(OFFICE_HOURS[0] * HOUR, OFFICE_HOURS[1] * HOUR, size=len(days))


def web_times(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Web-action times on the given days."""
    return days * DAY + web_seconds(rng, len(days))
