"""The shop's churn-risk action (SPEC §6, seed 002): the assessment and the ranked list
(docs/actions_risk.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from teiki.errors import TeikiError
from teiki.shop.base import Date, ShopBase
from teiki.shop.convert import convert, table_result
from teiki.store import results

if TYPE_CHECKING:  # the model (scikit-learn) loads when an assessment is first made
    from teiki.actions.risk import RiskModel

PERSONAL = ("name", "phone", "email")


class RiskMethods(ShopBase):
    def churn_model(self, as_of: Date = None, *, horizon_days: int = 60, lang: str | None = None) -> RiskModel:
        """The churn-risk assessment as of ``as_of`` (default: the last order date): both out-of-time AUCs
        (model and rule), the Brier score and calibration table, the training sizes, which score is used and
        why, and ``.scores`` (every active subscription, riskiest first). ``.to_dict()`` is the ``model``
        part of ``teiki risk --format json``. See teiki.actions.risk and docs/actions_risk.md."""
        from teiki.actions.risk import assess

        return assess(self.view(as_of), horizon_days, lang)

    @table_result
    def churn_risk(self, as_of: Date = None, top: int | None = None, personal: bool = False, *,
                   horizon_days: int = 60, lang: str | None = None):
        """One row per subscription active on ``as_of``, riskiest first (the ``top`` first when given):
        rank, subscription_id, customer_id, product_id, channel, score, rule_points, reasons (text in
        ``lang``), reason_keys and the key signals; name, phone and email only with ``personal=True``.
        ``output``: ``pandas`` (default), ``polars`` or ``pyarrow``."""
        if top is not None and top < 1:
            raise TeikiError("risk_bad_top", top=top)
        model = self.churn_model(as_of, horizon_days=horizon_days, lang=lang)
        return _listed(model.scores, top, self.source().customers if personal else None)

    def churn_risk_list(self, model: RiskModel, top: int | None = None, personal: bool = False, *,
                        output: str = "pyarrow"):
        """The rows of :meth:`churn_risk` from an assessment already made (``model``, from :meth:`churn_model`):
        its scores cut to the ``top`` first, with name, phone and email only when ``personal``."""
        return convert(_listed(model.scores, top, self.source().customers if personal else None), output)


def _listed(scores: pa.Table, top: int | None, customers: ir.Table | None) -> pa.Table:
    """``scores`` cut to the ``top`` rows, with the ``customers``' name, phone and email when given."""
    table = scores.slice(0, top) if top is not None else scores
    if customers is None:
        return table
    people = customers.select("customer_id", *PERSONAL)
    ids = ibis.memtable(pa.table({"customer_id": table.column("customer_id").unique()}))
    found = results.arrow(people.semi_join(ids, "customer_id"))
    order = pa.array(range(table.num_rows), pa.int64())
    joined = table.append_column("_row", order).join(found, "customer_id", join_type="left outer")
    return joined.sort_by("_row").drop_columns(["_row"])
