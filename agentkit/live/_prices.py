"""Model aliases and prices for live runs: dated defaults, a user TOML file, and an environment variable.

Resolution of an agent's `model` (first match wins):
1. an explicit `model=` argument (itself looked up in the table, so `model="opus"` works);
2. Claude Code's `CLAUDE_CODE_SUBAGENT_MODEL`, which overrides every subagent's model;
3. the agent's `model` front matter value; absent means `inherit`.
The alias table is the defaults below, updated by Claude Code's `ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL`,
then by `$AGENTKIT_HOME/config.toml`, then by `AGENTKIT_MODELS`:

    # $AGENTKIT_HOME/config.toml
    [models]
    sonnet = "claude-sonnet-4-5"      # an alias may point to a model id...
    inherit = "opus"                  # ...or to another alias (inherit = the main conversation's model)
    [prices."claude-sonnet-4-5"]
    input = 3.0                       # USD per million input tokens
    output = 15.0                     # USD per million output tokens

    AGENTKIT_MODELS="sonnet=claude-sonnet-4-5,opus=claude-opus-4-8"

A value that is not in the table is a model id and is sent as written. A `[1m]` suffix (Claude Code's
1M-context variants) is dropped: the API takes no suffix, and the current models have 1M context natively.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from agentkit._errors import LiveError
from agentkit._reader.claude_code import (
    DEFAULT_MAIN_MODEL,
    MODEL_ALIAS_VARIABLES,
    MODEL_IDS,
    SUBAGENT_MODEL_VARIABLE,
)

# The day the prices and aliases below were checked.
PRICES_AS_OF = "2026-11-20"

# Claude Code's own table (agentkit._reader.claude_code.MODEL_IDS) plus `inherit`: the main conversation's
# model, which Claude Code defaults to DEFAULT_MAIN_MODEL. Bedrock, Vertex and gateways resolve differently:
# override in config.toml.
DEFAULT_ALIASES: dict[str, str] = {**MODEL_IDS, "inherit": "default", "default": DEFAULT_MAIN_MODEL}


class Price(NamedTuple):
    input: float  # USD per million input tokens
    output: float  # USD per million output tokens


# List prices (USD per MTok) as of PRICES_AS_OF. Prompt caching: reading from the cache costs CACHE_READ times
# the input price, writing to it (the 5-minute cache Claude Code asks for) CACHE_WRITE times; batch discounts
# are not modelled.
CACHE_READ = 0.1
CACHE_WRITE = 1.25
CACHE_WRITE_1H = 2.0  # a write to the 1-hour cache (Claude Code asks for the 5-minute one)
DEFAULT_PRICES: dict[str, Price] = {
    "claude-fable-5-2": Price(8.0, 40.0),
    "claude-fable-5-1": Price(10.0, 50.0),
    "claude-fable-5": Price(10.0, 50.0),
    "claude-mythos-5": Price(10.0, 50.0),
    "claude-opus-5-5": Price(4.0, 20.0),
    "claude-opus-5": Price(5.0, 25.0),
    "claude-sonnet-5-5": Price(2.0, 10.0),
    "claude-sonnet-5": Price(2.0, 10.0),
    "claude-haiku-5-5": Price(0.10, 0.50),  # the lowest of its published tiers
    "claude-opus-4-8": Price(5.0, 25.0),
    "claude-opus-4-7": Price(5.0, 25.0),
    "claude-opus-4-6": Price(5.0, 25.0),
    "claude-opus-4-5": Price(5.0, 25.0),
    "claude-opus-4-5-20251101": Price(5.0, 25.0),
    "claude-opus-4-1": Price(15.0, 75.0),
    "claude-sonnet-4-6": Price(3.0, 15.0),
    "claude-sonnet-4-5": Price(3.0, 15.0),
    "claude-sonnet-4-5-20250929": Price(3.0, 15.0),
    "claude-haiku-4-5": Price(1.0, 5.0),
    "claude-haiku-4-5-20251001": Price(1.0, 5.0),
}

_MAX_HOPS = 8  # alias chains are short; this only stops a loop like a=b, b=a


def home() -> Path:
    """`$AGENTKIT_HOME`, else the platform's user data folder for agentkit."""
    value = os.environ.get("AGENTKIT_HOME")
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("agentkit"))


_config_cache: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def load_config() -> dict[str, Any]:
    """`$AGENTKIT_HOME/config.toml` as a dict ({} when absent), re-read only when the file changes."""
    path = home() / "config.toml"
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise LiveError(f"cannot read {path}: {e.strerror or e}") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _config_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise LiveError(f"cannot read {path}: {e}") from None
    _config_cache[path] = (stamp, data)
    return data


def _env_models() -> dict[str, str]:
    raw = os.environ.get("AGENTKIT_MODELS", "")
    table: dict[str, str] = {}
    for entry in raw.replace(";", ",").split(","):
        if not entry.strip():
            continue
        alias, sep, model = entry.partition("=")
        if not sep or not alias.strip() or not model.strip():
            raise LiveError(f"AGENTKIT_MODELS: expected alias=model-id, got {entry.strip()!r}")
        table[alias.strip().lower()] = model.strip()
    return table


def model_table() -> dict[str, str]:
    """The alias table in force: defaults, then Claude Code's ANTHROPIC_DEFAULT_*_MODEL variables, then
    config.toml `[models]`, then `AGENTKIT_MODELS`."""
    table = dict(DEFAULT_ALIASES)
    for alias, variable in MODEL_ALIAS_VARIABLES.items():
        if os.environ.get(variable, "").strip():
            table[alias] = os.environ[variable].strip()
    models = load_config().get("models", {})
    if not isinstance(models, dict) or not all(isinstance(v, str) for v in models.values()):
        raise LiveError(f"{home() / 'config.toml'}: [models] must map aliases to strings")
    table.update({k.lower(): v for k, v in models.items()})
    table.update(_env_models())
    return table


def price_table() -> dict[str, Price]:
    """The prices in force: defaults, then config.toml `[prices."model-id"]` (input, output per MTok)."""
    table = dict(DEFAULT_PRICES)
    prices = load_config().get("prices", {})
    if not isinstance(prices, dict):
        raise LiveError(f'{home() / "config.toml"}: prices must be tables like [prices."model-id"]')
    for model, entry in prices.items():
        try:
            table[model] = Price(float(entry["input"]), float(entry["output"]))
        except (TypeError, KeyError, ValueError):
            raise LiveError(
                f'{home() / "config.toml"}: [prices."{model}"] needs numbers `input` and `output` (USD per MTok)'
            ) from None
    return table


def resolve_model(agent_model: object = None, model: str | None = None) -> str:
    """The API model id for an agent's `model` value, or for an explicit `model` that overrides it.

    As in Claude Code, CLAUDE_CODE_SUBAGENT_MODEL (when set) is the model of every agent that names none;
    an agent's own `model` (`inherit` included: the main conversation's model) is kept.
    """
    name = model or agent_model or os.environ.get(SUBAGENT_MODEL_VARIABLE, "").strip()
    if name is None or (isinstance(name, str) and not name.strip()):
        name = "inherit"
    name = str(name).strip()
    if name.lower().endswith("[1m]"):
        name = name[: -len("[1m]")]
    table = model_table()
    for _ in range(_MAX_HOPS):
        target = table.get(name.lower())
        if target is None:
            return name
        name = target.strip()
    raise LiveError(f"model alias loop involving {name!r}: check config.toml [models] and AGENTKIT_MODELS")


def price_for(model: str) -> Price | None:
    return price_table().get(model)


def cost_usd(model: str, input_tokens: int | None, output_tokens: int | None) -> float | None:
    """What a run cost at list price; None when the model has no price in the table."""
    price = price_for(model)
    if price is None or input_tokens is None:
        return None
    return (input_tokens * price.input + (output_tokens or 0) * price.output) / 1_000_000


def usage_cost_usd(
    model: str,
    input_tokens: int | None,
    output_tokens: int | None,
    cache_read_input_tokens: int | None = 0,
    cache_creation_input_tokens: int | None = 0,
    cache_creation_1h_input_tokens: int | None = 0,
) -> float | None:
    """What an answer cost at list price, prompt cache reads and writes included; None without a price.
    `cache_creation_1h_input_tokens` are the part of the cache writes that went to the 1-hour cache."""
    price = price_for(model)
    if price is None or input_tokens is None:
        return None
    cached = (cache_read_input_tokens or 0) * CACHE_READ + (cache_creation_input_tokens or 0) * CACHE_WRITE
    cached += (cache_creation_1h_input_tokens or 0) * (CACHE_WRITE_1H - CACHE_WRITE)
    return ((input_tokens + cached) * price.input + (output_tokens or 0) * price.output) / 1_000_000
