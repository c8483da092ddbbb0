"""The :class:`teiki.Shop` methods of the risk actions (a mixin of Shop)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teiki.actions.risk import RiskModel

PERSONAL = ("name", "phone", "email")


class RiskMethods:
    """Shop methods for the risk actions; ``self`` is the :class:`teiki.Shop` (see ``self.view(as_of)``)."""

    def churn_model(self, as_of: dt.date | str | None = None, *, horizon_days: int = 60,
                    lang: str | None = None) -> RiskModel:
        """The churn-risk assessment as of ``as_of`` (default: the last order date): both out-of-time AUCs
        (model and rule), the Brier score and calibration table, the training sizes, which score is used and
        why, and ``.scores`` (every active subscription, riskiest first). ``.to_dict()`` is the ``model``
        part of ``teiki risk --format json``. See teiki.actions.risk and docs/actions_risk.md."""
        from teiki.actions.risk import assess

        return assess(self.view(as_of), horizon_days, lang)

    def churn_risk(self, as_of: dt.date | str | None = None, top: int | None = None, personal: bool = False, *,
                   horizon_days: int = 60, lang: str | None = None, output: str = "pandas"):
        """One row per subscription active on ``as_of``, riskiest first (the ``top`` first when given):
        rank, subscription_id, customer_id, product_id, channel, score, rule_points, reasons (text in
        ``lang``), reason_keys and the key signals; name, phone and email only with ``personal=True``.
        ``output``: ``pandas`` (default), ``polars`` or ``pyarrow``."""
        from teiki.errors import TeikiError
        from teiki.shop import _convert

        if top is not None and top < 1:
            raise TeikiError("risk_bad_top", top=top)
        table = self.churn_model(as_of, horizon_days=horizon_days, lang=lang).scores
        return _convert(risk_list(self, table, top, personal), output)

    def churn_risk_list(self, model: RiskModel, top: int | None = None, personal: bool = False, *,
                        output: str = "pyarrow"):
        """The rows of :meth:`churn_risk` from an assessment already made (``model``, from :meth:`churn_model`):
        its scores cut to the ``top`` first, with name, phone and email only when ``personal``."""
        from teiki.shop import _convert

        return _convert(risk_list(self, model.scores, top, personal), output)


def risk_list(shop, scores, top: int | None, personal: bool):
    """``scores`` cut to the ``top`` rows, with the customers' name, phone and email when ``personal``."""
    import ibis
    import pyarrow as pa

    from teiki.store import results

    table = scores.slice(0, top) if top is not None else scores
    if not personal:
        return table
    people = shop.source().customers.select("customer_id", *PERSONAL)
    ids = ibis.memtable(pa.table({"customer_id": table.column("customer_id").unique()}))
    found = results.arrow(people.semi_join(ids, "customer_id"))
    order = pa.array(range(table.num_rows), pa.int64())
    joined = table.append_column("_row", order).join(found, "customer_id", join_type="left outer")
    return joined.sort_by("_row").drop_columns(["_row"])
