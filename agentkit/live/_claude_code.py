"""Claude Code runs: the agent run by the real Claude Code binary (bundled in claude-agent-sdk), as a
subagent, with its own tools and Claude Code's real tool loop.

How this runs *this* agent, faithfully: the agent's own text is written to `.claude/agents/` of a scratch
project, so Claude Code reads it with its own reader. A main session is started with a short system
prompt asking it to delegate, and a PreToolUse hook pins the `Agent` call it makes (this agent, the prompt
word for word, in the foreground), so the request the agent's model receives is exactly the one Claude
Code sends a subagent: Claude Code's identity line, the body with Claude Code's subagent instructions
appended, the agent's tools, git status and environment context. The other ways (`--agent`, or a custom
system prompt with the agent's tools) send a main-session request instead, without the subagent
instructions and the git status, and with an extra tool. The price is one extra request: the main
session's delegation turn (`max_turns=1` keeps it at one), counted in `session_cost_usd`, not in the
agent's tokens.

The scratch world is the oracle's (`agentkit._oracle.world.ScratchWorld`): a temporary folder holding
HOME (with CLAUDE_CONFIG_DIR inside it, where Claude Code writes its transcripts), TMPDIR and the project
(git init, the agent, any `files=`), removed afterwards. Unlike the oracle's offline runs, a live run may
reach the real API, so the oracle's dead proxy is not used. The binary is the one `AGENTKIT_CLAUDE` names,
else the one claude-agent-sdk bundles (the version agentkit pins), else `claude` on PATH.
Claude Code runs in the project with `permission_mode="acceptEdits"` by default: file edits inside it are
accepted, reads and writes outside it and commands are refused (there is nobody to ask). The SDK passes
the caller's environment on, so every variable that would change what Claude Code does (credentials,
endpoints, models, settings) is set to "" unless agentkit sets it.

Text arrives one agent turn at a time: Claude Code forwards a subagent's messages whole, not its token
deltas.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from agentkit._errors import ClaudeCodeNotFound, LiveError, MissingKeyError
from agentkit._oracle import ClaudeCode, bundled_claude, find_claude
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.claude_code import (
    AGENT_TOOL,
    CALLER_VARIABLE_PREFIXES,
    CLAUDE_CODE_INSTALL,
    MAX_OUTPUT_TOKENS_VARIABLE,
    QUIET_ENVIRONMENT,
)
from agentkit.live._api import MISSING_KEY_MESSAGE, credentials, scrub
from agentkit.live._prices import cost_usd
from agentkit.live._result import Draft, RunSpec
from agentkit.live._source import base_url, is_anthropic, without_response

DEFAULT_MAX_TURNS = 10
DEFAULT_MAX_COST_USD = 1.0
DEFAULT_PERMISSION_MODE = "acceptEdits"
_INTERRUPT_GRACE_S = 2.0  # after an interrupt, how long Claude Code may take to end before it is cancelled

NEEDS_SDK = (
    f"Claude Code mode needs Claude Code, which is not installed here; install it with {CLAUDE_CODE_INSTALL}"
)

# The main session's whole system prompt. The stand-in Messages API recognises the "Subagent to run:" line.
MAIN_PROMPT = """\
You are the main session of Claude Code, started by agentkit to run one subagent on the user's request.
Subagent to run: {name}
Call the {tool} tool once, with subagent_type "{name}" and the user's message as its prompt, word for \
word, in the foreground. Do not answer the request yourself."""

_SAFE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.md")


def claude_code() -> ClaudeCode:
    """The Claude Code binary to run: `AGENTKIT_CLAUDE`, else claude-agent-sdk's, else `claude` on PATH."""
    try:
        import claude_agent_sdk  # noqa: F401  (it drives the binary)
    except ImportError:
        raise LiveError(NEEDS_SDK) from None
    explicit = os.environ.get("AGENTKIT_CLAUDE") or bundled_claude()
    return _find(str(explicit) if explicit else None)


@lru_cache(maxsize=8)
def _find(explicit: str | None) -> ClaudeCode:
    try:
        return find_claude(explicit)
    except ClaudeCodeNotFound as e:
        raise LiveError(str(e)) from None


def claude_code_version() -> str:
    """The version of the Claude Code binary Claude Code mode runs; LiveError when there is none."""
    return claude_code().version


def agent_name(agent: Any) -> str:
    """The name Claude Code knows the agent by; LiveError when Claude Code would not load it."""
    if not getattr(agent, "loaded", True):
        raise LiveError(
            f"Claude Code does not load {getattr(agent, 'path', None) or 'this agent'}: "
            f"{getattr(agent, 'reason', 'it is not a valid agent file')}"
        )
    name = getattr(agent, "name", None)
    if not isinstance(name, str) or not name:
        raise LiveError("Claude Code can only run an agent that has a name")
    return name


# -- the scratch world ------------------------------------------------------------------------------------


def seed(
    world: ScratchWorld, agent_file: str, name: str, agent_text: str, files: tuple[tuple[str, str], ...]
) -> None:
    """Put the agent (its text as Claude Code would read it) and the `files=` in the scratch project."""
    world.write_agent(agent_file if _SAFE_FILE.fullmatch(agent_file) else f"{name}.md", agent_text)
    for relative, text in files:
        path = (world.project / relative).resolve()
        if world.project.resolve() not in path.parents:
            raise LiveError(f"files: {relative!r} would be written outside the working folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def environment(world: ScratchWorld, spec: RunSpec) -> dict[str, str]:
    """What Claude Code runs with, on top of the caller's environment (which the SDK passes on)."""
    env = {name: "" for name in os.environ if name.upper().startswith(CALLER_VARIABLE_PREFIXES)}
    env.update(world.folders_env())
    env.update(QUIET_ENVIRONMENT)
    url = os.environ.get("ANTHROPIC_BASE_URL", "").strip()
    if url:
        env["ANTHROPIC_BASE_URL"] = url
    key, token = credentials(spec.api_key)
    env["ANTHROPIC_API_KEY"] = key or ""
    env["ANTHROPIC_AUTH_TOKEN"] = token or ""
    if spec.max_tokens is not None:
        env[MAX_OUTPUT_TOKENS_VARIABLE] = str(spec.max_tokens)
    return env


# -- the session ----------------------------------------------------------------------------------------


def _usage_tokens(usage: Mapping[str, Any] | None, *, camel: bool = False) -> tuple[int, int]:
    """(input, output) tokens of a usage dict; input counts cache reads and writes too."""
    if not usage:
        return 0, 0
    if camel:
        keys = ("inputTokens", "cacheReadInputTokens", "cacheCreationInputTokens"), "outputTokens"
    else:
        keys = ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"), "output_tokens"
    return sum(int(usage.get(k) or 0) for k in keys[0]), int(usage.get(keys[1]) or 0)


_API_ERRORS = {
    "authentication_failed": "the API key was rejected (HTTP 401): check ANTHROPIC_API_KEY",
    "billing_error": "the Anthropic API refused the request: a billing problem with this account",
    "rate_limit": "rate limited by the Anthropic API (HTTP 429): wait a minute and try again",
    "invalid_request": "the Anthropic API refused the request (HTTP 400)",
    "server_error": "the Anthropic API failed (HTTP 5xx)",
}


class _Session:
    """One Claude Code session in a worker thread (the SDK is async), feeding a queue of events."""

    def __init__(self, spec: RunSpec, draft: Draft, name: str, claude: ClaudeCode) -> None:
        self.spec = spec
        self.claude = claude
        self.draft = draft
        self.name = name
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        # Set (in the loop) when the session must stop; an Event binds to the loop that first waits on it.
        self._wake = asyncio.Event()
        self._client: Any = None  # the ClaudeSDKClient while connected
        self._cancelled = threading.Event()
        self.stop_reason_override: str | None = None
        self.thread = threading.Thread(target=self._thread, daemon=True, name="agentkit-claude-code")
        # What the messages told us.
        self.pinned = False  # the hook has pinned the main session's Agent call
        self.delegated: str | None = None  # the id of that call (its message arrives before the hook runs)
        self.handed_back = False
        self.agent_in = 0
        self.agent_out = 0
        self.main_text: list[str] = []
        self.any_text = False
        self.last_turn_called_tools = False
        self.t0 = time.perf_counter()

    # Called from other threads.
    def cancel(self, reason: str = "stopped") -> None:
        """Stop the session: interrupt Claude Code's turn (it then exits at once), and cancel the session
        outright if it has not ended after a grace period."""
        if self.stop_reason_override is None:
            self.stop_reason_override = reason
        self._cancelled.set()
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has just closed
                loop.call_soon_threadsafe(self._wake.set)

    def _thread(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as e:  # never let a worker die silently
            self.events.put(("fail", e))
        finally:
            self.events.put(("end", None))

    async def _main(self) -> None:
        import anyio

        self._loop = asyncio.get_running_loop()  # cancel() may set _wake from now on
        if self._cancelled.is_set():
            self._wake.set()
        agent_file = Path(str(getattr(self.spec.agent, "path", "") or "")).name
        with ScratchWorld(self.claude) as world:
            seed(world, agent_file, self.name, self.spec.agent_text, self.spec.files)
            # An anyio cancel scope, not task.cancel(): the SDK shields its cleanup (ending the Claude Code
            # process) from anyio cancellations only.
            with anyio.move_on_after(self.spec.timeout) as scope:
                async with anyio.create_task_group() as group:
                    group.start_soon(self._watch, scope)
                    await self._session(world)
                    group.cancel_scope.cancel()  # the watcher
            if scope.cancelled_caught and not self._cancelled.is_set():
                self.stop_reason_override = "timeout"
                self.draft.error = f"Claude Code did not finish within timeout={self.spec.timeout:g} s"

    async def _watch(self, scope: Any) -> None:
        """On a stop: interrupt the turn, then give Claude Code a moment before cancelling everything."""
        import anyio

        await self._wake.wait()
        client = self._client
        if client is not None:
            with anyio.move_on_after(_INTERRUPT_GRACE_S), contextlib.suppress(Exception):
                await client.interrupt()
        await anyio.sleep(_INTERRUPT_GRACE_S)
        scope.cancel()

    async def _session(self, world: ScratchWorld) -> None:
        import anyio
        from claude_agent_sdk import ClaudeAgentOptions, ClaudeSDKClient, ClaudeSDKError, HookMatcher

        spec = self.spec

        async def pin(input_data: dict[str, Any], tool_use_id: str | None, context: Any) -> dict[str, Any]:
            # The main session's Agent call runs this agent on this prompt, as given, in the foreground;
            # a subagent's own calls (agent_id set) are left alone.
            if input_data.get("agent_id") or self.pinned:
                return {}
            self.pinned = True
            tool_input = {
                k: v
                for k, v in dict(input_data.get("tool_input") or {}).items()
                if k not in ("model", "effort", "isolation")  # the agent's own front matter decides
            }
            tool_input.update(subagent_type=self.name, prompt=spec.prompt, run_in_background=False)
            tool_input.setdefault("description", "agentkit run")
            return {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "allow",
                    "updatedInput": tool_input,
                }
            }

        options = ClaudeAgentOptions(
            cwd=str(world.project),
            cli_path=str(self.claude.path),
            env=environment(world, spec),
            system_prompt=MAIN_PROMPT.format(name=self.name, tool=AGENT_TOOL),
            # The main session's model: Claude Code runs its subagents on it too (2.1.332), so the agent
            # runs on the model agentkit resolved, as a direct run does.
            model=spec.model,
            max_turns=1,  # the delegation turn only; the agent's turns are counted below
            max_budget_usd=spec.max_cost_usd,
            permission_mode=spec.permission_mode,  # type: ignore[arg-type]
            setting_sources=["project"],  # the scratch project's .claude/agents, nothing of the user's
            forward_subagent_text=True,
            hooks={"PreToolUse": [HookMatcher(matcher=AGENT_TOOL, hooks=[pin])]},  # type: ignore[list-item]
            stderr=self.stderr.append,
        )
        try:
            async with ClaudeSDKClient(options=options) as client:
                self._client = client
                await client.query(spec.prompt)
                async for message in client.receive_response():
                    self._take(message)
                    if self._cancelled.is_set():
                        self._wake.set()
                        with anyio.move_on_after(_INTERRUPT_GRACE_S), contextlib.suppress(Exception):
                            await client.interrupt()  # then Claude Code exits as soon as it is closed
                        return
        except ClaudeSDKError as e:
            if self.handed_back or self._cancelled.is_set():
                return  # the session ends with max_turns=1 after the hand-back: Claude Code says so
            raise LiveError(self._failure(e)) from None
        finally:
            self._client = None

    def _failure(self, e: BaseException) -> str:
        detail = " ".join(str(e).split())
        tail = " ".join(" ".join(self.stderr[-3:]).split())[-300:]
        said = f"{detail}; stderr: {tail}" if tail and tail not in detail else detail
        return scrub(f"Claude Code failed: {said}", self.spec.api_key)

    def _take(self, message: Any) -> None:
        from claude_agent_sdk import (
            AssistantMessage,
            ResultMessage,
            TextBlock,
            ToolResultBlock,
            ToolUseBlock,
            UserMessage,
        )

        draft = self.draft
        if isinstance(message, AssistantMessage) and message.parent_tool_use_id is not None:
            draft.turns = (draft.turns or 0) + 1
            texts = [b.text for b in message.content if isinstance(b, TextBlock) and b.text]
            calls = [b for b in message.content if isinstance(b, ToolUseBlock)]
            if texts:
                if draft.time_to_first_token_s is None:
                    draft.time_to_first_token_s = time.perf_counter() - self.t0
                chunk = "\n\n".join(texts)
                self.events.put(("text", ("\n\n" if self.any_text else "") + chunk))  # turns apart
                self.any_text = True
            draft.tool_calls.extend({"name": c.name, "input": c.input} for c in calls)
            self.last_turn_called_tools = bool(calls)
            tokens_in, tokens_out = _usage_tokens(message.usage)
            self.agent_in += tokens_in
            self.agent_out += tokens_out
            if message.stop_reason:
                draft.stop_reason = message.stop_reason
            if message.error:
                draft.error = _API_ERRORS.get(message.error, f"the request failed: {message.error}")
            self._check_bounds()
        elif isinstance(message, AssistantMessage):
            for block in message.content:
                if isinstance(block, ToolUseBlock) and block.name == AGENT_TOOL and self.delegated is None:
                    self.delegated = block.id
                elif isinstance(block, TextBlock) and block.text:
                    self.main_text.append(block.text)
            if message.error:
                draft.error = _API_ERRORS.get(message.error, f"the request failed: {message.error}")
        elif isinstance(message, UserMessage) and message.parent_tool_use_id is None:
            for block in message.content if isinstance(message.content, list) else []:
                if isinstance(block, ToolResultBlock) and block.tool_use_id == self.delegated:
                    self.handed_back = True
                    if block.is_error:
                        draft.error = "Claude Code could not run the agent: " + _text(block.content)[:300]
        elif isinstance(message, ResultMessage):
            draft.session_cost_usd = message.total_cost_usd
            if message.model_usage:
                total_in = total_out = 0
                for usage in message.model_usage.values():
                    tokens_in, tokens_out = _usage_tokens(usage, camel=True)
                    total_in, total_out = total_in + tokens_in, total_out + tokens_out
                main_in, main_out = _usage_tokens(message.usage)
                self.agent_in, self.agent_out = total_in - main_in, total_out - main_out
            if message.subtype == "error_max_budget_usd":
                self.stop_reason_override = "max_cost"
                draft.error = (
                    f"stopped: Claude Code's reported cost passed max_cost_usd=${self.spec.max_cost_usd}"
                )
            elif message.is_error and message.api_error_status and draft.error is None:
                draft.error = f"the Anthropic API answered HTTP {message.api_error_status}"

    def _check_bounds(self) -> None:
        spec, draft = self.spec, self.draft
        if draft.turns is not None and draft.turns >= spec.max_turns and self.last_turn_called_tools:
            self.stop_reason_override = "max_turns"
            self._cancelled.set()  # its next turn would pass max_turns: stop here
        if spec.max_cost_usd is not None:
            spent = cost_usd(spec.model, self.agent_in, self.agent_out) or 0.0
            if spent >= spec.max_cost_usd:
                self.stop_reason_override = "max_cost"
                draft.error = f"stopped: the agent's cost passed max_cost_usd=${spec.max_cost_usd}"
                self._cancelled.set()


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def stream(
    spec: RunSpec, draft: Draft, stop: threading.Event, on_cancel: Callable[[Callable[[], None] | None], None]
) -> Iterator[str]:
    """Run `spec` in Claude Code, yielding the agent's text a turn at a time and filling `draft`."""
    claude = claude_code()  # LiveError now when claude-agent-sdk or the binary is missing
    name = agent_name(spec.agent)
    key, token = credentials(spec.api_key)
    if not key and not token:
        raise MissingKeyError(MISSING_KEY_MESSAGE)
    url = base_url()
    draft.endpoint = None if is_anthropic(url) else url
    draft.source = without_response(url)
    draft.turns = 0
    session = _Session(spec, draft, name, claude)
    session.thread.start()
    on_cancel(session.cancel)
    failure: BaseException | None = None
    try:
        while True:
            try:
                kind, value = session.events.get(timeout=0.05)
            except queue.Empty:
                if stop.is_set():
                    session.cancel()
                continue
            if kind == "text":
                draft.parts.append(value)
                yield value
                if stop.is_set():
                    session.cancel()
            elif kind == "fail":
                failure = value
            elif kind == "end":
                break
    except BaseException:
        session.cancel("interrupted")
        raise
    finally:
        on_cancel(None)
        session.thread.join(timeout=60)
        _finish(session, draft, stop)
    if failure is not None:
        if isinstance(failure, LiveError):
            draft.error = str(failure)
            if not draft.parts:
                raise failure
        else:
            draft.error = scrub(f"Claude Code failed: {type(failure).__name__}: {failure}", spec.api_key)
            if not draft.parts:
                raise LiveError(draft.error) from None


def _finish(session: _Session, draft: Draft, stop: threading.Event) -> None:
    """Settle the draft once the session is over: tokens, stop reason, completeness."""
    draft.input_tokens = session.agent_in or None
    draft.output_tokens = session.agent_out if session.agent_in else None
    reason = session.stop_reason_override
    if reason == "stopped" or (stop.is_set() and reason is None):
        draft.error = draft.error or "stopped"
        return
    if reason == "interrupted":
        draft.error = draft.error or "interrupted"
        return
    if reason == "max_turns":
        draft.stop_reason = "max_turns"
        draft.finished = draft.error is None
        return
    if reason in ("max_cost", "timeout"):
        draft.stop_reason = reason
        return
    if draft.error is not None:
        return
    if not session.handed_back:
        if session.delegated is None and session.main_text:
            draft.error = "Claude Code's main session answered itself instead of running the agent; try again"
        else:
            draft.error = "Claude Code ended before the agent finished"
        return
    if session.last_turn_called_tools:
        draft.stop_reason = "max_turns"  # Claude Code stopped it (the agent's own maxTurns)
    else:
        draft.stop_reason = draft.stop_reason or "end_turn"
    draft.finished = True
