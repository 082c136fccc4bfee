"""Getting answers for an evaluation: through `agentkit.live`, cached per sample, retried, labelled.

`live.run` caches by agent text, model, prompt and parameters, with no sample index: asked three times
it answers three times alike. Evaluations need `repeat` distinct samples, each cached and replayable, so
this module keeps its own cache (`evals.sqlite`, see `_store`), keyed by that content *plus* the sample
index (and the live options, such as a mode), and by the endpoint that answered: an answer from the
stand-in or another base URL is never reused against another endpoint (in replay mode, which sends
nothing, any recorded answer is used, and says where it came from). On a miss every sample is a fresh
request (`live.run(..., no_cache=True)`, still recorded in the live history): letting sample 0 answer
from the live history would hand it whatever sample 1 had just recorded there, two copies of one answer.

Each stored answer says where it came from (`source`): "anthropic", "stand-in" (the local stand-in of
the Messages API, on a loopback address), or "endpoint", so an answer from the stand-in is never shown
as Claude's, even when it is replayed later without that server.

Retries: the SDK retries 429/529/5xx itself (`max_retries`). On top of that, a rate limit or an overload
(429, 529) that still fails is retried up to `retries` more times with exponential backoff, and every
worker waits out that backoff (one shared gate): the API asked everyone to slow down. A server error
(5xx) or a stream cut short is retried for that request alone, after its own backoff; when the retries
run out the sample is an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import agentkit.evals._store as _store
from agentkit import live
from agentkit._errors import EvalError, LiveError, MissingKeyError, ReplayMiss

T = TypeVar("T")


def source_of(result: Any) -> str:
    """A run's source ("anthropic", "stand-in", "endpoint"; see `live.SOURCES`), as `live` recorded it."""
    return getattr(result, "source", None) or live.current_source()


def endpoint() -> str:
    """Where requests go now: "anthropic" for the Anthropic API, else the base URL (credentials, query
    and fragment left out). Cached answers are keyed by it."""
    url = live.base_url()
    host = (urlsplit(url).hostname or "").lower() if url else "anthropic.com"
    return "anthropic" if host == "anthropic.com" or host.endswith(".anthropic.com") else str(url)


@dataclass(frozen=True)
class Reply:
    """What an evaluation keeps of one run."""

    text: str
    model: str
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    latency_s: float | None
    stop_reason: str | None
    complete: bool
    error: str | None
    run_id: str
    timestamp: str
    source: str
    cached: bool = False
    tool_calls: tuple[dict[str, Any], ...] = ()
    turns: int | None = None
    mode: str = "api"
    endpoint: str | None = None

    @classmethod
    def from_run(cls, r: Any) -> Reply:
        return cls(
            r.text,
            r.model,
            r.input_tokens,
            r.output_tokens,
            r.cost_usd,
            r.latency_s,
            r.stop_reason,
            r.complete,
            r.error,
            r.run_id,
            r.timestamp,
            source_of(r),
            r.cached,
            tuple(getattr(r, "tool_calls", None) or ()),
            getattr(r, "turns", None),
            getattr(r, "mode", "api"),
            endpoint(),
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["tool_calls"] = list(self.tool_calls)
        return out


# -- the cache --------------------------------------------------------------------------------------


def cache_path() -> Any:
    return _store.path()


def cache_get(key: str) -> Reply | None:
    """The recorded answer for `key` from this endpoint; in replay mode any recorded one (this
    endpoint's first)."""
    here = endpoint()
    if live.replaying():
        rows = _store.execute(
            "SELECT answer FROM answers WHERE key = ? ORDER BY endpoint = ? DESC, created DESC LIMIT 1",
            (key, here),
            create=False,
        )
    else:
        rows = _store.execute(
            "SELECT answer FROM answers WHERE key = ? AND endpoint = ?", (key, here), create=False
        )
    if not rows:
        return None
    stored = json.loads(rows[0][0])
    known = {k: stored[k] for k in Reply.__dataclass_fields__ if k in stored}
    known["tool_calls"] = tuple(known.get("tool_calls") or ())
    return Reply(**{**known, "cached": True})


def cache_put(key: str, kind: str, value: Mapping[str, Any]) -> None:
    if live.replaying():  # replay reads recordings, never writes them
        return
    _store.execute(
        "INSERT OR REPLACE INTO answers (key, endpoint, kind, created, answer) VALUES (?, ?, ?, ?, ?)",
        (
            key,
            endpoint(),
            kind,
            datetime.now(UTC).isoformat(timespec="seconds"),
            json.dumps(value, default=str),
        ),
    )


def content_key(kind: str, **content: Any) -> str:
    payload = {"kind": kind, **content}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# -- retries --------------------------------------------------------------------------------------

_RATE_LIMITS = ("HTTP 429", "HTTP 529", "overloaded")
_SERVER_ERRORS = ("HTTP 500", "HTTP 502", "HTTP 503", "HTTP 504", "HTTP 5xx")


def rate_limited(error: BaseException) -> bool:
    """The API asked everyone to slow down (429, 529): every worker waits."""
    return any(s in str(error) for s in _RATE_LIMITS)


def server_error(error: BaseException) -> bool:
    """The server failed this request (5xx): retried for this request alone."""
    return any(s in str(error) for s in _SERVER_ERRORS)


class RateGate:
    """A shared "not before" time: after a rate limit every worker waits, not only the one that hit it."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def wait(self, stop: threading.Event | None = None) -> None:
        while True:
            with self._lock:
                delay = self._until - time.monotonic()
            if delay <= 0 or (stop is not None and stop.is_set()):
                return
            time.sleep(min(delay, 0.25))


def _sleep(seconds: float, stop: threading.Event | None) -> None:
    if stop is None:
        time.sleep(seconds)
    else:
        stop.wait(seconds)


@dataclass(frozen=True)
class Retry:
    retries: int = 3  # attempts after the first, on top of the SDK's own max_retries
    wait_s: float = 2.0  # the first backoff; doubled each time, plus up to 25% jitter


@dataclass
class Asker:
    """Asks live for answers, grades and routing picks, through the per-sample cache."""

    no_cache: bool = False
    max_retries: int = live.DEFAULT_MAX_RETRIES
    retry: Retry = field(default_factory=Retry)
    live_options: Mapping[str, Any] = field(default_factory=dict)
    stop: threading.Event | None = None

    def __post_init__(self) -> None:
        self.live_options = dict(self.live_options)
        self.gate = RateGate()
        self.answered: dict[str, Reply] = {}  # answers got another way for this run (a batch): used first
        self._inflight: dict[str, threading.Lock] = {}  # one request per key at a time (see _once)
        self._inflight_lock = threading.Lock()
        # live.run takes its own keywords and the run options' names (live.RunOptions).
        accepted = set(inspect.signature(live.run).parameters) | {
            f.name for f in dataclasses.fields(live.RunOptions)
        }
        for name in self.live_options:
            if name not in accepted:
                raise EvalError(f"agentkit.live.run takes no {name}= in this version of agentkit")

    @property
    def mode(self) -> str:
        return str(self.live_options.get("mode", live.API))

    def _with_retries(self, attempt: Callable[[], T], complete: Callable[[T], bool]) -> T:
        tries = 0
        while True:
            self.gate.wait(self.stop)
            shared = False
            try:
                result = attempt()
            except (ReplayMiss, MissingKeyError):
                raise
            except LiveError as e:
                shared = rate_limited(e)
                if tries >= self.retry.retries or not (shared or server_error(e)):
                    raise
            else:
                if complete(result) or tries >= self.retry.retries or (self.stop and self.stop.is_set()):
                    return result
            backoff = self.retry.wait_s * 2**tries * (1 + random.random() / 4)
            if shared:
                self.gate.hold(backoff)
            else:
                _sleep(backoff, self.stop)
            tries += 1

    def _once(self, key: str) -> threading.Lock:
        """The lock for one cache key: threads asking the same thing wait for the first request and then
        read its cached result, instead of paying for it again."""
        with self._inflight_lock:
            return self._inflight.setdefault(key, threading.Lock())

    def answer_key(self, agent: Any, prompt: str, *, model: str | None, sample: int, max_tokens: int,
                   temperature: float | None, files: Mapping[str, str] | None = None,
                   history: Sequence[tuple[str, str]] = ()) -> str:  # fmt: skip
        resolved = live.resolve_model(agent.model, model)
        content: dict[str, Any] = dict(
            agent=agent.render(),
            model=resolved,
            prompt=prompt,
            max_tokens=max_tokens,
            temperature=temperature,
            sample=sample,
            options=self.live_options,
        )
        if files:  # only when given: keys of suites without files stay what they were
            content["files"] = dict(sorted(files.items()))
        if history:  # a conversation's earlier turns (user, answer)
            content["history"] = [list(turn) for turn in history]
        return content_key("answer", **content)

    def answer(
        self,
        agent: Any,
        prompt: str,
        *,
        model: str | None,
        sample: int,
        max_tokens: int,
        temperature: float | None,
        files: Mapping[str, str] | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Reply:
        """One sample of `agent` on `prompt` (sample 0, 1, ...: each its own cached answer); `files` seed
        Claude Code's working folder; `history` holds a conversation's earlier (user, answer) turns."""
        key = self.answer_key(
            agent,
            prompt,
            model=model,
            sample=sample,
            max_tokens=max_tokens,
            temperature=temperature,
            files=files,
            history=history,
        )
        if key in self.answered:
            return self.answered[key]
        if not self.no_cache:
            stored = cache_get(key)
            if stored is not None:
                return stored
        if live.replaying():
            raise ReplayMiss(f"sample {sample + 1} is not recorded")

        extra: dict[str, Any] = dict(self.live_options)
        if files:
            extra["files"] = dict(files)
        if history:
            extra["history"] = list(history)

        def attempt() -> Any:
            return live.run(
                agent,
                prompt,
                model=model,
                max_tokens=max_tokens,
                temperature=temperature,
                no_cache=True,
                max_retries=self.max_retries,
                stop=self.stop,
                **extra,
            )

        result = Reply.from_run(self._with_retries(attempt, lambda r: bool(r.complete)))
        if result.complete:
            cache_put(key, "answer", result.to_dict())
        return result

    def ask_grader(self, grader: Any, message: str, model: str, max_tokens: int, graded: str | None) -> Reply:
        """The grader's reply for one answer (`graded`: its run id): cached with that answer, so each
        sample is graded on its own, and a recorded answer keeps its recorded grade."""
        resolved = live.resolve_model(None, model)
        key = content_key(
            "grade",
            agent=grader.render(),
            model=resolved,
            prompt=message,
            max_tokens=max_tokens,
            graded=graded,
        )
        with self._once(key):
            if not self.no_cache:
                stored = cache_get(key)
                if stored is not None:
                    return stored
            if live.replaying():
                raise ReplayMiss("its grading is not recorded")

            def attempt() -> Any:
                return live.run(
                    grader,
                    message,
                    model=model,
                    max_tokens=max_tokens,
                    no_cache=True,
                    max_retries=self.max_retries,
                )

            result = Reply.from_run(self._with_retries(attempt, lambda r: bool(r.complete)))
            if result.complete:
                cache_put(key, "grade", result.to_dict())
            return result

    def route(self, suite: Any, label: str, agents: Sequence[Any], request: str) -> Any:
        """What Claude Code does first with `request` over a set (`live/_routing/evaluation.ClaudeCodePicks`). Suites
        over a scratch project are cached here by what Claude Code sees of the set; suites over a real
        project rely on `live.route`'s own history, which keys samples by the exact request sent."""
        from agentkit.live._routing.evaluation import ClaudeCodePicks, claude_code_picks, routing_key

        if suite.project is not None:
            return claude_code_picks(suite, label, agents, request, no_cache=self.no_cache)
        resolved = live.resolve_model(None, suite.model)
        key = routing_key(suite, agents, request, resolved)
        if not self.no_cache:
            rows = _store.execute(
                "SELECT answer FROM answers WHERE key = ? AND (endpoint = ? OR ?) ORDER BY endpoint = ? DESC LIMIT 1",
                (key, endpoint(), live.replaying(), endpoint()),
                create=False,
            )
            if rows:
                stored = json.loads(rows[0][0])
                picks = tuple((str(k), int(n)) for k, n in stored["picks"])
                return ClaudeCodePicks(picks, stored["answer"], stored["source"], True)
        found = claude_code_picks(suite, label, agents, request, no_cache=self.no_cache)
        payload = {"picks": found.picks, "answer": found.answer, "source": found.source}
        cache_put(key, "route", payload)  # not in replay
        return found
