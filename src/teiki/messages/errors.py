"""Problems a user can cause and act on: import checks, unreadable files, the database."""

from __future__ import annotations

ERRORS: dict[str, tuple[str, str]] = {
    # --- import problems (one per validation check) ---
    "missing_column": (
        "必須の列 {column} がありません。見つかった列: {headers}。",
        "the required column {column} is missing. Columns found: {headers}.",
    ),
    "only_key_column": (
        "{table} の列のうち {column} しかありません (見つかった列: {headers})。取り込んでも何も記録されないため取り込みません。"
        "別のテーブルのファイルなら --table でそのテーブルを指定してください。",
        "the file gives {table} nothing but {column} (columns found: {headers}), so importing it would record "
        "nothing; if it holds another table, name that table with --table.",
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
    "two_digit_year": (
        "{column} の年が2桁の行が {count} 行あります ({examples})。年は4桁で書いてください (24/10/01 ではなく 2024/10/01)。"
        "2桁の年のファイルは、マッピングファイルの date_format (例: date_format = \"%y/%m/%d\") で読めます。",
        "{column} has a two-digit year in {count} row(s) ({examples}); write the year in full (2024/10/01, not "
        "24/10/01), or read such a file with date_format in a mapping file (e.g. date_format = \"%y/%m/%d\").",
    ),
    "date_too_early": (
        "{column} が {limit} より前の行が {count} 行あります ({examples})。日付の誤りでなければ --earliest-date で下限を変えてください。",
        "{column} is before {limit} in {count} row(s) ({examples}); if the dates are right, lower the limit with "
        "--earliest-date.",
    ),
    "date_too_late": (
        "{column} が {limit} (取り込み日の1年後) より後の行が {count} 行あります ({examples})。「無期限」を遠い日付で表していないか確認してください。"
        "日付の誤りでなければ --latest-date で上限を変えてください。",
        "{column} is after {limit} (a year after today) in {count} row(s) ({examples}); check that no far date "
        "stands for \"never\", or raise the limit with --latest-date.",
    ),
    "control_character": (
        "{column} に制御文字 (NUL など) を含む行が {count} 行あります ({examples})。ファイルが壊れていないか確認してください。",
        "{column} holds a control character (such as NUL) in {count} row(s) ({examples}); check that the file is "
        "not damaged.",
    ),
    "cell_too_long": (
        "{column} が {limit} 文字を超える行が {count} 行あります ({examples} 文字)。区切り文字や引用符の崩れがないか確認してください。",
        "{column} is longer than {limit} characters in {count} row(s) ({examples} characters); check the file's "
        "delimiters and quotes.",
    ),
    "needs_column": (
        "{column} があるのに {other} が空の行が {count} 行あります ({examples})。",
        "{column} is given but {other} is empty in {count} row(s) ({examples}).",
    ),
    "before_column": (
        "{column} が {other} より前の行が {count} 行あります ({examples})。",
        "{column} is before {other} in {count} row(s) ({examples}).",
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
    "not_text": (
        "テキストファイルではありません (圧縮ファイルやバイナリファイル)。展開するか、CSV として保存し直してください。",
        "this is not a text file (a compressed or binary file); unpack it, or save it again as CSV.",
    ),
    "is_directory": ("フォルダです。フォルダの中のファイルを指定してください。", "this is a folder; name the files in it."),
    "mixed_encoding": (
        "{row}行目の列 {column} に UTF-8 でも Shift_JIS (CP932) でもない文字があります。文字コードの違う行が混ざっているか、"
        "テキストファイルではありません。UTF-8 か Shift_JIS で保存し直してください。",
        "row {row}, column {column} holds bytes that are neither UTF-8 nor Shift_JIS (CP932): rows in two "
        "encodings are mixed, or this is not a text file. Save it again as UTF-8 or Shift_JIS.",
    ),
    "invalid_in_encoding": (
        "{row}行目の列 {column} に {encoding} として正しくない文字があります。ほかの文字コードの行が混ざっていないか確認して、"
        "ファイル全体を同じ文字コードで保存し直してください。",
        "row {row}, column {column} holds bytes that are not valid {encoding}; check for rows in another "
        "encoding and save the whole file in one encoding.",
    ),
    "utf8_in_cp932": (
        "Shift_JIS (CP932) のファイルに UTF-8 の行があります ({row}行目、列 {column})。そのまま読むと文字化けするため取り込みません。"
        "ファイル全体を同じ文字コードで保存し直してください。",
        "a Shift_JIS (CP932) file holds a UTF-8 row (row {row}, column {column}), which would import as mojibake; "
        "save the whole file in one encoding.",
    ),
    "wrong_field_count": (
        "{row}行目の列の数が {fields} で、見出しの {expected} と合いません ({text})。途中で切れた行、余分な区切り文字、"
        "閉じていない引用符がないか確認してください。",
        "row {row} has {fields} field(s) where the header has {expected} ({text}); look for a line cut off, a "
        "stray delimiter or an unclosed quote.",
    ),
    "line_too_long": (
        "{limit} MiB を超える行があります。区切り文字や引用符の崩れがないか確認してください。",
        "a line is longer than {limit} MiB; check the file's delimiters and quotes.",
    ),
    "not_a_workbook": (
        "Excel ブック (.xlsx) として読めません。ファイルが壊れているか、別の形式です ({detail})。",
        "cannot be read as an Excel workbook (.xlsx): the file is damaged or in another format ({detail}).",
    ),
    "not_parquet": (
        "Parquet ファイルとして読めません。ファイルが壊れているか、別の形式です ({detail})。",
        "cannot be read as a Parquet file: it is damaged or in another format ({detail}).",
    ),
    "nested_columns": (
        "リストや構造体の列は読めません: {columns}。その列を除くか、テキストに展開して保存してください。",
        "columns holding lists or structures cannot be read: {columns}; drop them or flatten them to text.",
    ),
    "no_such_file": ("ファイルがありません。", "no such file."),
    "unknown_format": (
        "対応していない形式です (.csv .tsv .txt .xlsx .parquet に対応)。",
        "unsupported file type (teiki reads .csv .tsv .txt .xlsx .parquet).",
    ),
    "empty_file": ("データ行がありません。", "the file has no data rows."),
    "orders_incomplete": (
        "受注の列 ({found}) があるのに、受注明細として必須の列 {missing} が見つかりません。{table} として取り込むと受注が失われるため取り込みません。"
        "マッピングファイル (--mapping) で列を対応づけてください。teiki import --explain --table orders で読み方を確認できます。",
        "the file has order columns ({found}) but not the required orders columns {missing}; importing it as "
        "{table} would lose the orders, so it is refused. Map the columns in a mapping file (--mapping); "
        "teiki import --explain --table orders shows how the file is read.",
    ),
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
    "excel_unpacks_too_large": (
        "Excel ファイルを展開すると {size} になり、teiki が読める大きさ ({limit}) を超えます。データだけを新しいシートに写すか、CSV で保存してください。",
        "the Excel file unpacks to {size}, beyond what teiki reads ({limit}); copy only the data to a new sheet, "
        "or save it as CSV.",
    ),
    "excel_too_large": (
        "Excel ファイルの使用範囲が {rows} 行 × {columns} 列あり、読み込める上限 ({limit} セル) を超えています。"
        "データのある範囲だけを新しいシートにコピーするか、CSV で保存し直してください。",
        "the Excel file's used range is {rows} rows × {columns} columns, beyond what teiki reads ({limit} cells); "
        "copy only the data to a new sheet, or save it as CSV.",
    ),
    "bad_parameter_value": ("{name} の値 '{value}' を読めません。", "{name}: '{value}' cannot be read."),
    "bad_parameter_missing": ("{name} を指定してください。", "{name} is required."),
    "bad_parameter_allowed": (" 使える値: {expected}。", " Allowed: {expected}."),
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
    "store_busy": (
        "別の teiki の処理 (teiki import や teiki serve) がこのショップのデータを使っています。その処理が終わってから、もう一度お試しください。",
        "another teiki process (teiki import or teiki serve) is using this shop's data; try again when it has finished.",
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
