"""`Route`: what Claude Code's main loop did with one request, over N samples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from agentkit._stats import wilson
from agentkit.live._routing.capture import Capture
from agentkit.live._routing.sample import SELF, Sample
from agentkit.live._source import ANTHROPIC, STAND_IN
from agentkit.live._source import label as source_label

if TYPE_CHECKING:
    import pandas as pd

BAR_WIDTH = 20


@dataclass(frozen=True)
class Route:
    """N answers of Claude Code's main loop to one request, classified by what each did first.

    `picks` counts the answered samples per label (agent names as Claude Code lists them, built-in ones
    included, and `(self)`: the main agent does the work); failed samples count in none (`errors`).
    """

    request: str
    project: Path
    claude_code: str
    model: str
    capture: Capture = field(repr=False)
    samples: tuple[Sample, ...] = field(repr=False)

    # -- counts ------------------------------------------------------------------------------------------
    @property
    def answered(self) -> tuple[Sample, ...]:
        return tuple(s for s in self.samples if s.ok)

    @property
    def picks(self) -> Mapping[str, int]:
        """label -> how many answered samples did that first (labels with at least one)."""
        counts = Counter(s.label for s in self.answered)
        return MappingProxyType({label: counts[label] for label in self.labels if counts[label]})

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every outcome Claude Code allowed: each listed agent, in its order, then `(self)`; and any label
        a sample gave that is not listed (none in practice)."""
        listed = [*self.capture.agent_names, SELF]
        extra = [s.label for s in self.answered if s.label not in listed]
        return tuple(dict.fromkeys([*listed, *extra]))

    def shares(self) -> dict[str, float]:
        """label -> share of the answered samples (labels picked at least once)."""
        n = len(self.answered)
        return {label: count / n for label, count in self.picks.items()} if n else {}

    def interval(self, label: str, confidence: float = 0.95) -> tuple[float, float]:
        """The Wilson interval of a label's share."""
        return wilson(self.picks.get(label, 0), len(self.answered), confidence)

    # -- money and where answers came from -----------------------------------------------------------------
    @property
    def cost_usd(self) -> float | None:
        """The samples' cost at list price, cache reads and writes included (None: the model has no price)."""
        costs = [s.cost_usd for s in self.samples if s.ok]
        if not costs or any(c is None for c in costs):
            return None
        return float(sum(c for c in costs if c is not None))

    @property
    def cached(self) -> int:
        """Samples answered from agentkit's history (no request made)."""
        return sum(s.cached for s in self.samples)

    @property
    def source(self) -> str:
        """Where the answers came from: one source, or "mixed"."""
        sources = {s.source for s in self.samples if s.ok} or {s.source for s in self.samples}
        return sources.pop() if len(sources) == 1 else "mixed"

    @property
    def source_label(self) -> str:
        if self.source == "mixed":
            return "mixed sources — not all from Claude"
        endpoint = next((s.endpoint for s in self.samples if s.endpoint), None)
        return source_label(self.source, endpoint)

    @property
    def real(self) -> bool:
        return self.source == ANTHROPIC

    def usage(self) -> dict[str, int]:
        """Tokens over the answered samples, by kind."""
        kinds = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
        return {k: sum(getattr(s, k) or 0 for s in self.answered) for k in kinds}

    # -- tables and words -----------------------------------------------------------------------------------
    def builtin(self, label: str) -> bool:
        return any(a.name == label and a.builtin for a in self.capture.listing)

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome: label, builtin, count, share, low, high (95% Wilson), details, example words."""
        import pandas as pd

        n = len(self.answered)
        rows = []
        for label in self.labels:
            mine = [s for s in self.answered if s.label == label]
            low, high = wilson(len(mine), n) if n else (float("nan"), float("nan"))
            details = Counter(s.detail for s in mine)
            rows.append(
                {
                    "label": label,
                    "builtin": self.builtin(label),
                    "count": len(mine),
                    "share": len(mine) / n if n else float("nan"),
                    "low": low,
                    "high": high,
                    "details": ", ".join(f"{d} ×{c}" if c > 1 else d for d, c in details.most_common()),
                    "words": next((s.words for s in mine if s.words), ""),
                }
            )
        return pd.DataFrame(rows)

    def samples_frame(self) -> pd.DataFrame:
        """One row per sample."""
        import pandas as pd

        return pd.DataFrame([{f: getattr(s, f) for f in s.__slots__} for s in self.samples])

    def bars(self, *, all_labels: bool = False) -> list[str]:
        """One line per outcome: a bar, the count, the share and its 95% interval."""
        n = len(self.answered)
        shown = self.labels if all_labels else [lab for lab in self.labels if self.picks.get(lab)]
        if not shown:
            return []
        width = max(len(self._name(lab)) for lab in shown)
        lines = []
        for label in shown:
            count = self.picks.get(label, 0)
            filled = round(BAR_WIDTH * count / n) if n else 0
            low, high = self.interval(label) if n else (float("nan"), float("nan"))
            lines.append(
                f"{self._name(label):<{width}}  {'█' * filled}{'░' * (BAR_WIDTH - filled)}  "
                f"{count:>3}/{n}  {count / n if n else 0:>4.0%}  ({low:.0%}-{high:.0%})"
            )
        return lines

    def _name(self, label: str) -> str:
        return f"{label} (built-in)" if self.builtin(label) else label

    def summary(self) -> str:
        """The bars, with what was asked, where, how, at what cost, and where the answers came from."""
        n, asked = len(self.answered), len(self.samples)
        head = [
            f"request: {self.request!r}",
            f"project: {self.project}"
            + (f" · {'; '.join(self.capture.changes)}" if self.capture.changes else ""),
            f"Claude Code {self.claude_code}'s own request · {self.model} · {n} of {asked} samples answered"
            + (f" ({self.errors} failed)" if self.errors else "")
            + (f" · {self.cached} from the history" if self.cached else ""),
        ]
        if not self.capture.can_delegate:
            head.append("this project's settings take the Agent tool away: nothing can be delegated")
        cost = self.cost_usd
        usage = self.usage()
        money = "cost: no price for this model" if cost is None else f"cost: ${cost:.4f}"
        money += (
            f" · tokens: {usage['input_tokens']:,} in, {usage['cache_read_input_tokens']:,} read from the prompt "
            f"cache, {usage['cache_creation_input_tokens']:,} written to it, {usage['output_tokens']:,} out"
        )
        tail = [money, f"answers from: {self.source_label}"]
        if self.source == STAND_IN:
            tail.append("these picks are the stand-in's word-overlap caricature, not Claude's")
        return "\n".join([*head, *self.bars(), *tail])

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `agentkit route --format json`."""
        return {
            "request": self.request,
            "project": str(self.project),
            "samples": len(self.samples),
            "answered": len(self.answered),
            "errors": self.errors,
            "picks": dict(self.picks),
            "shares": {
                label: {"share": share, "low": self.interval(label)[0], "high": self.interval(label)[1]}
                for label, share in self.shares().items()
            },
            "builtin": sorted(a.name for a in self.capture.listing if a.builtin),
            "listed": list(self.capture.agent_names),
            "claude_code": self.claude_code,
            "model": self.model,
            "cost_usd": self.cost_usd,
            "usage": self.usage(),
            "cached_samples": self.cached,
            "source": self.source,
            "source_label": self.source_label,
            "changes": list(self.capture.changes),
            "can_delegate": self.capture.can_delegate,
            "details": [
                {
                    "sample": s.index,
                    "label": s.label,
                    "detail": s.detail,
                    "subagent_type": s.subagent_type,
                    "words": s.words,
                    "error": s.error,
                }
                for s in self.samples
            ],
        }


def side_by_side(before: Route, after: Route) -> str:
    """The project as it is beside the changed one: one line per label with both counts and shares."""
    labels = list(dict.fromkeys([*before.labels, *after.labels]))
    shown = [lab for lab in labels if before.picks.get(lab) or after.picks.get(lab)]
    width = max([len(lab) for lab in shown] + [5])
    lines = [
        f"request: {after.request!r}",
        f"project: {after.project}",
        f"what if: {'; '.join(after.capture.changes) or '(no change)'}",
        f"{'':<{width}}  {'as it is':>22}  {'with the change':>22}",
    ]
    for label in shown:
        cells = []
        for r in (before, after):
            n, k = len(r.answered), r.picks.get(label, 0)
            low, high = r.interval(label) if n else (float("nan"), float("nan"))
            cells.append(f"{k:>3}/{n} {k / n if n else 0:>4.0%} ({low:.0%}-{high:.0%})")
        lines.append(f"{label:<{width}}  {cells[0]:>22}  {cells[1]:>22}")
    for name, r in (("as it is", before), ("with the change", after)):
        cost = r.cost_usd
        lines.append(
            f"{name}: Claude Code {r.claude_code} · {r.model} · "
            + ("no price for this model" if cost is None else f"${cost:.4f}")
            + f" · {r.source_label}"
        )
    return "\n".join(lines)
