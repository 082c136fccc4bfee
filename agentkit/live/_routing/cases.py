"""Real requests become routing cases: the user's requests, labelled with what Claude Code did with them.

The file is an evaluation suite's `routing:` section (`project`: the folder Claude Code ran in; each case a
request and the agent it should reach, `(self)` for the main thread answering itself). Its labels are what
Claude Code did, not what was right: the file says so at the top. Nothing leaves the machine; strings that
look like keys or passwords are replaced with `[redacted]` before anything is written.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from agentkit._errors import UsageError

if TYPE_CHECKING:
    import pandas as pd


class UsageRequests(Protocol):
    """What a routing suite is written from, of a `Usage` (described here, so that `_result`, which
    writes with this module, is not imported back)."""

    @property
    def config_dir(self) -> Path: ...

    @property
    def project(self) -> str | None: ...

    @property
    def since(self) -> str | None: ...

    @property
    def until(self) -> str | None: ...

    @property
    def requests(self) -> pd.DataFrame: ...

    @property
    def sessions(self) -> int: ...


SELF = "(self)"  # the main thread handled the request itself
REDACTED = "[redacted]"  # as agentkit.live writes a redacted key
# Shapes of secrets people paste: API keys of the common providers, tokens, private keys, and the value of
# an assignment to something called a key, token, secret or password.
SECRET_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        r"\bsk-ant-[A-Za-z0-9_\-]{8,}",
        r"\bsk-[A-Za-z0-9_\-]{20,}",
        r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bgh[pousr]_[A-Za-z0-9]{20,}",
        r"\bgithub_pat_[A-Za-z0-9_]{20,}",
        r"\bxox[abprs]-[A-Za-z0-9\-]{10,}",
        r"\bAIza[0-9A-Za-z_\-]{30,}",
        r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    )
)
_ASSIGNED = re.compile(
    r"(?i)((?:api[_-]?key|access[_-]?key|secret|token|passw(?:or)?d|pwd|auth)[\"']?\s*[:=]\s*[\"']?)([^\s\"',;]{6,})"
)
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9_.\-]+\Z")
KEY_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


def redact(text: str) -> str:
    """`text` with every string that looks like a key, token, private key or password replaced."""
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    text = _ASSIGNED.sub(lambda m: m.group(1) + (m.group(2) if m.group(2) == REDACTED else REDACTED), text)
    for name in KEY_VARIABLES:  # the keys of this machine, whatever their shape
        value = (os.environ.get(name) or "").strip()
        if len(value) >= 8:
            text = text.replace(value, REDACTED)
    return text


def cases(usage: UsageRequests) -> list[tuple[str, str]]:
    """(request, label) pairs in time order, each distinct pair once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in usage.requests.sort_values("timestamp", kind="stable", na_position="last").itertuples():
        label = row.agent if isinstance(row.agent, str) and row.agent else SELF
        pair = (redact(str(row.request)), label)
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def write_routing_suite(usage: UsageRequests, path: Path) -> Path:
    """Write the routing suite to `path`; a UsageError when the requests span several projects and none
    was named, or when the file cannot be written."""
    projects = sorted({str(p) for p in usage.requests.project.dropna()})
    project = usage.project or (projects[0] if len(projects) == 1 else None)
    if project is None:
        if projects:
            raise UsageError(f"the requests come from {len(projects)} projects; name one with --project")
        project = "."
    pairs = cases(usage)
    days = (
        f"{usage.since or 'the first'} to {usage.until or 'the last'} day"
        if usage.since or usage.until
        else "all days"
    )
    lines = [
        "# Routing cases from Claude Code's own transcripts, written by `agentkit usage --export-routing`",
        f"# on {datetime.now(UTC).date().isoformat()} from {usage.config_dir} ({usage.sessions} sessions, {days}).",
        "# THE LABELS ARE WHAT CLAUDE CODE DID, NOT WHAT WAS RIGHT: `expect` is the agent the main thread",
        f"# handed the request to (the first, when it called several), or {SELF} when it answered itself.",
        "# Review them before you judge routing or description edits with this file.",
        f"# Strings that looked like keys, tokens or passwords were replaced with {REDACTED}.",
        "routing:",
        f"  project: {_quoted(project)}",
    ]
    if not pairs:
        lines.append("  requests: []")
    else:
        lines.append("  requests:")
        lines += [
            f"    - {{request: {_quoted(request)}, expect: {_label(label)}}}" for request, label in pairs
        ]
    text = "\n".join(lines) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's): characters YAML reads as line breaks or
    does not print are escaped, lone surrogates become U+FFFD."""
    clean = _SURROGATE.sub("\ufffd", text)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(clean, ensure_ascii=False))


def _label(label: str) -> str:
    return label if label == SELF or _PLAIN_LABEL.match(label) else _quoted(label)
