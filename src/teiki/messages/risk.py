"""Labels of the risk actions; one area of :mod:`teiki.messages`."""

from __future__ import annotations

RISK: dict[str, tuple[str, str]] = {
    # --- reasons (teiki.actions.risk_reasons): one per rule of teiki.actions.risk_rule
    "risk_reason_cancel_request": ("直近90日に解約の申し出{requests}回",
                                   "{requests} cancel request(s) in the last 90 days"),
    "risk_reason_skips": ("直近90日にスキップ{skips}回", "skipped {skips} time(s) in the last 90 days"),
    "risk_reason_cycle_change": ("直近90日にお届け周期を変更（現在{cycle}日）",
                                 "changed the delivery cycle in the last 90 days (now {cycle} days)"),
    "risk_reason_overdue": ("お届けが{overdue}回分途絶え（前回から{days}日）",
                            "{overdue} expected deliveries missing ({days} days since the last)"),
    "risk_reason_pause": ("直近90日にお休み（一時停止）", "paused in the last 90 days"),
    "risk_reason_inquiry": ("直近90日に問い合わせ・相談{inquiries}回", "{inquiries} inquiries in the last 90 days"),
    "risk_reason_early": ("定期{delivery}回目（解約の多い初期）", "delivery {delivery} (early deliveries churn most)"),
    # --- why this score is used (RiskModel.reason)
    "risk_why_model_better": ("学習モデルを使用: 検証期間のAUCがルールを上回りました。",
                              "using the learned model: its out-of-time AUC beats the rule's."),
    "risk_why_rule_better": ("ルールスコアを使用: 検証期間のAUCが学習モデルを上回りました。",
                             "using the rule score: its out-of-time AUC beats the model's."),
    "risk_why_too_few_cancellations": (
        "ルールスコアを使用: 学習期間の解約が {cancelled} 件で、学習に必要な {minimum} 件に足りません。",
        "using the rule score: the training windows hold {cancelled} cancellations, fewer than the {minimum} "
        "the model needs."),
    "risk_why_no_history": ("ルールスコアを使用: 学習と検証に使える履歴がまだありません"
                            "（{horizon}日 × 2 以上が必要）。",
                            "using the rule score: not enough history to train and evaluate (needs over twice "
                            "{horizon} days)."),
    "risk_why_no_evaluation": ("ルールスコアを使用: 検証時点で解約あり・なしの両方がそろわず、AUCを計算できません。",
                               "using the rule score: the evaluation snapshot lacks cancelled or retained "
                               "subscriptions, so no AUC."),
    # --- teiki risk
    "help_risk": ("定期会員の解約リスク（解約の兆候）: スコア・順位・主な理由と、学習モデルとルールの検証AUC。",
                  "Churn risk of active subscribers (signs of cancellation): score, rank, main reasons, and the "
                  "out-of-time AUC of the model and of the rule."),
    "help_risk_top": ("表示・出力する上位件数（既定: 表は20件、ファイルは全件）。",
                      "how many of the riskiest to show or write (default: 20 in the table, all in files)."),
    "help_risk_personal": ("氏名・電話番号・メールを含める（架電リスト用）。",
                           "include name, phone and email (for a call list)."),
    "help_risk_horizon": ("何日以内の解約を予測するか（既定60日）。", "predict cancellation within this many days "
                          "(default 60)."),
    "risk_title": ("解約リスク（{as_of} 時点・{horizon}日以内の解約）",
                   "Churn risk (as of {as_of}, cancellation within {horizon} days)"),
    "risk_auc_model": ("学習モデル（勾配ブースティング）のAUC", "AUC of the learned model (gradient boosting)"),
    "risk_auc_rule": ("ルールスコア（兆候の点数）のAUC", "AUC of the rule score (points per sign)"),
    "risk_evaluated_on": ("検証: {date} 時点の {rows} 件（うち {positives} 件が{horizon}日以内に解約）を、"
                          "それ以前のデータだけで予測",
                          "evaluated out-of-time on {rows} subscriptions active on {date} ({positives} cancelled "
                          "within {horizon} days), predicted from earlier data only"),
    "risk_trained_on": ("学習: {snapshots} 時点・{rows} 行（解約 {cancelled} 件）", "trained on {snapshots} "
                        "snapshots, {rows} rows ({cancelled} cancelled subscriptions)"),
    "risk_brier": ("ブライアスコア {brier}（小さいほど確率が正確）",
                   "Brier score {brier} (lower = better probabilities)"),
    "risk_calibration": ("予測と実績（予測確率の10分位）", "Predicted vs observed (deciles of the prediction)"),
    "risk_cal_bin": ("分位", "bin"),
    "risk_cal_rows": ("件数", "rows"),
    "risk_cal_predicted": ("予測解約率", "predicted"),
    "risk_cal_observed": ("実績解約率", "observed"),
    "risk_col_rank": ("順位", "rank"),
    "risk_col_subscription": ("定期ID", "subscription"),
    "risk_col_customer": ("顧客番号", "customer"),
    "risk_col_product": ("商品", "product"),
    "risk_col_score_model": ("解約確率", "P(cancel)"),
    "risk_col_score_rule": ("スコア", "score"),
    "risk_col_points": ("点数", "points"),
    "risk_col_delivery": ("定期回数", "delivery"),
    "risk_col_reasons": ("主な理由", "main reasons"),
    "risk_col_name": ("氏名", "name"),
    "risk_col_phone": ("電話番号", "phone"),
    "risk_shown": ("リスクの高い順に {shown} / {total} 件を表示。", "showing {shown} of {total}, riskiest first."),
    "risk_bad_top": ("top は1以上で指定してください（{top} が指定されました）。", "top must be 1 or more (got {top})."),
    "risk_none_active": ("{as_of} 時点で継続中の定期はありません。", "no active subscriptions on {as_of}."),
    "risk_note": ("スコアはモデル使用時は{horizon}日以内の解約確率、ルール使用時は点数÷135です。"
                  "理由は兆候のうちスコアを押し上げているものです。",
                  "The score is P(cancel within {horizon} days) under the model, points ÷ 135 under the rule. "
                  "Reasons are the signs that raise the score most."),
}
