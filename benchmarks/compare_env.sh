#!/usr/bin/env bash
# Optional venv for benchmarks/compare_clv.py: lifetimes and pymc-marketing,
# kept apart from teiki's own .venv (nothing here imports teiki).
#
#     bash benchmarks/compare_env.sh        # creates benchmarks/data/venv-compare (gitignored)
#     benchmarks/data/venv-compare/bin/python benchmarks/compare_clv.py IN.parquet --library lifetimes
#
# Idempotent: if the venv exists, has the pinned versions and pytensor can
# compile, it does nothing. PYTHON (default python3, 3.11 here) and
# COMPARE_VENV (default benchmarks/data/venv-compare) can be overridden.
#
# Pins (checked on Python 3.11.7, gcc/g++ 12.2, Debian 12):
# * lifetimes 0.11.3 (what the issue asks for; last release, 2020). Its
#   BetaGeoFitter/GammaGammaFitter fits (and their predictions) run unchanged
#   on current numpy 2.4, scipy 1.17, pandas 3.1 and autograd 1.9; the only
#   sign of age is a hidden Pandas4Warning at import (it sets the no-op
#   'mode.chained_assignment' option). No pandas<2 or scipy<1.14 pin is
#   needed, so lifetimes and pymc-marketing share ONE venv.
# * pymc-marketing 0.19.2 with what it resolves to: pymc 5.28.5, pytensor
#   2.38.3, pymc-extras 0.10.0 (its Prior class). pytensor compiles its C ops
#   with the system g++ into ~/.pytensor (the first fit of a session is slow).
#   It warns that it found no BLAS: harmless here, the CLV likelihoods are
#   elementwise (no matrix products).
# * The rest are pinned to the versions tested together, so a later release of
#   any of them cannot silently change the comparison.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${COMPARE_VENV:-$HERE/data/venv-compare}"
PYTHON="${PYTHON:-python3}"

PINS=(
  "lifetimes==0.11.3"
  "pymc-marketing==0.19.2"
  "pymc==5.28.5"
  "pytensor==2.38.3"
  "pymc-extras==0.10.0"
  "numpy==2.4.6"
  "scipy==1.17.1"
  "pandas==3.1.1"
  "autograd==1.9.1"
  "pyarrow==26.0.1"
)

# True when the venv has exactly the pinned versions and pytensor compiles a C op.
venv_ok() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - "${PINS[@]}" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, (name, version(name), want)
import lifetimes, pymc_marketing.clv, pyarrow  # noqa: F401
import pytensor, pytensor.tensor as pt
x = pt.dvector("x")
assert pytensor.function([x], pt.gammaln(x).sum(), mode="FAST_RUN")([1.0, 2.0]) == 0.0
EOF
}

if venv_ok; then
  echo "compare venv ready: $VENV"
  exit 0
fi

mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "${PINS[@]}"

if ! venv_ok; then
  echo "compare venv at $VENV does not work (imports or pytensor C compilation failed)" >&2
  exit 1
fi
echo "compare venv ready: $VENV"
