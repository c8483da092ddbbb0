"""Labels of the campaigns actions; one area of :mod:`teiki.messages`."""

from __future__ import annotations

CAMPAIGNS: dict[str, tuple[str, str]] = {
    # --- help ---
    "help_econ_simulate": (
        "施策のシミュレーション (解約電話の費用対効果など)。",
        "Simulations of actions (e.g. the economics of cancellation calls).",
    ),
    "help_econ_calls": (
        "解約電話の費用対効果: 解約阻止率ごとの阻止件数、見込売上、費用、実質 (seed 003)。",
        "Economics of cancellation calls: saves, expected sales, cost and net per save rate (seed 003).",
    ),
    "help_econ_requests": ("月あたりの解約電話の件数。", "Cancellation calls per month."),
    "help_econ_cost": ("電話 1 件あたりの費用 (円)。", "Cost per call (yen)."),
    "help_econ_price": (
        "商品単価 (円)。--from-data では省略すると 2 回目以降のお届けの平均金額。",
        "Unit price (yen). With --from-data it defaults to the mean amount of regular deliveries.",
    ),
    "help_econ_rate": (
        "解約阻止率 (0〜1)。複数指定できます: --save-rate 0.05 0.15",
        "Save rate (0–1); give several: --save-rate 0.05 0.15",
    ),
    "help_econ_from_data": (
        "阻止 1 件を 1 回のお届けではなく、データから見込む残りのお届け回数 × 単価 × 粗利率で評価します。",
        "Value a save by the expected further deliveries from the shop's data × unit price × gross margin, not by "
        "one delivery.",
    ),
    "help_camp": (
        "キャンペーン (ホールドアウト付きのフォロー施策) の作成と効果測定。",
        "Campaigns: follow-ups with a random holdout, and their measured effect.",
    ),
    "help_camp_create": (
        "キャンペーンを作成します (対象者を施策群とホールドアウト群に無作為に分けて保存)。",
        "Create a campaign: draw a random holdout from its members and store both groups.",
    ),
    "help_camp_name": ("キャンペーン名。", "Campaign name."),
    "help_camp_segment": (
        "対象の CPM セグメント (例: first、初回客)。",
        "The CPM segment to target (e.g. first, 初回客).",
    ),
    "help_camp_as_of": (
        "開始日 (セグメントを判定する日、既定は最終受注日)。",
        "Start date (the day the segment is taken; default: the last order date).",
    ),
    "help_camp_list": (
        "対象者のリスト (customer_id 列のある CSV / Excel)。",
        "A list of members (CSV / Excel with a customer_id column).",
    ),
    "help_camp_holdout": ("ホールドアウト (施策をしない比較群) の割合 (0〜1)。", "Share of members held out (0–1)."),
    "help_camp_seed": (
        "抽選のシード (省略すると無作為に決めて記録します)。",
        "Seed of the draw (default: a random one, recorded).",
    ),
    "help_camp_why": ("なぜ (どの理由で)。", "Why (the reason)."),
    "help_camp_when": ("いつ (どのタイミングで)。", "When (the timing)."),
    "help_camp_what": ("なにを (商品・オファー)。", "What (product, offer)."),
    "help_camp_how": ("どうすすめる (コミュニケーション + オファー)。", "How (communication and offer)."),
    "help_camp_list_cmd": ("保存されたキャンペーンの一覧。", "List the stored campaigns."),
    "help_camp_export": (
        "施策群の連絡先リスト (氏名・電話番号) を CSV / Excel に書き出します。",
        "Write the treatment group's contact list (name, phone) to CSV / Excel.",
    ),
    "help_camp_export_out": ("書き出すファイル (.csv / .xlsx)。", "File to write (.csv / .xlsx)."),
    "help_camp_group": ("書き出す群: treatment、holdout、all。", "Group to write: treatment, holdout or all."),
    "help_camp_report": (
        "キャンペーンの効果: 施策群とホールドアウト群の比較 (95% 信頼区間付き)。",
        "A campaign's effect: treatment against holdout, with 95% intervals.",
    ),
    "help_camp_report_as_of": (
        "測定日 (既定は最終受注日)。",
        "Measure as of this date (default: the last order date).",
    ),
    "help_camp_delete": ("キャンペーンを削除します。", "Delete a campaign."),
    # --- call economics ---
    "econ_title": (
        "解約電話の費用対効果 (月 {requests} 件、1 件 {cost}、商品単価 {price})",
        "Economics of cancellation calls ({requests} calls a month at {cost}, unit price {price})",
    ),
    "econ_rate": ("解約阻止率", "save rate"),
    "econ_calls": ("電話件数", "calls"),
    "econ_saves": ("解約阻止", "saves"),
    "econ_value": ("阻止 1 件の価値", "value per save"),
    "econ_sales": ("見込売上", "expected sales"),
    "econ_sales_gp": ("見込粗利", "expected gross profit"),
    "econ_cost": ("コールセンター費用", "call-center cost"),
    "econ_net": ("実質", "net"),
    "econ_gap_month": ("差額 (月)", "gap / month"),
    "econ_gap_year": ("差額 (年)", "gap / year"),
    "econ_gap": (
        "解約阻止率 {low} と {high} の差: 月 {month}、年 {year}",
        "Gap between save rates {low} and {high}: {month} a month, {year} a year",
    ),
    "econ_one_delivery": (
        "阻止 1 件 = 1 回のお届け (単価 {price}) として計算しています。--from-data でデータから評価できます。",
        "A save is valued at one delivery ({price}); --from-data values it from the shop's data.",
    ),
    "econ_assumptions": ("前提 (データから、{as_of} 時点):", "Assumptions (from the data, as of {as_of}):"),
    "econ_a_delivery": (
        "解約申込の典型的なお届け回数 n*: {n} 回目 ({source} {count} 件の中央値)",
        "typical delivery at a cancel request n*: {n} (median of {count} {source})",
    ),
    "econ_src_contacts": ("応対履歴の解約申込", "cancel_request contacts"),
    "econ_src_events": ("定期イベントの解約申込", "cancel_request events"),
    "econ_src_cancellations": ("解約済みの定期", "cancelled subscriptions"),
    "econ_a_curve": ("継続率 r(n*): {r} (モデル {model})", "retention r(n*): {r} (model {model})"),
    "econ_a_further": (
        "阻止後 12 か月 ({k} 回) の見込お届け回数: {further} 回 (お届け周期 {cycle} 日)",
        "expected further deliveries in the 12 months after a save ({k} deliveries): {further} (cycle {cycle} days)",
    ),
    "econ_a_price": ("商品単価: {price} ({source})", "unit price: {price} ({source})"),
    "econ_price_given": ("指定", "given"),
    "econ_price_regular_deliveries": ("2 回目以降のお届けの平均", "mean of regular deliveries"),
    "econ_a_margin": ("粗利率: {margin} ({source})", "gross margin: {margin} ({source})"),
    "econ_margin_subscription_orders": ("定期の受注", "subscription orders"),
    "econ_margin_all_orders": ("全受注", "all orders"),
    "econ_margin_none": ("商品に粗利率がないため売上で評価", "no product has a gross margin: valued as revenue"),
    "econ_a_value": (
        "阻止 1 件の価値: {further} × {price} × {margin} = {value}",
        "value per save: {further} × {price} × {margin} = {value}",
    ),
    "econ_a_observed": (
        "参考: 直近 12 か月の解約申込は月平均 {requests} 件、解約阻止率 {rate}",
        "for reference: the last 12 months had {requests} cancel requests a month, save rate {rate}",
    ),
    "econ_bad_number": (
        "{name} = {value} は使えません (0 以上の数値にしてください)。",
        "{name} = {value} is not usable (it must be a number ≥ 0).",
    ),
    "econ_bad_rate": (
        "解約阻止率 {value} は使えません (0〜1 の割合にしてください。例: 15% は 0.15)。",
        "the save rate {value} is not usable (give a share from 0 to 1, e.g. 0.15 for 15%).",
    ),
    "econ_no_rates": (
        "解約阻止率を 1 つ以上指定してください (--save-rate)。",
        "give at least one save rate (--save-rate).",
    ),
    "econ_no_price": ("商品単価を指定してください (--unit-price)。", "give the unit price (--unit-price)."),
    "econ_bad_extra": ("{value} は解約阻止率として読めません。", "{value} cannot be read as a save rate."),
    "econ_no_subscriptions": (
        "定期のデータがないため、データから阻止の価値を見込めません。",
        "there are no subscriptions, so a save cannot be valued from the data.",
    ),
    # --- campaigns ---
    "camp_created": (
        "キャンペーン「{name}」を作成しました: 対象 {members} 人 (施策群 {treatment} 人、ホールドアウト {holdout} "
        "人)、開始日 {start}、シード {seed}。",
        "Created campaign \"{name}\": {members} members ({treatment} treatment, {holdout} holdout), start {start}, "
        "seed {seed}.",
    ),
    "camp_deleted": ("キャンペーン「{name}」を削除しました。", "Deleted campaign \"{name}\"."),
    "camp_exported": (
        "{count} 人の連絡先リストを {path} に書き出しました。",
        "Wrote the contact list of {count} to {path}.",
    ),
    "camp_none": (
        "キャンペーンはまだありません (teiki campaign create で作成)。",
        "no campaigns yet (create one with teiki campaign create).",
    ),
    "camp_list_title": ("キャンペーン", "Campaigns"),
    "camp_col_name": ("名前", "name"),
    "camp_col_start": ("開始日", "start"),
    "camp_col_who": ("だれに", "who"),
    "camp_col_members": ("対象", "members"),
    "camp_col_treatment": ("施策群", "treatment"),
    "camp_col_holdout": ("ホールドアウト", "holdout"),
    "camp_col_seed": ("シード", "seed"),
    "camp_col_what": ("なにを", "what"),
    "camp_report_title": (
        "キャンペーン「{name}」の効果: {start} → {as_of} ({days} 日)",
        "Campaign \"{name}\": effect from {start} to {as_of} ({days} days)",
    ),
    "camp_col_metric": ("指標", "metric"),
    "camp_col_diff": ("差", "difference"),
    "camp_col_interval": ("95% 信頼区間", "95% interval"),
    "camp_metric_f2": ("F2転換率 (開始時 1 回購入 → 2 回目購入)", "F2 conversion (one purchase at start → second)"),
    "camp_metric_retention": (
        "定期継続率 (開始時に定期継続中 → 継続)",
        "retention (subscribed at start → still subscribed)",
    ),
    "camp_metric_moved_up": (
        "CPM 引上げ (初購入・引上げ・復帰)",
        "moved up the CPM map (first purchase, up, came back)",
    ),
    "camp_metric_moved_down": ("CPM 離脱 (現役 → 離脱)", "moved down the CPM map (active → lapsed)"),
    "camp_report_note": (
        "率 = 該当数 / 対象数。差 = 施策群 − ホールドアウト群 (ポイント)。信頼区間は Newcombe 法 (Wilson "
        "スコア区間の組合せ)。",
        "rate = hits / base. difference = treatment − holdout (points); interval by Newcombe's method (combined "
        "Wilson score intervals).",
    ),
    "camp_contacts_title": ("開始後の応対履歴", "Contacts logged since the start"),
    "camp_col_group": ("群", "group"),
    "camp_col_purpose": ("目的", "purpose"),
    "camp_col_outcome": ("結果", "outcome"),
    "camp_col_contacts": ("応対数", "contacts"),
    "camp_col_customers": ("人数", "customers"),
    "camp_no_contacts": (
        "開始後の応対履歴はありません (teiki import で応対履歴を取り込めます)。",
        "no contacts logged since the start (import a contacts file with teiki import).",
    ),
    "camp_group_treatment": ("施策群", "treatment"),
    "camp_group_holdout": ("ホールドアウト", "holdout"),
    "camp_export_suffix": (
        "--out は .csv か .xlsx のファイルにしてください ({path})。",
        "--out must be a .csv or .xlsx file ({path}).",
    ),
    "camp_bad_name": (
        "キャンペーン名「{value}」は使えません (1〜{limit} 文字)。",
        "the campaign name \"{value}\" is not usable (1 to {limit} characters).",
    ),
    "camp_exists": (
        "キャンペーン「{name}」はすでにあります。別の名前にするか、teiki campaign delete で削除してください。",
        "a campaign \"{name}\" already exists; choose another name or delete it with teiki campaign delete.",
    ),
    "camp_unknown": (
        "キャンペーン「{name}」はありません。あるもの: {choices}。",
        "no campaign \"{name}\"; the campaigns are: {choices}.",
    ),
    "camp_needs_source": (
        "対象を --segment か --list のどちらか一方で指定してください。",
        "give the members with either --segment or --list (one of them).",
    ),
    "camp_needs_store": (
        "キャンペーンは teiki のデータベースに保存します (Spark の表だけでは扱えません)。",
        "campaigns are stored in a teiki database file (not on tables of another engine).",
    ),
    "camp_read_only": (
        "データベース {path} が読み取り専用で開かれているため、キャンペーンを保存できません。",
        "the database {path} is open read-only, so the campaign cannot be stored.",
    ),
    "camp_bad_holdout": (
        "ホールドアウトの割合 {value} は使えません (0 より大きく 1 より小さい値にしてください。例: 0.1)。",
        "the holdout share {value} is not usable (it must be between 0 and 1, e.g. 0.1).",
    ),
    "camp_bad_seed": (
        "シード {value} は使えません (0 以上の整数にしてください)。",
        "the seed {value} is not usable (it must be a whole number ≥ 0).",
    ),
    "camp_too_few": (
        "対象が {count} 人です。施策群とホールドアウト群に分けるには 2 人以上必要です。"
        "キャンペーンは作成していません。",
        "the campaign has {count} member(s); at least 2 are needed to hold some out. No campaign was created.",
    ),
    "camp_report_before_start": (
        "測定日 {as_of} がキャンペーン「{name}」の開始日 {start} より前です。",
        "the date {as_of} is before the start of campaign \"{name}\" ({start}).",
    ),
    "camp_list_unreadable": (
        "{file}: {detail} キャンペーンは作成していません。",
        "{file}: {detail} No campaign was created.",
    ),
    "camp_list_no_column": (
        "{file}: 顧客番号の列がありません (列名: {choices} のいずれか)。見つかった列: {headers}。"
        "キャンペーンは作成していません。",
        "{file}: no customer id column (headed one of: {choices}). Columns found: {headers}. No campaign was created.",
    ),
    "camp_list_blank": (
        "{file}: {column} が空の行が {count} 行あります ({rows}行目)。キャンペーンは作成していません。",
        "{file}: {column} is empty in {count} row(s) (rows {rows}). No campaign was created.",
    ),
    "camp_list_empty": (
        "{file}: 対象者が 1 人もいません。キャンペーンは作成していません。",
        "{file}: the list has no members. No campaign was created.",
    ),
    "camp_list_unknown": (
        "{file}: {column} に顧客データにない顧客番号の行が {count} 行あります ({examples})。"
        "キャンペーンは作成していません。",
        "{file}: {column} holds ids that are not the shop's customers in {count} row(s) ({examples}). No campaign "
        "was created.",
    ),
}
