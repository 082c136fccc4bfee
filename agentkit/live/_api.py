"""Direct runs: the agent's trimmed body as the system prompt, the prompt as the user message, no tools,
streamed through the official `anthropic` SDK."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from agentkit._errors import LiveError, MissingKeyError
from agentkit.live._redact import clean_key, redact, secrets
from agentkit.live._result import Draft, RunSpec
from agentkit.live._source import ANTHROPIC, base_url, from_response, is_anthropic

DEFAULT_MAX_RETRIES = 2  # the SDK's own default: 429, 529 and 5xx are retried with backoff
DEFAULT_TIMEOUT_S = 600.0

MISSING_KEY_MESSAGE = (
    "no Anthropic API key: set ANTHROPIC_API_KEY (in a shell: export ANTHROPIC_API_KEY=sk-ant-...; "
    "in a notebook: %env ANTHROPIC_API_KEY=sk-ant-...), or pass api_key=. "
    "Recorded runs still answer without a key (AGENTKIT_REPLAY=1 answers only from them)."
)

_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()


def credentials(api_key: str | None) -> tuple[str | None, str | None]:
    """(API key, auth token) as they must be sent: whitespace stripped (a CRLF `.env` leaves `\\r\\n`)."""
    key = clean_key(api_key) or clean_key(os.environ.get("ANTHROPIC_API_KEY"))
    return key, clean_key(os.environ.get("ANTHROPIC_AUTH_TOKEN"))


def scrub(text: str, api_key: str | None) -> str:
    """No message agentkit shows or stores may carry a key, in any spelling."""
    return redact(text, secrets(api_key))


def client(api_key: str | None, max_retries: int, timeout: float) -> Any:
    """A cached SDK client (building one costs milliseconds); raises MissingKeyError up front."""
    key, token = credentials(api_key)
    url = os.environ.get("ANTHROPIC_BASE_URL") or None
    ident = (key, token, url, max_retries, timeout)
    with _clients_lock:
        cached = _clients.get(ident)
        if cached is not None:
            return cached
        import anthropic

        kwargs: dict[str, Any] = {"max_retries": max_retries, "timeout": timeout}
        if key:
            kwargs["api_key"] = key
        if token:
            kwargs["auth_token"] = token
        try:
            made = anthropic.Anthropic(**kwargs)
        except anthropic.AnthropicError as e:
            raise LiveError(scrub(f"cannot set up the Anthropic client: {e}", api_key)) from None
        # Without credentials the SDK only fails at the first request, with a TypeError: check now.
        if made.api_key is None and made.auth_token is None and made.credentials is None:
            raise MissingKeyError(MISSING_KEY_MESSAGE)
        _clients[ident] = made
        return made


def error_detail(e: Any) -> str:
    body = getattr(e, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        return f"{err.get('type', 'error')}: {err.get('message', '')}".strip()
    return str(getattr(e, "message", None) or e)


def api_error(e: Exception, model: str, retries: int, api_key: str | None) -> LiveError:
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
        msg = f"this API key may not use {model} (HTTP 403): {error_detail(e)}"
    elif isinstance(e, anthropic.NotFoundError):
        msg = f"model {model!r} was not found (HTTP 404): pass model=, or fix the alias table (config.toml)"
    elif isinstance(e, anthropic.APIStatusError) and e.status_code >= 500:
        msg = f"the Anthropic API failed (HTTP {e.status_code}){tried}: {error_detail(e)}"
    elif isinstance(e, anthropic.APIStatusError):
        msg = f"the Anthropic API refused the request (HTTP {e.status_code}): {error_detail(e)}"
    elif isinstance(e, anthropic.APITimeoutError):
        msg = f"the request to the Anthropic API timed out{tried}"
    elif isinstance(e, anthropic.APIConnectionError):
        cause = e.__cause__ or e
        msg = f"cannot reach the Anthropic API{tried}: {cause}"
    else:
        msg = f"{type(e).__name__}: {e}"
    return LiveError(scrub(" ".join(msg.split()), api_key))


def _broken(e: BaseException) -> str:
    """Why a stream that had started did not finish."""
    import anthropic

    if isinstance(e, anthropic.APIStatusError):
        return f"the stream broke: {error_detail(e)}"
    return f"the connection dropped mid-stream: {e}"


def _shutdown(response: Any) -> None:
    """Closing an httpx response does not wake a thread blocked reading it; shutting the socket does."""
    try:
        sock = response.extensions["network_stream"].get_extra_info("socket")
        if sock is not None:
            import socket

            sock.shutdown(socket.SHUT_RDWR)
    except Exception:  # best effort: the stop flag is still checked after every chunk
        pass


def stream(
    spec: RunSpec, draft: Draft, stop: threading.Event, on_cancel: Callable[[Callable[[], None] | None], None]
) -> Iterator[str]:
    """Run `spec` through the Messages API, yielding text as it arrives and filling `draft`.

    Raises LiveError (draft.error set) when the request fails before any text; a stream that breaks
    later keeps its text and ends with draft.error set.
    """
    url = base_url()
    draft.endpoint = None if is_anthropic(url) else url
    draft.source = ANTHROPIC if url is None else from_response(url, {})
    draft.turns = 1
    made = client(spec.api_key, spec.max_retries, spec.timeout)
    params: dict[str, Any] = {
        "model": spec.model,
        "max_tokens": spec.max_tokens,
        "messages": [
            *(
                {"role": role, "content": text}
                for turn in spec.history
                for role, text in zip(("user", "assistant"), turn, strict=True)
            ),
            {"role": "user", "content": spec.prompt},
        ],
        "stream": True,
    }
    system = spec.agent.prompt
    if system:  # the API rejects an empty system text
        params["system"] = system
    if spec.temperature is not None:
        # SDK 1.0 dropped the keyword (models after Opus 4.6 reject it); older models still take it.
        params["extra_body"] = {"temperature": spec.temperature}

    t0 = draft.request_started = (
        time.perf_counter()
    )  # the client's set-up (import anthropic) is not the run's
    try:
        raw = made.messages.create(**params)
    except Exception as e:  # the SDK has already retried what it retries
        response = getattr(e, "response", None)
        if response is not None:
            draft.source = from_response(url, response.headers)
        failure = api_error(e, spec.model, spec.max_retries, spec.api_key)
        draft.error = str(failure)
        raise failure from None

    draft.source = from_response(url, raw.response.headers)
    on_cancel(lambda: _shutdown(raw.response))
    try:
        if stop.is_set():
            draft.error = "stopped"
            return
        for event in raw:
            kind = event.type
            if kind == "content_block_delta":
                delta = event.delta
                if delta.type == "text_delta":
                    if draft.time_to_first_token_s is None:
                        draft.time_to_first_token_s = time.perf_counter() - t0
                    draft.parts.append(delta.text)
                    yield delta.text
                    if stop.is_set():
                        draft.error = "stopped"
                        break
            elif kind == "message_start":
                usage = event.message.usage
                draft.input_tokens, draft.output_tokens = usage.input_tokens, usage.output_tokens
            elif kind == "message_delta":
                draft.stop_reason = event.delta.stop_reason
                draft.output_tokens = event.usage.output_tokens
                if event.usage.input_tokens is not None:
                    draft.input_tokens = event.usage.input_tokens
            elif kind == "message_stop":
                draft.finished = True
        if not draft.finished and draft.error is None:
            draft.error = "the stream ended before message_stop"
    except Exception as e:
        draft.error = "stopped" if stop.is_set() else _broken(e)
    except BaseException:  # KeyboardInterrupt, or the consumer dropped the iterator
        draft.error = "interrupted"
        raise
    finally:
        on_cancel(None)
        raw.close()


def count_tokens(agent: Any, prompt: str, model: str, api_key: str | None) -> int:
    """Input tokens the agent's system prompt plus `prompt` would cost (POST /v1/messages/count_tokens)."""
    made = client(api_key, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_S)
    params: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": prompt or "."}]}
    if agent.prompt:
        params["system"] = agent.prompt
    try:
        return int(made.messages.count_tokens(**params).input_tokens)
    except Exception as e:
        raise api_error(e, model, DEFAULT_MAX_RETRIES, api_key) from None
