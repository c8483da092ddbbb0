"""Problems a user can cause and act on: import checks, unreadable files, the database."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
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
    "layout_incomplete": (
        "カートのエクスポートのようですが、その形式の列が足りません ({layouts})。列を削除・改名していないか確認して"
        "ください。形式を指定する場合は --preset {preset}、独自の列名なら --mapping で読み方を指定してください。",
        "this looks like a cart's export, but columns of that layout are missing ({layouts}). Check that no column "
        "was removed or renamed; to read it with that layout anyway pass --preset {preset}, or describe your own "
        "columns with --mapping FILE.",
    ),
    "excel_too_large": (
        "Excel ファイルの使用範囲が {rows} 行 × {columns} 列あり、読み込める上限 ({limit} セル) を超えています。"
        "データのある範囲だけを新しいシートにコピーするか、CSV で保存し直してください。",
        "the Excel file's used range is {rows} rows × {columns} columns, beyond what teiki reads ({limit} cells); "
        "copy only the data to a new sheet, or save it as CSV.",
    ),
    "bad_parameter_control": ("パラメータ {name} に制御文字が含まれています。取り除いてください。",
                              "the parameter {name} contains a control character; remove it."),
    "refused_no_buyer": (
        "{layout} には購入者を識別する列 (購入者メールアドレスなど) がないため取り込めません。顧客ごとの KPI "
        "(F2転換率、LTV、定期継続率) は購入者がわからないと計算できません。購入者メールアドレス (buyer-email) を含む"
        "レポート (例: FBA 出荷レポート) を取り込んでください。",
        "{layout} has no column that identifies the buyer (such as a buyer e-mail), so it cannot be imported: "
        "per-customer KPIs (F2, LTV, retention) need to know who bought. Import a report that carries buyer-email "
        "(for example the FBA shipments report) instead.",
    ),
    "refused_no_start_date": (
        "{layout} には定期の開始日と解約日がないため取り込めません (開始日は定期契約に必須で、解約済みの契約も解約日がなければ"
        "継続中に見えてしまいます)。また顧客は Shopify の顧客IDで、注文エクスポートの顧客 (メールアドレス) と照合できません。"
        "開始日・解約日を含む定期ファイル (teiki の列名: subscription_id, customer_id, started_at, cancelled_at …) を"
        "用意して取り込んでください。",
        "{layout} has no start or cancellation date, so it cannot be imported (a subscription needs its start, and an "
        "ended contract without its end date would look active). Its customers are Shopify customer ids, which do not "
        "match the e-mail-keyed customers of the orders export. Import a subscriptions file that has the dates "
        "(teiki's columns: subscription_id, customer_id, started_at, cancelled_at …) instead.",
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
    "store_older_read_only": (
        "データベース {path} は古い形式 (スキーマ v{found}) で、読み取り専用では v{supported} に更新できません: {detail}。"
        "書き込みできる場所で一度開いてください。",
        "the database {path} is in an older format (schema v{found}) and cannot be upgraded to v{supported} "
        "while it is read-only: {detail}. Open it once where it can be written.",
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
    "spark_missing": (
        "Spark エンジンを使うには PySpark と Java 17 以上が必要です ({detail})。"
        "pip install 'teiki[spark]' を実行し、Java 17 (例: apt-get install default-jre-headless) をインストールしてください。",
        "the Spark engine needs PySpark and Java 17 or newer ({detail}): run pip install 'teiki[spark]' and install "
        "Java 17 (e.g. apt-get install default-jre-headless).",
    ),
}
