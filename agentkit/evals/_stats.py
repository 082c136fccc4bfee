"""The statistics behind "is B better than A, by more than noise?" (standard library and numpy only).

- `wilson(k, n)`: the Wilson score interval for a pass rate. Unlike the normal approximation it stays
  honest at 0% and 100% (5 of 5 passing gives 57%-100%, not 100% +- 0).
- `mcnemar_exact(b, c)`: the exact (binomial) McNemar test on the discordant pairs of two versions run
  on the same cases: b cases only A passes, c cases only B passes. Cases both pass or both fail say
  nothing about which is better. Two-sided.
- `paired_bootstrap(a, b)`: for per-case scores or pass rates (repeat > 1): resample cases with
  replacement, keeping each case's pair together, for a percentile interval of the mean difference
  b - a. Its p-value comes from the paired permutation (sign-flip) test: under no difference, A's and
  B's result on a case could as well be swapped. The bootstrap's own p-value is too small with few cases
  (3 cases all favouring B would give p = 0); the sign-flip test gives 0.25 there, as McNemar does, and
  for pass/fail outcomes it is exactly McNemar's test.
- `flip_interval(d)`: the interval that goes with the sign-flip test, by inverting it: every shift s
  for which the test on d - s does not reject. So the interval excludes 0 exactly when p < 0.05, and a
  comparison never says "more than noise" beside an interval that holds 0 (a bootstrap interval can).
  With few cases it is wide, as it should be.
- `wilson_over_cases(rates)`: a pass rate's interval with cases as the unit: each case counts once, at
  its mean pass rate over its samples (samples of one case are not independent draws).

Everything is computed on the values sorted, so the same data gives the same numbers in any order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentkit._stats import wilson as wilson  # one Wilson interval, shared with routing

ALPHA = 0.05


def wilson_over_cases(rates: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson interval of the mean of per-case pass rates, counting each case once."""
    if not rates:
        return (math.nan, math.nan)
    total = math.fsum(sorted(rates))
    return wilson(min(max(total, 0.0), len(rates)), len(rates), confidence)  # type: ignore[arg-type]


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: under no difference, min(b, c) ~ Binomial(b + c, 1/2)."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def smallest_p(discordant: int) -> float:
    """The smallest p-value McNemar can give with this many discordant pairs (all on one side)."""
    return mcnemar_exact(0, discordant)


@dataclass(frozen=True)
class Bootstrap:
    difference: float  # mean(b) - mean(a)
    low: float
    high: float
    p_value: float
    resamples: int


def paired_bootstrap(
    a: Sequence[float],
    b: Sequence[float],
    *,
    resamples: int = 10_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Bootstrap:
    """Paired bootstrap of mean(b) - mean(a) over cases; seeded, so the same data gives the same answer."""
    import numpy as np

    if len(a) != len(b):
        raise ValueError(f"paired samples must have the same length, not {len(a)} and {len(b)}")
    if not a:
        return Bootstrap(math.nan, math.nan, math.nan, 1.0, 0)
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    observed = float(d.mean())
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(resamples, len(d)))].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return Bootstrap(observed, float(low), float(high), sign_flip_p(d, seed=seed), resamples)


EXACT_SIGN_FLIPS = 16  # up to 2**16 sign patterns are enumerated; beyond, a seeded Monte Carlo sample


def sign_flip_p(differences: Sequence[float], *, samples: int = 20_000, seed: int = 0) -> float:
    """Two-sided paired permutation test of mean difference 0: flip the sign of each case's difference."""
    import numpy as np

    d = np.sort(np.asarray(differences, dtype=float))  # sorted: the same p in any order of the cases
    if len(d) == 0 or not d.any():
        return 1.0
    observed = abs(d.sum())
    sums = np.abs(_flips(len(d), samples, seed) @ d)
    return float(min(1.0, (sums >= observed - 1e-9).mean()))


def _flips(n: int, samples: int, seed: int) -> Any:
    """Sign patterns (rows of +1/-1): all 2**n of them up to EXACT_SIGN_FLIPS, else a seeded sample."""
    import numpy as np

    if n <= EXACT_SIGN_FLIPS:
        patterns = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    else:
        patterns = np.random.default_rng(seed).integers(0, 2, size=(samples, n))
    return 1 - 2 * patterns


def flip_interval(
    differences: Sequence[float],
    *,
    bounds: tuple[float, float] = (-1.0, 1.0),
    samples: int = 20_000,
    seed: int = 0,
    tolerance: float = 1e-3,
) -> tuple[float, float]:
    """The 95% interval of the mean difference that goes with `sign_flip_p`: every shift s in `bounds`
    (the possible values) for which the test on d - s gives p >= ALPHA. (nan, nan) without data."""
    import numpy as np

    d = np.sort(np.asarray(differences, dtype=float))
    if len(d) == 0:
        return (math.nan, math.nan)
    flips = _flips(len(d), samples, seed)

    def accepted(shift: float) -> bool:
        moved = d - shift
        observed = abs(moved.sum())
        if observed < 1e-12:
            return True
        return bool((np.abs(flips @ moved) >= observed - 1e-9).mean() >= ALPHA)

    centre = float(d.mean())

    def edge(outer: float) -> float:
        if accepted(outer):
            return outer
        inside, outside = centre, outer  # accepted at the centre (p = 1), rejected at `outer`
        while abs(outside - inside) > tolerance:
            middle = (inside + outside) / 2
            inside, outside = (middle, outside) if accepted(middle) else (inside, middle)
        return inside

    low, high = edge(bounds[0]), edge(bounds[1])
    # The edges are found to `tolerance`, and the test's p is not quite monotone in the shift: keep the
    # interval and the test at 0 saying the same thing.
    if accepted(0.0):
        return min(low, 0.0), max(high, 0.0)
    if low <= 0.0 <= high:
        low, high = (max(low, tolerance), high) if centre > 0 else (low, min(high, -tolerance))
    return low, high
