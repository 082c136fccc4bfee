"""Two versions on the same cases: which is better, and is the difference more than noise? In words.

With one sample per case and pass/fail, the exact McNemar test on the cases only one of them passes.
Otherwise (repeat > 1, or scores) each case gives a pass rate or mean score per version: the paired
permutation (sign-flip) test over cases, and the interval of the difference that inverts that same test,
so the interval and the verdict always agree. Cases, not samples, are the unit. Everything is computed
on sorted values: the same data gives the same words and numbers whatever the order of the cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from agentkit.evals._stats import ALPHA, flip_interval, mcnemar_exact, sign_flip_p, smallest_p


def fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 0.001 else "<0.001"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Comparison:
    """Two versions on the same cases: which is better, and is the difference more than noise?"""

    a: str
    b: str
    model_axis: str
    metric: str  # "pass" (pass/fail per case) or "score"
    cases: int  # cases both versions answered without error
    samples: int  # samples per case
    a_mean: float  # A's mean per-case pass rate (or score)
    b_mean: float
    a_better: int  # cases where A did better
    b_better: int
    method: str  # "exact McNemar" or "paired permutation"
    p_value: float
    low: float  # 95% interval of the difference b - a (the inverted permutation test)
    high: float
    excluded: int = 0  # cases left out because one side had an error

    @property
    def difference(self) -> float:
        return self.b_mean - self.a_mean

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def better(self) -> str | None:
        """The version that did better by more than noise, else None."""
        if not self.significant:
            return None
        return self.b if self.difference > 0 else self.a

    @property
    def sentence(self) -> str:
        a, b = self.a, self.b
        noise = "more than noise" if self.significant else "not more than noise"
        excluded = f" ({plural(self.excluded, 'case')} with errors left out)" if self.excluded else ""
        if self.cases == 0:
            return f"{a} and {b} answered no case both without errors: nothing to compare{excluded}."
        if self.method == "exact McNemar":
            a_k, b_k = round(self.a_mean * self.cases), round(self.b_mean * self.cases)
            discordant = self.a_better + self.b_better
            if discordant == 0:
                return f"{a} and {b} pass the same {a_k} of {plural(self.cases, 'case')}: nothing tells them apart{excluded}."
            detail = f"{self.b_better} only {b} passes, {self.a_better} only {a}"
            if a_k == b_k:
                head = f"{a} and {b} each pass {a_k} of {self.cases} cases, but not the same ones ({detail})"
                return f"{head}: no difference (exact McNemar p={fmt_p(self.p_value)}){excluded}."
            lead, trail, lead_k, trail_k = (b, a, b_k, a_k) if b_k > a_k else (a, b, a_k, b_k)
            text = (
                f"{lead} passes {plural(lead_k - trail_k, 'more case')} than {trail} ({lead_k} vs {trail_k} of "
                f"{self.cases}); with {plural(discordant, 'discordant case')} ({detail}) this is {noise} "
                f"(exact McNemar p={fmt_p(self.p_value)}){excluded}."
            )
            if not self.significant and smallest_p(discordant) >= ALPHA:
                text += f" With {plural(discordant, 'discordant case')} no difference can reach p < {ALPHA:g}: add cases."
            return text
        what = "pass rate" if self.metric == "pass" else "mean score"
        unit = (
            (lambda x: f"{round(x * 100) + 0:+.0f} points")
            if self.metric == "pass"
            else (lambda x: f"{round(x, 2) + 0:+.2f}")
        )
        shown = (lambda x: f"{x:.0%}") if self.metric == "pass" else (lambda x: f"{x:.2f}")
        over = f"{plural(self.cases, 'case')} x {plural(self.samples, 'sample')}"
        if self.a_better == self.b_better == 0:
            return (
                f"{a} and {b} have the same {what} ({shown(self.a_mean)}) on every one of {over}{excluded}."
            )
        if abs(self.difference) < 1e-12:
            return (
                f"{a} and {b} have the same {what} ({shown(self.a_mean)}, {over}) but not on the same cases "
                f"({a} better on {self.a_better}, {b} on {self.b_better}): no difference "
                f"(paired permutation test over cases, p={fmt_p(self.p_value)}){excluded}."
            )
        b_leads = self.difference > 0
        lead, trail = (b, a) if b_leads else (a, b)
        lead_mean, trail_mean = (self.b_mean, self.a_mean) if b_leads else (self.a_mean, self.b_mean)
        lead_cases, trail_cases = (
            (self.b_better, self.a_better) if b_leads else (self.a_better, self.b_better)
        )
        return (
            f"{lead}'s {what} is {unit(abs(self.difference)).lstrip('+')} higher than {trail}'s "
            f"({shown(lead_mean)} vs {shown(trail_mean)}, {over}; {lead} better on {plural(lead_cases, 'case')}, "
            f"{trail} on {trail_cases}); the 95% interval of {b} - {a} is [{unit(self.low)}, {unit(self.high)}], "
            f"so this is {noise} (paired permutation test over cases, p={fmt_p(self.p_value)}){excluded}."
        )

    def __str__(self) -> str:
        return self.sentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "model_axis": self.model_axis,
            "metric": self.metric,
            "cases": self.cases,
            "samples": self.samples,
            "a_mean": self.a_mean,
            "b_mean": self.b_mean,
            "difference": self.difference,
            "a_better": self.a_better,
            "b_better": self.b_better,
            "method": self.method,
            "p_value": self.p_value,
            "ci_low": self.low,
            "ci_high": self.high,
            "significant": self.significant,
            "excluded": self.excluded,
            "sentence": self.sentence,
        }


def compare_values(
    a: str,
    b: str,
    model_axis: str,
    metric: str,
    pairs: list[tuple[float, float]],
    samples: int,
    excluded: int,
) -> Comparison:
    """A Comparison from per-case (A, B) values, in any order."""
    pairs = sorted(pairs)
    n = len(pairs)
    a_better = sum(x > y for x, y in pairs)
    b_better = sum(y > x for x, y in pairs)
    differences = [y - x for x, y in pairs]
    binary = metric == "pass" and samples == 1
    p = mcnemar_exact(a_better, b_better) if binary else sign_flip_p(differences)
    low, high = flip_interval(differences) if n else (math.nan, math.nan)
    if binary and p >= ALPHA and not low <= 0 <= high:
        # Past 16 cases the interval's test is sampled, McNemar's exact: keep them from contradicting.
        low, high = min(low, 0.0), max(high, 0.0)
    return Comparison(
        a,
        b,
        model_axis,
        metric,
        n,
        samples,
        math.fsum(x for x, _ in pairs) / n if n else math.nan,
        math.fsum(y for _, y in pairs) / n if n else math.nan,
        a_better,
        b_better,
        "exact McNemar" if binary else "paired permutation",
        p,
        low,
        high,
        excluded,
    )
