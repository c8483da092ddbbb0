"""Fit BG/NBD + Gamma-Gamma with lifetimes or pymc-marketing and time it.

Runs inside the optional comparison venv made by benchmarks/compare_env.sh
(it never imports teiki):

    benchmarks/data/venv-compare/bin/python benchmarks/compare_clv.py INPUT.parquet --library lifetimes|pymc --runs 3

INPUT.parquet has one row per customer: frequency (repeat purchases), recency
and T (weeks), monetary (mean repeat spend, 0 when frequency == 0); see
benchmarks/make_clv_input.py. BG/NBD is fitted on all customers, Gamma-Gamma on
those with frequency > 0. Each model's fit is timed by wall clock (import and
data loading excluded), ``--runs`` times, and the medians are reported as one
JSON line, with each run's total and the estimated parameters (Gamma-Gamma's scale "v" is reported
as "gamma"), from the last run.

* lifetimes: ``BetaGeoFitter(penalizer_coef=0.0)`` and
  ``GammaGammaFitter(penalizer_coef=0.0)``: plain maximum likelihood.
* pymc: ``pymc_marketing.clv.BetaGeoModel`` / ``GammaGammaModel`` with
  ``fit(method="map")`` (pymc.find_MAP, L-BFGS-B). The timed fit includes
  building and compiling the PyMC model, as a user pays it; pytensor's C cache
  (~/.pytensor) is warm after the first run. By default every parameter gets a
  flat prior (HalfFlat), so MAP is the maximum likelihood estimate, the same fit
  as lifetimes; ``--default-priors`` keeps pymc-marketing's own priors instead
  (for BG/NBD a, b then come from phi_dropout/kappa_dropout).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from importlib.metadata import version

import pandas as pd


def fit_lifetimes(df: pd.DataFrame, repeat: pd.DataFrame, _default_priors: bool):
    """Fit both models with lifetimes; returns (bgnbd_seconds, gg_seconds, params)."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    start = time.perf_counter()
    bg = BetaGeoFitter(penalizer_coef=0.0).fit(df["frequency"], df["recency"], df["T"])
    mid = time.perf_counter()
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary"])
    end = time.perf_counter()
    params = {**bg.params_.to_dict(), **gg.params_.to_dict()}
    return mid - start, end - mid, params


def fit_pymc(df: pd.DataFrame, repeat: pd.DataFrame, default_priors: bool):
    """Fit both models with pymc-marketing MAP; returns (bgnbd_seconds, gg_seconds, params)."""
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    flat = Prior("HalfFlat")
    bg_config = None if default_priors else {k: flat for k in ("r", "alpha", "a", "b")}
    gg_config = None if default_priors else {k: flat for k in ("p", "q", "v")}
    bg_data = df[["customer_id", "frequency", "recency", "T"]]
    gg_data = repeat[["customer_id", "frequency", "monetary"]].rename(columns={"monetary": "monetary_value"})

    start = time.perf_counter()
    bg = BetaGeoModel(model_config=bg_config)
    bg.fit(bg_data, method="map", progressbar=False)
    mid = time.perf_counter()
    gg = GammaGammaModel(model_config=gg_config)
    gg.fit(gg_data, method="map", progressbar=False)
    end = time.perf_counter()
    post = {**{k: bg.idata.posterior[k] for k in ("r", "alpha", "a", "b")},
            **{k: gg.idata.posterior[k] for k in ("p", "q", "v")}}
    params = {k: float(v.values.squeeze()) for k, v in post.items()}
    return mid - start, end - mid, params


FITTERS = {"lifetimes": (fit_lifetimes, "lifetimes"), "pymc": (fit_pymc, "pymc-marketing")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="parquet with frequency, recency, T, monetary")
    parser.add_argument("--library", choices=sorted(FITTERS), required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--default-priors", action="store_true",
                        help="pymc only: keep pymc-marketing's default priors instead of flat ones")
    args = parser.parse_args()

    df = pd.read_parquet(args.input, columns=["frequency", "recency", "T", "monetary"])
    df["customer_id"] = range(len(df))
    repeat = df[df["frequency"] > 0].reset_index(drop=True)
    fit, dist = FITTERS[args.library]

    bg_times, gg_times = [], []
    for _ in range(args.runs):
        bg_s, gg_s, params = fit(df, repeat, args.default_priors)
        bg_times.append(bg_s)
        gg_times.append(gg_s)
    if "v" in params:
        params["gamma"] = params.pop("v")

    bg_med, gg_med = statistics.median(bg_times), statistics.median(gg_times)
    print(json.dumps({
        "library": args.library,
        "version": version(dist),
        "customers": len(df),
        "bgnbd_seconds": round(bg_med, 4),
        "gammagamma_seconds": round(gg_med, 4),
        "total_seconds": round(bg_med + gg_med, 4),
        "runs_seconds": [round(b + g, 4) for b, g in zip(bg_times, gg_times)],
        "params": {k: round(params[k], 6) for k in ("r", "alpha", "a", "b", "p", "q", "gamma")},
    }))


if __name__ == "__main__":
    main()
