"""The shop facade: teiki's one public entry point (``teiki.open``), and the names faces read.

    import teiki
    shop = teiki.open("teiki.duckdb")
    shop.kpis()

Faces (``teiki.cli``, ``teiki.web``, ``teiki.report``) import only this package, :mod:`teiki.messages` and
:mod:`teiki.errors`: the result types and vocabulary they need are re-exported in
:mod:`teiki.shop.vocabulary`.
"""

from teiki.shop.facade import Shop, Status, TableStatus, _convert, _records, _summary_at, open, open_parquet_on_spark  # noqa: A004,F401  (the private helpers: until the areas move into this package)

__all__ = ["Shop", "Status", "TableStatus", "open", "open_parquet_on_spark"]
