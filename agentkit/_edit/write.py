"""Lossless editing: change only the lines of the keys that change, and write files atomically."""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from agentkit._errors import ConflictError, EditError
from agentkit._reader.agent import Agent, agent_from_text, with_text
from agentkit._reader.frontmatter import (
    JS_SPACE_RUN,
    expand_newlines,
    key_spans,
    split_lines,
    split_tools,
)
from agentkit._reader.yaml12 import load_yaml12

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9 _.,/()+=;?'*-]*")
_SIMPLE_ITEM = re.compile(r"[A-Za-z0-9_*.()-]+")
# Keys written without quotes; any other key (`<<`, a tab, `true`, `&k`, ...) is double-quoted.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
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
    head = key if _PLAIN_KEY.fullmatch(key) and _plain_is_safe(key) else quote(key)
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
    _refuse_surrogates(agent.path, changes)
    new_body = changes.pop("body", None)
    if agent.parsed is not None and agent.parsed.not_mapping not in (None, "nothing"):
        raise EditError(
            f"{agent.path}: its front matter is {agent.parsed.not_mapping}, not keys; edit it by hand"
        )
    bom = "\ufeff" if agent.has_bom else ""
    content = agent.text[len(bom) :]
    newline = agent.newline
    if agent.block is None and changes:
        _refuse_second_block(agent.path, content)
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
            if agent.parse == "failed":
                for start, end in mine:
                    _refuse_unsure_lines(agent, key, lines, start, end)
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


def _refuse_surrogates(path: Path, changes: Mapping[str, Any]) -> None:
    """A lone surrogate (from a bad decode, `surrogateescape`) cannot be written as UTF-8."""
    stack: list[Any] = [*changes.keys(), *changes.values()]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise EditError(
                    f"{path}: {value[:40]!r} holds a lone surrogate (U+{ord(value[exc.start]):04X}), "
                    "which UTF-8 cannot write; nothing was changed"
                ) from None
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)


def _refuse_second_block(path: Path, content: str) -> None:
    """With no front matter found, an edit puts a new block at the top; refuse when the file already
    tries to have one, which would then sit in the body."""
    first_line = content.split("\n", 1)[0].rstrip("\r")
    if first_line.rstrip() == "---":
        raise EditError(
            f"{path}: its front matter is never closed (no second '---' line); "
            "close it by hand, or agentkit would add a second block in front of it"
        )
    if content.startswith("---"):
        raise EditError(
            f"{path}: its first line is {first_line[:40]!r}, not '---' alone; fix it by hand, "
            "or agentkit would add a second block in front of it"
        )
    if content.lstrip().startswith("---"):
        raise EditError(
            f"{path}: a blank line or spaces come before its opening '---'; remove them by hand, "
            "or agentkit would add a second block in front of it"
        )


def _refuse_unsure_lines(agent: Agent, key: str, lines: list[str], start: int, end: int) -> None:
    """In front matter that does not parse, which lines a key's value takes is a guess. Lines indented
    with spaces, list items and blank lines are taken as its continuation; any other line (a comment,
    a tab-indented line) could belong to it or not, so the edit is refused rather than risk losing it."""
    unsure = [i for i in range(start + 1, end) if lines[i].strip() and lines[i][0] not in " -"]
    if unsure:
        # Name the line that causes the doubt (a comment is only in the way because of a later line).
        index = next((i for i in unsure if not lines[i].startswith("#")), unsure[0])
        number = (agent.block_start_line or 1) + index
        raise EditError(
            f"{agent.path}: its front matter does not parse, and line {number} ({lines[index].rstrip()!r}) "
            f"could be part of {key!r} or not; edit that key by hand, or fix line {number} first"
        )


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
    if before.parse == "failed" and after.parse == "failed" and changes:
        raise EditError(
            f"{before.path}: its front matter would still not parse after the edit ({after.reason}); "
            "fix that first; nothing was changed"
        )
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

    Raises ConflictError if the file changed on disk since it was loaded, or if `path` names another file
    that exists (`force=True` overwrites). The check runs as late as it can: after the new text is written
    and synced to a temporary file, just before the rename (see `atomic_write` for the window that
    remains). A symlink is followed (its target is written, the link stays); hard links stay shared.
    """
    if not agent.editable:
        raise EditError(f"{agent.path}: {'; '.join(agent.problems)}; agentkit will not rewrite it")
    target = Path(path) if path is not None else agent.path
    data = encode(agent.text, agent.path)
    same_file = path_key(target) == path_key(agent.path)
    loaded = agent.disk_text.encode("utf-8") if same_file and agent.disk_text is not None else None

    def unchanged(current: bytes | None) -> None:
        if force:
            return
        if loaded is not None:
            if current is None:
                raise ConflictError(
                    f"{target} was deleted since it was loaded; save with force=True to write it again"
                )
            if current != loaded:
                raise ConflictError(
                    f"{target} changed on disk since it was loaded; reload it and edit again, "
                    "or save with force=True to overwrite"
                )
        elif current is not None and current != data:
            raise ConflictError(f"{target} already exists; save with force=True to overwrite it")

    atomic_write(target, data, check=unchanged)
    return agent_from_text(agent.text, target, scope=agent.scope, plugin=agent.plugin, disk_text=agent.text)


def encode(text: str, path: Path) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EditError(
            f"{path}: the text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset "
            f"{exc.start}, which UTF-8 cannot write"
        ) from None


def path_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def must_not_exist(current: bytes | None, target: Path) -> None:
    if current is not None:
        raise ConflictError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")


def atomic_write(target: Path, data: bytes, *, check: Callable[[bytes | None], None] | None = None) -> None:
    """Write `data` to `target` so that a reader sees the old file or the new one, never a mix.

    The data goes to a temporary file next to the real file (a short name: a long target name must not
    make the temporary one too long), is synced, and is renamed over the file. A symlink is followed: the
    file it points to is replaced and the link stays. A new file gets the mode `open()` would give it
    (0666 less the umask); an existing file keeps its mode (and its owner, where allowed).

    `check(current)` is called last, with the file's bytes as they are now (None if it is missing), just
    before the rename, and may raise to abort. A change made in the remaining window (between that read
    and the rename, microseconds) is still overwritten; closing it would need a lock every writer honours,
    which editors do not take. A file with several hard links is rewritten in place, so the links stay one
    file: a crash during that write can leave it incomplete, with the complete new text kept beside it in
    the temporary file.
    """
    real = Path(os.path.realpath(target))
    try:
        before = os.stat(real)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise EditError(f"{target} is not a regular file; agentkit writes only regular files")
    real.parent.mkdir(parents=True, exist_ok=True)
    tmp = real.parent / f".{real.name[:32]}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    keep_tmp = False
    try:
        try:
            if before is not None and hasattr(os, "fchmod"):  # POSIX; owner first: chown clears setuid
                with contextlib.suppress(OSError):  # only root may give a file to someone else
                    os.fchown(fd, before.st_uid, before.st_gid)
                os.fchmod(fd, stat.S_IMODE(before.st_mode))
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        current, identity = _read_current(real)
        if check is not None:
            check(current)
        if _identity(real) != identity:
            raise ConflictError(f"{target} changed on disk while it was being saved; nothing was written")
        if identity is not None and identity[0] > 1:  # hard links: rewrite in place, they stay one file
            keep_tmp = True  # until the file itself holds the new text
            _write_in_place(real, data)
            keep_tmp = False
            os.unlink(tmp)
        else:
            os.replace(tmp, real)
    except BaseException as exc:
        if not keep_tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None:  # name the file, not the temporary one
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


Identity = tuple[int, int, int, int, int, int]  # links, device, inode, size, mtime, ctime (ns)


def _identity(path: Path) -> Identity | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_nlink, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _read_current(path: Path) -> tuple[bytes | None, Identity | None]:
    """The file's bytes and identity, read through one descriptor (so they belong together)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None, None
    try:
        st = os.fstat(fd)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        identity = (st.st_nlink, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        return b"".join(chunks), identity
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_in_place(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        _write_all(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
