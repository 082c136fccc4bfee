"""Running an agent on a prompt: options checked, the cache asked first, the run streamed and recorded.

Two modes share everything but the request: "api" (the default: the agent's body as the system prompt,
no tools, one streamed request; see `_api`) and "claude-code" (the agent run by Claude Code as a
subagent, with its tools; see `_claude_code`).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Protocol

import agentkit.live._api as _api
import agentkit.live._claude_code as _claude_code
from agentkit._errors import InvalidRunOption, LiveError, MissingKeyError, ReplayMiss
from agentkit._reader.jsonable import lone_surrogate
from agentkit.live._history import cache_key, lookup, recorded_prompts, store, warn_unusable
from agentkit.live._options import (
    DEFAULT_MAX_TOKENS,
    OPTION_NAMES,
    RunOptions,
    check_prompt,
)
from agentkit.live._prices import cost_usd, resolve_model
from agentkit.live._redact import redact, redacted_chunks, secrets
from agentkit.live._result import API, CLAUDE_CODE, Draft, RunResult, RunResults, RunSpec
from agentkit.live._source import base_url, is_anthropic


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


def replaying() -> bool:
    """Is replay mode on (`AGENTKIT_REPLAY=1`): answers only from recorded runs, no request, no key?"""
    return os.environ.get("AGENTKIT_REPLAY", "").strip().lower() in ("1", "true", "yes", "on")


def _describe(agent: AgentLike) -> tuple[str | None, str | None]:
    name = agent.name if isinstance(agent.name, str) else None
    return name, (str(agent.path) if agent.path is not None else None)


def _abbrev(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _endpoint() -> str | None:
    url = base_url()
    return None if is_anthropic(url) else url


class LiveStream:
    """One run, as an iterator of text chunks. Iterate it (or call `.run()`), then read `.result`.

    `stop()` may be called from any thread (a notebook Stop button): the partial text is kept,
    recorded with complete=False, and returned.
    """

    def __init__(
        self,
        agent: AgentLike,
        prompt: str,
        options: RunOptions | None = None,
        *,
        stop: threading.Event | None = None,
        api_key: str | None = None,
        files: Mapping[str, str] | None = None,
        history: Iterable[tuple[str, str]] | None = None,
        **option_keywords: Any,
    ) -> None:
        check_prompt(prompt)
        opts = RunOptions.of(options, option_keywords)
        mode = opts.mode
        max_tokens = opts.max_tokens
        if mode == API and max_tokens is None:
            max_tokens = DEFAULT_MAX_TOKENS
        if files and mode != CLAUDE_CODE:
            raise InvalidRunOption(
                "files= seeds Claude Code's working folder: use it with mode='claude-code'"
            )
        earlier = tuple((u, a) for u, a in (history or ()))
        if earlier and mode != API:
            raise InvalidRunOption(
                "history= continues a conversation through the API: use it with mode='api'"
            )
        if not all(isinstance(u, str) and isinstance(a, str) and u.strip() and a.strip() for u, a in earlier):
            raise InvalidRunOption("history= holds (user message, answer) pairs of non-empty text")
        self.agent = agent
        self.prompt = prompt
        self.options = opts
        self.mode = mode
        self.model = resolve_model(agent.model, opts.model)
        self.max_tokens = max_tokens
        self.temperature = opts.temperature
        self.no_cache = opts.no_cache
        self.stop_event = stop if stop is not None else threading.Event()
        self.max_retries = opts.max_retries
        self.timeout = opts.timeout
        self._api_key = api_key
        self._cancel: Callable[[], None] | None = None  # cuts the request short (set while it runs)
        self.result: RunResult | None = None
        self._history_unusable = False
        self._text = agent.render()
        surrogate = lone_surrogate(self._text)
        if surrogate is not None:
            raise InvalidRunOption(
                f"the agent's text holds a lone surrogate (U+{ord(surrogate.group()):04X}), which is not text: "
                "its system prompt cannot be sent"
            )
        seeded = tuple(sorted((str(k), str(v)) for k, v in (files or {}).items()))
        self.spec = RunSpec(
            agent=agent,
            agent_text=self._text,
            prompt=prompt,
            model=self.model,
            mode=mode,
            max_tokens=max_tokens,
            temperature=opts.temperature,
            max_retries=opts.max_retries,
            timeout=float(opts.timeout),
            api_key=api_key,
            max_turns=opts.max_turns,
            max_cost_usd=opts.max_cost_usd,
            permission_mode=opts.permission_mode,
            files=seeded,
            history=earlier,
        )
        extra = None
        if mode == CLAUDE_CODE:
            extra = {
                "mode": mode,
                "max_turns": opts.max_turns,
                "permission_mode": opts.permission_mode,
                "claude_code": _claude_code.claude_code_version(),
                "files": [list(f) for f in seeded],
            }
        if earlier:  # a conversation: its earlier turns decide the answer too (single prompts hash as before)
            extra = {**(extra or {}), "history": [list(turn) for turn in earlier]}
        self.key = cache_key(self._text, self.model, prompt, max_tokens, opts.temperature, extra)

    def stop(self) -> None:
        """Stop the run; safe from any thread, and a no-op once it has finished."""
        self.stop_event.set()
        cancel = self._cancel
        if cancel is not None:
            cancel()

    def _set_cancel(self, cancel: Callable[[], None] | None) -> None:
        self._cancel = cancel
        if cancel is not None and self.stop_event.is_set():
            cancel()

    def run(self, on_text: Callable[[str], object] | None = None) -> RunResult:
        """Consume the stream, calling `on_text(chunk)` for each piece of text; return the result."""
        for chunk in self:
            if on_text is not None:
                on_text(chunk)
        assert self.result is not None
        return self.result

    def __iter__(self) -> Iterator[str]:
        replay = replaying()
        if not self.no_cache:
            try:
                hit = lookup(self.key, endpoint=_endpoint(), any_source=replay)
            except LiveError as e:
                if replay:
                    raise
                warn_unusable(e)
                self._history_unusable = True  # one warning per run: do not try to record either
                hit = None
            if hit is not None:
                self.result = hit
                if hit.text:
                    yield hit.text
                return
        if replay:
            raise ReplayMiss(self._replay_miss())
        yield from self._request()

    def _replay_miss(self) -> str:
        name, path = _describe(self.agent)
        mode = " in claude-code mode" if self.mode == CLAUDE_CODE else ""
        message = (
            f"replay mode (AGENTKIT_REPLAY=1): no recorded run of agent {name!r} ({path}){mode} "
            f"with model {self.model!r} and prompt {_abbrev(redact(self.prompt))!r}"
        )
        if self.no_cache:
            return message + " (no_cache=True always needs a request)"
        try:
            prompts = recorded_prompts(name, mode=self.mode)
        except LiveError:
            prompts = []
        if prompts:
            shown = ", ".join(repr(_abbrev(p)) for p in prompts[:8])
            more = f" and {len(prompts) - 8} more" if len(prompts) > 8 else ""
            return f"{message}; recorded prompts for {name!r}: {shown}{more}"
        return f"{message}; nothing is recorded for {name!r}{mode}"

    def _request(self) -> Iterator[str]:
        draft = Draft()
        timestamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        t0 = time.perf_counter()
        backend = _api.stream if self.mode == API else _claude_code.stream
        record = True
        finished = self._watch_stop()
        try:
            chunks = backend(self.spec, draft, self.stop_event, self._set_cancel)
            yield from redacted_chunks(chunks, secrets(self._api_key))
        except MissingKeyError:
            record = False  # nothing was attempted
            raise
        except LiveError as e:
            draft.error = draft.error or str(e)
            raise
        except BaseException:  # KeyboardInterrupt, or the consumer dropped the iterator
            draft.error = draft.error or "interrupted"
            raise
        finally:
            finished.set()
            if record:
                self._record(draft, timestamp, time.perf_counter() - (draft.request_started or t0))

    def _watch_stop(self) -> threading.Event:
        """Cut the request as soon as the stop event is set, from whoever sets it (a Playground's Stop button
        sets the event it passed to `run`): the backends look at it between chunks only, and a stream that
        waits for its first text (a slow model, a stall) would otherwise run on. Set the returned event
        when the request is over."""
        finished = threading.Event()

        def watch() -> None:
            while not finished.is_set():
                if self.stop_event.wait(0.05):
                    self.stop()
                    return

        threading.Thread(target=watch, daemon=True, name="agentkit-stop-watch").start()
        return finished

    def _record(self, draft: Draft, timestamp: str, latency: float) -> None:
        name, path = _describe(self.agent)
        known = secrets(self._api_key)
        result = RunResult(
            text=redact("".join(draft.parts), known),
            model=self.model,
            agent=name,
            path=path,
            prompt=redact(self.prompt, known),
            input_tokens=draft.input_tokens,
            output_tokens=draft.output_tokens,
            time_to_first_token_s=draft.time_to_first_token_s,
            latency_s=latency,
            stop_reason=draft.stop_reason,
            cost_usd=draft.cost_usd
            if draft.cost_usd is not None
            else cost_usd(self.model, draft.input_tokens, draft.output_tokens),
            cached=False,
            complete=draft.finished and draft.error is None,
            error=None if draft.error is None else redact(draft.error, known),
            run_id=uuid.uuid4().hex,
            timestamp=timestamp,
            agent_version=hashlib.sha256(self._text.encode()).hexdigest()[:12],
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            mode=self.mode,
            source=draft.source,
            endpoint=draft.endpoint,
            tool_calls=draft.tool_calls,
            turns=draft.turns,
            session_cost_usd=draft.session_cost_usd,
        )
        self.result = result
        if self._history_unusable:
            return
        try:
            store(self.key, result, known)
        except LiveError as e:
            warn_unusable(e)


def stream(agent: AgentLike, prompt: str, options: RunOptions | None = None, **keywords: Any) -> LiveStream:
    """A LiveStream: `for chunk in live.stream(agent, prompt): ...`, then `.result`. Options as run()."""
    return LiveStream(agent, prompt, options, **keywords)


def run(
    agent: AgentLike,
    prompt: str,
    options: RunOptions | None = None,
    *,
    on_text: Callable[[str], object] | None = None,
    stop: threading.Event | None = None,
    api_key: str | None = None,
    files: Mapping[str, str] | None = None,
    history: Iterable[tuple[str, str]] | None = None,
    **option_keywords: Any,
) -> RunResult:
    """Run `agent` on `prompt` and return its RunResult.

    `options` (a RunOptions; see its fields) says how: the mode ("api", the default: one streamed request,
    system prompt = agent.prompt, user message = prompt, no tools; or "claude-code": Claude Code runs the
    agent as a subagent in a scratch folder, with its tools), the model, max_tokens, temperature, retries,
    timeout, Claude Code's max_turns, max_cost_usd and permission_mode, no_cache. The same names given as
    keywords (`live.run(agent, prompt, model="haiku", max_tokens=200)`) change the options given.

    `files` (claude-code mode) seeds the scratch folder ({relative path: text}); `history` (api mode) holds
    the earlier (user message, answer) turns of a conversation that `prompt` continues. The API key is read
    from the environment unless `api_key` is given.

    Text arrives through `on_text(chunk)` as it is generated. Setting `stop` (a threading.Event) ends the
    run early, keeping the partial text (complete=False). A recorded complete run with the same agent
    text, model, prompt, mode and parameters is returned with cached=True and no request; `no_cache`
    forces a request (and records it). Raises MissingKeyError, ReplayMiss, InvalidRunOption or LiveError.
    """
    return LiveStream(
        agent,
        prompt,
        options,
        stop=stop,
        api_key=api_key,
        files=files,
        history=history,
        **option_keywords,
    ).run(on_text)


def compare(
    agents: Iterable[AgentLike],
    prompt: str,
    options: RunOptions | None = None,
    *,
    on_text: Callable[[int, str], object] | None = None,
    parallel: bool = False,
    **keywords: Any,
) -> RunResults:
    """Run the same prompt through several agents (or versions of one); results in the given order.

    `on_text(index, chunk)` receives each agent's text as it streams. With `parallel=True` the runs
    stream at the same time (one thread each). `options` and other keywords (`mode=` included) as run().
    """
    agents = list(agents)
    opts = RunOptions.of(options, {k: v for k, v in keywords.items() if k in OPTION_NAMES})
    rest = {k: v for k, v in keywords.items() if k not in OPTION_NAMES}

    def one(i: int) -> RunResult:
        callback = None if on_text is None else (lambda chunk: on_text(i, chunk))
        return run(agents[i], prompt, opts, on_text=callback, **rest)

    if parallel and len(agents) > 1:
        with ThreadPoolExecutor(max_workers=min(len(agents), 8)) as pool:
            return RunResults(pool.map(one, range(len(agents))))
    return RunResults(one(i) for i in range(len(agents)))


def count_tokens(
    agent: AgentLike, prompt: str = "", model: str | None = None, *, api_key: str | None = None
) -> int:
    """Input tokens the agent's system prompt plus `prompt` would cost (POST /v1/messages/count_tokens).

    The API needs a user message: an empty prompt is counted as "." (about one token).
    """
    if replaying():
        raise ReplayMiss(
            "replay mode (AGENTKIT_REPLAY=1): count_tokens needs a request; unset AGENTKIT_REPLAY"
        )
    return _api.count_tokens(agent, prompt, resolve_model(agent.model, model), api_key)
