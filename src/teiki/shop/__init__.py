"""The shop facade: teiki's one public entry point (``teiki.open``), and the names faces read.

    import teiki
    shop = teiki.open("teiki.duckdb")
    shop.kpis()

Faces (``teiki.cli``, ``teiki.web``, ``teiki.report``) import only this package, :mod:`teiki.messages` and
:mod:`teiki.errors`: the result types and names they need are re-exported in :mod:`teiki.shop.vocabulary`.
"""

from teiki.shop.base import Status, TableStatus, explain_import
from teiki.shop.campaigns import call_economics
from teiki.shop.facade import Shop, open, open_parquet_on_spark  # noqa: A004

__all__ = ["Shop", "Status", "TableStatus", "call_economics", "explain_import", "open", "open_parquet_on_spark"]
