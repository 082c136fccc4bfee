"""Reading Claude Code's transcripts as a stream, line by line, keeping totals and never the records.

What is kept grows with sessions, agent runs, user prompts, models and days, not with the size of the
files: token counts go into buckets (session, thread, model, day) as the lines go by. Only a session's
answer keys are kept while it is read (and a 64-bit hash of each per project, to skip a copy of them in
another session of the project, as a forked session holds).

Counting an answer once. One API answer with several content blocks is written as several `assistant`
records with the same `message.id` (and `requestId`), each with the whole usage; a subagent's records may
hold early placeholder usage that a later record of the same answer completes (anthropics/claude-code
#84223). So records are keyed by (message id, request id), and a repeated key adds only what its usage
has beyond the largest seen for it. A subagent record that repeats a main-thread answer's message id under
another request id is a replay (a `/btw` side question replays the conversation, ccusage#913): skipped.

Lines that hold nothing counted (`attachment`, `api-request-*`, ...) are recognised by their type and not
parsed, which is most of the bytes; a line that does not end as a JSON object ends is parsed anyway, so a
damaged line is still found. Every line that cannot be read is counted in `Problems` with its file and line.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentkit._progress import progress
from agentkit._reader.claude_code import (
    DEFAULT_SUBAGENT_TYPE,
    DELEGATION_TOOLS,
    SYNTHETIC_MODEL,
    TRANSCRIPT_RECORD_TYPES,
)
from agentkit._usage._files import SessionFiles, config_folder, project_folders, sessions

LINE_LIMIT = 64 << 20  # a longer line is skipped (and reported), so one line cannot take the memory
META_LIMIT = 1 << 20
RECENT_SECONDS = 60.0  # a file changed this recently, whose last line is not complete, is being written
MAIN = "main"
UNKNOWN_AGENT = "(unknown agent)"
COMPACTION = "(compaction)"
SIDE_QUESTION = "(side question)"
# Agent files Claude Code writes for its own work, by the start of their id: a context compaction, and a
# `/btw` side question (which also replays the conversation's answers: see the module docstring).
INTERNAL_AGENTS = {"acompact": COMPACTION, "aside_question": SIDE_QUESTION}

# Problem kinds. The first four lose what the line held; the others lose nothing counted.
MALFORMED = "malformed line"
TRUNCATED = "truncated last line"
TOO_LONG = "line too long"
UNREADABLE = "unreadable file"
BEING_WRITTEN = "file being written"
UNKNOWN_TYPE = "unknown record type"
BAD_META = "unreadable agent metadata"
BAD_USAGE = "malformed usage"
LOSSY = (MALFORMED, TRUNCATED, TOO_LONG, UNREADABLE, BAD_USAGE)

# Run statuses.
COMPLETED, FAILED, CANCELLED, RUNNING, UNKNOWN = "completed", "failed", "cancelled", "running", "unknown"
_STATUS_WORDS = {
    "completed": COMPLETED,
    "success": COMPLETED,
    "failed": FAILED,
    "error": FAILED,
    "killed": CANCELLED,
    "stopped": CANCELLED,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
    "interrupted": CANCELLED,
}

_SKIPPED = frozenset(TRANSCRIPT_RECORD_TYPES - {"user", "assistant"})
_TYPE_OPENING = b'{"type":"'
_TYPE_KEY = b'"type":"'
_COUNTED_TYPE = re.compile(rb'"type": ?"(user|assistant)"')
_TOOL_RESULT = b'"tool_use_id"'
_SIDECHAIN = b'"isSidechain":true'
_NOTIFICATION = b"<task-notification>"
_NOT_A_REQUEST = (
    "<command-",
    "<local-command",
    "<task-notification>",
    "<bash-",
    "Caveat: ",
    "[Request interrupted",
)
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("task-id", "tool-use-id", "status")}
_AGENT_ID = re.compile(r"\bagentId: ([A-Za-z0-9_-]+)")
_DURATION = re.compile(r"<duration_ms>(\d+(?:\.\d+)?)</duration_ms>")


class Problems:
    """Lines that could not be read, by (file, kind, detail): the first line where it happened, and how many."""

    DETAILS = 10  # distinct details kept per file and kind; the rest are counted together

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], list[int]] = {}
        self._details: dict[tuple[str, str], int] = {}

    def add(self, file: Path | str, line: int, kind: str, detail: str = "") -> None:
        key = (str(file), kind, detail)
        if key not in self.rows:
            # A file of garbage has a different excerpt on every line: one row per line would grow with it.
            seen = self._details.get(key[:2], 0)
            if seen >= self.DETAILS:
                key = (str(file), kind, "(and more)")
            else:
                self._details[key[:2]] = seen + 1
        row = self.rows.setdefault(key, [line, 0])
        row[1] += 1

    @property
    def lossy(self) -> int:
        """Lines (or files) whose content could not be counted."""
        return sum(count for (_, kind, _), (_, count) in self.rows.items() if kind in LOSSY)


@dataclass(slots=True, eq=False)
class Run:
    """One agent run (an invocation): from the call in its parent thread, its transcript, its result."""

    key: str
    session: str
    agent: str | None = None
    builtin: bool | None = None
    tool_use_id: str | None = None
    agent_id: str | None = None
    prompt: str | None = None
    description: str | None = None
    background: bool | None = None
    request: str | None = None  # the user's words in the turn that led to it
    started: str | None = None
    last: str | None = None
    duration_ms: float | None = None
    status: str | None = None
    error: str | None = None
    depth: int = 1
    model: str | None = None
    finished: bool | None = None
    layout: str = "call"  # where its records are: "subagents", "agent file", "inline", "call" (none)
    api_error: bool = False  # its last answer is Claude Code's own report of an API error
    file: str | None = None


@dataclass(slots=True, eq=False)
class Prompt:
    """A user's request in a main thread, and the agents the main thread called in that turn."""

    session: str
    timestamp: str | None
    text: str
    agents: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class SessionInfo:
    session: str
    project: str  # the project folder's name
    cwd: str | None = None
    first: str | None = None
    last: str | None = None
    days: set[str | None] = field(default_factory=set)  # of its user and assistant records


@dataclass(eq=False)
class Tally:
    """Everything a read keeps: totals by (session, thread, model, day), runs, prompts and problems."""

    config: Path
    buckets: dict[tuple[str, str, str, str | None], list[int]] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    sessions: dict[str, SessionInfo] = field(default_factory=dict)
    problems: Problems = field(default_factory=Problems)
    record_types: Counter[str] = field(default_factory=Counter)
    files: int = 0
    bytes: int = 0
    lines: int = 0
    duplicates: int = 0  # records of an answer already counted (its other content blocks, mostly)
    replays: int = 0  # subagent records repeating a main-thread answer under another request id
    copies: int = 0  # answers already counted in an earlier session of the project


def read(
    config_dir: str | os.PathLike[str] | None = None, project: str | os.PathLike[str] | None = None
) -> Tally:
    """Read every session under the config folder (or the one project's), streaming."""
    config = config_folder(config_dir)
    tally = Tally(config)
    work = [(folder, files) for folder in project_folders(config, project) for files in sessions(folder)]
    seen_by_project: dict[str, set[int]] = {}
    for folder, files in progress(work, desc="reading transcripts", min_items=200):
        _SessionReader(tally, files, seen_by_project.setdefault(folder.name, set())).read()
    return tally


class TranscriptLines:
    """The records of transcript files, line by line, in bounded memory: lines too long, malformed or cut
    short become problems; the records that are never counted (most tool results, other record types) are
    tallied by their bytes without parsing. `pending` holds the tool_use ids whose results still matter."""

    def __init__(self, tally: Tally, pending: set[bytes]) -> None:
        self.tally = tally
        self.pending = pending
        self.path: Path | None = None  # the file being read

    def records(self, path: Path, *, main: bool = False):  # -> Iterator[tuple[int, dict[str, Any]]]
        tally = self.tally
        try:
            before = path.stat()
            if not stat.S_ISREG(before.st_mode):  # a FIFO or a device would block or never end
                tally.problems.add(path, 0, UNREADABLE, "not a regular file")
                return
            handle = open(path, "rb")  # noqa: SIM115 - closed below, the generator may stop early
        except OSError as exc:
            tally.problems.add(path, 0, UNREADABLE, exc.strerror or str(exc))
            return
        tally.files += 1
        self.path = path
        number = 0
        with handle:
            while True:
                try:
                    line = handle.readline(LINE_LIMIT)
                except OSError as exc:
                    tally.problems.add(path, number + 1, UNREADABLE, exc.strerror or str(exc))
                    return
                if not line:
                    return
                number += 1
                tally.lines += 1
                tally.bytes += len(line)
                if not line.endswith(b"\n"):
                    if len(line) >= LINE_LIMIT:
                        tally.bytes += _skip_rest_of_line(handle)
                        tally.problems.add(path, number, TOO_LONG, f"over {LINE_LIMIT >> 20} MiB")
                        continue
                    record = _parse(line)  # the last line, without its newline
                    if record is None:
                        kind = BEING_WRITTEN if _being_written(path, before) else TRUNCATED
                        tally.problems.add(path, number, kind)
                        return
                    yield number, self._typed(record, path, number)
                    return
                record = self._pick(line, path, number, main)
                if record is not None:
                    yield number, record

    def _pick(self, line: bytes, path: Path, number: int, main: bool) -> dict[str, Any] | None:
        """The record on this line, or None when it holds nothing counted (or cannot be read).

        A `"type":"..."` pair in the raw bytes is JSON structure, never text (inside a JSON string its quotes
        are escaped), and only a user or an assistant record has the type user or assistant: one search
        tells them from the records not counted, whose type is then read without parsing the line."""
        kind: str | None = None
        if line.startswith(_TYPE_OPENING):
            end = line.find(b'"', len(_TYPE_OPENING))
            kind = line[len(_TYPE_OPENING) : end].decode("utf-8", "replace") if end > 0 else None
        else:
            found = _COUNTED_TYPE.search(line)
            if found is None:
                at = line.rfind(_TYPE_KEY)
                if at >= 0:
                    start = at + len(_TYPE_KEY)
                    kind = line[start : line.find(b'"', start)].decode("utf-8", "replace")
            elif (
                found.group(1) == b"user"
                and _TOOL_RESULT in line
                and _NOTIFICATION not in line
                and not (main and _SIDECHAIN in line)  # the inline layout needs every record of a chain
                and not any(i in line for i in self.pending)
                and _whole(line)
            ):
                self.tally.record_types["user"] += 1
                return None  # a tool's result, for no call of an agent
        if kind in _SKIPPED and _whole(line):
            self.tally.record_types[kind] += 1
            return None
        record = _parse(line)
        if record is None:
            self.tally.problems.add(path, number, MALFORMED, _excerpt(line))
            return None
        return self._typed(record, path, number)

    def _typed(self, record: dict[str, Any], path: Path, number: int) -> dict[str, Any]:
        kind = record.get("type")
        self.tally.record_types[str(kind)] += 1
        if kind not in TRANSCRIPT_RECORD_TYPES:
            self.tally.problems.add(path, number, UNKNOWN_TYPE, str(kind) if kind is not None else "(none)")
        return record


class _SessionReader:
    """One session: its main file, then its agents' files. State lives only as long as the session."""

    def __init__(self, tally: Tally, files: SessionFiles, seen_in_project: set[int]) -> None:
        self.tally = tally
        self.files = files
        self.session = files.session
        self.info = tally.sessions.setdefault(files.session, SessionInfo(files.session, files.project))
        self.seen_in_project = seen_in_project
        self.seen: dict[tuple[str, str], tuple[tuple[str, str, str, str | None], list[int]]] = {}
        self.main_ids: dict[str, str] = {}  # main-thread message id -> request id
        self.calls: dict[str, Run] = {}  # tool_use id -> run
        self.by_agent_id: dict[str, Run] = {}
        self.pending: set[bytes] = set()  # tool_use ids (bytes) whose results are still to come
        self.chains: dict[str, Run] = {}  # inline layout: sidechain record uuid -> its run
        self.last_inline: Run | None = None
        self.prompt: Prompt | None = None
        self.runs: list[Run] = []
        self.lines = TranscriptLines(tally, self.pending)

    def read(self) -> None:
        if self.files.main is not None:
            for _, record in self.lines.records(self.files.main, main=True):
                self._main_record(record)
        for path in self.files.agents:
            self._agent_file(path)
        self._finish()
        self.seen_in_project.update(hash(key) for key in self.seen)

    # -- records of the main file ---------------------------------------------------------------------
    def _main_record(self, record: dict[str, Any]) -> None:
        self._seen_at(record)
        kind = record.get("type")
        if record.get("isSidechain") is True:  # the inline layout: an agent's record in the session file
            if kind == "user":
                self._inline_user(record)
            elif kind == "assistant":
                run = self._inline_run(record)
                self._answer(record, run)
            return
        if kind == "assistant":
            self._answer(record, None)
        elif kind == "user":
            self._user(record, None)

    def _seen_at(self, record: dict[str, Any]) -> None:
        stamp = record.get("timestamp")
        stamp = stamp if isinstance(stamp, str) and stamp else None
        info = self.info
        if stamp is not None:
            if info.first is None or stamp < info.first:
                info.first = stamp
            if info.last is None or stamp > info.last:
                info.last = stamp
        if record.get("type") in ("user", "assistant"):
            info.days.add(stamp[:10] if stamp else None)
        if self.info.cwd is None and isinstance(record.get("cwd"), str):
            self.info.cwd = record["cwd"]

    def _answer(self, record: dict[str, Any], run: Run | None) -> None:
        message = record.get("message")
        if not isinstance(message, dict):
            return
        stamp = record.get("timestamp") if isinstance(record.get("timestamp"), str) else None
        if run is not None:
            run.started = run.started or stamp
            run.last = stamp or run.last
            run.api_error = record.get("isApiErrorMessage") is True
        if self._count(message, record, stamp, run):  # not a replay, nor a copy of another session's answer
            content = message.get("content")
            for block in content if isinstance(content, list) else []:
                if (
                    isinstance(block, dict)
                    and block.get("type") == "tool_use"
                    and block.get("name") in DELEGATION_TOOLS
                ):
                    self._call(block, stamp, run)

    def _count(
        self, message: dict[str, Any], record: dict[str, Any], stamp: str | None, run: Run | None
    ) -> bool:
        """Add the answer's usage to its bucket, once per answer. False for an answer counted elsewhere."""
        model = named if isinstance(named := message.get("model"), str) else "(unknown model)"
        usage = message.get("usage")
        if model == SYNTHETIC_MODEL or not isinstance(usage, dict):
            return True
        counts = self._counts(usage)
        if run is not None and run.model is None:
            run.model = model
        bucket = (self.session, run.key if run is not None else MAIN, model, stamp[:10] if stamp else None)
        message_id, request_id = message.get("id"), record.get("requestId")
        request_id = request_id if isinstance(request_id, str) else ""
        if not isinstance(message_id, str) or not message_id:
            self._add(bucket, counts, new=True)
            return True
        key = (message_id, request_id)
        earlier = self.seen.get(key)
        if earlier is not None:  # another block of the same answer: add only what its usage has beyond
            self.tally.duplicates += 1
            before = earlier[1]
            delta = [max(now - was, 0) for now, was in zip(counts, before, strict=True)]
            if any(delta):
                self._add(earlier[0], delta, new=False)
                before[:] = [max(now, was) for now, was in zip(counts, before, strict=True)]
            return True
        if run is not None and self.main_ids.get(message_id, request_id) != request_id:
            self.tally.replays += 1
            return False
        if hash(key) in self.seen_in_project:
            self.tally.copies += 1
            return False
        self.seen[key] = (bucket, list(counts))
        if run is None:
            self.main_ids[message_id] = request_id
        self._add(bucket, counts, new=True)
        return True

    def _counts(self, usage: dict[str, Any]) -> list[int]:
        """[input, output, cache read, cache creation, of which 1-hour cache creation]."""
        values = []
        for name in (
            "input_tokens",
            "output_tokens",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
        ):
            value = usage.get(name, 0)
            if value is None:
                value = 0
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.tally.problems.add(self.lines.path or self.session, 0, BAD_USAGE, f"{name}={value!r}")
                value = 0
            values.append(value)
        hour = (
            (usage.get("cache_creation") or {}).get("ephemeral_1h_input_tokens", 0)
            if isinstance(usage.get("cache_creation"), dict)
            else 0
        )
        values.append(
            min(hour, values[3]) if isinstance(hour, int) and not isinstance(hour, bool) and hour > 0 else 0
        )
        return values

    def _add(self, bucket: tuple[str, str, str, str | None], counts: list[int], *, new: bool) -> None:
        total = self.tally.buckets.get(bucket)
        if total is None:
            total = self.tally.buckets[bucket] = [0, 0, 0, 0, 0, 0]
        for index, value in enumerate(counts):
            total[index] += value
        total[5] += 1 if new else 0

    def _call(self, block: dict[str, Any], stamp: str | None, parent: Run | None) -> None:
        """An Agent (or Task) call: a run, whose records and result come later."""
        call_id = block.get("id")
        if not isinstance(call_id, str) or call_id in self.calls:
            return
        given = data if isinstance(data := block.get("input"), dict) else {}
        agent = given.get("subagent_type")
        agent = agent if isinstance(agent, str) and agent.strip() else DEFAULT_SUBAGENT_TYPE
        prompt = self.prompt
        run = Run(
            key=call_id,
            session=self.session,
            agent=agent,
            tool_use_id=call_id,
            prompt=_text(given.get("prompt")),
            description=_text(given.get("description")),
            background=given.get("run_in_background") is True,
            request=parent.request if parent is not None else (prompt.text if prompt else None),
            started=stamp,
            depth=parent.depth + 1 if parent is not None else 1,
        )
        self.calls[call_id] = run
        self.pending.add(call_id.encode("utf-8", "surrogatepass"))
        self.runs.append(run)
        if parent is None and prompt is not None:
            prompt.agents.append(agent)

    def _user(self, record: dict[str, Any], run: Run | None) -> None:
        message = record.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            for block in content:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    call = self.calls.get(block.get("tool_use_id"))  # type: ignore[arg-type]
                    if call is not None:
                        self._result(call, block, record.get("toolUseResult"))
        if run is not None:
            return
        text = content if isinstance(content, str) else ""
        if _NOTIFICATION.decode() in text[:200]:
            self._notification(text)
            return
        words = prompt_text(record)
        if words is not None:
            stamp = record.get("timestamp") if isinstance(record.get("timestamp"), str) else None
            self.prompt = Prompt(self.session, stamp, words)
            self.tally.prompts.append(self.prompt)

    def _result(self, run: Run, block: dict[str, Any], result: Any) -> None:
        self.pending.discard((run.tool_use_id or "").encode("utf-8", "surrogatepass"))
        if isinstance(result, dict):
            agent_id = result.get("agentId")
            if not isinstance(agent_id, str):  # 2.0.x named it only in the result's text
                found = _AGENT_ID.search(_block_text(block.get("content")))
                agent_id = found.group(1) if found else None
            if isinstance(agent_id, str) and agent_id:
                run.agent_id = agent_id
                self.by_agent_id[agent_id] = run
            if isinstance(result.get("agentType"), str) and result["agentType"]:
                run.agent = result["agentType"]
            duration = result.get("totalDurationMs")
            if isinstance(duration, int | float) and not isinstance(duration, bool):
                run.duration_ms = float(duration)
            status = result.get("status")
            if result.get("wasInterrupted") is True:
                run.status = CANCELLED
            elif status == "async_launched":
                run.background = True
                run.status = run.status or RUNNING
            elif isinstance(status, str):
                run.status = _STATUS_WORDS.get(status.lower(), status)
            else:
                run.status = run.status or COMPLETED  # 1.0.x: a result without a status is a finished run
            return
        text = result if isinstance(result, str) else _block_text(block.get("content"))
        if isinstance(result, str) or block.get("is_error") is True:
            run.status = CANCELLED if "interrupt" in text.lower() else FAILED
            run.error = text.strip().splitlines()[0][:300] if text.strip() else None

    def _notification(self, text: str) -> None:
        """A background agent's end, as the main thread is told of it."""
        found = {name: pattern.search(text) for name, pattern in _TAG.items()}
        call = found["tool-use-id"].group(1).strip() if found["tool-use-id"] else ""
        task = found["task-id"].group(1).strip() if found["task-id"] else ""
        run = self.calls.get(call) or self.by_agent_id.get(task)
        if run is None:
            return
        if found["status"]:
            word = found["status"].group(1).strip().lower()
            run.status = _STATUS_WORDS.get(word, word)
        duration = _DURATION.search(text)
        if duration:
            run.duration_ms = float(duration.group(1))

    # -- the inline layout (1.0.x) --------------------------------------------------------------------
    def _inline_user(self, record: dict[str, Any]) -> None:
        uuid, parent = record.get("uuid"), record.get("parentUuid")
        run = self.chains.get(parent) if isinstance(parent, str) else None
        if run is None:  # the first record of an agent's chain holds its prompt: find the call that gave it
            words = _block_text((record.get("message") or {}).get("content"))
            run = next(
                (
                    r
                    for r in self.calls.values()
                    if r.layout == "call" and r.prompt == words and r.file is None
                ),
                None,
            )
            if run is None:
                run = self._orphan(record)
            run.layout = "inline"
        if isinstance(uuid, str):
            self.chains[uuid] = run
        self.last_inline = run
        self._user(record, run)

    def _inline_run(self, record: dict[str, Any]) -> Run:
        parent, uuid = record.get("parentUuid"), record.get("uuid")
        run = self.chains.get(parent) if isinstance(parent, str) else None
        run = run or self.last_inline or self._orphan(record)
        if isinstance(uuid, str):
            self.chains[uuid] = run
        self.last_inline = run
        return run

    def _orphan(self, record: dict[str, Any]) -> Run:
        """An agent's records with no call to tie them to: counted, as an agent agentkit cannot name."""
        key = f"inline-{record.get('uuid') or len(self.runs)}"
        run = Run(key=key, session=self.session, agent=UNKNOWN_AGENT, layout="inline")
        self.runs.append(run)
        return run

    # -- agent files (2.0.x beside the session; 2.1.x under <session>/subagents) ----------------------
    def _agent_file(self, path: Path) -> None:
        agent_id = path.name[len("agent-") : -len(".jsonl")]
        meta = self._meta(path.with_name(f"agent-{agent_id}.meta.json"))
        run = self.by_agent_id.get(agent_id) or self.calls.get(meta.get("toolUseId"))  # type: ignore[arg-type]
        placeholder = run is None
        if run is None:
            run = Run(key=f"agent-{agent_id}", session=self.session)
            self.runs.append(run)
        run.agent_id, run.file = agent_id, str(path)
        run.layout = (
            "subagents" if path.parent.name == "subagents" or "subagents" in path.parts else "agent file"
        )
        if isinstance(meta.get("agentType"), str) and meta["agentType"]:
            run.agent = meta["agentType"]
        if isinstance(meta.get("isBuiltIn"), bool):
            run.builtin = meta["isBuiltIn"]
        if isinstance(meta.get("spawnDepth"), int) and not isinstance(meta.get("spawnDepth"), bool):
            run.depth = meta["spawnDepth"]
        if isinstance(meta.get("model"), str):
            run.model = meta["model"]
        if isinstance(meta.get("finished"), bool):
            run.finished = meta["finished"]
        if meta.get("requestShape") in ("background", "foreground"):
            run.background = meta["requestShape"] == "background"
        run.description = run.description or _text(meta.get("description"))
        first_user = True
        for _, record in self.lines.records(path):
            self._seen_at(record)
            kind = record.get("type")
            if kind == "user" and first_user:
                first_user = False
                if placeholder and not meta:  # no metadata, no link: find the call by the prompt it gave
                    words = _block_text((record.get("message") or {}).get("content"))
                    call = next(
                        (r for r in self.calls.values() if r.prompt == words and r.file is None), None
                    )
                    if call is not None:
                        self.runs.remove(run)
                        call.agent_id, call.file, call.layout = agent_id, run.file, run.layout
                        run = call
                run.prompt = run.prompt or _block_text((record.get("message") or {}).get("content")) or None
            if kind == "assistant":
                if run.agent is None and isinstance(record.get("attributionAgent"), str):
                    run.agent = record["attributionAgent"]  # 2.1.x names the agent on its answers too
                self._answer(record, run)
            elif kind == "user":
                self._user(record, run)
                stamp = record.get("timestamp")
                run.started = run.started or (stamp if isinstance(stamp, str) else None)
        if run.agent is None:
            run.agent = next((n for p, n in INTERNAL_AGENTS.items() if agent_id.startswith(p)), UNKNOWN_AGENT)

    def _meta(self, path: Path) -> dict[str, Any]:
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                self.tally.problems.add(path, 0, BAD_META, "not a regular file")
                return {}
            with open(path, "rb") as handle:
                data = handle.read(META_LIMIT + 1)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.tally.problems.add(path, 0, BAD_META, exc.strerror or str(exc))
            return {}
        value = _parse(data) if len(data) <= META_LIMIT else None
        if value is None:
            self.tally.problems.add(path, 1, BAD_META, "not a JSON object")
            return {}
        return value

    def _finish(self) -> None:
        for run in self.runs:
            if run.finished is False and run.status in (None, RUNNING):
                run.status = RUNNING
            elif run.status in (None, RUNNING) and run.api_error:
                run.status = FAILED  # it ended on an API error, and the main thread was not told (yet)
            elif run.status == RUNNING and run.finished is True:
                run.status = COMPLETED  # a background run, whose end the main thread was not told of
            elif run.status is None:
                # no result: finished if its records are there, else the session ended before it said
                run.status = COMPLETED if run.last is not None else UNKNOWN
            if run.duration_ms is None and run.started and run.last:
                run.duration_ms = _ms_between(run.started, run.last)
        self.tally.runs.extend(self.runs)


# -- helpers ----------------------------------------------------------------------------------------------
def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _whole(line: bytes) -> bool:
    """Does the line end as a JSON object ends (a line cut short does not)?"""
    return line.endswith(b"}\n") or line.endswith(b"}\r\n") or line.endswith(b"}")


def _skip_rest_of_line(handle: Any) -> int:
    skipped = 0
    while True:
        chunk = handle.readline(LINE_LIMIT)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _being_written(path: Path, before: os.stat_result) -> bool:
    try:
        now = path.stat()
    except OSError:
        return False
    return now.st_size != before.st_size or time.time() - now.st_mtime < RECENT_SECONDS


def _excerpt(line: bytes) -> str:
    text = line[:60].decode("utf-8", "replace").rstrip()
    return text + ("..." if len(line) > 60 else "")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _block_text(content: Any) -> str:
    """The text of a message content: a string, or its text blocks joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str))
    return ""


def prompt_text(record: dict[str, Any]) -> str | None:
    """The user's own words when this main-thread `user` record is a request they typed, else None (a tool's
    result, a task notification, a slash command's output, context Claude Code added)."""
    if record.get("isMeta") or record.get("isCompactSummary") or record.get("isVisibleInTranscriptOnly"):
        return None
    origin = record.get("origin")
    if record.get("promptSource") == "system" or (isinstance(origin, dict) and origin.get("kind")):
        return None
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return None
        texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
        own = [t for t in texts if isinstance(t, str) and not t.lstrip().startswith("<system-reminder>")]
        content = "\n".join(own)
    if not isinstance(content, str):
        return None
    text = content.strip()
    if not text or text.startswith(_NOT_A_REQUEST):
        return None
    return text


def _ms_between(start: str, end: str) -> float | None:
    from datetime import datetime

    try:
        a = datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max((b - a).total_seconds() * 1000.0, 0.0)
