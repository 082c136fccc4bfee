"""Ask the real Claude Code what it makes of agent files: which agents it lists, and what a subagent gets.

Everything is captured at run time from the binary's own requests to the stand-in Messages API; nothing of
Claude Code's prompt texts is kept here beyond the short structural markers needed to find things:
- the listing: the first main-loop request holds a block that starts with `LISTING_MARKER` and has one
  entry per agent, `- <name>: <description> (Tools: <tools>)`, in the order of the `agents` names of the
  `system/init` event (descriptions may hold newlines; the names anchor the parse);
- a subagent: the stand-in answers the first main-loop request with a call of the `Agent` tool; Claude
  Code spawns the subagent, whose request carries `cc_is_subagent=true` in its system prompt, the tool
  definitions it really gets and its resolved model id.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from agentkit._errors import OracleError
from agentkit._oracle.binary import ClaudeCode, find_claude
from agentkit._oracle.standin import FakeMessagesAPI, Recorded
from agentkit._oracle.world import Run, ScratchWorld

LISTING_MARKER = "Available agent types for the Agent tool:\n"
TOOLS_MARKER = " (Tools: "
_TOOL_NAME_LINE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
PRINT_ARGS = ("-p", "hi", "--output-format", "stream-json", "--verbose")
DEFAULT_TIMEOUT = 60.0
SPAWN_BATCH = 20  # agents spawned per run: more at once slow Claude Code down more than linearly

Files = Mapping[str, bytes | str]  # relative path under an agents folder -> file content


class SubagentNotSpawned(OracleError):
    """Claude Code refused to spawn the subagent (the message is its own tool result, when it gave one)."""


@dataclass(frozen=True, slots=True)
class ListedAgent:
    """One entry of Claude Code's agent listing."""

    name: str
    description: str  # as listed (after Claude Code's own `\\n` expansion)
    tools: str  # as listed: "Read, Grep", "All tools", "*", "All tools except ..."
    builtin: bool = False  # exactly one of Claude Code's built-in agents, unchanged


@dataclass(frozen=True, slots=True)
class Listing:
    """What one run of Claude Code lists: every agent, built-in ones included, in its order."""

    agents: tuple[ListedAgent, ...]
    names: tuple[str, ...]  # the `agents` of the `system/init` event
    claude: ClaudeCode
    run: Run = field(repr=False)

    def __getitem__(self, name: str) -> ListedAgent:
        for agent in self.agents:
            if agent.name == name:
                return agent
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(agent.name == name for agent in self.agents)

    @property
    def custom(self) -> tuple[ListedAgent, ...]:
        """The agents that are not an unchanged built-in."""
        return tuple(a for a in self.agents if not a.builtin)


@dataclass(frozen=True, slots=True)
class SubagentRequest:
    """The first Messages API request Claude Code sent for a spawned subagent."""

    name: str
    system: tuple[str, ...]  # the system blocks' texts
    tools: tuple[str, ...]  # the names of the tool definitions sent
    deferred_tools: tuple[str, ...]  # tools announced as loadable through ToolSearch (best effort)
    model: str
    messages: tuple[dict[str, Any], ...]
    body: dict[str, Any] = field(repr=False)

    @property
    def granted_tools(self) -> tuple[str, ...]:
        """The tools the subagent can use: those sent, the placeholder removed, plus the deferred ones."""
        sent = tuple(t for t in self.tools if t != PLACEHOLDER_TOOL)
        return sent + tuple(t for t in self.deferred_tools if t not in sent)


PLACEHOLDER_TOOL = "DeferredToolPlaceholder"  # keeps deferred loading on; never a tool the agent can call


# -- parsing what Claude Code sent ---------------------------------------------------------------------
def request_texts(body: Any) -> list[tuple[str, str]]:
    """(role, text) of every text in a Messages request: system blocks ("system") and message contents."""
    if not isinstance(body, dict):
        return []
    out: list[tuple[str, str]] = []
    out.extend(("system", t) for t in _texts(body.get("system")))
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            out.extend((str(message.get("role")), t) for t in _texts(message.get("content")))
    return out


def _texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)]
    return []


def listing_text(body: Any) -> str | None:
    """The listing block's text (after the marker line), or None when the request has none."""
    for _, text in request_texts(body):
        start = text.find(LISTING_MARKER)
        if start >= 0:
            return text[start + len(LISTING_MARKER) :]
    return None


def parse_listing(text: str, names: Iterable[str]) -> list[ListedAgent]:
    """The entries of a listing block, anchored on the agent names Claude Code reported, in its order.

    Each entry is `- <name>: <description> (Tools: <tools>)`, entries separated by one newline; the
    block ends at the first blank line after the last entry. A description may hold newlines and even
    text that looks like another entry: the parse backtracks until every entry ends in `(Tools: ...)`.
    """
    order = list(names)
    found = _parse_from(text, 0, order, 0)
    if found is None:
        raise OracleError(f"cannot parse Claude Code's agent listing for the agents {order}")
    return found


def _parse_from(text: str, at: int, names: list[str], index: int) -> list[ListedAgent] | None:
    if index == len(names):
        return []
    head = f"- {names[index]}: "
    if not text.startswith(head, at):
        return None
    start = at + len(head)
    last = index + 1 == len(names)
    separator = "\n\n" if last else f"\n- {names[index + 1]}: "
    search = start
    while True:
        cut = text.find(separator, search)
        if cut < 0:
            if not last:
                return None
            cut = len(text)
        entry = _entry(names[index], text[start:cut])
        if entry is not None:
            rest = [] if last else _parse_from(text, cut + 1, names, index + 1)
            if rest is not None:
                return [entry, *rest]
        if cut >= len(text):
            return None
        search = cut + 1


def _entry(name: str, segment: str) -> ListedAgent | None:
    """`<description> (Tools: <tools>)`: the tools are the text after the last ' (Tools: ' (tool names may
    hold newlines, spaces and parentheses; a description may hold '(Tools: ...)' itself)."""
    marker = segment.rfind(TOOLS_MARKER)
    if marker < 0 or not segment.endswith(")"):
        return None
    return ListedAgent(name, segment[:marker], segment[marker + len(TOOLS_MARKER) : -1])


def deferred_tools(body: Any) -> list[str]:
    """Tool names announced as deferred (loadable through ToolSearch): a paragraph that mentions ToolSearch
    and ends its first line with ':', then one bare tool name per line."""
    names: list[str] = []
    for _, text in request_texts(body):
        for paragraph in text.split("\n\n"):
            lines = paragraph.split("\n")
            if len(lines) < 2 or "ToolSearch" not in lines[0] or not lines[0].rstrip().endswith(":"):
                continue
            if all(_TOOL_NAME_LINE.match(line) for line in lines[1:]):
                names.extend(line for line in lines[1:] if line not in names)
    return names


def subagent_request_of(name: str, rec: Recorded) -> SubagentRequest:
    body = rec.body
    tools = tuple(str(t.get("name")) for t in body.get("tools") or [] if isinstance(t, dict))
    return SubagentRequest(
        name=name,
        system=tuple(_texts(body.get("system"))),
        tools=tools,
        deferred_tools=tuple(deferred_tools(body)),
        model=str(body.get("model")),
        messages=tuple(m for m in body.get("messages") or [] if isinstance(m, dict)),
        body=body,
    )


# -- running -------------------------------------------------------------------------------------------
def _write(world: ScratchWorld, files: Files | None, scope: str) -> None:
    for relative, data in (files or {}).items():
        world.write_agent(relative, data, scope=scope)


def _main_requests(api: FakeMessagesAPI) -> list[Recorded]:
    return [r for r in list(api.requests) if r.is_messages and not r.is_subagent]


def list_agents(
    project: Files | None = None,
    user: Files | None = None,
    *,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    world: ScratchWorld | None = None,
    builtins: bool = True,
) -> Listing:
    """One run of Claude Code with these files in the project's (and the user's) agents folder.

    `project`/`user` map a path relative to the agents folder to the file's content. The run stops as soon
    as the first main-loop request arrives. With `builtins`, entries equal to a built-in agent are marked.
    """
    binary = world.claude if world is not None else find_claude(claude)
    if world is None:
        with ScratchWorld(binary) as fresh:
            return list_agents(project, user, timeout=timeout, world=fresh, builtins=builtins)
    world.clear_agents()
    _write(world, project, "project")
    _write(world, user, "user")
    with FakeMessagesAPI() as api:
        run = world.run(PRINT_ARGS, api, timeout=timeout, until=lambda: bool(_main_requests(api)))
        main = _main_requests(api)
    if not main:
        raise OracleError(f"Claude Code sent no request ({_said(run)})")
    init = run.init()
    text = listing_text(main[0].body)
    names = tuple(str(n) for n in (init or {}).get("agents") or [])
    if init is None:
        raise OracleError(f"Claude Code printed no init event ({_said(run)})")
    if text is None:
        if names:
            raise OracleError("Claude Code's request holds no agent listing")
        return Listing((), names, binary, run)
    agents = parse_listing(text, names)
    if builtins:
        known = set(builtin_agents(binary))
        agents = [
            ListedAgent(a.name, a.description, a.tools, True)
            if (a.name, a.description, a.tools) in known
            else a
            for a in agents
        ]
    return Listing(tuple(agents), names, binary, run)


def session_tools(
    args: Iterable[str] = (),
    *,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    world: ScratchWorld | None = None,
) -> tuple[str, ...]:
    """The tools of Claude Code's main session (the `system/init` event), started with these extra
    arguments (e.g. `--tools KillShell` shows what the name `KillShell` resolves to)."""
    binary = world.claude if world is not None else find_claude(claude)
    if world is None:
        with ScratchWorld(binary) as fresh:
            return session_tools(args, timeout=timeout, world=fresh)
    with FakeMessagesAPI() as api:
        run = world.run((*PRINT_ARGS, *args), api, timeout=timeout, until=lambda: bool(_main_requests(api)))
    init = run.init()
    if init is None:
        raise OracleError(f"Claude Code printed no init event ({_said(run)})")
    return tuple(str(t) for t in init.get("tools") or [])


def builtin_agents(claude: str | os.PathLike[str] | ClaudeCode | None = None) -> list[tuple[str, str, str]]:
    """(name, description, tools) of the agents Claude Code lists in an empty project."""
    binary = find_claude(claude)
    return list(_builtin_agents(binary))


@lru_cache(maxsize=4)
def _builtin_agents(binary: ClaudeCode) -> tuple[tuple[str, str, str], ...]:
    listing = list_agents(claude=binary, builtins=False)
    return tuple((a.name, a.description, a.tools) for a in listing.agents)


def loaded_agents(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[ListedAgent]:
    """The agents Claude Code loads from these files or folders, put together in one project agents folder
    (a folder's files keep their layout relative to it), built-in agents left out."""
    return list(list_agents(files_of(paths), claude=claude, timeout=timeout).custom)


def files_of(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> dict[str, bytes]:
    """Relative path -> bytes for files and folders (every `*.md`, recursively, symlinks followed)."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files: dict[str, bytes] = {}
    for path in map(Path, paths):
        if path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if file.is_file():
                    files[file.relative_to(path).as_posix()] = file.read_bytes()
        else:
            files[path.name] = path.read_bytes()
    return files


def subagent_requests(
    project: Files | None,
    names: Iterable[str],
    prompt: str = "Say hello.",
    *,
    user: Files | None = None,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    world: ScratchWorld | None = None,
    args: tuple[str, ...] = (),
    batch: int = SPAWN_BATCH,
    env: Mapping[str, str] | None = None,
) -> dict[str, SubagentRequest | SubagentNotSpawned]:
    """Spawn each named agent once and return the first request each sent, or why it was not spawned.
    `env` adds variables to Claude Code's (scratch) environment, e.g. CLAUDE_CODE_SUBAGENT_MODEL.

    Up to `batch` agents are spawned in one run of Claude Code (one answer calling the Agent tool once per
    agent); each prompt gets a marker (`agentkit-spawn-<index>`) so the requests can be told apart.
    """
    wanted = list(dict.fromkeys(names))
    binary = world.claude if world is not None else find_claude(claude)
    if world is None:
        with ScratchWorld(binary) as fresh:
            return subagent_requests(
                project,
                wanted,
                prompt,
                user=user,
                timeout=timeout,
                world=fresh,
                args=args,
                batch=batch,
                env=env,
            )
    world.clear_agents()
    _write(world, project, "project")
    _write(world, user, "user")
    out: dict[str, SubagentRequest | SubagentNotSpawned] = {}
    for first in range(0, len(wanted), max(1, batch)):
        out.update(_spawn(world, wanted[first : first + max(1, batch)], prompt, timeout, args, env or {}))
    return out


def _spawn(
    world: ScratchWorld,
    wanted: list[str],
    prompt: str,
    timeout: float,
    args: tuple[str, ...],
    env: Mapping[str, str],
) -> dict[str, SubagentRequest | SubagentNotSpawned]:
    tags = {f"agentkit-spawn-{index}": name for index, name in enumerate(wanted)}
    call_ids = {f"toolu_agentkit_standin_{index}": name for index, name in enumerate(wanted)}
    with FakeMessagesAPI() as api:
        calls = [(name, f"{prompt} ({tag})") for tag, name in tags.items()]
        api.spawn_subagents(calls, hold=timeout)  # the subagents wait: only their requests matter

        def done() -> bool:
            failed = {call_ids.get(i) for i in _failures(api, world.output_so_far())}
            return len(_tagged(api, tags).keys() | failed) >= len(tags)

        # Claude Code runs at most 20 subagents at once unless told otherwise.
        limit = {"CLAUDE_CODE_MAX_CONCURRENT_SUBAGENTS": str(max(20, len(tags))), **env}
        run = world.run((*PRINT_ARGS, *args), api, timeout=timeout, until=done, env=limit)
        got = _tagged(api, tags)
        failed = _failures(api, run.stdout)
    out: dict[str, SubagentRequest | SubagentNotSpawned] = {}
    for call_id, name in call_ids.items():
        if name in got:
            out[name] = subagent_request_of(name, got[name])
        else:
            why = failed.get(call_id) or _said(run)
            out[name] = SubagentNotSpawned(f"Claude Code did not spawn {name!r}: {why}")
    return out


def subagent_request(
    files: Files | Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    name: str,
    prompt: str = "Say hello.",
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> SubagentRequest:
    """Spawn agent `name` from these files (a mapping, or files/folders on disk) in Claude Code and return
    its first request. Raises SubagentNotSpawned when Claude Code refuses (e.g. no real tool in `tools`)."""
    mapping = files if isinstance(files, Mapping) else files_of(files)
    result = subagent_requests(mapping, [name], prompt, claude=claude, timeout=timeout)[name]
    if isinstance(result, SubagentNotSpawned):
        raise result
    return result


def _tagged(api: FakeMessagesAPI, tags: dict[str, str]) -> dict[str, Recorded]:
    found: dict[str, Recorded] = {}
    for rec in api.subagent_requests:
        messages = rec.body.get("messages") or []
        first_user = next((m for m in messages if isinstance(m, dict) and m.get("role") == "user"), None)
        text = " ".join(_texts(first_user.get("content"))) if first_user else ""
        for tag, name in tags.items():
            if f"({tag})" in text and name not in found:
                found[name] = rec
    return found


def _failures(api: FakeMessagesAPI, stdout: str) -> dict[str, str]:
    """tool_use_id -> why Claude Code did not run that Agent call: an error tool result (e.g. an unknown
    agent type), or a background task that failed before its first request (e.g. zero tools)."""
    failed: dict[str, str] = {}
    for rec in _main_requests(api):
        for message in rec.body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            for block in content if isinstance(content, list) else []:
                if isinstance(block, dict) and block.get("type") == "tool_result" and block.get("is_error"):
                    inner = block.get("content")
                    text = inner if isinstance(inner, str) else " ".join(_texts(inner))
                    failed[str(block.get("tool_use_id"))] = text
    task_calls: dict[str, str] = {}
    for line in stdout.splitlines():
        if not line.startswith('{"type":"system"'):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("subtype") == "task_started":
            task_calls[str(event.get("task_id"))] = str(event.get("tool_use_id"))
        elif event.get("subtype") == "task_updated":
            patch = event.get("patch") or {}
            call = task_calls.get(str(event.get("task_id")))
            if call and patch.get("status") == "failed":
                failed[call] = str(patch.get("error") or "the task failed")
    return failed


def _said(run: Run) -> str:
    if run.timed_out:
        return f"it timed out after {run.seconds:.0f} s"
    tail = (run.stderr.strip() or run.stdout.strip())[-300:]
    return f"exit code {run.returncode}: {tail}" if tail else f"exit code {run.returncode}"
