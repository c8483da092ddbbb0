"""User-facing text in Japanese (default) and English, kept in one catalogue.

Code, logs and API keys stay English; whatever a person reads goes through
:func:`say`, so every message exists in both languages.
"""

from __future__ import annotations

import os

from teiki.messages_action_pages import ACTION_PAGES
from teiki.messages_calls import CALLS
from teiki.messages_campaigns import CAMPAIGNS
from teiki.messages_forecast import FORECAST
from teiki.messages_offers import OFFERS
from teiki.messages_pages import PAGES
from teiki.messages_risk import RISK

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
    # --- KPI labels (teiki kpi, exports) ---
    "kpi_title": ("KPI (基準日 {as_of})", "KPIs as of {as_of}"),
    "kpi_as_of": ("基準日", "as of"),
    "kpi_customers": ("顧客数", "customers"),
    "kpi_orders": ("購入回数 (受注数)", "purchases (orders)"),
    "kpi_revenue": ("売上", "revenue"),
    "kpi_f2_conversion": ("F2転換率", "second-purchase rate (F2)"),
    "kpi_fn_conversion": ("F{n}転換率", "F{n} conversion"),
    "kpi_f2_within": ("F2転換率 ({days}日以内)", "F2 within {days} days"),
    "kpi_repeat_rate": ("リピート率", "repeat rate"),
    "kpi_trial_pullup_rate": ("引き上げ率", "trial-to-main conversion"),
    "kpi_ltv": ("LTV ({days}日)", "LTV ({days} days)"),
    "kpi_ltv_gross_profit": ("粗利LTV ({days}日)", "gross-profit LTV ({days} days)"),
    "kpi_ltv_purchases": ("LTV内の購入回数", "purchases in the LTV window"),
    "kpi_aov": ("平均購入単価", "average order value"),
    "kpi_matured": ("LTV対象顧客 (未到達 {immature:,} 人)", "customers in LTV ({immature:,} not yet matured)"),
    "kpi_subscriptions": ("定期契約数", "subscriptions started"),
    "kpi_subscriptions_active": ("継続中の定期契約", "active subscriptions"),
    "short_customers": ("顧客数", "customers"),
    "short_revenue": ("売上", "revenue"),
    "short_f2": ("F2", "F2"),
    "short_repeat": ("リピート", "repeat"),
    "short_ltv": ("LTV", "LTV"),
    "short_matured": ("LTV対象", "matured"),
    "short_r2": ("継続2回", "r(2)"),
    "short_r6": ("継続6回", "r(6)"),
    "short_r12": ("継続12回", "r(12)"),
    "short_expected": ("平均継続", "E[n]"),
    "kpi_expected_deliveries": ("平均継続回数", "expected deliveries"),
    "kpi_retention": ("定期継続率 {n}回目", "retention at delivery {n}"),
    "kpi_churn": ("カスタマーチャーン ({month})", "customer churn ({month})"),
    "kpi_revenue_churn": ("レベニューチャーン ({month})", "revenue churn ({month})"),
    "kpi_offer": ("{purpose}率", "{purpose} rate"),
    "kpi_offer_from_orders": ("受注から推定", "inferred from orders"),
    "purpose_upsell": ("アップセル", "upsell"),
    "purpose_cross_sell": ("クロスセル", "cross-sell"),
    "purpose_downsell": ("ダウンセル", "downsell"),
    "purpose_save": ("解約阻止", "save"),
    "kpi_cancel_reasons": ("解約理由", "cancellation reasons"),
    "kpi_written": ("{path} に書き出しました。", "wrote {path}."),
    "help_kpi": (
        "KPI (LTV、F2転換率、定期継続率、チャーン、オファー率、解約理由など) を基準日時点で計算します。",
        "Compute the KPIs (LTV, F2, retention, churn, offer rates, cancellation reasons, ...) as of a date.",
    ),
    "help_as_of": ("基準日 YYYY-MM-DD (既定: 最終受注日)。", "As-of date YYYY-MM-DD (default: the last order date)."),
    "help_by": ("内訳: cohort (初回購入月)、channel (初回媒体)、first_product、first_kind。",
                "Breakdown: cohort (first-order month), channel, first_product or first_kind."),
    "help_format": ("出力形式: table、json、csv、xlsx。", "Output format: table, json, csv or xlsx."),
    "help_kpi_out": ("出力ファイル (csv / xlsx では必須)。", "Output file (required for csv and xlsx)."),
    "help_window": ("LTV の期間 (日)。", "LTV window in days."),
    "help_reasons": ("解約理由の辞書 (TOML)。", "Cancel-reason dictionary (TOML)."),
    "help_engine": ("計算エンジン: duckdb または spark。", "Engine: duckdb or spark."),
    "help_parquet": ("Spark で読む Parquet フォルダ (<table>.parquet)。", "Parquet folder (<table>.parquet) for Spark."),
    "out_required": ("--format {format} には --out でファイルを指定してください。", "--format {format} needs --out FILE."),
    # --- KPIs ---
    "bad_as_of": ("日付 {value} を読めません。YYYY-MM-DD の形式で指定してください。",
                  "cannot read the date {value}; use YYYY-MM-DD."),
    "as_of_before_first_order": (
        "基準日 {as_of} は最初の受注日 {first} より前です。{first} 以降の日付を指定してください。",
        "the as-of date {as_of} is before the first order ({first}); choose {first} or later.",
    ),
    "unknown_breakdown": ("内訳 {by} はありません。使えるもの: {choices}。", "no breakdown {by}; choose one of: {choices}."),
    "bad_reasons_file": ("解約理由の辞書を読めません: {detail}。", "cannot read the cancel-reason dictionary: {detail}."),
    "help_cpm": ("CPM 顧客ポートフォリオ (10 セグメント、月次推移、移動、RFM) を表示します。",
                 "Show the CPM customer portfolio (ten segments, monthly history, migration, RFM)."),
    "help_thresholds": ("しきい値: default、auto (自店データから)、または TOML ファイル。",
                        "Thresholds: default, auto (from the shop's data) or a TOML file."),
    "help_amount": ("累計購入金額のしきい値 A (円)。", "Cumulative amount threshold A (yen)."),
    "help_t1": ("在籍期間のしきい値 T1 (日)。", "Tenure threshold T1 (days)."),
    "help_t2": ("在籍期間のしきい値 T2 (日)。", "Tenure threshold T2 (days)."),
    "help_lapse": ("離脱期間のしきい値 L (日)。", "Lapse threshold L (days)."),
    "help_history": ("月次推移: 開始日 終了日。", "Monthly history: FROM TO."),
    "help_migration": ("2 時点間の移動: 日付1 日付2。", "Migration between two dates: D1 D2."),
    "help_rfm": ("RFM 分析 (5 段階スコアとグループ)。", "RFM analysis (quintile scores and groups)."),
    "help_segment": ("セグメントの顧客リスト。", "Customer lists of segments."),
    "help_segment_list": ("セグメント (または移動のセル) の顧客を、軸と連絡先つきで一覧にします。",
                          "List the customers of a segment (or migration cell) with their axes and contact columns."),
    "help_segment_name": ("セグメント: キー (loyal、steady_lapsed …)、日本語名 (優良客 …) または all。",
                          "Segment: key (loyal, steady_lapsed, ...), Japanese label (優良客, ...) or all."),
    "help_since": ("移動のセル: この日付のセグメントで絞り込みます (--from と併用)。",
                   "Migration cell: filter by the segment at this earlier date (with --from)."),
    "help_from_segment": ("--since の日付でのセグメント (new = まだ購入なし)。",
                          "The segment at the --since date (new = not yet a customer)."),
    "help_list_out": ("出力ファイル (.csv / .xlsx / .json)。", "Output file (.csv, .xlsx or .json)."),
    "help_limit": ("表示する行数 (ファイル出力は全件)。", "Rows to show (files get every row)."),
    "cpm_title": ("CPM 顧客ポートフォリオ (基準日 {as_of})", "CPM customer portfolio as of {as_of}"),
    "cpm_col_segment": ("セグメント", "segment"),
    "cpm_col_customers": ("顧客数", "customers"),
    "cpm_col_revenue": ("売上(365日)", "revenue 365d"),
    "cpm_col_revenue_share": ("売上比", "rev. share"),
    "cpm_col_mean_amount": ("平均累計額", "mean total"),
    "cpm_col_month": ("月", "month"),
    "cpm_col_from": ("前 \\ 後", "from \\ to"),
    "cpm_col_move": ("移動", "move"),
    "cpm_new": ("新規 (前時点で未購入)", "new (not yet a customer)"),
    "cpm_core_share": ("優良客 + コツコツ客 (現役) の売上構成比: {share} — {verdict}",
                       "active loyal + steady share of revenue: {share} — {verdict}"),
    "cpm_healthy": ("50% 以上 (健全)", "50% or more (healthy)"),
    "cpm_unhealthy": ("50% 未満 (要改善)", "below 50% (needs work)"),
    "cpm_thresholds_mode": ("しきい値 ({mode}):", "thresholds ({mode}):"),
    "cpm_amount": ("累計購入金額 A", "cumulative amount A"),
    "cpm_t1": ("在籍期間 T1", "tenure T1"),
    "cpm_t2": ("在籍期間 T2", "tenure T2"),
    "cpm_lapse": ("離脱期間 L", "lapse L"),
    "cpm_days": ("{n} 日", "{n} days"),
    "cpm_history_title": ("セグメント別の顧客数推移 ({start} 〜 {end})", "customers per segment by month ({start} to {end})"),
    "cpm_migration_title": ("セグメント間の移動 ({start} → {end})", "migration between segments ({start} → {end})"),
    "cpm_moves_title": ("移動の内訳", "moves"),
    "rfm_title": ("RFM 分析 (基準日 {as_of})", "RFM analysis as of {as_of}"),
    "rfm_col_group": ("グループ", "group"),
    "list_title": ("顧客リスト ({shown:,} / {total:,} 人)", "customers ({shown:,} of {total:,})"),
    "rule_published_default": ("公開されている既定値 (seed 000)", "published default (seed 000)"),
    "rule_given": ("指定値", "given"),
    "rule_orders_worth": ("平均購入単価 ¥{aov:,.0f} × {multiple}、千円単位に丸め",
                          "{multiple} × average order value ¥{aov:,.0f}, rounded to ¥1,000"),
    "rule_gap_quantile": ("購入間隔 {gaps:,} 件の {percentile} パーセンタイル ({days} 日)、10 日単位に切り上げ",
                          "{percentile}th percentile of {gaps:,} gaps between consecutive purchases ({days} days), "
                          "rounded up to 10 days"),
    "rule_gap_multiple": ("購入間隔の中央値 ({median} 日) × {multiple}、10 日単位に丸め",
                          "{multiple} × median gap between purchases ({median} days), rounded to 10 days"),
    "rule_default_no_purchase": ("既定値 (まだ購入がありません)", "published default (no purchase yet)"),
    "rule_default_no_repeat": ("既定値 (まだリピート購入がありません)", "published default (no repeat purchase yet)"),
    "cpm_active": ("現役", "active"),
    "cpm_lapsed": ("離脱", "lapsed"),
    "list_customer": ("顧客ID", "customer"),
    "list_before": ("移動前", "before"),
    "list_purchases": ("回数", "orders"),
    "list_amount": ("累計額", "total"),
    "list_tenure": ("在籍日", "tenure"),
    "list_lapse": ("離脱日", "lapse"),
    "list_last": ("最終購入日", "last order"),
    # --- CPM / RFM ---
    "bad_threshold": ("しきい値 {name} = {value} は使えません (0 以上の数値にしてください)。",
                      "the threshold {name} = {value} is not usable (it must be a number ≥ 0)."),
    "bad_threshold_days": ("しきい値 {name} = {value} は使えません (日数は整数にしてください)。",
                           "the threshold {name} = {value} is not usable (days must be a whole number)."),
    "thresholds_out_of_order": ("在籍期間のしきい値は T1 ≤ T2 にしてください (T1 = {t1}、T2 = {t2})。",
                                "the tenure thresholds need T1 ≤ T2 (T1 = {t1}, T2 = {t2})."),
    "unknown_threshold": ("しきい値 {names} はありません。使えるもの: {choices}。",
                          "no threshold {names}; the thresholds are: {choices}."),
    "bad_thresholds_file": ("しきい値ファイル {path} を読めません: {detail}。", "cannot read the thresholds file {path}: {detail}."),
    "bad_thresholds_choice": ("--thresholds は default、auto、または TOML ファイルです ({value} はどれでもありません)。",
                              "--thresholds is default, auto or a TOML file ({value} is none of these)."),
    "unknown_segment": ("セグメント {name} はありません。使えるもの: {choices}。", "no segment {name}; choose one of: {choices}."),
    "range_reversed": ("期間の終わり {end} が始まり {start} より前です。", "the range ends ({end}) before it starts ({start})."),
    "bad_choice": ("{name} = {value} は使えません。使えるもの: {choices}。", "{name} = {value} is not allowed; choose one of: {choices}."),
    "no_orders": ("受注データがまだありません。先に teiki import で取り込んでください。",
                  "there are no orders yet; import some with teiki import first."),
}



def _merge(*parts: dict[str, tuple[str, str]]) -> None:
    """Add the other catalogues to CATALOGUE; a key defined twice would silently change a label, so it is an error."""
    for part in parts:
        clash = CATALOGUE.keys() & part.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {', '.join(sorted(clash))}")
        CATALOGUE.update(part)


# the dashboard's and reports' labels, the forecasts', and the actions' (teiki.messages_<area>)
_merge(PAGES, FORECAST, ACTION_PAGES, CALLS, RISK, OFFERS, CAMPAIGNS)


def default_lang() -> str:
    """The language from TEIKI_LANG, else Japanese."""
    lang = os.environ.get("TEIKI_LANG", "ja").lower()
    return lang if lang in LANGS else "ja"


def say(key: str, lang: str | None = None, **params: object) -> str:
    """The message ``key`` in ``lang`` (ja / en) with ``params`` filled in."""
    ja, en = CATALOGUE[key]
    template = en if (lang or default_lang()) == "en" else ja
    return template.format(**params)


def has(key: str) -> bool:
    """Whether the catalogue holds a message ``key`` (for labels looked up by a code, such as ``stage_<name>``)."""
    return key in CATALOGUE
