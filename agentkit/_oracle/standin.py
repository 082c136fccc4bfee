"""A local stand-in for the Anthropic Messages API, for tests, notebooks, benchmarks and the oracle.

A real HTTP server on 127.0.0.1 (the SDK's httpx2 transport cannot be mocked reliably), speaking
`POST /v1/messages` (JSON and SSE streaming) and `POST /v1/messages/count_tokens`. It says what it is:
every response carries the header `x-agentkit-stand-in: 1`, and `GET /agentkit/stand-in` answers
`{"stand_in": "agentkit"}`, so a client can label answers that did not come from Anthropic. Every request
(any method, any path) is recorded in `requests`.

Replies are deterministic and derived from the request, so tests can check what was sent:
    "model=<model> system=<first five words of the system prompt> user=<the user message>"
streamed one word per `text_delta`. Token counts are word counts (system + user messages).
A replayed Claude Code main-loop request (agentkit.live.route: the agent listing in its messages, sent by
a client other than Claude Code) is answered by delegating to the listed agent whose name and description
share the most words with the request, or with text (the main agent does it itself) when none shares a
word: a small, predictable stand-in for routing (see "replayed Claude Code requests" below).
If the system prompt carries agentkit's grader marker (`agentkit-grader/`), the reply is a JSON verdict
whose score is the share of the rubric's words (longer than three letters) found in the answer, and
which passes at 0.5 or more: a deterministic stand-in for an llm-rubric grader (agentkit.evals).

Behaviour is scripted per request, either by a queue (`server.script("status:529", "ok")`, one spec per
request, consumed in order) or by magic strings in the user message (usable from notebooks and
subprocesses, which cannot reach the server object). Specs, several may be combined with spaces:
    ok              a normal reply
    status:N        answer with HTTP N and an Anthropic-style error body (429, 529, 500, 400, ...)
    drop:K          stream K text deltas, then close the connection mid-body
    error:K         stream K text deltas, then send `event: error` (overloaded_error)
    nostop:K        stream K text deltas, then end the body cleanly without message_stop
    chunks:N        reply with N deltas ("tok0 ", "tok1 ", ...) instead of the echo
    delay:S         sleep S seconds between events
    stall:S         sleep S seconds before the first text delta
In a prompt, write them as `[[status:529]]`, `[[chunks:2000]]`, etc.

For running Claude Code itself (agentkit._oracle): `server.respond(func)` installs a function that sees each
recorded request first and may return a Behaviour (None: the usual rules).
`Behaviour(tool_uses=(ToolUse(...), ...))` answers with streamed `tool_use` blocks and stop reason
`tool_use`; `server.spawn_subagent(name, prompt)` answers the first main-loop request of Claude Code with a
call of its `Agent` tool, which makes Claude Code spawn that subagent (`spawn_subagents` several at once). `Recorded.is_subagent` tells a subagent's request (its system prompt carries
`cc_is_subagent=true`) from the main loop's. A Claude Code main-loop request whose system prompt names
`Subagent to run: NAME` (agentkit.live's Claude Code mode) is answered as Claude would: with one call of the
`Agent` tool for NAME, passing the user's message (so that notebooks and subprocesses need no scripting).

Scripted answers (evaluation demos, the command line): `server.answer_with(rules)` or `--answers FILE`
answers matching requests with given text or tool calls instead of the echo; see "Scripted answers"
below. The Message Batches API (`/v1/messages/batches`) is served too; see "Message Batches" below.

Standalone: `python -m agentkit._oracle.standin --port 8765 [--answers FILE]`, then
`ANTHROPIC_BASE_URL=http://127.0.0.1:8765 ANTHROPIC_API_KEY=sk-ant-test-not-a-real-key`.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "FAKE_KEY",
    "IDENTITY_PATH",
    "STAND_IN_HEADER",
    "SUBAGENT_MARKER",
    "Behaviour",
    "FakeMessagesAPI",
    "Recorded",
    "ScriptedAnswer",
    "Reply",
    "Sent",
    "TokenUsage",
    "UsageAnswer",
    "ToolUse",
    "UsageScript",
    "count_tokens",
    "is_subagent_request",
    "load_answers",
    "main",
    "reply_chunks",
]

FAKE_KEY = "sk-ant-test-not-a-real-key"
# How the stand-in names itself: a header on every response, and a path that answers who it is.
STAND_IN_HEADER = "x-agentkit-stand-in"
IDENTITY_PATH = "/agentkit/stand-in"
# Claude Code puts this in the first system block of a spawned subagent's requests.
SUBAGENT_MARKER = "cc_is_subagent=true"
# agentkit.live's Claude Code mode names the subagent its main session must run with this line.
_RUN_SUBAGENT = re.compile(r"Subagent to run: (\S+)")

_MAGIC = re.compile(r"\[\[([a-z]+(?::[0-9.]+)?)\]\]")
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ToolUse:
    """One `tool_use` block to answer with (the model "calls" this tool with this input)."""

    name: str
    input: dict[str, Any]
    id: str = "toolu_agentkit_standin_1"


@dataclass
class Behaviour:
    status: int = 200
    tool_uses: tuple[ToolUse, ...] = ()  # answer by calling these tools
    # with tool_uses: a text block before the calls (one answer, two blocks); without: the answer's text
    # (scripted answers), streamed a word at a time
    text: str | None = None
    answer: UsageAnswer | None = None  # answer with these blocks and this usage (see UsageScript)
    drop: int | None = None
    error: int | None = None
    nostop: int | None = None
    chunks: int | None = None
    delay: float = 0.0
    stall: float = 0.0

    @classmethod
    def parse(cls, spec: str) -> Behaviour:
        b = cls()
        for part in spec.replace(",", " ").split():
            key, _, value = part.partition(":")
            if key == "ok":
                continue
            if key in ("status", "drop", "error", "nostop", "chunks"):
                setattr(b, key, int(value))
            elif key in ("delay", "stall"):
                setattr(b, key, float(value))
            else:
                raise ValueError(f"unknown fake API behaviour {part!r}")
        return b


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any

    @property
    def is_messages(self) -> bool:
        """A `POST /v1/messages` (not count_tokens, not anything else)."""
        return self.method == "POST" and self.path == "/v1/messages"

    @property
    def is_subagent(self) -> bool:
        """A request Claude Code sends for a spawned subagent (not for its main loop)."""
        return self.is_messages and is_subagent_request(self.body)


def is_subagent_request(body: Any) -> bool:
    """Does this Messages request come from a Claude Code subagent? Its system prompt says so."""
    if not isinstance(body, dict):
        return False
    return SUBAGENT_MARKER in _text_of(body.get("system"))


BILLING_HEADER = "x-anthropic-billing-header:"  # Claude Code's first system block


def _text_of(content: Any) -> str:
    """The text of a `system` value or a message `content`: a string or a list of text blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


def count_tokens(body: dict[str, Any]) -> int:
    """The fake tokenizer: words in the system prompt and in every message."""
    words = len(_text_of(body.get("system")).split())
    for message in body.get("messages") or []:
        words += len(_text_of(message.get("content")).split())
    return words


def _user_text(body: dict[str, Any]) -> str:
    """What the user asked last: the last user message's own text, without the context blocks Claude Code
    wraps around it (`<system-reminder>` blocks, environment messages with role "system")."""
    messages = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    if not messages:
        return ""
    content = messages[-1].get("content")
    if isinstance(content, list):
        texts = [
            b.get("text", "") for b in content if isinstance(b, dict) and b.get("type", "text") == "text"
        ]
        own = [t for t in texts if not t.lstrip().startswith("<system-reminder>")]
        return " ".join(own or texts)
    return _text_of(content)


def _prompt_text(system: Any) -> str:
    """The system prompt without Claude Code's billing header block (it says nothing about the agent)."""
    if isinstance(system, list):
        system = [
            b for b in system if not (isinstance(b, dict) and b.get("text", "").startswith(BILLING_HEADER))
        ]
    return _text_of(system)


def delegation(body: dict[str, Any]) -> ToolUse | None:
    """The `Agent` call Claude would make for a main-loop request asking it to run one named subagent."""
    tools = body.get("tools") or []
    if is_subagent_request(body) or not any(isinstance(t, dict) and t.get("name") == "Agent" for t in tools):
        return None
    wanted = _RUN_SUBAGENT.search(_text_of(body.get("system")))
    if wanted is None:
        return None
    return ToolUse(
        "Agent", {"description": "agentkit run", "prompt": _user_text(body), "subagent_type": wanted.group(1)}
    )


GRADER_MARKER = "agentkit-grader/"


def _section(text: str, tag: str) -> str:
    m = re.search(rf"<{tag}>\n?(.*?)\n?</{tag}>", text, re.DOTALL)
    return m.group(1) if m else ""


def _grade(system: str, user: str) -> str | None:
    """A grader's JSON verdict from word overlap between rubric and answer, if this is a grading request."""
    if GRADER_MARKER not in system:
        return None
    rubric = sorted({w for w in _WORD.findall(_section(user, "rubric").lower()) if len(w) > 3})
    answer = set(_WORD.findall(_section(user, "answer").lower()))
    found = [w for w in rubric if w in answer]
    score = round(len(found) / len(rubric), 2) if rubric else 0.0
    reason = f"stand-in grader: {len(found)} of {len(rubric)} rubric words appear in the answer"
    reason += f" ({', '.join(found)})" if found else ""
    return json.dumps({"reason": reason, "score": score, "pass": score >= 0.5})


CONFUSION_MARKER = "agentkit-confusion/1"


def _confusion(system: str) -> str | None:
    """An answer to agentkit's "would you confuse these two agents?" from the word overlap (Jaccard) of
    their listed descriptions: deterministic, and plainly not Claude's judgement."""
    if CONFUSION_MARKER not in system:
        return None
    entries = [
        line.split(": ", 1)[1] for line in system.splitlines() if line.startswith("- ") and ": " in line
    ]
    if len(entries) != 2:
        return None
    a, b = ({w for w in _WORD.findall(e.lower()) if len(w) > 3} for e in entries)
    share = round(len(a & b) / len(a | b), 2) if a | b else 0.0
    return json.dumps({"confused": share >= 0.3, "share": share, "example": None})


def reply_chunks(body: dict[str, Any], behaviour: Behaviour) -> list[str]:
    """The text deltas of the reply: deterministic, and derived from the request."""
    if behaviour.chunks is not None:
        return [f"tok{i} " for i in range(behaviour.chunks)]
    if behaviour.text is not None:
        words = behaviour.text.split(" ")
        return [w + " " for w in words[:-1]] + words[-1:]
    system = _text_of(body.get("system"))
    user = _MAGIC.sub("", _user_text(body)).strip()
    verdict = _grade(system, user) or _confusion(system)
    if verdict is not None:
        return [verdict]
    prompt = _prompt_text(body.get("system"))
    words = f"model={body.get('model')} system={' '.join(prompt.split()[:5])} user={user}".split()
    return [w + " " for w in words[:-1]] + words[-1:]


# -- replayed Claude Code requests (agentkit.live.route) ----------------------------------------------------
# agentkit replays Claude Code's own main-loop request through the Python SDK. The stand-in answers such a
# request (Claude Code's agent listing in its messages, the Agent tool offered, sent by a client that is not
# Claude Code itself) as a caricature of the model: it delegates to the listed agent whose name and
# description share the most words (longer than three letters) with the user's request, with a sentence
# before the call, and does the work itself (a text answer) when none shares a word. Deterministic, and
# plainly not Claude's judgement. Its usage mimics the prompt cache: the words up to the last
# `cache_control` marker are written to the cache the first time and read from it afterwards.
LISTING_LINE = "Available agent types for the Agent tool:"
# Words too common to say what a request is about.
_STOP_WORDS = frozenset(
    "what does that this with from have your when will about into them then than they their there which "
    "would should could these those were been some like just only also very more most much many such each "
    "other make made need needs want please thanks".split()
)


def _listed_agents(body: dict[str, Any]) -> list[tuple[str, str]]:
    for message in body.get("messages") or []:
        text = _text_of(message.get("content")) if isinstance(message, dict) else ""
        if LISTING_LINE in text:
            block = text.split(LISTING_LINE, 1)[1].split("\n\n", 1)[0]
            found = []
            for line in block.splitlines():
                m = re.match(r"- ([^:\s]+(?::[^:\s]+)?): (.*)$", line)
                if m:
                    found.append((m.group(1), m.group(2)))
            return found
    return []


def _first_user_words(body: dict[str, Any]) -> str:
    """The user's own words of the first user message (Claude Code's reminders left out)."""
    for message in body.get("messages") or []:
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            texts = (
                [content]
                if isinstance(content, str)
                else [b.get("text", "") for b in content or [] if isinstance(b, dict)]
            )
            own = [t for t in texts if not t.lstrip().startswith("<system-reminder>")]
            return " ".join(own)
    return ""


def replayed_route(rec: Recorded) -> Behaviour | None:
    """The stand-in's answer to a replayed Claude Code main-loop request, or None for any other request."""
    body = rec.body
    if not isinstance(body, dict) or rec.headers.get("user-agent", "").startswith("claude-cli"):
        return None
    if is_subagent_request(body) or not any(
        isinstance(t, dict) and t.get("name") == "Agent" for t in body.get("tools") or []
    ):
        return None
    agents = _listed_agents(body)
    if not agents:
        return None
    request = _first_user_words(body)
    wanted = {w for w in _WORD.findall(request.lower()) if len(w) > 3} - _STOP_WORDS
    best, best_score = None, 0
    for name, description in agents:
        words = set(_WORD.findall(f"{name.replace('-', ' ')} {description}".lower()))
        score = len(wanted & words)
        if score > best_score:
            best, best_score = name, score
    if best is None:
        return None  # the usual text answer: the main agent does it itself
    call = ToolUse("Agent", {"description": "stand-in pick", "prompt": request, "subagent_type": best})
    return Behaviour(tool_uses=(call,), text=f"I'll hand this to the {best} agent.")


def _cached_prefix(body: dict[str, Any]) -> tuple[str, int] | None:
    """(the request up to its last cache_control marker, the words of text in it), or None."""
    parts: list[str] = []
    words: list[int] = []
    last = None
    sections: list[Any] = [body.get("tools"), body.get("system")]
    sections += [m.get("content") for m in body.get("messages") or [] if isinstance(m, dict)]
    for section in sections:
        for block in section if isinstance(section, list) else [section]:
            parts.append(json.dumps(block, sort_keys=True))
            text = block.get("text") if isinstance(block, dict) else block
            words.append(len(text.split()) if isinstance(text, str) else 0)
            if isinstance(block, dict) and block.get("cache_control"):
                last = len(parts)
    return None if last is None else ("".join(parts[:last]), sum(words[:last]))


class FakeMessagesAPI:
    """The server. Use as a context manager, or call start() and stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._queue: deque[Behaviour] = deque()
        self._responder: Callable[[Recorded], Behaviour | None] | None = None
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self._cached: set[str] = set()  # prompt-cache prefixes seen (replayed routing requests)
        self.batches = Batches(self)
        self._server = _Server((host, port), _make_handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def count(self) -> int:
        """How many Messages API requests arrived (every retry counts; not the identity probe)."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == "POST")

    def script(self, *specs: str) -> None:
        """Queue one behaviour per coming request (in order); later requests behave normally."""
        with self._lock:
            self._queue.extend(Behaviour.parse(s) for s in specs)

    def queue(self, *behaviours: Behaviour) -> None:
        """Like script(), with Behaviour objects (tool calls, text before them): one per coming request."""
        with self._lock:
            self._queue.extend(behaviours)

    def respond(self, func: Callable[[Recorded], Behaviour | None] | None) -> None:
        """Let `func` choose the behaviour for each coming request (after the script queue is empty).

        It is called with the recorded request, under the server's lock (keep it quick); None means the
        usual rules (magic strings in the prompt). `respond(None)` removes it.
        """
        with self._lock:
            self._responder = func

    def spawn_subagent(self, name: str, prompt: str, description: str = "agentkit oracle") -> None:
        """Answer Claude Code's first main-loop request by calling its `Agent` tool for subagent `name`.

        Claude Code then spawns the subagent and sends its request (`Recorded.is_subagent`); every other
        request is answered as usual.
        """
        self.spawn_subagents([(name, prompt)], description)

    def spawn_subagents(
        self, calls: list[tuple[str, str]], description: str = "agentkit oracle", *, hold: float = 0.0
    ) -> None:
        """Like spawn_subagent, for several (name, prompt) pairs at once: one answer, one call each.

        With `hold`, subagents' requests are answered only after that many seconds (a stalled stream), so
        that a caller who only wants to see the requests is not slowed down by the subagents' work.
        """
        uses = tuple(
            ToolUse(
                "Agent",
                {"description": description, "prompt": prompt, "subagent_type": name},
                f"toolu_agentkit_standin_{index}",
            )
            for index, (name, prompt) in enumerate(calls)
        )
        done = False

        def responder(rec: Recorded) -> Behaviour | None:
            nonlocal done
            if hold and rec.is_subagent:
                return Behaviour(stall=hold)
            if done or not rec.is_messages or rec.is_subagent or not isinstance(rec.body, dict):
                return None
            if not rec.body.get("tools"):  # a side request (titles, summaries): not the main loop
                return None
            done = True
            return Behaviour(tool_uses=uses)

        self.respond(responder)

    def answer_with(self, rules: list[ScriptedAnswer]) -> None:
        """Answer requests that match a rule with its scripted text or tool calls (see ScriptedAnswer);
        every other request as usual."""
        self.respond(scripted_responder(rules))

    @property
    def subagent_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.is_subagent]

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._responder = None
            self.requests.clear()
        self.batches.clear()

    def start(self) -> FakeMessagesAPI:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-messages-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeMessagesAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Called by the handler.
    def _record(self, rec: Recorded, prompt: str) -> Behaviour:
        with self._lock:
            self.requests.append(rec)
            if self._queue:
                return self._queue.popleft()
            chosen = self._responder(rec) if self._responder is not None else None
        if chosen is not None:
            return chosen
        call = delegation(rec.body) if rec.is_messages and isinstance(rec.body, dict) else None
        if call is not None:
            return Behaviour(tool_uses=(call,))
        behaviour = Behaviour.parse(" ".join(_MAGIC.findall(prompt)))
        if behaviour == Behaviour() and rec.is_messages:
            return replayed_route(rec) or behaviour
        return behaviour

    def _cache_usage(self, body: dict[str, Any]) -> dict[str, int]:
        """Prompt-cache usage for replayed routing requests: words written, then read (see above)."""
        if not _listed_agents(body):
            return {}
        found = _cached_prefix(body)
        if found is None:
            return {}
        prefix, words = found
        with self._lock:
            seen = prefix in self._cached
            self._cached.add(prefix)
        return {"cache_read_input_tokens": words} if seen else {"cache_creation_input_tokens": words}

    def _record_other(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client went away (a killed Claude Code, a Stop button): not worth a traceback
        super().handle_error(request, client_address)


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _chunk(data: bytes) -> bytes:
    """One piece of a chunked transfer-encoded body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def _make_handler(api: FakeMessagesAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real API; the SDK pools connections

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def end_headers(self) -> None:
            self.send_header(STAND_IN_HEADER, "1")  # on every response, errors included
            super().end_headers()

        def _record_plain(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            api._record_other(Recorded(self.command, self.path.split("?", 1)[0], headers, raw or None))

        def do_GET(self) -> None:
            self._record_plain()
            path = self.path.split("?", 1)[0]
            if path == IDENTITY_PATH:
                return self._json(200, {"stand_in": "agentkit"})
            if path.startswith(BATCHES_PATH):
                return api.batches.get(self, path)
            self._error(404, f"no route {self.path}")

        def do_HEAD(self) -> None:
            self._record_plain()
            self.send_response(200 if self.path.split("?", 1)[0] == IDENTITY_PATH else 404)
            self.send_header("content-length", "0")
            self.end_headers()

        do_PUT = do_DELETE = do_PATCH = do_GET

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._error(400, "body is not JSON")
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = self.path.split("?", 1)[0]
            try:
                behaviour = api._record(Recorded("POST", path, headers, body), _user_text(body))
            except ValueError as e:
                return self._error(400, str(e))
            if behaviour.status != 200:
                return self._error(behaviour.status, f"scripted HTTP {behaviour.status}")
            if path == "/v1/messages/count_tokens":
                return self._json(200, {"input_tokens": count_tokens(body)})
            if path.startswith(BATCHES_PATH):
                return api.batches.post(self, path, body)
            if path != "/v1/messages":
                return self._error(404, f"no route {path}")
            if not isinstance(body.get("max_tokens"), int) or not body.get("messages"):
                return self._error(400, "max_tokens and messages are required")
            if behaviour.answer is not None:
                return self._scripted(body, behaviour.answer)
            if behaviour.tool_uses:
                return self._tool_uses(body, behaviour.tool_uses, behaviour.text)
            chunks = reply_chunks(body, behaviour)
            stop_reason = "end_turn"
            if len(chunks) > body["max_tokens"]:
                chunks, stop_reason = chunks[: body["max_tokens"]], "max_tokens"
            if body.get("stream"):
                self._stream(body, chunks, stop_reason, behaviour)
            else:
                self._json(200, self._message(body, "".join(chunks), stop_reason, len(chunks)))

        def _tool_uses(
            self, body: dict[str, Any], calls: tuple[ToolUse, ...], text: str | None = None
        ) -> None:
            """Answer with calls of tools: the way to make Claude Code act (e.g. spawn a subagent); with
            `text`, a text block comes first (one answer, several content blocks)."""
            blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
            blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.input} for c in calls]
            out = len(text.split()) + len(calls) if text else len(calls)
            if not body.get("stream"):
                message = self._message(body, "", "tool_use", out)
                message["content"] = blocks
                return self._json(200, message)
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.send_header("request-id", "req_fake")
            self.end_headers()
            events = [
                _sse("message_start", {"type": "message_start", "message": self._message(body, "", None, 1)})
            ]
            for index, block in enumerate(blocks):
                first: dict[str, Any]
                if block["type"] == "text":
                    delta = {"type": "text_delta", "text": block["text"]}
                    first = {"type": "text", "text": ""}
                else:
                    delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
                    first = {**block, "input": {}}
                events += [
                    _sse(
                        "content_block_start",
                        {"type": "content_block_start", "index": index, "content_block": first},
                    ),
                    _sse(
                        "content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}
                    ),
                    _sse("content_block_stop", {"type": "content_block_stop", "index": index}),
                ]
            events += [
                _sse(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                        "usage": {"output_tokens": out},
                    },
                ),
                _sse("message_stop", {"type": "message_stop"}),
            ]
            try:
                self.wfile.write(b"".join(_chunk(e) for e in events) + b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _scripted(self, body: dict[str, Any], answer: UsageAnswer) -> None:
            """Answer with a scripted answer: its own message id, request id, blocks and usage."""
            if not body.get("stream"):
                return self._json(200, answer.message(body.get("model")), {"request-id": answer.request_id})
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.send_header("request-id", answer.request_id)
            self.end_headers()
            try:
                self.wfile.write(b"".join(_chunk(e) for e in answer.events(body.get("model"))) + b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _message(
            self, body: dict[str, Any], text: str, stop_reason: str | None, out: int
        ) -> dict[str, Any]:
            return {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": body.get("model"),
                "content": [{"type": "text", "text": text}] if text else [],
                "stop_reason": stop_reason,
                "stop_sequence": None,
                "usage": self._usage(body, out),
            }

        def _usage(self, body: dict[str, Any], out: int) -> dict[str, int]:
            usage = {"input_tokens": count_tokens(body), "output_tokens": out}
            if not self.headers.get("user-agent", "").startswith("claude-cli"):
                cache = api._cache_usage(body)  # a replayed routing request: mimic the prompt cache
                usage.update(cache)
                usage["input_tokens"] = max(0, usage["input_tokens"] - sum(cache.values()))
            return usage

        def _json(self, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            if "request-id" not in (extra or {}):
                self.send_header("request-id", "req_fake")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            kind = _ERROR_TYPES.get(status, "api_error")
            # A tiny retry-after keeps SDK retries fast in tests.
            self._json(
                status,
                {"type": "error", "error": {"type": kind, "message": message}},
                {"retry-after-ms": "10"},
            )

        def _stream(self, body: dict[str, Any], chunks: list[str], stop_reason: str, b: Behaviour) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.send_header("request-id", "req_fake")
            self.end_headers()
            start = self._message(body, "", None, 1)
            head = [
                _sse("message_start", {"type": "message_start", "message": start}),
                _sse("ping", {"type": "ping"}),
                _sse(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                ),
            ]
            deltas = [
                _sse(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": c}},
                )
                for c in chunks
            ]
            tail = [
                _sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
                _sse(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                        "usage": {"output_tokens": len(chunks)},
                    },
                ),
                _sse("message_stop", {"type": "message_stop"}),
            ]
            cut = next((k for k in (b.drop, b.error, b.nostop) if k is not None), None)
            if cut is not None:
                deltas = deltas[:cut]
                if b.error is not None:
                    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
                    tail = [_sse("error", error)]
                elif b.drop is not None:
                    tail = []
                else:
                    tail = tail[:2]
            try:
                if b.delay or b.stall:
                    self._write_slowly(head, deltas, tail, b)
                else:
                    # All at once: the client's parsing, not the server, sets the pace (benchmarks).
                    self.wfile.write(b"".join(_chunk(e) for e in head + deltas + tail))
                if b.drop is not None:
                    self.wfile.flush()
                    self.close_connection = True  # no terminating chunk: the client sees a broken body
                    return
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away (e.g. a Stop button)

        def _write_slowly(
            self, head: list[bytes], deltas: list[bytes], tail: list[bytes], b: Behaviour
        ) -> None:
            for event in head:
                self.wfile.write(_chunk(event))
            self.wfile.flush()
            time.sleep(b.stall)
            for event in deltas + tail:
                self.wfile.write(_chunk(event))
                self.wfile.flush()
                time.sleep(b.delay)

    return Handler


# == Scripted answers with known usage (agentkit.usage: its tests, benchmark and notebook 07) ================
# Claude Code writes each answer's `usage` into its transcripts. To check a reader of transcripts against
# what was really sent, a test scripts every answer: its blocks (a text, tool calls, or both) and its four
# token counts. Each answer gets its own message id and request id, as real answers do (the answers above
# all say `msg_fake`). `UsageScript` picks the answer for a request by its thread (the main loop; a subagent,
# named by a marker in the prompt it was given; or a side request without tools) and by its turn (how many
# assistant messages the request already holds), so the answers do not depend on the order in which
# concurrent threads ask; and it logs every answer it sent (`sent`), which is what a test compares with.

MAIN_THREAD = "main"
SIDE_THREAD = "side"  # a request without tools (a title, a summary): not a turn of any thread
UNKNOWN_AGENT = "subagent"  # a subagent whose prompt holds no scripted marker


@dataclass(frozen=True)
class TokenUsage:
    """The four token counts of one answer, as the Messages API reports them."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_creation: int = 0
    breakdown: bool = True  # False: no `cache_creation` object (5m/1h), as some gateways answer

    def as_api(self, output: int | None = None) -> dict[str, Any]:
        """The `usage` object as the API sends it (cache writes go to the 5-minute cache)."""
        usage: dict[str, Any] = {
            "input_tokens": self.input,
            "cache_creation_input_tokens": self.cache_creation,
            "cache_read_input_tokens": self.cache_read,
            "output_tokens": self.output if output is None else output,
        }
        if self.breakdown:
            usage["cache_creation"] = {
                "ephemeral_5m_input_tokens": self.cache_creation,
                "ephemeral_1h_input_tokens": 0,
            }
        return usage


@dataclass(frozen=True)
class Reply:
    """One scripted answer: an optional text block, then tool calls, with this usage; or, with `status`, an
    HTTP error (Anthropic's error body, no usage)."""

    usage: TokenUsage = TokenUsage()
    text: str = ""
    tool_uses: tuple[ToolUse, ...] = ()
    status: int = 200

    @property
    def blocks(self) -> list[dict[str, Any]]:
        text = [{"type": "text", "text": self.text}] if self.text or not self.tool_uses else []
        calls = [{"type": "tool_use", "id": c.id, "name": c.name, "input": c.input} for c in self.tool_uses]
        return text + calls


DEFAULT_REPLY = Reply(TokenUsage(input=10, output=3), "(stand-in) Done.")


@dataclass(frozen=True)
class UsageAnswer:
    """A reply as sent: with its message id and request id."""

    reply: Reply
    message_id: str
    request_id: str

    @property
    def stop_reason(self) -> str:
        return "tool_use" if self.reply.tool_uses else "end_turn"

    def message(self, model: Any) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": self.reply.blocks,
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "usage": self.reply.usage.as_api(),
        }

    def events(self, model: Any) -> list[bytes]:
        """The SSE events of the streamed answer: message_start carries the input side of the usage,
        message_delta the whole usage (as the API sends it)."""
        usage = self.reply.usage
        start = {**self.message(model), "content": [], "stop_reason": None}
        start["usage"] = usage.as_api(output=min(1, usage.output))
        events = [_sse("message_start", {"type": "message_start", "message": start})]
        for index, block in enumerate(self.reply.blocks):
            opening: dict[str, Any]
            if block["type"] == "text":
                opening, delta = {"type": "text", "text": ""}, {"type": "text_delta", "text": block["text"]}
            else:
                opening = {**block, "input": {}}
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            events += [
                _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": opening},
                ),
                _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
                _sse("content_block_stop", {"type": "content_block_stop", "index": index}),
            ]
        delta = {"stop_reason": self.stop_reason, "stop_sequence": None}
        events.append(
            _sse("message_delta", {"type": "message_delta", "delta": delta, "usage": usage.as_api()})
        )
        events.append(_sse("message_stop", {"type": "message_stop"}))
        return events


# -- Scripted answers --------------------------------------------------------------------------------
# For demos that should show a mixed result (notebook 05) and for tests that drive the command line: a
# list of rules, the first matching one answering. A rule matches a direct API request (no tools) or a
# Claude Code subagent's request, never a grading, routing or Claude Code main-loop request (those keep
# the stand-in's own answers). Its answers are still the stand-in's, and labelled so like any other.


@dataclass(frozen=True)
class ScriptedAnswer:
    """When `system` is in the system prompt and `user` in a user message (both optional), answer with
    `answers` (texts, one per matching request, cycling) or, turn by turn of a Claude Code agent's tool
    loop, with `turns` (each a text or {"tool_uses": [{"name": ..., "input": {...}}]}; the last one
    repeats)."""

    system: str = ""
    user: str = ""
    answers: tuple[str, ...] = ()
    turns: tuple[Any, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScriptedAnswer:
        unknown = set(data) - {"system", "user", "answers", "turns"}
        if unknown:
            raise ValueError(f"unknown key(s) in a scripted answer: {', '.join(sorted(unknown))}")
        answers = data.get("answers", ())
        rule = cls(
            str(data.get("system", "")),
            str(data.get("user", "")),
            tuple(answers if isinstance(answers, list | tuple) else [answers]),
            tuple(data.get("turns", ())),
        )
        if not rule.answers and not rule.turns:
            raise ValueError("a scripted answer needs answers: [...] or turns: [...]")
        return rule


def load_answers(path: str) -> list[ScriptedAnswer]:
    """Scripted answers from a JSON or YAML file: a list of rules (see ScriptedAnswer)."""
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        data = json.loads(text)
    else:
        from agentkit._reader.yaml12 import load_yaml12

        data = load_yaml12(text)
    if not isinstance(data, list):
        raise ValueError(f"{path}: scripted answers are a list of rules")
    return [ScriptedAnswer.from_dict(item) for item in data]


def _user_texts(body: dict[str, Any]) -> str:
    return " ".join(_text_of(m.get("content")) for m in body.get("messages") or [] if m.get("role") == "user")


def _scriptable(rec: Recorded) -> bool:
    body = rec.body
    if not rec.is_messages or not isinstance(body, dict):
        return False
    system = _text_of(body.get("system"))
    if GRADER_MARKER in system or CONFUSION_MARKER in system or "Available agent types" in system:
        return False
    return rec.is_subagent or not body.get("tools")


def scripted_responder(rules: list[ScriptedAnswer]) -> Callable[[Recorded], Behaviour | None]:
    used = [0] * len(rules)

    def responder(rec: Recorded) -> Behaviour | None:
        if not _scriptable(rec):
            return None
        body = rec.body
        system, user = _text_of(body.get("system")), _user_texts(body)
        for index, rule in enumerate(rules):
            if rule.system not in system or rule.user not in user:
                continue
            if rule.turns:
                turn = sum(1 for m in body.get("messages") or [] if m.get("role") == "assistant")
                step = rule.turns[min(turn, len(rule.turns) - 1)]
                if isinstance(step, dict) and "tool_uses" in step:
                    uses = tuple(
                        ToolUse(str(u["name"]), dict(u.get("input") or {}), f"toolu_scripted_{turn}_{i}")
                        for i, u in enumerate(step["tool_uses"])
                    )
                    return Behaviour(tool_uses=uses)
                return Behaviour(text=str(step))
            text = rule.answers[used[index] % len(rule.answers)]
            used[index] += 1
            return Behaviour(text=str(text))
        return None

    return responder


# -- Message Batches ---------------------------------------------------------------------------------
# `POST /v1/messages/batches` (create), `GET .../{id}` (retrieve), `GET .../{id}/results` (JSONL),
# `POST .../{id}/cancel`. A batch's requests are answered as `POST /v1/messages` would answer them (the
# same rules, scripted answers included); the batch ends after `polls_to_end` retrievals (default 1), so
# a client sees it in progress first. Batches are kept in memory, for as long as the server runs.

BATCHES_PATH = "/v1/messages/batches"


class Batches:
    def __init__(self, api: FakeMessagesAPI) -> None:
        self.api = api
        self.polls_to_end = 1
        self.created: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.created.clear()
            self.polls_to_end = 1

    def _view(self, handler: Any, batch: dict[str, Any]) -> dict[str, Any]:
        done = batch["status"] == "ended"
        total = len(batch["requests"])
        results = batch["results"]
        counts = {
            "processing": 0 if done else total,
            "succeeded": sum(r["result"]["type"] == "succeeded" for r in results) if done else 0,
            "errored": sum(r["result"]["type"] == "errored" for r in results) if done else 0,
            "canceled": sum(r["result"]["type"] == "canceled" for r in results) if done else 0,
            "expired": 0,
        }
        host = handler.headers.get("host") or f"127.0.0.1:{self.api.port}"
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": batch["status"],
            "request_counts": counts,
            "created_at": batch["created_at"],
            "expires_at": batch["created_at"],
            "ended_at": batch["created_at"] if done else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"http://{host}{BATCHES_PATH}/{batch['id']}/results" if done else None,
        }

    def _answer(self, params: dict[str, Any]) -> dict[str, Any]:
        rec = Recorded("POST", "/v1/messages", {}, params)
        with self.api._lock:
            chosen = self.api._responder(rec) if self.api._responder is not None else None
        behaviour = chosen or Behaviour.parse(" ".join(_MAGIC.findall(_user_text(params))))
        if behaviour.status != 200:
            kind = _ERROR_TYPES.get(behaviour.status, "api_error")
            return {
                "type": "errored",
                "error": {"type": "error", "error": {"type": kind, "message": "scripted"}},
            }
        chunks = reply_chunks(params, behaviour)
        stop_reason = "end_turn"
        if len(chunks) > int(params.get("max_tokens") or 0):
            chunks, stop_reason = chunks[: int(params.get("max_tokens") or 0)], "max_tokens"
        text = "".join(chunks)
        message = {
            "id": "msg_fake_batch",
            "type": "message",
            "role": "assistant",
            "model": params.get("model"),
            "content": [{"type": "text", "text": text}] if text else [],
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": count_tokens(params), "output_tokens": len(chunks)},
        }
        return {"type": "succeeded", "message": message}

    def post(self, handler: Any, path: str, body: dict[str, Any]) -> None:
        if path == BATCHES_PATH:
            requests = body.get("requests")
            if not isinstance(requests, list) or not requests:
                return handler._error(400, "requests: a non-empty list is required")
            ids = [r.get("custom_id") for r in requests if isinstance(r, dict)]
            if (
                len(ids) != len(requests)
                or len(set(ids)) != len(ids)
                or not all(isinstance(i, str) for i in ids)
            ):
                return handler._error(400, "every request needs a unique custom_id")
            with self._lock:
                batch_id = f"msgbatch_standin_{len(self.created) + 1:04d}"
                batch: dict[str, Any] = {
                    "id": batch_id,
                    "status": "in_progress",
                    "polls": 0,
                    "requests": requests,
                    "results": [],
                    "created_at": "2026-01-01T00:00:00Z",
                }
                self.created[batch_id] = batch
            return handler._json(200, self._view(handler, batch))
        parts = path[len(BATCHES_PATH) :].strip("/").split("/")
        if len(parts) == 2 and parts[1] == "cancel" and parts[0] in self.created:
            batch = self.created[parts[0]]
            with self._lock:
                if batch["status"] != "ended":
                    batch["status"] = "ended"
                    batch["results"] = [
                        {"custom_id": r["custom_id"], "result": {"type": "canceled"}}
                        for r in batch["requests"]
                    ]
            return handler._json(200, self._view(handler, batch))
        handler._error(404, f"no route {path}")

    def get(self, handler: Any, path: str) -> None:
        parts = path[len(BATCHES_PATH) :].strip("/").split("/")
        batch = self.created.get(parts[0]) if parts and parts[0] else None
        if batch is None:
            return handler._error(404, f"no batch {parts[0] if parts else ''!r}")
        if len(parts) == 1:
            with self._lock:
                batch["polls"] += 1
                if batch["status"] == "in_progress" and batch["polls"] > self.polls_to_end:
                    batch["results"] = [
                        {"custom_id": r["custom_id"], "result": self._answer(r.get("params") or {})}
                        for r in batch["requests"]
                    ]
                    batch["status"] = "ended"
            return handler._json(200, self._view(handler, batch))
        if len(parts) == 2 and parts[1] == "results" and batch["status"] == "ended":
            data = "".join(json.dumps(r) + "\n" for r in batch["results"]).encode()
            handler.send_response(200)
            handler.send_header("content-type", "application/binary")
            handler.send_header("content-length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return None
        handler._error(404, f"no route {path}")

    """A reply as sent: with its message id and request id."""

    reply: Reply
    message_id: str
    request_id: str

    @property
    def stop_reason(self) -> str:
        return "tool_use" if self.reply.tool_uses else "end_turn"

    def message(self, model: Any) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": self.reply.blocks,
            "stop_reason": self.stop_reason,
            "stop_sequence": None,
            "usage": self.reply.usage.as_api(),
        }

    def events(self, model: Any) -> list[bytes]:
        """The SSE events of the streamed answer: message_start carries the input side of the usage,
        message_delta the whole usage (as the API sends it)."""
        usage = self.reply.usage
        start = {**self.message(model), "content": [], "stop_reason": None}
        start["usage"] = usage.as_api(output=min(1, usage.output))
        events = [_sse("message_start", {"type": "message_start", "message": start})]
        for index, block in enumerate(self.reply.blocks):
            opening: dict[str, Any]
            if block["type"] == "text":
                opening, delta = {"type": "text", "text": ""}, {"type": "text_delta", "text": block["text"]}
            else:
                opening = {**block, "input": {}}
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            events += [
                _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": opening},
                ),
                _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
                _sse("content_block_stop", {"type": "content_block_stop", "index": index}),
            ]
        delta = {"stop_reason": self.stop_reason, "stop_sequence": None}
        events.append(
            _sse("message_delta", {"type": "message_delta", "delta": delta, "usage": usage.as_api()})
        )
        events.append(_sse("message_stop", {"type": "message_stop"}))
        return events


@dataclass(frozen=True)
class Sent:
    """One answer the stand-in sent under a UsageScript."""

    thread: str  # MAIN_THREAD, SIDE_THREAD, a subagent's marker, or UNKNOWN_AGENT
    turn: int  # assistant messages already in the request
    reply: Reply
    message_id: str
    request_id: str
    model: str
    scripted: bool  # False: the script had no answer for this turn and DEFAULT_REPLY went


class UsageScript:
    """Answers Claude Code's requests from a script, each with known usage; install with `api.respond(script)`.

    `main` holds the main loop's answers in turn order; `agents` maps a marker (a text that appears in the
    prompt the main loop gives a subagent) to that subagent's answers. A turn the script does not cover, and
    a side request, is answered with `default`. Every answer is logged in `sent`.
    """

    def __init__(
        self,
        main: Sequence[Reply],
        agents: Mapping[str, Sequence[Reply]] | None = None,
        *,
        default: Reply = DEFAULT_REPLY,
        prefix: str | None = None,
    ) -> None:
        self.main = list(main)
        self.agents = {marker: list(replies) for marker, replies in (agents or {}).items()}
        self.default = default
        self.prefix = prefix or secrets.token_hex(4)
        self.sent: list[Sent] = []

    def __call__(self, rec: Recorded) -> Behaviour | None:
        if not rec.is_messages or not isinstance(rec.body, dict):
            return None
        messages = [m for m in rec.body.get("messages") or [] if isinstance(m, dict)]
        turn = sum(1 for m in messages if m.get("role") == "assistant")
        if rec.is_subagent:
            first = next((m for m in messages if m.get("role") == "user"), {})
            prompt = _text_of(first.get("content"))
            thread = next((marker for marker in self.agents if marker in prompt), UNKNOWN_AGENT)
            replies = self.agents.get(thread, [])
        elif rec.body.get("tools"):
            thread, replies = MAIN_THREAD, self.main
        else:
            thread, replies = SIDE_THREAD, []
        reply = replies[turn] if turn < len(replies) else self.default
        number = len(self.sent) + 1
        answer = UsageAnswer(reply, f"msg_{self.prefix}_{number:04d}", f"req_{self.prefix}_{number:04d}")
        model = str(rec.body.get("model"))
        self.sent.append(
            Sent(thread, turn, reply, answer.message_id, answer.request_id, model, turn < len(replies))
        )
        return Behaviour(status=reply.status) if reply.status != 200 else Behaviour(answer=answer)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run agentkit's stand-in Messages API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--answers", help="a JSON or YAML file of scripted answers (see ScriptedAnswer)")
    args = parser.parse_args(argv)
    api = FakeMessagesAPI(port=args.port)
    if args.answers:
        api.answer_with(load_answers(args.answers))
    print(f"ANTHROPIC_BASE_URL={api.base_url}", flush=True)
    print(f"ANTHROPIC_API_KEY={FAKE_KEY}", flush=True)
    try:
        api._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        api._server.server_close()


if __name__ == "__main__":
    main()
