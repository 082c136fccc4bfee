"""How a run is made: one frozen `RunOptions`, passed through instead of ten keywords in every signature.

`live.run`, `live.stream`, `live.compare`, `evals.run` and the command line take a RunOptions (and, for
scripts and the README's examples, the same names as keywords, which change the options given). An
option no run can honour is refused when the RunOptions is made (InvalidRunOption), so a RunOptions that
exists is one that can run.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentkit._errors import InvalidRunOption
from agentkit._reader.claude_code import PERMISSION_MODES
from agentkit._reader.jsonable import lone_surrogate
from agentkit.live._api import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_S
from agentkit.live._claude_code import DEFAULT_MAX_COST_USD, DEFAULT_MAX_TURNS, DEFAULT_PERMISSION_MODE
from agentkit.live._result import API, CLAUDE_CODE, MODES

DEFAULT_MAX_TOKENS = 4096  # direct runs; Claude Code runs use Claude Code's own limit unless given
MAX_OUTPUT_TOKENS = 128_000  # the most a current Claude model writes in one response
MAX_RETRIES_LIMIT = 20


@dataclass(frozen=True)
class RunOptions:
    """How to run an agent on a prompt (every field has a default; change some with `replace`).

    mode: "api" (one streamed request through the Anthropic SDK: the agent's body as the system prompt,
        no tools) or "claude-code" (Claude Code, bundled in claude-agent-sdk, runs the agent as a subagent
        in a scratch folder, with its tools and its tool loop).
    model: an alias or a model id, overriding the agent's `model`.
    max_tokens: the answer's limit; None is 4096 in api mode, Claude Code's own in claude-code mode.
    temperature: 0 to 1, sent only when given (api mode only; models after Opus 4.6 reject it).
    max_retries: the SDK's retries on 429, 529 and 5xx; timeout: seconds for one request (api) or run.
    max_turns, max_cost_usd, permission_mode: claude-code mode: the agent's turns, the cost at which it is
        stopped (Claude Code's report and agentkit's count, whichever passes first; None: no limit), and
        what its tools may do ("acceptEdits": edits inside the scratch folder only).
    no_cache: always make a request (and record it), even when the same run is recorded.

    The fields you name count as given even at their default (`RunOptions(mode="api")` overrides a suite
    that says `mode: claude-code`); see `given`.
    """

    mode: str = API
    model: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    timeout: float = DEFAULT_TIMEOUT_S
    max_turns: int = DEFAULT_MAX_TURNS
    max_cost_usd: float | None = DEFAULT_MAX_COST_USD
    permission_mode: str = DEFAULT_PERMISSION_MODE
    no_cache: bool = False
    # The fields named when made or replaced: not compared, not shown, set by __init__ and replace.
    _named: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(self)

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with `changes` (field names as keywords), checked like a new one."""
        if not changes:
            return self
        copy = dataclasses.replace(self, **changes)
        object.__setattr__(copy, "_named", self._named | frozenset(changes))
        return copy

    def given(self) -> dict[str, Any]:
        """The options a caller set, as keywords: those named when made or replaced, and any that differ
        from the defaults. What a suite's own options give way to."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.init and (f.name in self._named or getattr(self, f.name) != f.default)
        }

    @classmethod
    def of(cls, options: RunOptions | None = None, keywords: Mapping[str, Any] | None = None) -> RunOptions:
        """`options` (default: the defaults) with `keywords` applied: how the functions that take both a
        RunOptions and the same names as keywords make the one they run with."""
        base = cls() if options is None else options
        if not isinstance(base, RunOptions):
            raise TypeError(f"options must be a live.RunOptions, not {type(base).__name__}")
        if not keywords:
            return base
        unknown = sorted(set(keywords) - OPTION_NAMES)
        if unknown:
            raise TypeError(
                f"unexpected keyword argument {unknown[0]!r} (run options: {', '.join(sorted(OPTION_NAMES))})"
            )
        return base.replace(**keywords)


OPTION_NAMES = frozenset(f.name for f in dataclasses.fields(RunOptions) if f.init)


def _remember_named_fields(cls: type[RunOptions]) -> None:
    """Wrap the generated __init__ so that an instance knows which fields its caller named (a default
    value passed on purpose is still a choice)."""
    generated = cls.__init__
    order = [f.name for f in dataclasses.fields(cls) if f.init]

    def __init__(self: RunOptions, *args: Any, **kwargs: Any) -> None:
        generated(self, *args, **kwargs)
        object.__setattr__(self, "_named", frozenset(order[: len(args)]) | frozenset(kwargs))

    __init__.__doc__ = generated.__doc__
    cls.__init__ = __init__  # type: ignore[method-assign]


_remember_named_fields(RunOptions)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_prompt(prompt: object) -> None:
    """Refuse a prompt no request can carry: not text, empty, or holding a lone surrogate."""
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, not {type(prompt).__name__}")
    if not prompt.strip():
        raise InvalidRunOption("the prompt is empty: the API refuses an empty user message")
    surrogate = lone_surrogate(prompt)
    if (
        surrogate is not None
    ):  # not text UTF-8 can carry: the request, the history and the cache key refuse it
        raise InvalidRunOption(
            f"the prompt holds a lone surrogate (U+{ord(surrogate.group()):04X} at character "
            f"{surrogate.start()}), which is not text: it cannot be sent"
        )


def check_options(*, prompt: object = "", **options: Any) -> None:
    """Refuse a prompt or options no run can honour, with a message that says what is allowed
    (InvalidRunOption): the prompt first, then the options, as `RunOptions(**options)` checks them."""
    check_prompt(prompt)
    RunOptions.of(None, options)


def _check(o: RunOptions) -> None:
    if o.mode not in MODES:
        raise InvalidRunOption(f"mode must be one of {', '.join(map(repr, MODES))}, not {o.mode!r}")
    if o.model is not None and not isinstance(o.model, str):
        raise InvalidRunOption(f"model must be a model id or alias (text), not {o.model!r}")
    if o.max_tokens is not None and not (_is_int(o.max_tokens) and 1 <= o.max_tokens <= MAX_OUTPUT_TOKENS):
        raise InvalidRunOption(
            f"max_tokens must be a whole number from 1 to {MAX_OUTPUT_TOKENS:,} "
            f"(no Claude model writes more), not {o.max_tokens!r}"
        )
    if o.temperature is not None:
        if not (_is_number(o.temperature) and 0.0 <= o.temperature <= 1.0):
            raise InvalidRunOption(f"temperature must be a number from 0 to 1, not {o.temperature!r}")
        if o.mode == CLAUDE_CODE:
            raise InvalidRunOption(
                "Claude Code sets no temperature: leave temperature unset in claude-code mode"
            )
    if not (_is_int(o.max_retries) and 0 <= o.max_retries <= MAX_RETRIES_LIMIT):
        raise InvalidRunOption(
            f"max_retries must be a whole number from 0 to {MAX_RETRIES_LIMIT}, not {o.max_retries!r}"
        )
    if not (_is_number(o.timeout) and o.timeout > 0):
        raise InvalidRunOption(f"timeout must be a positive number of seconds, not {o.timeout!r}")
    if not (_is_int(o.max_turns) and o.max_turns >= 1):
        raise InvalidRunOption(f"max_turns must be a whole number of at least 1, not {o.max_turns!r}")
    if o.max_cost_usd is not None and not (_is_number(o.max_cost_usd) and o.max_cost_usd > 0):
        raise InvalidRunOption(
            f"max_cost_usd must be a positive number of dollars (or None), not {o.max_cost_usd!r}"
        )
    if o.permission_mode not in PERMISSION_MODES:
        raise InvalidRunOption(
            f"permission_mode must be one of {', '.join(PERMISSION_MODES)}, not {o.permission_mode!r}"
        )
    if not isinstance(o.no_cache, bool):
        raise InvalidRunOption(f"no_cache must be True or False, not {o.no_cache!r}")
