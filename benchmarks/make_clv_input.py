"""Synthetic CLV input for benchmarks/compare_clv.py (numpy + pyarrow only).

    .venv/bin/python benchmarks/make_clv_input.py benchmarks/data/clv_100k.parquet --customers 100000 --seed 1

Writes one row per customer: frequency (int64, repeat purchases), recency and
T (float64, weeks), monetary (float64, mean repeat spend; 0 when frequency == 0),
simulated from the true models, so fitted parameters should land near them:

* BG/NBD (r=0.243, alpha=4.414, a=0.793, b=2.426): lambda ~ Gamma(r, rate alpha),
  p ~ Beta(a, b), T ~ Uniform[1, 78]. Purchases are a Poisson(lambda) process
  after the first purchase at time 0; after each repeat purchase the customer
  drops out with probability p, so the repeat purchases before dropout are
  D ~ Geometric(p) and frequency = min(N, D) with N ~ Poisson(lambda * T).
  Given N arrivals, the x-th arrival time is T * Beta(x, N - x + 1).
* Gamma-Gamma (p=6.25, q=3.74, gamma=15.44): nu ~ Gamma(q, rate gamma), each
  spend ~ Gamma(p, rate nu), so the mean of x spends ~ Gamma(p * x, rate nu * x).
"""

from __future__ import annotations

import argparse

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GAMMAGAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def simulate(customers: int, seed: int) -> pa.Table:
    """Simulate ``customers`` rows from the true BG/NBD and Gamma-Gamma models."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(1.0, 78.0, customers)
    lam = rng.gamma(BGNBD["r"], 1.0 / BGNBD["alpha"], customers)
    p = rng.beta(BGNBD["a"], BGNBD["b"], customers)
    arrivals = rng.poisson(lam * T)
    dropout_after = rng.geometric(p)  # repeat purchase after which the customer drops out
    frequency = np.minimum(arrivals, dropout_after).astype(np.int64)

    buyers = frequency > 0
    x = frequency[buyers]
    recency = np.zeros(customers)
    recency[buyers] = T[buyers] * rng.beta(x, arrivals[buyers] - x + 1)

    nu = rng.gamma(GAMMAGAMMA["q"], 1.0 / GAMMAGAMMA["gamma"], int(buyers.sum()))
    monetary = np.zeros(customers)
    monetary[buyers] = rng.gamma(GAMMAGAMMA["p"] * x, 1.0 / (nu * x))

    return pa.table({"frequency": frequency, "recency": recency, "T": T, "monetary": monetary})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="parquet file to write")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = simulate(args.customers, args.seed)
    pq.write_table(table, args.output)
    freq = table["frequency"].to_numpy()
    print(f"wrote {args.output}: {table.num_rows} customers, "
          f"{(freq > 0).mean():.1%} with repeat purchases, mean frequency {freq.mean():.3f}")


if __name__ == "__main__":
    main()
