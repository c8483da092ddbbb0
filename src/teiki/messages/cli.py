"""The command line's texts: the import summary, status, help, progress stages."""

from __future__ import annotations

CLI: dict[str, tuple[str, str]] = {
    # --- import summary ---
    "derived_subscriptions": (
        "定期契約ファイルは取り込まれていないため、受注の定期ID・定期回数から {count} 件の定期契約を導出しています。",
        "no subscriptions file was imported, so {count} subscriptions are derived from the orders' subscription_id and delivery_no.",
    ),
    "internal_error": (
        "teiki の内部エラーです ({kind}: {detail})。保存済みのデータは変わっていません。--debug を付けて実行すると詳細が"
        "表示されます。報告いただけると助かります。",
        "an internal error in teiki ({kind}: {detail}); the stored data is unchanged. Run again with --debug for "
        "the details, and please report it.",
    ),
    "import_columns_kept": (
        "  {table}: 読み込んだ列 {read} / ファイルにない列は保存済みの値のまま: {kept}",
        "  {table}: columns read {read}; not in the file, left as they were: {kept}",
    ),
    "import_columns_unread": (
        "  {table}: 読み込んだ列 {read} / ファイルにない列 (空欄か既定値): {unread}",
        "  {table}: columns read {read}; not in the file (empty or default): {unread}",
    ),
    "import_columns_all": ("  {table}: 全ての列を読み込みました", "  {table}: every column read"),
    "help_earliest_date": (
        "これより前の日付の行を誤りとして取り込みません (既定: 1990-01-01)。",
        "Refuse rows dated before this day (default: 1990-01-01).",
    ),
    "help_latest_date": (
        "これより後の日付の行を誤りとして取り込みません (既定: 取り込み日の1年後)。",
        "Refuse rows dated after this day (default: a year after today).",
    ),
    "import_layout": ("{file}: {layout} として読み込み → {table}", "{file}: read as {layout} → {table}"),
    "import_skipped": ("  {rows} 行を読み飛ばしました: {reason}", "  {rows} row(s) skipped: {reason}"),
    "explain_head": ("{file}: {layout} → {table} ({rows} 行、文字コード {encoding})。取り込む前の確認です。",
                     "{file}: {layout} → {table} ({rows} rows, encoding {encoding}); a preview, nothing is imported."),
    "col_column": ("列", "column"),
    "col_samples": ("値の例", "sample values"),
    "explain_absent": ("(なし: 空欄)", "(none: empty)"),
    "explain_absent_required": ("(なし: 必須のため取り込めません)", "(none: required, the import would stop)"),
    "explain_missing": ("ファイルにない列: {columns}。このままでは取り込めません。",
                        "missing from the file: {columns}; the import would stop."),
    "explain_unread": ("読まない列: {headers}", "columns not read: {headers}"),
    "explain_nothing_written": ("何も保存していません。", "Nothing was written."),
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
    "help_explain": ("取り込まずに、各列の読み方 (元の列、計算式、値の例) と読み飛ばす行を表示します",
                     "Show how every column would be read (source, rule, sample values) and which rows would be "
                     "skipped, importing nothing"),
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
}
