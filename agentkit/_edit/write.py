"""Lossless editing: change only the lines of the keys that change, and write files atomically."""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from agentkit._errors import ConflictError, EditError
from agentkit._reader.agent import Agent, agent_from_text, with_text
from agentkit._reader.frontmatter import (
    JS_SPACE_RUN,
    TOP_KEY,
    expand_newlines,
    key_spans,
    split_lines,
    split_tools,
)
from agentkit._reader.yaml12 import load_yaml12

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9 _.,/()+=;?'*-]*")
_SIMPLE_ITEM = re.compile(r"[A-Za-z0-9_*.()-]+")
# Characters YAML would fold or drop inside a double-quoted scalar: escape them.
_RISKY_CHARS = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")
LIST_KEYS = {"tools", "disallowedTools", "skills"}
DASHES_ESCAPED = "-\\u002d-"  # `---` inside a double-quoted value, hidden from the block regex


def quote(value: str) -> str:
    """A double-quoted scalar that YAML and Claude Code read identically (JSON escapes; `---` escaped
    so the lazy block regex cannot end the front matter inside it)."""
    text = json.dumps(value, ensure_ascii=False)
    text = _RISKY_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("---", DASHES_ESCAPED)


def scalar(value: Any) -> str:
    """How a scalar value is written: plain when every YAML reader agrees it is this string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if not isinstance(value, str):
        raise EditError(f"cannot write a {type(value).__name__} as a YAML scalar")
    if _plain_is_safe(value):
        return value
    return quote(value)


def _plain_is_safe(value: str) -> bool:
    if not _PLAIN_SAFE.fullmatch(value) or value != value.strip() or "---" in value:
        return False
    if "\\n" in value or " #" in value:
        return False
    try:  # both YAML 1.2 (Claude Code) and YAML 1.1 (PyYAML-based tools) must read a string
        return load_yaml12(value) == value and yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


def render_value(key: str, value: Any, old_style: str | None, indent: str, newline: str) -> list[str]:
    """The lines for `key: value`. `old_style` is "block" or "flow" for an existing list, else None."""
    head = key if TOP_KEY.fullmatch(f"{key}:") and ":" not in key else quote(key)
    if isinstance(value, tuple | list):
        items = [str(v) if not isinstance(v, str) else v for v in value]
        if old_style == "block":
            return [f"{head}:{newline}"] + [f"{indent}- {scalar(item)}{newline}" for item in items]
        if key in LIST_KEYS and old_style is None and all(_joinable(item) for item in items):
            joined = ", ".join(items)
            return [f"{head}: {scalar(joined) if items else '[]'}{newline}"]
        flow = ", ".join(
            item if _SIMPLE_ITEM.fullmatch(item) and _plain_is_safe(item) else quote(item) for item in items
        )
        return [f"{head}: [{flow}]{newline}"]
    if isinstance(value, dict):
        mapping = json.dumps(value, ensure_ascii=False).replace("---", DASHES_ESCAPED)
        return [f"{head}: {mapping}{newline}"]
    return [f"{head}: {scalar(value)}{newline}"]


def _joinable(item: str) -> bool:
    """Whether an entry survives Claude Code's comma/space split when joined into one string."""
    depth = 0
    for char in item:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth == 0 and (char == "," or char.isspace()):
            return False
    return bool(item)


def edit(agent: Agent, changes: Mapping[str, Any] | None = None, /, **more: Any) -> Agent:
    """A copy of `agent` with front matter keys changed (None removes a key) and/or `body=` replaced.

    Only the lines of the changed keys differ; every other byte stays. Keys that are not Python names
    go in `changes`. Raises EditError when Claude Code would read the result differently from what was
    asked (nothing is changed then).
    """
    changes = {**(changes or {}), **more}
    if not agent.editable:
        raise EditError(
            f"{agent.path}: {'; '.join(agent.problems) or 'not editable'}; agentkit will not rewrite it"
        )
    new_body = changes.pop("body", None)
    if agent.parsed is not None and agent.parsed.not_mapping not in (None, "nothing"):
        raise EditError(
            f"{agent.path}: its front matter is {agent.parsed.not_mapping}, not keys; edit it by hand"
        )
    bom = "\ufeff" if agent.has_bom else ""
    content = agent.text[len(bom) :]
    newline = agent.newline
    if agent.block is None:
        head_lines = [
            line
            for key, value in changes.items()
            if value is not None
            for line in render_value(key, value, None, "  ", newline)
        ]
        body = content if new_body is None else new_body
        new_content = (f"---{newline}{''.join(head_lines)}---{newline}" if head_lines else "") + body
    else:
        block = content[agent.block.start : agent.block.end]
        lines = split_lines(block)
        spans = key_spans(agent.block_text or "", agent.parsed)
        edits: list[tuple[int, int, list[str]]] = []  # (start, end, replacement)
        for key, value in changes.items():
            mine = [(s, e) for k, s, e in spans if k == key]
            if value is None:
                edits.extend((s, e, []) for s, e in mine)
                continue
            if mine:
                start, end = mine[-1]  # duplicates: the last one is the one Claude Code reads
                style, indent = _list_style(lines[start:end])
                edits.append((start, end, render_value(key, value, style, indent, newline)))
            else:
                if lines and not lines[-1].endswith("\n"):
                    lines[-1] += newline  # the block ended mid-line: give the new key its own line
                edits.append((len(lines), len(lines), render_value(key, value, None, "  ", newline)))
        for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            lines[start:end] = replacement
        body_part = content[agent.block.end : agent.block.body_start]
        body = content[agent.block.body_start :] if new_body is None else new_body
        new_content = content[: agent.block.start] + "".join(lines) + body_part + body
    edited = with_text(agent, bom + new_content)
    _check(agent, edited, changes, new_body)
    return edited


def _list_style(lines: list[str]) -> tuple[str | None, str]:
    """Whether an existing value is a block list (and its indent) or a flow list."""
    if len(lines) > 1:
        for line in lines[1:]:
            stripped = line.lstrip(" ")
            if stripped.startswith("-"):
                return "block", line[: len(line) - len(stripped)]
    first = lines[0].split(":", 1)[-1].strip() if lines else ""
    return ("flow" if first.startswith("[") else None), "  "


def _check(before: Agent, after: Agent, changes: Mapping[str, Any], new_body: str | None) -> None:
    """Refuse an edit that Claude Code would read differently from what was asked."""
    if before.parse in ("strict", "fallback", "none") and after.parse == "failed":
        raise EditError(f"{before.path}: the edited front matter would not parse; nothing was changed")
    for key, value in changes.items():
        got = after.fields.get(key)
        want = value
        if isinstance(value, tuple | list):
            want = [str(v) for v in value]
            if key in LIST_KEYS and key in after.fields:
                got = split_tools(after.fields[key])
        if key == "description" and isinstance(value, str):
            got, want = after.description, expand_newlines(value)
        if got != want:
            raise EditError(
                f"{before.path}: after the edit Claude Code would read {key} as {got!r}, not {want!r}; "
                "nothing was changed"
            )
    # Claude Code's closing `---\s*` swallows whitespace at the start of a body: that much is expected.
    if new_body is not None and after.body != JS_SPACE_RUN.sub("", new_body, count=1):
        raise EditError(
            f"{before.path}: the new body would not survive as written (does it start with '---'?)"
        )


def diff(agent: Agent, base: Agent | None = None) -> str:
    """Unified diff from `base` (default: the file as it was on disk when loaded) to `agent`."""
    before = base.render() if base is not None else (agent.disk_text or "")
    return unified_diff(before, agent.render(), str(agent.path))


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )


def save(agent: Agent, path: str | Path | None = None, *, force: bool = False) -> Agent:
    """Write `agent` atomically to its file (or `path`) and return the saved record.

    Raises ConflictError if the file changed on disk since it was loaded (`force=True` overwrites).
    """
    if not agent.editable:
        raise EditError(f"{agent.path}: {'; '.join(agent.problems)}; agentkit will not rewrite it")
    target = Path(path) if path is not None else agent.path
    data = agent.text.encode("utf-8")
    if not force:
        _check_disk(agent, target)
    atomic_write(target, data)
    return agent_from_text(agent.text, target, scope=agent.scope, plugin=agent.plugin, disk_text=agent.text)


def _check_disk(agent: Agent, target: Path) -> None:
    same_file = path_key(target) == path_key(agent.path)
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        if same_file and agent.disk_text is not None:
            raise ConflictError(
                f"{target} was deleted since it was loaded; save with force=True to write it again"
            ) from None
        return
    except OSError as exc:
        raise ConflictError(
            f"{target} cannot be read to check for changes ({exc.strerror}); nothing was written"
        ) from exc
    if same_file and agent.disk_text is not None:
        if current != agent.disk_text.encode("utf-8"):
            raise ConflictError(
                f"{target} changed on disk since it was loaded; reload it and edit again, "
                "or save with force=True to overwrite"
            )
    elif current != agent.text.encode("utf-8"):
        raise ConflictError(f"{target} already exists; save with force=True to overwrite it")


def path_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def atomic_write(target: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename: a reader sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
