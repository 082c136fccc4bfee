"""Try agents live: run an agent on a prompt through the Anthropic API, streaming, cached and recorded.

    from agentkit import live
    r = live.run(agent, "Review this diff: ...", on_text=print)     # system prompt = agent.prompt
    live.compare([saved, edited], "Same prompt").to_frame()          # side by side
    live.history()                                                   # every run, newest first

The model comes from the agent's `model` through the alias table (see `agentkit.live._prices`; `model=`
overrides). Every run is stored in `$AGENTKIT_HOME/history.sqlite`, keyed by the agent's full text, the
model, the prompt and the parameters: asking again answers from the cache without a request, and editing
the agent misses by itself. `AGENTKIT_REPLAY=1` answers only from the cache (`ReplayMiss` otherwise).
The API key is read from the environment (or `api_key=`) and is never written anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from agentkit._errors import LiveError, MissingKeyError, ReplayMiss
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit.live._prices import (
    PRICES_AS_OF,
    Price,
    cost_usd,
    home,
    model_table,
    price_for,
    price_table,
    resolve_model,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLAUDE_CODE_MODEL_VERSION",
    "DEFAULT_MAX_TOKENS",
    "PRICES_AS_OF",
    "Comparison",
    "LiveError",
    "LiveRoute",
    "LiveStream",
    "MissingKeyError",
    "Price",
    "ReplayMiss",
    "RunResult",
    "compare",
    "compare_routing",
    "cost_usd",
    "count_tokens",
    "history",
    "history_path",
    "home",
    "model_table",
    "price_for",
    "price_table",
    "resolve_model",
    "route_live",
    "run",
    "stream",
    "to_frame",
]

DEFAULT_MAX_TOKENS = 4096
DEFAULT_MAX_RETRIES = 2  # the SDK's own default: 429, 529 and 5xx are retried with backoff
DEFAULT_TIMEOUT_S = 600.0

MISSING_KEY_MESSAGE = (
    "no Anthropic API key: set ANTHROPIC_API_KEY (in a shell: export ANTHROPIC_API_KEY=sk-ant-...; "
    "in a notebook: %env ANTHROPIC_API_KEY=sk-ant-...), or pass api_key=. "
    "Recorded runs still answer without a key (AGENTKIT_REPLAY=1 answers only from them)."
)


class AgentLike(Protocol):
    """What a live run needs of an agent (`agentkit.Agent` has it all)."""

    @property
    def name(self) -> Any: ...
    @property
    def path(self) -> Any: ...
    @property
    def model(self) -> Any: ...
    @property
    def prompt(self) -> str: ...
    def render(self) -> str: ...


@dataclass(slots=True)
class RunResult:
    """One run of one agent on one prompt. `complete` is False when the stream was cut short."""

    text: str
    model: str  # the API model id requested (after alias resolution)
    agent: str | None  # the agent's name
    path: str | None  # the agent's file
    prompt: str
    input_tokens: int | None
    output_tokens: int | None
    time_to_first_token_s: float | None
    latency_s: float | None
    stop_reason: str | None
    cost_usd: float | None
    cached: bool  # answered from the history without a request
    complete: bool
    error: str | None
    run_id: str
    timestamp: str  # ISO 8601, UTC, when the run started
    agent_version: str  # sha256 of the agent's full text, first 12 hex digits: tells edits apart
    max_tokens: int
    temperature: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return self.text


class Comparison(list[RunResult]):
    """Results in the order the agents were given."""

    def to_frame(self) -> pd.DataFrame:
        return to_frame(self)


def to_frame(results: Iterable[RunResult]) -> pd.DataFrame:
    """One row per result, one column per RunResult field."""
    import pandas as pd

    columns = [f.name for f in fields(RunResult)]
    return pd.DataFrame([r.to_dict() for r in results], columns=columns)


# -- the history and cache ----------------------------------------------------------------------------

_COLUMNS = (
    "run_id",
    "key",
    "timestamp",
    "agent",
    "agent_version",
    "path",
    "model",
    "prompt",
    "max_tokens",
    "temperature",
    "text",
    "input_tokens",
    "output_tokens",
    "time_to_first_token_s",
    "latency_s",
    "stop_reason",
    "cost_usd",
    "complete",
    "error",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, key TEXT NOT NULL, timestamp TEXT NOT NULL,
    agent TEXT, agent_version TEXT NOT NULL, path TEXT, model TEXT NOT NULL, prompt TEXT NOT NULL,
    max_tokens INTEGER NOT NULL, temperature REAL, text TEXT NOT NULL,
    input_tokens INTEGER, output_tokens INTEGER, time_to_first_token_s REAL, latency_s REAL,
    stop_reason TEXT, cost_usd REAL, complete INTEGER NOT NULL, error TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_key ON runs (key, complete, timestamp);
"""


def history_path() -> Path:
    return home() / "history.sqlite"


def _connect() -> sqlite3.Connection:
    path = history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    db.executescript(_SCHEMA)
    return db


def _cache_key(agent_text: str, model: str, prompt: str, max_tokens: int, temperature: float | None) -> str:
    payload = {
        "agent": agent_text,
        "model": model,
        "prompt": prompt,
        "params": {"max_tokens": max_tokens, "temperature": temperature},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _store(key: str, r: RunResult) -> None:
    row = {**r.to_dict(), "key": key, "complete": int(r.complete)}
    db = _connect()
    try:
        with db:
            db.execute(
                f"INSERT INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [row[c] for c in _COLUMNS],
            )
    finally:
        db.close()


def _lookup(key: str) -> RunResult | None:
    """The newest complete run with this key."""
    if not history_path().exists():
        return None
    db = _connect()
    try:
        row = db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM runs WHERE key = ? AND complete = 1 "
            "ORDER BY timestamp DESC, rowid DESC LIMIT 1",
            (key,),
        ).fetchone()
    finally:
        db.close()
    if row is None:
        return None
    values = dict(zip(_COLUMNS, row, strict=True))
    del values["key"]
    return RunResult(**{**values, "complete": bool(values["complete"]), "cached": True})


def history(limit: int | None = None) -> pd.DataFrame:
    """Every recorded run (complete, cut short, or failed), newest first."""
    import pandas as pd

    columns = [c for c in _COLUMNS if c != "key"] + ["key"]
    if not history_path().exists():
        return pd.DataFrame(columns=columns)
    db = _connect()
    try:
        query = f"SELECT {', '.join(columns)} FROM runs ORDER BY timestamp DESC, rowid DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        frame = pd.read_sql_query(query, db)
    finally:
        db.close()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
    frame["complete"] = frame["complete"].astype(bool)
    return frame


def _replay() -> bool:
    return os.environ.get("AGENTKIT_REPLAY", "").strip().lower() in ("1", "true", "yes", "on")


# -- the client -----------------------------------------------------------------------------------

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def _secrets(api_key: str | None) -> list[str]:
    values = [api_key, os.environ.get("ANTHROPIC_API_KEY"), os.environ.get("ANTHROPIC_AUTH_TOKEN")]
    return [v for v in values if v and len(v) >= 8]


def _scrub(text: str, api_key: str | None) -> str:
    """Belt and braces: no message agentkit shows or stores may carry a key."""
    for secret in _secrets(api_key):
        text = text.replace(secret, "[redacted]")
    return text


def _client(api_key: str | None, max_retries: int, timeout: float) -> Any:
    """A cached SDK client (building one costs milliseconds); raises MissingKeyError up front."""
    base_url = os.environ.get("ANTHROPIC_BASE_URL") or None
    env = (os.environ.get("ANTHROPIC_API_KEY"), os.environ.get("ANTHROPIC_AUTH_TOKEN"))
    ident = (api_key, *env, base_url, max_retries, timeout)
    with _clients_lock:
        client = _clients.get(ident)
        if client is not None:
            return client
        import anthropic

        kwargs: dict[str, Any] = {"max_retries": max_retries, "timeout": timeout}
        if api_key:
            kwargs["api_key"] = api_key
        try:
            client = anthropic.Anthropic(**kwargs)
        except anthropic.AnthropicError as e:
            raise LiveError(_scrub(f"cannot set up the Anthropic client: {e}", api_key)) from None
        # Without credentials the SDK only fails at the first request, with a TypeError: check now.
        if client.api_key is None and client.auth_token is None and client.credentials is None:
            raise MissingKeyError(MISSING_KEY_MESSAGE)
        _clients[ident] = client
        return client


def _error_detail(e: Any) -> str:
    body = getattr(e, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        return f"{err.get('type', 'error')}: {err.get('message', '')}".strip()
    return str(getattr(e, "message", None) or e)


def _api_error(e: Exception, model: str, retries: int, api_key: str | None) -> LiveError:
    """A plain, one-line LiveError for an SDK exception raised before any text arrived."""
    import anthropic

    tried = f" (after {retries} {'retry' if retries == 1 else 'retries'})" if retries else ""
    if isinstance(e, TypeError) and "authentication" in str(e):
        return MissingKeyError(MISSING_KEY_MESSAGE)
    if isinstance(e, anthropic.RateLimitError):
        msg = f"rate limited by the Anthropic API (HTTP 429){tried}: wait a minute and try again"
    elif isinstance(e, anthropic.OverloadedError):
        msg = f"the Anthropic API is overloaded (HTTP 529){tried}: try again in a few minutes"
    elif isinstance(e, anthropic.AuthenticationError):
        msg = "the API key was rejected (HTTP 401): check ANTHROPIC_API_KEY"
    elif isinstance(e, anthropic.PermissionDeniedError):
        msg = f"this API key may not use {model} (HTTP 403): {_error_detail(e)}"
    elif isinstance(e, anthropic.NotFoundError):
        msg = f"model {model!r} was not found (HTTP 404): pass model=, or fix the alias table (config.toml)"
    elif isinstance(e, anthropic.APIStatusError) and e.status_code >= 500:
        msg = f"the Anthropic API failed (HTTP {e.status_code}){tried}: {_error_detail(e)}"
    elif isinstance(e, anthropic.APIStatusError):
        msg = f"the Anthropic API refused the request (HTTP {e.status_code}): {_error_detail(e)}"
    elif isinstance(e, anthropic.APITimeoutError):
        msg = f"the request to the Anthropic API timed out{tried}"
    elif isinstance(e, anthropic.APIConnectionError):
        cause = e.__cause__ or e
        msg = f"cannot reach the Anthropic API{tried}: {cause}"
    else:
        msg = f"{type(e).__name__}: {e}"
    return LiveError(_scrub(msg, api_key))


def _broken(e: BaseException) -> str:
    """Why a stream that had started did not finish."""
    import anthropic

    if isinstance(e, anthropic.APIStatusError):
        return f"the stream broke: {_error_detail(e)}"
    return f"the connection dropped mid-stream: {e}"


# -- runs -------------------------------------------------------------------------------------------


def _describe(agent: AgentLike) -> tuple[str | None, str | None]:
    name = agent.name if isinstance(agent.name, str) else None
    return name, (str(agent.path) if agent.path is not None else None)


class LiveStream:
    """One run, as an iterator of text chunks. Iterate it (or call `.run()`), then read `.result`.

    `stop()` may be called from any thread (a notebook Stop button): the partial text is kept,
    recorded with complete=False, and returned.
    """

    def __init__(
        self,
        agent: AgentLike,
        prompt: str,
        *,
        model: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float | None = None,
        no_cache: bool = False,
        stop: threading.Event | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        timeout: float = DEFAULT_TIMEOUT_S,
        api_key: str | None = None,
    ) -> None:
        if not isinstance(prompt, str):
            raise TypeError(f"prompt must be a str, not {type(prompt).__name__}")
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self.agent = agent
        self.prompt = prompt
        self.model = resolve_model(agent.model, model)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.no_cache = no_cache
        self.stop_event = stop if stop is not None else threading.Event()
        self.max_retries = max_retries
        self.timeout = timeout
        self._api_key = api_key
        self._response: Any = None  # the HTTP response while streaming, so stop() can cut it
        self.result: RunResult | None = None
        self._text = agent.render()
        self.key = _cache_key(self._text, self.model, prompt, max_tokens, temperature)

    def stop(self) -> None:
        """Stop the run; safe from any thread, and a no-op once it has finished."""
        self.stop_event.set()
        response = self._response
        if response is None:
            return
        # Closing an httpx response does not wake a thread blocked reading it; shutting the socket does.
        try:
            sock = response.extensions["network_stream"].get_extra_info("socket")
            if sock is not None:
                import socket

                sock.shutdown(socket.SHUT_RDWR)
        except Exception:  # best effort: the stop flag is still checked after every chunk
            pass

    def run(self, on_text: Callable[[str], object] | None = None) -> RunResult:
        """Consume the stream, calling `on_text(chunk)` for each piece of text; return the result."""
        for chunk in self:
            if on_text is not None:
                on_text(chunk)
        assert self.result is not None
        return self.result

    def __iter__(self) -> Iterator[str]:
        if not self.no_cache:
            hit = _lookup(self.key)
            if hit is not None:
                self.result = hit
                if hit.text:
                    yield hit.text
                return
        if _replay():
            name, path = _describe(self.agent)
            raise ReplayMiss(
                f"replay mode (AGENTKIT_REPLAY=1): no recorded run of agent {name!r} ({path}) "
                f"with model {self.model!r} and prompt {_abbrev(self.prompt)!r}"
                f"{'' if not self.no_cache else ' (no_cache=True always needs a request)'}"
            )
        yield from self._request()

    def _request(self) -> Iterator[str]:
        client = _client(self._api_key, self.max_retries, self.timeout)
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "messages": [{"role": "user", "content": self.prompt}],
            "stream": True,
        }
        system = self.agent.prompt
        if system:  # the API rejects an empty system text
            params["system"] = system
        if self.temperature is not None:
            # SDK 1.0 dropped the keyword (models after Opus 4.6 reject it); older models still take it.
            params["extra_body"] = {"temperature": self.temperature}

        timestamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        t0 = time.perf_counter()
        parts: list[str] = []
        ttft: float | None = None
        input_tokens: int | None = None
        output_tokens: int | None = None
        stop_reason: str | None = None
        finished = False
        error: str | None = None

        def record(complete: bool) -> RunResult:
            name, path = _describe(self.agent)
            result = RunResult(
                text="".join(parts),
                model=self.model,
                agent=name,
                path=path,
                prompt=self.prompt,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                time_to_first_token_s=ttft,
                latency_s=time.perf_counter() - t0,
                stop_reason=stop_reason,
                cost_usd=cost_usd(self.model, input_tokens, output_tokens),
                cached=False,
                complete=complete,
                error=None if error is None else _scrub(error, self._api_key),
                run_id=uuid.uuid4().hex,
                timestamp=timestamp,
                agent_version=hashlib.sha256(self._text.encode()).hexdigest()[:12],
                max_tokens=self.max_tokens,
                temperature=self.temperature,
            )
            _store(self.key, result)
            self.result = result
            return result

        try:
            raw = client.messages.create(**params)
        except Exception as e:  # the SDK has already retried what it retries
            failure = _api_error(e, self.model, self.max_retries, self._api_key)
            if not isinstance(failure, MissingKeyError):
                error = str(failure)
                record(False)
            raise failure from None

        self._response = raw.response
        try:
            if self.stop_event.is_set():
                error = "stopped"
            else:
                for event in raw:
                    kind = event.type
                    if kind == "content_block_delta":
                        delta = event.delta
                        if delta.type == "text_delta":
                            if ttft is None:
                                ttft = time.perf_counter() - t0
                            parts.append(delta.text)
                            yield delta.text
                            if self.stop_event.is_set():
                                error = "stopped"
                                break
                    elif kind == "message_start":
                        usage = event.message.usage
                        input_tokens, output_tokens = usage.input_tokens, usage.output_tokens
                    elif kind == "message_delta":
                        stop_reason = event.delta.stop_reason
                        output_tokens = event.usage.output_tokens
                        if event.usage.input_tokens is not None:
                            input_tokens = event.usage.input_tokens
                    elif kind == "message_stop":
                        finished = True
            if not finished and error is None:
                error = "the stream ended before message_stop"
        except Exception as e:
            error = "stopped" if self.stop_event.is_set() else _broken(e)
        except BaseException:  # KeyboardInterrupt, or the consumer dropped the iterator
            error = "interrupted"
            raise
        finally:
            self._response = None
            raw.close()
            record(finished and error is None)


def _abbrev(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def stream(agent: AgentLike, prompt: str, **options: Any) -> LiveStream:
    """A LiveStream: `for chunk in live.stream(agent, prompt): ...`, then `.result`. Options as run()."""
    return LiveStream(agent, prompt, **options)


def run(
    agent: AgentLike,
    prompt: str,
    *,
    model: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    temperature: float | None = None,
    on_text: Callable[[str], object] | None = None,
    stop: threading.Event | None = None,
    no_cache: bool = False,
    max_retries: int = DEFAULT_MAX_RETRIES,
    timeout: float = DEFAULT_TIMEOUT_S,
    api_key: str | None = None,
) -> RunResult:
    """Run `agent` on `prompt`: system prompt = agent.prompt, user message = prompt.

    Text arrives through `on_text(chunk)` as it is generated. `temperature` is only sent when given
    (models after Opus 4.6 reject it). Setting `stop` (a threading.Event) ends
    the run early, keeping the partial text (complete=False). A recorded complete run with the same
    agent text, model, prompt and parameters is returned with cached=True and no request; `no_cache`
    forces a request (and records it). Raises MissingKeyError, ReplayMiss, or LiveError.
    """
    return LiveStream(
        agent,
        prompt,
        model=model,
        max_tokens=max_tokens,
        temperature=temperature,
        no_cache=no_cache,
        stop=stop,
        max_retries=max_retries,
        timeout=timeout,
        api_key=api_key,
    ).run(on_text)


def compare(
    agents: Iterable[AgentLike],
    prompt: str,
    *,
    on_text: Callable[[int, str], object] | None = None,
    parallel: bool = False,
    **options: Any,
) -> Comparison:
    """Run the same prompt through several agents (or versions of one); results in the given order.

    `on_text(index, chunk)` receives each agent's text as it streams. With `parallel=True` the runs
    stream at the same time (one thread each). Other options as run().
    """
    agents = list(agents)

    def one(i: int) -> RunResult:
        callback = None if on_text is None else (lambda chunk: on_text(i, chunk))
        return run(agents[i], prompt, on_text=callback, **options)

    if parallel and len(agents) > 1:
        with ThreadPoolExecutor(max_workers=min(len(agents), 8)) as pool:
            return Comparison(pool.map(one, range(len(agents))))
    return Comparison(one(i) for i in range(len(agents)))


def count_tokens(
    agent: AgentLike, prompt: str = "", model: str | None = None, *, api_key: str | None = None
) -> int:
    """Input tokens the agent's system prompt plus `prompt` would cost (POST /v1/messages/count_tokens).

    The API needs a user message: an empty prompt is counted as "." (about one token).
    """
    if _replay():
        raise ReplayMiss(
            "replay mode (AGENTKIT_REPLAY=1): count_tokens needs a request; unset AGENTKIT_REPLAY"
        )
    resolved = resolve_model(agent.model, model)
    client = _client(api_key, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_S)
    params: dict[str, Any] = {"model": resolved, "messages": [{"role": "user", "content": prompt or "."}]}
    if agent.prompt:
        params["system"] = agent.prompt
    try:
        return int(client.messages.count_tokens(**params).input_tokens)
    except Exception as e:
        raise _api_error(e, resolved, DEFAULT_MAX_RETRIES, api_key) from None


# -- live routing -----------------------------------------------------------------------------------

ROUTER_PROMPT = """\
You are the main agent of Claude Code. You can hand a task to a specialised subagent with the Agent tool.

Available agent types and the tools they have access to:
{listing}

Decide which agent you would delegate the user's request to. Answer with that agent's name only, exactly \
as written above, and nothing else. If no agent fits, answer: none"""


@dataclass(frozen=True, slots=True)
class _Adhoc:
    """A stand-in agent with a given system prompt (the router), so routing runs are cached too."""

    prompt: str
    name: str
    path: None = None
    model: str | None = None

    def render(self) -> str:
        return self.prompt


@dataclass(slots=True)
class LiveRoute:
    request: str
    choice: str | None  # the agent Claude picked, None for "none" or an answer naming no agent
    answer: str  # Claude's raw answer
    run: RunResult


def _routable(agents: Iterable[Any]) -> list[Any]:
    """The agents Claude Code would list: loaded, named, not shadowed by another file."""
    out = []
    for a in agents:
        if getattr(a, "loaded", True) and getattr(a, "shadowed_by", None) is None and isinstance(a.name, str):
            out.append(a)
    return out


def _agent_name(a: Any) -> str:
    return getattr(a, "qualified_name", None) or a.name


def router_prompt(agents: Iterable[Any]) -> str:
    """The main agent's system prompt listing the agents as Claude Code does (`- name: description`)."""
    lines = []
    for a in _routable(agents):
        tools = a.tools
        shown = "All tools" if tools is None or "*" in tools else (", ".join(tools) or "None")
        description = a.description if isinstance(a.description, str) else ""
        lines.append(f"- {_agent_name(a)}: {description} (Tools: {shown})")
    return ROUTER_PROMPT.format(listing="\n".join(lines))


def parse_choice(answer: str, names: Sequence[str]) -> str | None:
    """The agent an answer names: the whole first line, else the longest name mentioned anywhere."""
    first = answer.strip().splitlines()[0] if answer.strip() else ""
    cleaned = first.strip().strip("`'\"*.,:;!()[] ").strip()
    by_lower = {n.lower(): n for n in names}
    if cleaned.lower() in by_lower:
        return by_lower[cleaned.lower()]
    if cleaned.lower() in ("", "none", "no agent"):
        return None
    for n in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", answer, re.IGNORECASE):
            return n
    return None


def route_live(agents: Iterable[Any], request: str, model: str | None = None, **options: Any) -> LiveRoute:
    """Ask Claude which agent it would delegate `request` to, given their names and descriptions.

    Cached and recorded like any run (options as run(); default max_tokens=64). No temperature is
    sent: current models reject it, so repeated asks may differ; the cache answers them alike.
    """
    agents = _routable(agents)
    router = _Adhoc(prompt=router_prompt(agents), name="(router)")
    options.setdefault("max_tokens", 64)
    result = run(router, request, model=model, **options)
    return LiveRoute(
        request, parse_choice(result.text, [_agent_name(a) for a in agents]), result.text, result
    )


def compare_routing(
    agents: Any,
    requests: Iterable[str],
    *,
    model: str | None = None,
    offline: Callable[[Any, str], pd.DataFrame] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """For each request, the agent Claude picks live against the offline router's top pick.

    `offline(agents, request)` returns a ranked DataFrame with `name` and `score` columns
    (default: `agentkit.route`). Columns: request, live, offline, agree, offline_score,
    live_offline_rank (1-based rank of the live pick in the offline ranking), cached, cost_usd.
    """
    import pandas as pd

    if offline is None:
        from agentkit._overlap.route import route as offline
    rows = []
    for request in requests:
        picked = route_live(agents, request, model=model, **options)
        ranking = offline(agents, request)
        names = [str(n) for n in ranking["name"]] if len(ranking) else []
        top = names[0] if names and float(ranking["score"].iloc[0]) > 0 else None
        rows.append(
            {
                "request": request,
                "live": picked.choice,
                "offline": top,
                "agree": picked.choice == top,
                "offline_score": float(ranking["score"].iloc[0]) if names else None,
                "live_offline_rank": names.index(picked.choice) + 1 if picked.choice in names else None,
                "cached": picked.run.cached,
                "cost_usd": picked.run.cost_usd,
            }
        )
    return pd.DataFrame(rows)
