"""Statistics shared by routing and evaluations (standard library only)."""

from __future__ import annotations

import math
from statistics import NormalDist


def z_for(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials; (nan, nan) when n is 0. Unlike the normal
    approximation it stays honest at 0% and 100% (5 of 5 gives 57%-100%, not 100% +- 0)."""
    if n == 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n, not {k} of {n}")
    z = z_for(confidence)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # Clamp rounding noise: at k = 0 or k = n the interval touches 0 or 1 exactly.
    return (0.0 if k == 0 else max(0.0, centre - half), 1.0 if k == n else min(1.0, centre + half))
