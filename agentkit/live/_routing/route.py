"""`route`: will Claude Code hand this request to an agent? Its own request, sampled N times.

Claude Code's main-loop request is captured for the project (`capture_request`), then sent to the API N
times: the same model, system, tools, messages and beta headers (only `max_tokens` lowered). Claude Code
marks the prefix for the prompt cache, so the first sample is sent alone and writes the cache, and the rest
go `concurrency` at a time and read it. Each sample is recorded in the history (`route_samples`), keyed by
the exact request (ids left out), the sample's index and the endpoint: asking again answers from it, and
`AGENTKIT_REPLAY=1` answers only from recordings (matched by the request's words, the model and the agents
listed, so that recordings survive a new date or path). A rate limit or an overload is retried with
exponential backoff, every worker waiting it out; other errors fail that sample only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from agentkit._errors import InvalidRunOption, LiveError, MissingKeyError, ReplayMiss
from agentkit._oracle import ClaudeCode
from agentkit.live._api import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_S
from agentkit.live._history import _problem, connect, history_path, warn_unusable
from agentkit.live._redact import redact, secrets
from agentkit.live._routing.capture import Capture
from agentkit.live._routing.request import capture_request
from agentkit.live._routing.result import Route
from agentkit.live._routing.sample import DEFAULT_MAX_TOKENS, Sample, send
from agentkit.live._routing.whatif import KEEP, AgentsChange, Keep
from agentkit.live._run import replaying
from agentkit.live._source import base_url, is_anthropic

DEFAULT_SAMPLES = 10
DEFAULT_CONCURRENCY = 4
MAX_SAMPLES = 1000
BACKOFF_S = (2.0, 4.0, 8.0, 16.0, 32.0)  # waits after a rate limit or an overload, then the sample fails


def route(
    request: str,
    project: str | os.PathLike[str] | None = None,
    *,
    samples: int = DEFAULT_SAMPLES,
    agents: AgentsChange = None,
    claude_md: str | None | Keep = KEEP,
    model: str | None = None,
    max_tokens: int = DEFAULT_MAX_TOKENS,
    concurrency: int = DEFAULT_CONCURRENCY,
    config_dir: str | os.PathLike[str] | None = None,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    api_key: str | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    timeout: float = DEFAULT_TIMEOUT_S,
    cache: bool = True,
    on_sample: Callable[[Sample], None] | None = None,
) -> Route:
    """Ask Claude Code's main loop `samples` times what it does first with `request` typed in `project`.

    The request is Claude Code's own (see `capture_request`, which `agents`, `claude_md`, `config_dir`,
    `model` and `claude` go to), so the built-in agents, the skills, CLAUDE.md and the choice to do the work
    itself all compete. Returns a frozen `Route` (`.picks`, `.shares()`, `.to_frame()`, `.summary()`).
    `on_sample` is called with each sample as it arrives (from worker threads).
    """
    if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= MAX_SAMPLES:
        raise InvalidRunOption(f"samples must be a whole number from 1 to {MAX_SAMPLES}, not {samples!r}")
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise InvalidRunOption(f"concurrency must be a whole number of at least 1, not {concurrency!r}")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise InvalidRunOption(f"max_tokens must be a whole number of at least 1, not {max_tokens!r}")
    captured = capture_request(
        request,
        project,
        agents=agents,
        claude_md=claude_md,
        config_dir=config_dir,
        model=model,
        claude=claude,
    )
    sampler = _Sampler(captured, max_tokens, api_key, max_retries, timeout, cache, on_sample)
    return Route(
        request=request,
        project=captured.project,
        claude_code=captured.claude_code,
        model=captured.model,
        capture=captured,
        samples=sampler.run(samples, concurrency),
    )


# -- keys -----------------------------------------------------------------------------------------------------
def sample_key(capture: Capture, index: int, max_tokens: int, endpoint: str | None) -> str:
    """The exact request (its ids left out), the sample's index, the limit and the endpoint."""
    body = {k: v for k, v in capture.body.items() if k not in ("metadata", "max_tokens")}
    payload = {
        "body": body,
        "betas": capture.betas,
        "i": index,
        "max_tokens": max_tokens,
        "endpoint": endpoint,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def replay_key(capture: Capture, index: int, max_tokens: int) -> str:
    """What a recording is found by in replay mode: the words, the model, the agents listed, the index."""
    listing = [[a.name, a.description, a.tools] for a in capture.listing]
    payload = {
        "request": capture.request,
        "model": capture.model,
        "listing": listing,
        "i": index,
        "max_tokens": max_tokens,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


COLUMNS = (
    "key",
    "replay_key",
    "sample",
    "timestamp",
    "request",
    "project",
    "claude_code",
    "model",
    "max_tokens",
    "label",
    "detail",
    "subagent_type",
    "words",
    "stop_reason",
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "cost_usd",
    "latency_s",
    "source",
    "endpoint",
    "error",
)
_SAMPLE_FIELDS = (
    "label",
    "detail",
    "subagent_type",
    "words",
    "stop_reason",
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
    "cost_usd",
    "latency_s",
    "source",
    "endpoint",
)


class _Sampler:
    def __init__(
        self,
        capture: Capture,
        max_tokens: int,
        api_key: str | None,
        max_retries: int,
        timeout: float,
        cache: bool,
        on_sample: Callable[[Sample], None] | None,
    ) -> None:
        self.capture = capture
        self.max_tokens = max_tokens
        self.api_key = api_key
        self.max_retries = max_retries
        self.timeout = timeout
        self.cache = cache
        self.on_sample = on_sample
        self.replay = replaying()
        url = base_url()
        self.endpoint = None if is_anthropic(url) else url
        self.calm = threading.Event()  # cleared while every worker waits out a rate limit
        self.calm.set()
        self.history_ok = True

    def run(self, count: int, concurrency: int) -> tuple[Sample, ...]:
        found = {i: self._recorded(i) for i in range(count)} if (self.cache or self.replay) else {}
        missing = [i for i in range(count) if found.get(i) is None]
        if self.replay and missing:
            raise ReplayMiss(
                f"replay mode (AGENTKIT_REPLAY=1): {len(missing)} of {count} samples of {self.capture.request!r} "
                f"with {self.capture.model} over these agents are not recorded; unset AGENTKIT_REPLAY to ask"
            )
        results: dict[int, Sample] = {i: s for i, s in found.items() if s is not None}
        for sample in results.values():
            self._tell(sample)
        if missing:
            # The first request writes the prompt cache; the rest then read it.
            results[missing[0]] = self._one(missing[0])
            rest = missing[1:]
            if rest:
                with ThreadPoolExecutor(max_workers=min(concurrency, len(rest))) as pool:
                    for sample in pool.map(self._one, rest):
                        results[sample.index] = sample
        return tuple(results[i] for i in range(count))

    def _tell(self, sample: Sample) -> None:
        if self.on_sample is not None:
            self.on_sample(sample)

    def _one(self, index: int) -> Sample:
        import anthropic

        error: str | None = None
        for wait in (*BACKOFF_S, None):
            self.calm.wait()
            try:
                sample = send(
                    self.capture,
                    index,
                    max_tokens=self.max_tokens,
                    api_key=self.api_key,
                    max_retries=self.max_retries,
                    timeout=self.timeout,
                )
                break
            except LiveError as e:
                cause = e.__context__
                busy = isinstance(cause, anthropic.RateLimitError | anthropic.OverloadedError) or (
                    "HTTP 429" in str(e) or "HTTP 529" in str(e)
                )
                error = str(e)
                if isinstance(e, MissingKeyError):
                    raise
                if not busy or wait is None:
                    sample = _failed(index, error, self.endpoint)
                    break
                self._pause(wait)
        self._store(sample)
        self._tell(sample)
        return sample

    def _pause(self, seconds: float) -> None:
        if self.calm.is_set():
            self.calm.clear()
            timer = threading.Timer(seconds, self.calm.set)
            timer.daemon = True
            timer.start()

    # -- the history ----------------------------------------------------------------------------------------
    def _recorded(self, index: int) -> Sample | None:
        try:
            db = connect(create=False)
        except LiveError as e:
            if self.replay:
                raise
            warn_unusable(e)
            self.history_ok = False
            return None
        if db is None:
            return None
        columns = ", ".join(("sample", *_SAMPLE_FIELDS))
        if self.replay:
            query = (
                f"SELECT {columns} FROM route_samples WHERE replay_key = ? AND sample = ? AND error IS NULL"
            )
            args: list[Any] = [replay_key(self.capture, index, self.max_tokens), index]
        else:
            query = f"SELECT {columns} FROM route_samples WHERE key = ? AND sample = ? AND error IS NULL"
            args = [sample_key(self.capture, index, self.max_tokens, self.endpoint), index]
        try:
            row = db.execute(query + " ORDER BY timestamp DESC, rowid DESC LIMIT 1", args).fetchone()
        except sqlite3.Error as e:
            raise _problem(history_path(), e) from None
        finally:
            db.close()
        if row is None:
            return None
        values = dict(zip(("index", *_SAMPLE_FIELDS), row, strict=True))
        return Sample(**values, cached=True)

    def _store(self, sample: Sample) -> None:
        if not self.history_ok or not sample.ok:
            return
        hidden = secrets(self.api_key)
        row = {
            "key": sample_key(self.capture, sample.index, self.max_tokens, self.endpoint),
            "replay_key": replay_key(self.capture, sample.index, self.max_tokens),
            "sample": sample.index,
            "timestamp": datetime.now(UTC).isoformat(),
            "request": redact(self.capture.request, hidden),
            "project": str(self.capture.project),
            "claude_code": self.capture.claude_code,
            "model": self.capture.model,
            "max_tokens": self.max_tokens,
            **{f: getattr(sample, f) for f in _SAMPLE_FIELDS},
            "error": sample.error,
        }
        row["words"] = redact(row["words"], hidden)
        try:
            db = connect()
            assert db is not None
            try:
                db.execute(
                    f"INSERT INTO route_samples ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [row[c] for c in COLUMNS],
                )
            except sqlite3.Error as e:
                raise _problem(history_path(), e) from None
            finally:
                db.close()
        except LiveError as e:
            warn_unusable(e)
            self.history_ok = False


def _failed(index: int, error: str, endpoint: str | None) -> Sample:
    return Sample(
        index=index,
        label="(error)",
        detail="failed",
        subagent_type=None,
        words="",
        stop_reason=None,
        input_tokens=None,
        output_tokens=None,
        cache_read_input_tokens=None,
        cache_creation_input_tokens=None,
        cost_usd=None,
        latency_s=None,
        source="anthropic" if endpoint is None else "endpoint",
        endpoint=endpoint,
        error=error,
        cached=False,
    )
