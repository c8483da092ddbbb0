"""What an import did, in words the CLI summary and the Data page share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from teiki.messages import say
from teiki.shop.vocabulary import TABLES

if TYPE_CHECKING:
    from teiki.shop.vocabulary import TableImport


def table_label(name: str, lang: str) -> str:
    """A canonical table as users read it: 受注明細 (orders) in Japanese, orders in English."""
    return f"{TABLES[name].ja} ({name})" if lang == "ja" else name


def columns_line(t: TableImport, lang: str) -> str:
    """The columns an import read, and those it left as stored (keyed tables) or empty (orders)."""
    table, read = table_label(t.table, lang), ", ".join(t.columns_read)
    if t.columns_kept:
        return say("import_columns_kept", lang, table=table, read=read, kept=", ".join(t.columns_kept))
    if t.columns_unread:
        return say("import_columns_unread", lang, table=table, read=read, unread=", ".join(t.columns_unread))
    return say("import_columns_all", lang, table=table)
