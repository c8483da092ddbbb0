"""User-facing text in Japanese (default) and English, kept in one catalogue.

Code, logs and API keys stay English; whatever a person reads goes through
:func:`say`, so every message exists in both languages.
"""

from __future__ import annotations

import os

LANGS = ("ja", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- import problems (one per validation check) ---
    "missing_column": (
        "必須の列 {column} がありません。見つかった列: {headers}。",
        "the required column {column} is missing. Columns found: {headers}.",
    ),
    "missing_value": (
        "{column} が空の行が {count} 行あります ({examples})。",
        "{column} is empty in {count} row(s) ({examples}).",
    ),
    "bad_date": (
        "{column} を日付として読めない行が {count} 行あります ({examples})。YYYY-MM-DD や YYYY/MM/DD hh:mm:ss の形式にしてください。",
        "{column} cannot be read as a date in {count} row(s) ({examples}); use YYYY-MM-DD or YYYY/MM/DD hh:mm:ss.",
    ),
    "bad_number": (
        "{column} を数値として読めない行が {count} 行あります ({examples})。",
        "{column} is not a number in {count} row(s) ({examples}).",
    ),
    "not_whole": (
        "{column} が整数でない行が {count} 行あります ({examples})。",
        "{column} is not a whole number in {count} row(s) ({examples}).",
    ),
    "below_minimum": (
        "{column} が {limit} 未満の行が {count} 行あります ({examples})。",
        "{column} is below {limit} in {count} row(s) ({examples}).",
    ),
    "above_maximum": (
        "{column} が {limit} を超える行が {count} 行あります ({examples})。",
        "{column} is above {limit} in {count} row(s) ({examples}).",
    ),
    "unknown_value": (
        "{column} に使えない値の行が {count} 行あります ({examples})。使える値: {choices}。ほかの値はマッピングファイルの [{table}.values.{name}] で対応づけてください。",
        "{column} has a value teiki does not know in {count} row(s) ({examples}). Allowed: {choices}; "
        "map other values in a mapping file under [{table}.values.{name}].",
    ),
    "conflict_in_order": (
        "同じ受注番号の明細で {column} が食い違う受注が {count} 件あります ({examples})。",
        "{count} orders have lines that disagree on {column} ({examples}).",
    ),
    "conflict_across_files": (
        "同じ受注番号がファイル {other} にも異なる内容で含まれています ({count} 件: {examples})。どちらが正しいか決められないため、別々に取り込んでください。",
        "{count} orders also appear with different lines in {other} ({examples}); teiki cannot tell which is right, "
        "so import the files one at a time.",
    ),
    "conflict_in_key": (
        "同じキー ({keys}) で内容の異なる行が {count} 組あります ({examples})。",
        "{count} keys ({keys}) appear in several rows with different values ({examples}).",
    ),
    "row_example": ("{row}行目: {value}", "row {row}: {value}"),
    "row_only": ("{row}行目", "row {row}"),
    "rows_example": ("{value} ({rows}行目)", "{value} (rows {rows})"),
    "problem_at": ("{file}: {text}", "{file}: {text}"),
    "nothing_imported": (
        "何も取り込んでいません。保存済みのデータは変わっていません。",
        "Nothing was imported; the stored data is unchanged.",
    ),
    "more_problems": ("ほか {count} 件の問題があります。", "{count} more problems."),
    # --- file-level problems ---
    "unreadable_encoding": (
        "文字コードを判別できません ({detail})。UTF-8 か Shift_JIS (CP932) で保存してください。",
        "cannot tell the text encoding ({detail}); save the file as UTF-8 or Shift_JIS (CP932).",
    ),
    "unreadable_file": ("ファイルを読めません: {detail}", "cannot read the file: {detail}"),
    "no_such_file": ("ファイルがありません。", "no such file."),
    "unknown_format": (
        "対応していない形式です (.csv .tsv .txt .xlsx .parquet に対応)。",
        "unsupported file type (teiki reads .csv .tsv .txt .xlsx .parquet).",
    ),
    "empty_file": ("データ行がありません。", "the file has no data rows."),
    "unknown_table_for_file": (
        "どのテーブルのファイルか判別できません (見つかった列: {headers})。--table で指定してください ({tables})。",
        "cannot tell which table this file holds (columns: {headers}); name it with --table ({tables}).",
    ),
    "unknown_preset": ("プリセット {name} はありません。使えるもの: {names}。", "no preset {name}; available: {names}."),
    "bad_mapping": ("マッピングファイルを読めません: {detail}。", "cannot read the mapping file: {detail}."),
    "unknown_table": ("テーブル {name} はありません。使えるもの: {tables}。", "no table {name}; teiki tables are: {tables}."),
    # --- store ---
    "store_newer": (
        "データベース {path} は新しい teiki (スキーマ v{found}) で作られています。この teiki はスキーマ v{supported} までです。teiki を更新してください。",
        "the database {path} was written by a newer teiki (schema v{found}); this teiki knows up to v{supported}. "
        "Upgrade teiki.",
    ),
    "store_foreign": (
        "{path} は teiki のデータベースではありません (teiki 以外のテーブルがあります: {tables})。別のファイルを --db で指定してください。",
        "{path} is not a teiki database (it holds other tables: {tables}); choose another file with --db.",
    ),
    "store_locked": (
        "データベース {path} は別のプロセスが使用中です: {detail}",
        "the database {path} is in use by another process: {detail}",
    ),
    "store_unreadable": ("データベース {path} を開けません: {detail}", "cannot open the database {path}: {detail}"),
    "store_read_only": (
        "データベース {path} は読み取り専用で開かれているため、取り込めません。",
        "the database {path} is open read-only, so nothing can be imported into it.",
    ),
    "rows_lost": (
        "{table}: ファイルから {streamed} 行を読みましたが、取り込み準備できたのは {staged} 行でした。データを失わないよう取り込みを中止しました (teiki の不具合です。報告してください)。",
        "{table}: {streamed} rows were read from the files but {staged} were staged; the import was stopped so that "
        "no data is lost (a teiki bug: please report it).",
    ),
    # --- import summary ---
    "derived_subscriptions": (
        "定期契約ファイルは取り込まれていないため、受注の定期ID・定期回数から {count} 件の定期契約を導出しています。",
        "no subscriptions file was imported, so {count} subscriptions are derived from the orders' subscription_id and delivery_no.",
    ),
    "unit_orders": ("受注単位", "orders"),
    "unit_records": ("件", "records"),
    # --- CLI ---
    "status_title": ("{path} の内容", "What is stored in {path}"),
    "col_table": ("テーブル", "table"),
    "col_rows": ("行数", "rows"),
    "col_note": ("備考", "note"),
    "derived_note": ("受注から導出", "derived from orders"),
    "customers_line": ("顧客数 {customers:,} 人、受注期間 {first} 〜 {last}", "{customers:,} customers, orders from {first} to {last}"),
    "last_import_line": ("最終取り込み: {at} ({tables}: {files})", "last import: {at} ({tables}: {files})"),
    "import_title": ("取り込み結果", "Import"),
    "col_rows_read": ("読込行数", "rows read"),
    "col_inserted": ("新規", "inserted"),
    "col_replaced": ("置換", "replaced"),
    "col_unchanged": ("変更なし", "unchanged"),
    "col_unit": ("単位", "unit"),
    "no_imports": ("まだ何も取り込まれていません。teiki import または teiki demo を実行してください。",
                   "nothing imported yet; run teiki import or teiki demo."),
    "no_database": ("データベース {path} はまだありません。teiki import か teiki demo で作成してください。",
                    "there is no database at {path} yet; create it with teiki import or teiki demo."),
    "import_done": ("取り込み完了 ({seconds:.1f} 秒)", "import finished ({seconds:.1f} s)"),
    "dry_run_done": (
        "確認のみ ({seconds:.1f} 秒): 上の表は取り込んだ場合の結果です。データは変更していません。",
        "dry run ({seconds:.1f} s): the table shows what an import would do; nothing was changed.",
    ),
    "help_dry_run": (
        "検証と件数の確認だけを行い、何も保存しません。",
        "Validate and count what would change, without storing anything.",
    ),
    "demo_files": ("デモショップのファイルを {path} に作成しました。", "wrote the demo shop's files to {path}."),
    "demo_next": (
        "次のステップ: 自社のデータは別のファイルに取り込めます (例: teiki --db myshop.duckdb import 受注明細.csv)。"
        "teiki --help でコマンド一覧を表示します。",
        "Next: import your own shop's data into a file of its own (e.g. teiki --db myshop.duckdb import orders.csv); "
        "teiki --help lists the commands.",
    ),
    "demo_refuses": (
        "{path} には取り込み済みのデータがあるため、デモで上書きしません。--db で別のファイルを指定してください。",
        "{path} holds imported data, so the demo will not overwrite it; choose another file with --db.",
    ),
    "upgraded": ("データベースをスキーマ v{old} から更新しました。", "upgraded the database from schema v{old}."),
    # --- CLI help ---
    "help_app": (
        "teiki: 単品リピート通販・定期通販のための CRM 分析エンジン。グローバルオプションはコマンドの前に書きます (例: teiki --db shop.duckdb status)。",
        "teiki: CRM analytics for subscription and repeat-purchase D2C commerce. Global options go before the "
        "command (e.g. teiki --db shop.duckdb status).",
    ),
    "help_db": ("データベースファイル (既定: $TEIKI_DB、なければ ./teiki.duckdb)。", "Database file (default $TEIKI_DB, else ./teiki.duckdb)."),
    "help_lang": ("表示言語: ja または en (既定: $TEIKI_LANG、なければ ja)。", "Language of what teiki prints: ja or en (default $TEIKI_LANG, else ja)."),
    "help_debug": ("エラーのトレースバックも表示します。", "Show the traceback of errors."),
    "help_quiet": ("進捗バーを表示しません。", "No progress bars."),
    "help_import": (
        "ファイルを取り込みます。全件成功か何もしないかのどちらかで、同じファイルを再度取り込んでも何も変わりません。",
        "Import files: all or nothing, and importing the same file again changes nothing.",
    ),
    "help_paths": ("取り込むファイル: .csv .tsv .txt .xlsx .parquet", "Files to import: .csv .tsv .txt .xlsx .parquet"),
    "help_table": ("ファイルのテーブル: {tables}。", "Table of the files: {tables}."),
    "help_preset": ("列の並び: teiki、ja、shopify。", "Column layout: teiki, ja or shopify."),
    "help_mapping": ("それ以外の並びのための TOML マッピングファイル。", "A TOML mapping file for any other layout."),
    "help_status": (
        "保存内容: テーブルごとの行数、顧客数、受注期間、最終取り込み。",
        "What is stored: rows per table, customers, order dates, the last import.",
    ),
    "help_demo": (
        "デモショップ (架空の日本の D2C ブランド) を作成・取り込みし、内容を表示します。",
        "Build the demo shop (a synthetic Japanese D2C brand), import it and show what is stored.",
    ),
    "help_customers": ("顧客数。", "Number of customers."),
    "help_seed": ("乱数シード: 同じシードなら同じショップになります。", "Random seed: the same seed gives the same shop."),
    "help_out": ("デモショップのファイルを書き出すフォルダ。", "Folder for the demo shop's files."),
    # --- progress stages ---
    "stage_read": ("読み込み {name}", "reading {name}"),
    "stage_validate": ("検証", "validating"),
    "stage_write": ("書き込み {name}", "writing {name}"),
    "stage_facts": ("集計表の更新", "updating summaries"),
    "stage_commit": ("確定", "committing"),
    "stage_done": ("完了", "done"),
    "stage_drawing customers": ("顧客を生成", "drawing customers"),
    "stage_simulating subscriptions": ("定期をシミュレーション", "simulating subscriptions"),
    "stage_simulating one-off purchases": ("単品購入をシミュレーション", "simulating one-off purchases"),
    "stage_building tables": ("テーブルを作成", "building tables"),
    "stage_writing": ("書き出し {name}", "writing {name}"),
    # --- KPIs ---
    "bad_as_of": ("日付 {value} を読めません。YYYY-MM-DD の形式で指定してください。",
                  "cannot read the date {value}; use YYYY-MM-DD."),
    "as_of_before_first_order": (
        "基準日 {as_of} は最初の受注日 {first} より前です。{first} 以降の日付を指定してください。",
        "the as-of date {as_of} is before the first order ({first}); choose {first} or later.",
    ),
    "unknown_breakdown": ("内訳 {by} はありません。使えるもの: {choices}。", "no breakdown {by}; choose one of: {choices}."),
    "bad_reasons_file": ("解約理由の辞書を読めません: {detail}。", "cannot read the cancel-reason dictionary: {detail}."),
}


def default_lang() -> str:
    """The language from TEIKI_LANG, else Japanese."""
    lang = os.environ.get("TEIKI_LANG", "ja").lower()
    return lang if lang in LANGS else "ja"


def say(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (ja / en) with ``params`` filled in."""
    ja, en = CATALOGUE[key]
    template = en if (lang or default_lang()) == "en" else ja
    return template.format(**params)
