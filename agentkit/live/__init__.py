"""Try agents live: run an agent on a prompt, streaming, cached and recorded, in one of two modes.

    from agentkit import live
    r = live.run(agent, "Review this diff: ...", on_text=print)     # system prompt = agent.prompt
    r = live.run(agent, "Review diff.txt", mode="claude-code",       # Claude Code runs it as a subagent,
                 files={"diff.txt": "..."})                          # with its tools, in a scratch folder
    fast = live.RunOptions(model="haiku", max_tokens=300)            # how to run, as one value
    live.compare([saved, edited], "Same prompt", fast)               # passed through
    print(r.summary())                                               # tokens, cost, where it came from
    live.compare([saved, edited], "Same prompt").to_frame()          # side by side
    live.history()                                                   # every run, newest first

mode="api" (the default) sends one streamed request through the official `anthropic` SDK: fast, no
tools. mode="claude-code" runs the agent through the Claude Code binary bundled in claude-agent-sdk, as
Claude Code runs a subagent (see `agentkit.live._claude_code` for how and why).

The model comes from the agent's `model` through the alias table (see `agentkit.live._prices`; `model=`
overrides). Every run is stored in `$AGENTKIT_HOME/history.sqlite` (mode 0600, a versioned schema),
keyed by the agent's full text, the model, the prompt, the mode and the parameters: asking again answers
from the cache without a request, and editing the agent misses by itself. `AGENTKIT_REPLAY=1` answers
only from the cache (`ReplayMiss` otherwise, listing what is recorded). Every result says where its answer
came from (`source`: the Anthropic API, agentkit's local stand-in, or another endpoint). The API key is
read from the environment (or `api_key=`), stripped of whitespace, and never written anywhere.
"""

from __future__ import annotations

from agentkit._errors import InvalidRunOption, LiveError, MissingKeyError, ReplayMiss
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit.live._claude_code import claude_code_version
from agentkit.live._history import HistoryWarning, history, history_path, recorded_prompts
from agentkit.live._options import (
    DEFAULT_MAX_COST_USD,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_TOKENS,
    DEFAULT_MAX_TURNS,
    DEFAULT_PERMISSION_MODE,
    DEFAULT_TIMEOUT_S,
    MAX_OUTPUT_TOKENS,
    RunOptions,
    check_options,
)
from agentkit.live._prices import (
    PRICES_AS_OF,
    Price,
    cost_usd,
    home,
    model_table,
    price_for,
    price_table,
    resolve_model,
    usage_cost_usd,
)
from agentkit.live._result import API, CLAUDE_CODE, MODES, RunResult, RunResults, to_frame
from agentkit.live._routing import (
    DEFAULT_ROUTE_MAX_TOKENS,
    KEEP,
    MAX_ROUTE_SAMPLES,
    SELF,
    Capture,
    ListedAgent,
    LiveConfusion,
    Route,
    Sample,
    capture_request,
    compare_routing,
    confusion,
    route,
    side_by_side,
)
from agentkit.live._run import (
    AgentLike,
    LiveStream,
    compare,
    count_tokens,
    replaying,
    run,
    stream,
)
from agentkit.live._source import SOURCES, base_url
from agentkit.live._source import label as source_label

__all__ = [
    "API",
    "CLAUDE_CODE",
    "CLAUDE_CODE_MODEL_VERSION",
    "DEFAULT_MAX_COST_USD",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MAX_TURNS",
    "DEFAULT_PERMISSION_MODE",
    "DEFAULT_TIMEOUT_S",
    "MAX_OUTPUT_TOKENS",
    "MODES",
    "PRICES_AS_OF",
    "AgentLike",
    "RunResults",
    "HistoryWarning",
    "InvalidRunOption",
    "LiveError",
    "LiveStream",
    "MissingKeyError",
    "Price",
    "ReplayMiss",
    "RunOptions",
    "RunResult",
    "check_options",
    "claude_code_version",
    "compare",
    "compare_routing",
    "capture_request",
    "side_by_side",
    "route",
    "Route",
    "Sample",
    "Capture",
    "ListedAgent",
    "SELF",
    "KEEP",
    "DEFAULT_ROUTE_MAX_TOKENS",
    "MAX_ROUTE_SAMPLES",
    "confusion",
    "LiveConfusion",
    "cost_usd",
    "count_tokens",
    "history",
    "history_path",
    "home",
    "model_table",
    "price_for",
    "price_table",
    "recorded_prompts",
    "replaying",
    "resolve_model",
    "run",
    "SOURCES",
    "current_source",
    "source_label",
    "stream",
    "to_frame",
    "usage_cost_usd",
]


def current_source() -> str:
    """Where answers come from now ("anthropic", "stand-in" or "endpoint"), from `ANTHROPIC_BASE_URL`: what
    a run records when no response can be seen. A loopback URL is asked whether it is agentkit's stand-in."""
    from agentkit.live._source import without_response

    return without_response(base_url())
