"""Labels of the offers actions (``teiki cross-sell``, ``upsell``, ``save-offers``, ``winback``); one area of :mod:`teiki.messages`."""

from __future__ import annotations

OFFERS: dict[str, tuple[str, str]] = {
    "help_cross_sell": (
        "クロスセル: 一緒に買われる商品 (支持度・確信度・リフト)、購入回数別の受諾率、顧客ごとのおすすめ商品。",
        "Cross-sell: products bought together (support, confidence, lift), acceptance by purchase number, and what "
        "to offer each customer.",
    ),
    "help_of_product": ("この商品と一緒に・次に買われる商品を表示します。", "Show what goes with this product."),
    "help_of_customer": (
        "この顧客に提案できる商品を順に表示します。",
        "Show what this customer may be offered, best first.",
    ),
    "help_of_window": (
        "同時購入とみなす日数 (既定 180)。",
        "Days within which two purchases count as bought together (default 180).",
    ),
    "help_of_min": ("ルールに必要な最少顧客数 (既定 20)。", "Fewest customers behind a rule (default 20)."),
    "help_of_limit": ("表に表示する行数 (ファイル出力は全件)。", "Rows shown in the table (files get every row)."),
    "help_of_personal": (
        "氏名・電話番号・メールアドレスを加えます (架電リスト用)。",
        "Add name, phone and email (for a call list).",
    ),
    "help_upsell": (
        "アップセル: まとめ買い (複数月前払い) プランを提案する定期顧客と、プラン別の受諾率。",
        "Upsell: subscribers to offer a multi-month prepay plan, and the acceptance per plan.",
    ),
    "help_of_min_delivery": (
        "この定期回数に達した定期を対象にします (既定 3)。",
        "Subscriptions past this delivery number (default 3).",
    ),
    "help_of_quiet": (
        "この日数以内にスキップ・お休み・周期変更・解約申請があれば除きます (既定 90)。",
        "Leave out subscriptions with a skip, pause, cycle change or cancel request in these days (default 90).",
    ),
    "help_save_offers": (
        "解約申請の理由別に、解約の代わりに提案するオファー (スキップ・周期変更など) と実績の阻止率。",
        "Offers to make instead of a cancellation, by reason (skip, longer cycle, …), with their measured save "
        "rates.",
    ),
    "help_of_reason": (
        "解約理由 (カテゴリ名またはお客様の言葉)。",
        "The cancellation reason (a category or the customer's words).",
    ),
    "help_winback": (
        "離脱セグメントの顧客を、復帰の期待値 (復帰確率 × 復帰時の価値) の順に並べます。",
        "Lapsed segments' customers ranked by the expected value of a return (P(return) × value).",
    ),
    "help_of_by": ("customer (顧客ごと) または segment (セグメントごと)。", "customer or segment."),
    "of_unknown_customer": (
        "顧客 {customer} は {as_of} までに購入がありません。",
        "customer {customer} has no purchase up to {as_of}.",
    ),
    "of_unknown_product": (
        "商品 {product} は {as_of} までに購入されていません。",
        "product {product} was not bought up to {as_of}.",
    ),
    "of_bad_choice": (
        "{option} に {value} は使えません。使える値: {choices}。",
        "{option} cannot be {value}; use one of {choices}.",
    ),
    "of_bad_number": (
        "定期回数は 1 以上、日数は 0 以上にしてください。",
        "the delivery number must be 1 or more and days 0 or more.",
    ),
    "of_rules_title": (
        "一緒に買われる商品 ({as_of} 時点、{window} 日以内、上位 {shown:,} 件 / {total:,} 件)",
        "Bought together (as of {as_of}, within {window} days, top {shown:,} of {total:,})",
    ),
    "of_antecedent": ("購入商品", "bought"),
    "of_consequent": ("提案商品", "offer"),
    "of_customers": ("顧客数", "customers"),
    "of_support": ("支持度", "support"),
    "of_confidence": ("確信度", "confidence"),
    "of_lift": ("リフト", "lift"),
    "of_next_title": (
        "初回購入の次に買われた商品 ({as_of} 時点)",
        "Next product after the first order (as of {as_of})",
    ),
    "of_first_product": ("初回の商品", "first order"),
    "of_next_product": ("次の商品", "next product"),
    "of_share": ("割合", "share"),
    "of_timing_title": (
        "購入回数別のクロスセル受諾率 (応対履歴、{as_of} 時点)",
        "Cross-sell acceptance by purchase number (contacts, as of {as_of})",
    ),
    "of_purchase_no": ("購入回数", "purchase no."),
    "of_offered": ("提案数", "offered"),
    "of_accepted": ("受諾数", "accepted"),
    "of_acceptance": ("受諾率", "acceptance"),
    "of_orders_title": (
        "購入回数別のクロスセル商品の購入 (受注、{as_of} 時点)",
        "Cross-sell products by purchase number (orders, as of {as_of})",
    ),
    "of_purchases": ("購入数", "purchases"),
    "of_with_xs": ("クロスセル商品あり", "with cross-sell"),
    "of_xs_rate": ("比率", "rate"),
    "of_first_xs_rate": ("初めてのクロスセル率", "first cross-sell rate"),
    "of_new_product_rate": ("新しい商品の購入率", "new product rate"),
    "of_timing_note": (
        "購入回数 = 応対時点までの購入数 + 1 (その提案が加わる購入)。不在は除いています。",
        "Purchase no. = purchases before the contact + 1 (the purchase the offer would join); no answer is left "
        "out.",
    ),
    "of_recs_title": (
        "おすすめ商品 ({shown:,} 人 / {total:,} 人)",
        "Recommendations ({shown:,} of {total:,} customers)",
    ),
    "of_customer": ("顧客", "customer"),
    "of_rule": ("ルール", "rule"),
    "of_rank": ("順位", "rank"),
    "of_product": ("商品", "product"),
    "of_last_date": ("最終購入日", "last purchase"),
    "of_product_title": (
        "{product} と一緒に・次に買われる商品 ({as_of} 時点)",
        "What goes with {product} (as of {as_of})",
    ),
    "of_next_share": ("次に購入した割合", "next-product share"),
    "of_customer_title": (
        "{customer} に提案できる商品 ({as_of} 時点)",
        "What {customer} may be offered (as of {as_of})",
    ),
    "of_nothing": (
        "提案できる商品はありません (条件を満たすルールがないか、すべて購入済みです)。",
        "Nothing to offer (no rule qualifies, or the customer holds every product).",
    ),
    "of_upsell_title": (
        "アップセル候補 ({shown:,} 件 / {total:,} 件、{as_of} 時点)",
        "Upsell candidates ({shown:,} of {total:,}, as of {as_of})",
    ),
    "of_subscription": ("定期ID", "subscription"),
    "of_plan": ("プラン", "plan"),
    "of_cycle": ("周期(日)", "cycle (days)"),
    "of_reached": ("定期回数", "deliveries"),
    "of_recurring": ("月額換算", "monthly revenue"),
    "of_rates_title": ("プラン別のアップセル受諾率 ({as_of} 時点)", "Upsell acceptance by plan (as of {as_of})"),
    "of_plan_changes": ("プラン変更", "plan changes"),
    "of_eligible": ("対象定期", "eligible"),
    "of_plan_change_rate": ("変更率", "change rate"),
    "of_inferred": ("受注からの推定アップセル率", "upsell rate inferred from orders"),
    "of_all_plans": ("(全体)", "(all)"),
    "of_save_title": (
        "解約理由別の提案オファー ({as_of} 時点、解約申請 {requests:,} 件)",
        "Save offers by reason (as of {as_of}, {requests:,} cancel requests)",
    ),
    "of_reason": ("解約理由", "reason"),
    "of_offer": ("オファー", "offer"),
    "of_save_rate": ("阻止率", "save rate"),
    "of_saves": ("阻止数", "saves"),
    "of_downsell_rate": ("ダウンセル受諾率", "downsell acceptance"),
    "of_reason_save_rate": ("この理由の阻止率", "reason's save rate"),
    "of_save_note": (
        "阻止率 = そのオファーで阻止した解約申請 ÷ すべての解約申請 (合計が解約阻止率)。オファーは応対後 7 "
        "日以内の定期の変更 (スキップ・お休み・周期変更・プラン変更・商品変更) から判定し、"
        "変更がなければ「説得のみ」です。",
        "Save rate = cancel requests saved with that offer ÷ all cancel requests (they add up to the save rate). "
        "The offer is read from the subscription change within 7 days of the contact (skip, pause, cycle, plan or "
        "product change); none is \"persuaded\".",
    ),
    "offer_skip": ("スキップ (1回お休み)", "skip a delivery"),
    "offer_pause": ("一時休止", "pause"),
    "offer_cycle_change": ("お届け周期の延長", "longer cycle"),
    "offer_plan_change": ("プラン変更", "plan change"),
    "offer_product_change": ("別の商品 (低価格品など) へ変更", "another product (e.g. lower-priced)"),
    "offer_persuaded": ("説得のみ (変更なし)", "persuaded (no change)"),
    "of_winback_title": (
        "離脱セグメント別の復帰の期待値 ({as_of} 時点、今後 {days} 日)",
        "Expected value of a return by lapsed segment (as of {as_of}, next {days} days)",
    ),
    "of_segment": ("セグメント", "segment"),
    "of_cancelled_subs": ("定期解約者", "cancelled subscribers"),
    "of_one_off": ("単品購入者", "one-off buyers"),
    "of_expected_returns": ("復帰見込み数", "expected returns"),
    "of_expected_value": ("期待値", "expected value"),
    "of_value_per_customer": ("1人あたり", "per customer"),
    "of_wb_list_title": (
        "復帰の期待値が高い顧客 ({shown:,} 人 / {total:,} 人)",
        "Customers by expected value ({shown:,} of {total:,})",
    ),
    "of_kind": ("区分", "kind"),
    "of_p_return": ("復帰確率", "P(return)"),
    "of_value": ("復帰時の価値", "value if back"),
    "of_lapse": ("離脱日数", "lapse days"),
    "kind_cancelled_subscriber": ("定期解約者", "cancelled subscriber"),
    "kind_one_off": ("単品購入者", "one-off buyer"),
    "of_wb_note_contacts": (
        "定期解約者の復帰確率は呼び戻し応対の実績 {rate} ({customers:,} 人)、"
        "復帰時の価値は定期継続率から見込むお届け回数 × 最後のお届け金額。単品購入者は BG/NBD と Gamma-Gamma "
        "の予測です。",
        "Cancelled subscribers: P(return) is the measured win-back rate {rate} ({customers:,} customers), the "
        "value the expected deliveries of a restart × their last delivery amount. One-off buyers: the BG/NBD and "
        "Gamma-Gamma forecast.",
    ),
    "of_wb_note_restarts": (
        "呼び戻し応対の記録がないため、定期解約者の復帰確率は再開の実績 {rate} ({customers:,} 人) です。"
        "単品購入者は BG/NBD と Gamma-Gamma の予測です。",
        "No win-back contacts: cancelled subscribers' P(return) is the observed restart rate {rate} ({customers:,} "
        "customers). One-off buyers: the BG/NBD and Gamma-Gamma forecast.",
    ),
    "of_more_rows": (
        "ほか {count:,} 行はファイル出力 (--format csv|xlsx|json --out) で取得できます。",
        "{count:,} more rows: write them with --format csv|xlsx|json --out.",
    ),
}
