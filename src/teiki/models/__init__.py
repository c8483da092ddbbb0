"""The forecast models of SPEC §5, each in its own module, fitted by maximum likelihood (numpy / scipy).

- :class:`ShiftedBetaGeometric` (sBG) and :class:`BetaDiscreteWeibull` (BdW): subscription retention.
- :class:`BetaGeoNBD` (BG/NBD) and :class:`ParetoNBD`: repeat purchases of non-contractual buyers.
- :class:`GammaGamma`: their spend per purchase.

Each takes its settings in ``__init__``; ``fit(...)`` returns the model with ``params_`` keyed by the
paper's symbols, ``log_likelihood_`` and a ``summary`` DataFrame; ``from_params(...)`` builds one from
published parameters.
"""

from teiki.models.bdw import BetaDiscreteWeibull
from teiki.models.bgnbd import BetaGeoNBD
from teiki.models.gammagamma import GammaGamma
from teiki.models.paretonbd import ParetoNBD
from teiki.models.sbg import ShiftedBetaGeometric

__all__ = ["BetaDiscreteWeibull", "BetaGeoNBD", "GammaGamma", "ParetoNBD", "ShiftedBetaGeometric"]
