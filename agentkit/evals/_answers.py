"""Getting answers for an evaluation: through `agentkit.live`, cached per sample, retried, labelled.

`live.run` caches by agent text, model, prompt and parameters, with no sample index: asked three times
it answers three times alike. Evaluations need `repeat` distinct samples, each cached and replayable, so
this module keeps its own cache, `$AGENTKIT_HOME/evals.sqlite`, keyed by that content *plus* the sample
index (and the live options, such as a mode). On a miss every sample is a fresh request
(`live.run(..., no_cache=True)`, still recorded in the live history): letting sample 0 answer from the
live history would hand it whatever sample 1 had just recorded there, two copies of one answer. This is
the thin adapter to swap when `live` offers a sample index of its own.

Each stored answer says where it came from (`source`): "anthropic", "stand-in" (the local stand-in of
the Messages API, on a loopback address), or the host of another endpoint, so an answer from the
stand-in is never shown as Claude's, even when it is replayed later without that server.

Rate limits: the SDK retries 429/529/5xx itself (`max_retries`); on top of that a run that still fails
with a rate limit or overload, or whose stream was cut short, is retried up to `retries` more times with
exponential backoff, and every worker waits out the backoff (one shared gate), so a burst of parallel
requests slows down together instead of hammering the API.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from agentkit import live
from agentkit._errors import EvalError, LiveError, MissingKeyError, ReplayMiss

T = TypeVar("T")

CACHE_FILE = "evals.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, created TEXT NOT NULL, answer TEXT NOT NULL
);
"""


def source_of(result: Any) -> str:
    """A run's source ("anthropic", "stand-in", "endpoint"; see `live.SOURCES`), as `live` recorded it."""
    return getattr(result, "source", None) or live.current_source()


@dataclass(frozen=True)
class Answer:
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

    @classmethod
    def from_run(cls, r: Any) -> Answer:
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
        )


# -- the cache --------------------------------------------------------------------------------------


def cache_path() -> Any:
    return live.home() / CACHE_FILE


def _connect() -> sqlite3.Connection:
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30)
    db.executescript(_SCHEMA)
    return db


def cache_get(key: str) -> dict[str, Any] | None:
    if not cache_path().exists():
        return None
    db = _connect()
    try:
        row = db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
    finally:
        db.close()
    return None if row is None else json.loads(row[0])


def cache_put(key: str, kind: str, value: Mapping[str, Any]) -> None:
    db = _connect()
    try:
        with db:
            db.execute(
                "INSERT OR REPLACE INTO answers (key, kind, created, answer) VALUES (?, ?, ?, ?)",
                (key, kind, datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(value)),
            )
    finally:
        db.close()


def content_key(kind: str, **content: Any) -> str:
    payload = {"kind": kind, **content}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _answer_from(stored: Mapping[str, Any]) -> Answer:
    known = {k: stored[k] for k in Answer.__dataclass_fields__ if k in stored}
    return Answer(**{**known, "cached": True})


# -- retries --------------------------------------------------------------------------------------


def rate_limited(error: BaseException) -> bool:
    """A LiveError worth retrying later: rate limited, overloaded, or a server error."""
    text = str(error)
    return any(s in text for s in ("HTTP 429", "HTTP 529", "overloaded", "HTTP 500", "HTTP 502", "HTTP 503"))


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


@dataclass(frozen=True)
class Retry:
    retries: int = 3  # attempts after the first, on top of the SDK's own max_retries
    wait_s: float = 2.0  # the first backoff; doubled each time, plus up to 25% jitter


class Asker:
    """Asks live for answers, grades and routing picks, through the per-sample cache."""

    def __init__(
        self,
        *,
        no_cache: bool = False,
        max_retries: int = live.DEFAULT_MAX_RETRIES,
        retry: Retry = Retry(),
        live_options: Mapping[str, Any] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.no_cache = no_cache
        self.max_retries = max_retries
        self.retry = retry
        self.live_options = dict(live_options or {})
        self.stop = stop
        self.gate = RateGate()
        self._inflight: dict[str, threading.Lock] = {}  # one request per key at a time (see _once)
        self._inflight_lock = threading.Lock()
        accepted = inspect.signature(live.run).parameters
        takes_any = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in accepted.values())
        for name in self.live_options:
            if name not in accepted and not takes_any:
                raise EvalError(f"agentkit.live.run takes no {name}= in this version of agentkit")

    @staticmethod
    def replaying() -> bool:
        return os.environ.get("AGENTKIT_REPLAY", "").strip().lower() in ("1", "true", "yes", "on")

    def _with_retries(self, attempt: Callable[[], T], complete: Callable[[T], bool]) -> T:
        tries = 0
        while True:
            self.gate.wait(self.stop)
            try:
                result = attempt()
            except (ReplayMiss, MissingKeyError):
                raise
            except LiveError as e:
                if tries >= self.retry.retries or not rate_limited(e):
                    raise
            else:
                if complete(result) or tries >= self.retry.retries or (self.stop and self.stop.is_set()):
                    return result
            self.gate.hold(self.retry.wait_s * 2**tries * (1 + random.random() / 4))
            tries += 1

    def _once(self, key: str) -> threading.Lock:
        """The lock for one cache key: threads asking the same thing (the same answer graded twice)
        wait for the first request and then read its cached result, instead of paying for it again."""
        with self._inflight_lock:
            return self._inflight.setdefault(key, threading.Lock())

    def answer(
        self,
        agent: Any,
        prompt: str,
        *,
        model: str | None,
        sample: int,
        max_tokens: int,
        temperature: float | None,
    ) -> Answer:
        """One sample of `agent` on `prompt` (sample 0, 1, ...: each its own cached answer)."""
        resolved = live.resolve_model(agent.model, model)
        key = content_key(
            "answer",
            agent=agent.render(),
            model=resolved,
            prompt=prompt,
            max_tokens=max_tokens,
            temperature=temperature,
            sample=sample,
            options=self.live_options,
        )
        if not self.no_cache:
            stored = cache_get(key)
            if stored is not None:
                return _answer_from(stored)
        if self.replaying():
            raise ReplayMiss(f"sample {sample + 1} is not recorded")

        def attempt() -> Any:
            return live.run(
                agent,
                prompt,
                model=model,
                max_tokens=max_tokens,
                temperature=temperature,
                no_cache=True,
                max_retries=self.max_retries,
                **self.live_options,
            )

        result = Answer.from_run(self._with_retries(attempt, lambda r: bool(r.complete)))
        if result.complete and not self.replaying():  # replay reads recordings, never writes them
            cache_put(key, "answer", asdict(result))
        return result

    def ask_grader(self, grader: Any, message: str, model: str, max_tokens: int) -> Answer:
        """The grader's reply (cached like an answer; the same answer and rubric grade once)."""
        resolved = live.resolve_model(None, model)
        key = content_key(
            "grade", agent=grader.render(), model=resolved, prompt=message, max_tokens=max_tokens
        )
        with self._once(key):
            return self._grade(key, grader, message, model, max_tokens)

    def _grade(self, key: str, grader: Any, message: str, model: str, max_tokens: int) -> Answer:
        if not self.no_cache:
            stored = cache_get(key)
            if stored is not None:
                return _answer_from(stored)

        def attempt() -> Any:
            return live.run(
                grader,
                message,
                model=model,
                max_tokens=max_tokens,
                no_cache=self.no_cache,
                max_retries=self.max_retries,
            )

        result = Answer.from_run(self._with_retries(attempt, lambda r: bool(r.complete)))
        if result.complete and not self.replaying():  # replay reads recordings, never writes them
            cache_put(key, "grade", asdict(result))
        return result

    def route(
        self, agents: Sequence[Any], request: str, model: str | None
    ) -> tuple[str | None, str, str, bool]:
        """Which agent Claude picks for `request`: (name or None, raw answer, source, cached)."""
        from agentkit.evals._routing import routing_key

        resolved = live.resolve_model(None, model)
        key = routing_key(agents, request, resolved)
        if not self.no_cache:
            stored = cache_get(key)
            if stored is not None:
                return stored["picked"], stored["answer"], stored["source"], True

        from agentkit.evals._routing import claude_code_pick

        picked, answer, source, cached = claude_code_pick(agents, request, model, no_cache=self.no_cache)
        if not self.replaying():
            cache_put(key, "route", {"picked": picked, "answer": answer, "source": source})
        return picked, answer, source, cached
