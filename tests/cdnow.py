"""The CDNOW data of Fader, Hardie & Lee, summarised per customer exactly as the papers do (a test helper).

The files ship inside the ``lifetimes`` wheel, a test-only dependency installed *without its
dependencies*::

    pip install --no-deps lifetimes==0.11.3

The package is never imported (its own dependencies are not installed, and teiki must not depend on its
code): the text files are located through the installed distribution's metadata and read here.

``CDNOW_sample.txt`` (the 1/10 sample, 2,357 customers who made their first purchase at CDNOW in the first
quarter of 1997, followed to the end of June 1998) has one line per transaction record, whitespace
separated: master customer id, sample customer id (1..2357), date (YYYYMMDD), number of CDs, dollar value.
Fader & Hardie's conventions, which reproduce their published summary (``cdnow_customers_summary.csv``
in the same wheel, and the 946 repeat buyers of the Gamma-Gamma note):

* records on the same day are one transaction (their values summed);
* time is in weeks (days / 7); the calibration period ends 1997-09-30 (week 39 of the cohort's year),
  the holdout runs to 1998-06-30 (weeks 40-78);
* x = repeat transactions in the calibration period (all but the first), t_x = time from the first to the
  last calibration transaction (0 if x = 0), T = time from the first transaction to the end of calibration;
* m_x = the mean value of the x repeat calibration transactions (the first is left out; NaN if x = 0);
* x_star = the transactions in the holdout period.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
from pathlib import Path

import numpy as np
import pandas as pd

FIRST_DAY = dt.date(1997, 1, 1)
CALIBRATION_END = dt.date(1997, 9, 30)
HOLDOUT_END = dt.date(1998, 6, 30)
INSTALL = "pip install --no-deps lifetimes==0.11.3"


def data_file(name: str) -> Path:
    """Path of ``lifetimes/datasets/<name>`` in the installed ``lifetimes`` wheel (not imported)."""
    try:
        dist = importlib.metadata.distribution("lifetimes")
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError(f"the CDNOW files come with the lifetimes wheel: {INSTALL}") from exc
    return Path(str(dist.locate_file(f"lifetimes/datasets/{name}")))


def transactions(name: str = "CDNOW_sample.txt") -> pd.DataFrame:
    """One row per customer and day: customer, day (days since 1997-01-01), value (dollars that day)."""
    raw = pd.read_csv(data_file(name), sep=r"\s+", header=None,
                      names=["master_id", "customer", "date", "cds", "value"],
                      dtype={"master_id": np.int64, "customer": np.int64, "date": str, "cds": np.int64,
                             "value": np.float64})
    days = (pd.to_datetime(raw["date"], format="%Y%m%d") - pd.Timestamp(FIRST_DAY)).dt.days
    daily = raw.assign(day=days).groupby(["customer", "day"], as_index=False)["value"].sum()
    return daily.sort_values(["customer", "day"], ignore_index=True)


@functools.cache
def summary() -> pd.DataFrame:
    """Per customer (index ``customer``): frequency x, recency t_x, T (weeks), monetary m_x, holdout x_star."""
    daily = transactions()
    calibration_end = (CALIBRATION_END - FIRST_DAY).days
    holdout_end = (HOLDOUT_END - FIRST_DAY).days
    cal = daily[daily["day"] <= calibration_end]
    hold = daily[(daily["day"] > calibration_end) & (daily["day"] <= holdout_end)]
    by = cal.groupby("customer")
    first, last, n = by["day"].min(), by["day"].max(), by["day"].size()
    first_value = cal.loc[by["day"].idxmin(), ["customer", "value"]].set_index("customer")["value"]
    repeat_value = by["value"].sum() - first_value
    out = pd.DataFrame({
        "frequency": (n - 1).astype(np.int64),
        "recency": (last - first) / 7.0,
        "T": (calibration_end - first) / 7.0,
    })
    out["monetary"] = np.where(out["frequency"] > 0, repeat_value / out["frequency"].where(out["frequency"] > 0),
                               np.nan)
    out["holdout_frequency"] = hold.groupby("customer").size().reindex(out.index, fill_value=0).astype(np.int64)
    out.index.name = "customer"
    return out


def published_summary() -> pd.DataFrame:
    """Fader & Hardie's own summary as shipped in the wheel (x, t_x, T rounded to 2 decimals, m_x as ``zbar``)."""
    df = pd.read_csv(data_file("cdnow_customers_summary_with_transactions.csv"))
    return df.rename(columns={"ID": "customer", "x": "frequency", "t_x": "recency", "zbar": "monetary"}
                     ).set_index("customer")


def first_purchase_weeks() -> np.ndarray:
    """Each customer's first purchase, in weeks since 1997-01-01 (for the cohort's aggregate tracking)."""
    return transactions().groupby("customer")["day"].min().to_numpy() / 7.0


def weekly_repeat_transactions(weeks: int = 78) -> np.ndarray:
    """Cumulative repeat transactions of the whole cohort at the end of weeks 1..``weeks`` (the papers' tracking
    plots); week k ends on day 7k since 1997-01-01."""
    daily = transactions()
    first = daily.groupby("customer")["day"].transform("min")
    repeat_days = daily.loc[daily["day"] > first, "day"].to_numpy()
    ends = 7 * np.arange(1, weeks + 1)
    return np.searchsorted(np.sort(repeat_days), ends, side="left")


def compressed(df: pd.DataFrame, columns: tuple[str, ...] = ("frequency", "recency", "T")) -> pd.DataFrame:
    """Unique rows of ``columns`` with their counts (column ``weight``): the sufficient statistics."""
    return df.groupby(list(columns), as_index=False).size().rename(columns={"size": "weight"})
