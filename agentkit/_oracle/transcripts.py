"""Transcripts the real Claude Code writes, against a stand-in whose every answer carries known usage.

For agentkit.usage: its tests check what it reads against what the stand-in sent, and notebook 07 and the
benchmark start from what the binary really writes. Each session is one `claude -p PROMPT` run in the
scratch world's project; the stand-in answers it from a UsageScript (the main thread's answers in turn,
each subagent's by a marker in the prompt the main thread gives it), and logs every answer it sent.

    with ScratchWorld() as world:
        world.write_agent("code-reviewer.md", text)
        sent = record_sessions(world, [ScriptedSession("review app.py", main=(...), agents={...})])
        # world.config_dir now holds the transcripts; `sent[i]` what session i was sent

`without_claude_code_texts` copies transcripts keeping only what agentkit.usage reads, with every text
Claude Code wrote itself (its prompts, reminders, tool results' wording, request records) removed: what may
be committed (notebooks/recordings/07-usage/).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from agentkit._errors import AgentkitError
from agentkit._oracle.standin import FakeMessagesAPI, Reply, Sent, UsageScript
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.claude_code import DEFAULT_SUBAGENT_TYPE, DELEGATION_TOOLS, TRANSCRIPTS_FOLDER

PRINT = ("--output-format", "stream-json", "--verbose")
REMOVED = "[removed: Claude Code's own text]"


class TranscriptError(AgentkitError):
    """Claude Code did not run a scripted session as the script expected."""


@dataclass(frozen=True)
class ScriptedSession:
    """One `claude -p prompt` run and the answers it gets: the main thread's in turn, each subagent's by a
    marker that appears in the prompt the main thread gives it."""

    prompt: str
    main: tuple[Reply, ...]
    agents: Mapping[str, tuple[Reply, ...]] = field(default_factory=dict)

    def agent_of(self, marker: str) -> str:
        """The agent the main thread's call with `marker` in its prompt names."""
        for reply in self.main:
            for call in reply.tool_uses:
                if call.name in DELEGATION_TOOLS and marker in str(call.input.get("prompt", "")):
                    return str(call.input.get("subagent_type") or DEFAULT_SUBAGENT_TYPE)
        raise KeyError(marker)


def record_sessions(
    world: ScratchWorld, sessions: Sequence[ScriptedSession], *, timeout: float = 120.0, prefix: str = "s"
) -> list[list[Sent]]:
    """Run each session in the world's project, in order; what the stand-in sent in each. Raises
    TranscriptError when Claude Code fails or asks for an answer the script does not have."""
    out = []
    for index, session in enumerate(sessions, 1):
        script = UsageScript(session.main, dict(session.agents), prefix=f"{prefix}{index}")
        with FakeMessagesAPI() as api:
            api.respond(script)
            run = world.run(["-p", session.prompt, *PRINT], api, timeout=timeout)
        if run.returncode != 0:
            said = (run.stderr.strip() or run.stdout.strip())[-300:]
            raise TranscriptError(f"session {index}: Claude Code exited with {run.returncode}: {said}")
        unscripted = [s for s in script.sent if not s.scripted]
        if unscripted:
            where = ", ".join(f"{s.thread} turn {s.turn}" for s in unscripted)
            raise TranscriptError(
                f"session {index}: Claude Code asked for answers the script lacks ({where})"
            )
        never = _never_asked(session, {(s.thread, s.turn) for s in script.sent})
        if never:
            raise TranscriptError(f"session {index}: Claude Code never asked for {', '.join(never)}")
        out.append(list(script.sent))
    return out


def _never_asked(session: ScriptedSession, asked: set[tuple[str, int]]) -> list[str]:
    """The scripted turns Claude Code did not ask for (a call it refused, an agent it never spawned).
    After an error answer a thread asks again for the same turn, so later turns are not expected."""
    missing = []
    for thread, replies in {"main": session.main, **session.agents}.items():
        for turn, reply in enumerate(replies):
            if (thread, turn) not in asked:
                missing.append(f"{thread} turn {turn}")
            if reply.status != 200:
                break
    return missing


def expected(sessions: Sequence[ScriptedSession], sent: Sequence[Sequence[Sent]]) -> dict[str, Any]:
    """What a reader of the transcripts must find: the main thread's four token kinds, and per agent its
    invocations and four token kinds, summed from what the stand-in sent."""
    kinds = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    main = dict.fromkeys(kinds, 0)
    agents: dict[str, dict[str, int]] = {}
    for session, answers in zip(sessions, sent, strict=True):
        for marker in session.agents:
            entry = agents.setdefault(session.agent_of(marker), {"invocations": 0, **dict.fromkeys(kinds, 0)})
            entry["invocations"] += 1
        for answer in answers:
            usage = answer.reply.usage
            values = (usage.input, usage.output, usage.cache_read, usage.cache_creation)
            target = main if answer.thread == "main" else agents[session.agent_of(answer.thread)]
            for kind, value in zip(kinds, values, strict=True):
                target[kind] += value
    return {"sessions": len(sessions), "main": main, "agents": agents}


# -- what may be committed --------------------------------------------------------------------------------
_KEPT_RESULT_KEYS = (
    "status", "isAsync", "agentId", "agentType", "description", "prompt", "resolvedModel", "totalDurationMs",
    "totalTokens", "totalToolUseCount", "usage", "wasInterrupted",
)  # fmt: skip
_TAGS = ("task-id", "tool-use-id", "status")


def without_claude_code_texts(
    config_dir: Path, dest: Path, *, root: str, placeholder: str, day_shift: Sequence[int] = ()
) -> None:
    """Copy `config_dir/projects` to `dest/projects` keeping only what agentkit.usage reads: `user` and
    `assistant` records and agents' metadata. Claude Code's own texts go (attachments, request records,
    the wording of tool results and task notifications; the user's words, the stand-in's scripted answers
    and the subagents' prompts stay); `root` (the scratch folder) becomes `placeholder` in paths and
    folder names; session i's timestamps move by `day_shift[i]` days (sessions in file-time order)."""
    source = config_dir / TRANSCRIPTS_FOLDER
    slug_from, slug_to = re.sub(r"[^a-zA-Z0-9]", "-", root), re.sub(r"[^a-zA-Z0-9]", "-", placeholder)
    mains = sorted(source.glob("*/*.jsonl"), key=lambda p: p.stat().st_mtime)
    shifts = {p.stem: (day_shift[i] if i < len(day_shift) else 0) for i, p in enumerate(mains)}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.suffix not in (".jsonl", ".json"):
            continue
        relative = Path(*(part.replace(slug_from, slug_to) for part in path.relative_to(source).parts))
        target = dest / TRANSCRIPTS_FOLDER / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        session = relative.parts[1].removesuffix(".jsonl") if len(relative.parts) > 1 else ""
        shift = timedelta(days=shifts.get(session, 0))
        if path.suffix == ".json":
            shutil.copyfile(path, target)
            continue
        kept = []
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("type") not in ("user", "assistant"):
                continue
            cleaned = _clean(record, shift)
            kept.append(
                json.dumps(cleaned, ensure_ascii=False, separators=(",", ":")).replace(root, placeholder)
            )
        target.write_text("".join(line + "\n" for line in kept), encoding="utf-8")


def _clean(record: dict[str, Any], shift: timedelta) -> dict[str, Any]:
    record = dict(record)
    if isinstance(record.get("timestamp"), str) and shift:
        stamp = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")) + shift
        record["timestamp"] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    message = dict(record.get("message") or {})
    content = message.get("content")
    if record.get("type") == "user":
        if isinstance(content, str) and content.startswith("<task-notification>"):
            found = {t: re.search(rf"<{t}>(.*?)</{t}>", content, re.S) for t in _TAGS}
            kept = "".join(f"<{t}>{m.group(1)}</{t}>\n" for t, m in found.items() if m)
            duration = re.search(r"<duration_ms>\d+</duration_ms>", content)
            content = (
                f"<task-notification>\n{kept}{duration.group() if duration else ''}\n</task-notification>"
            )
        elif isinstance(content, list):
            content = [_clean_block(b) for b in content]
        result = record.get("toolUseResult")
        if isinstance(result, dict):
            record["toolUseResult"] = {k: result[k] for k in _KEPT_RESULT_KEYS if k in result}
        elif isinstance(result, str):
            record["toolUseResult"] = f"Error: {REMOVED}" if result.startswith("Error") else REMOVED
    message["content"] = content
    record["message"] = message
    return record


def _clean_block(block: Any) -> Any:
    if isinstance(block, dict) and block.get("type") == "tool_result":
        return {**block, "content": [{"type": "text", "text": REMOVED}]}
    if (
        isinstance(block, dict)
        and block.get("type") == "text"
        and "<system-reminder>" in str(block.get("text"))
    ):
        return {**block, "text": REMOVED}
    return block
