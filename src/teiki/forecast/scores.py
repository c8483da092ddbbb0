"""Per-customer scores of the non-contractual buyers: P(alive), expected purchases in the next 90 days,
expected spend per purchase (BG/NBD and Gamma-Gamma fitted on the whole shop as of D)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from teiki.forecast import repeat as repeat_model
from teiki.forecast import stats
from teiki.metrics.view import View
from teiki.store import results

NEXT_DAYS = 90


def scores(view: View) -> pa.Table:
    """customer_id, frequency, recency_weeks, age_weeks, p_alive, expected_purchases_90d, expected_spend."""
    purchases = stats.arrays(stats.purchase_stats(view), ["frequency", "recency", "age", "n"])
    spend = stats.arrays(stats.spend_stats(view), ["frequency", "monetary", "n"])
    model = repeat_model.fit(purchases, spend)
    people = results.arrow(stats.customer_stats(view).order_by("customer_id"))
    x = people.column("frequency").to_numpy().astype(float)
    t_x = people.column("recency_days").to_numpy().astype(float) / stats.DAYS_PER_WEEK
    age = people.column("age_days").to_numpy().astype(float) / stats.DAYS_PER_WEEK
    repeat = people.column("repeat_amount").to_numpy(zero_copy_only=False).astype(float)
    monetary = np.divide(repeat, x, out=np.zeros_like(repeat), where=x > 0)
    if model.counts is not None:
        alive = np.asarray(model.counts.p_alive(x, t_x, age), dtype=float)
        coming = np.asarray(model.counts.conditional_expected_purchases(NEXT_DAYS / stats.DAYS_PER_WEEK, x, t_x, age),
                            dtype=float)
    else:
        alive, coming = np.full(len(x), np.nan), np.zeros(len(x))
    if model.spend is not None:
        spend_each = np.asarray(model.spend.expected_spend(x, monetary), dtype=float)
    else:  # no spread between customers (or too few repeaters to fit): everyone's expectation is the mean
        spend_each = np.full(len(x), model.mean_spend if model.mean_spend is not None else np.nan)
    return pa.table({
        "customer_id": people.column("customer_id"),
        "frequency": x.astype(np.int64), "recency_weeks": t_x, "age_weeks": age,
        "p_alive": alive, "expected_purchases_90d": coming, "expected_spend": spend_each,
        "expected_revenue_90d": coming * spend_each,
    })
