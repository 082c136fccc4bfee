"""`capture_request`: Claude Code's main-loop request for a project, as it is or with changes."""

from __future__ import annotations

import os
from pathlib import Path

from agentkit._oracle import ClaudeCode
from agentkit.live._routing.capture import (
    DEFAULT_TIMEOUT_S,
    Capture,
    capture_with,
    project_folder,
    user_config_dir,
)
from agentkit.live._routing.whatif import (
    KEEP,
    AgentsChange,
    Keep,
    apply_agents,
    apply_claude_md,
    build_mirror,
    change_digest,
    merged_capture,
)


def capture_request(
    request: str,
    project: str | os.PathLike[str] | None = None,
    *,
    agents: AgentsChange = None,
    claude_md: str | None | Keep = KEEP,
    config_dir: str | os.PathLike[str] | None = None,
    model: str | None = None,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    cache: bool = True,
) -> Capture:
    """The main-loop request Claude Code sends for `request` typed in `project` (default: the current
    folder), read by the pinned Claude Code itself, with the user's config (`config_dir`, else
    `$CLAUDE_CONFIG_DIR`, else `~/.claude`) copied into a scratch folder.

    What if: `agents` (a folder that replaces the project's agents, or agents such as `agentkit.edit`
    results that replace the files they came from) and `claude_md` (the project's CLAUDE.md text, or None
    for none) change the request as Claude Code would, without writing any file of the user's. `model` is
    passed to Claude Code as `--model`. Cached per Claude Code version and input digest.
    Raises ClaudeCodeNotFound without a binary, CaptureError when Claude Code sends no request.
    """
    folder = project_folder(project)
    common = {"config_dir": config_dir, "model": model, "claude": claude, "timeout": timeout, "cache": cache}
    base = capture_with(request, folder, **common)  # type: ignore[arg-type]
    if agents is None and isinstance(claude_md, Keep):
        return base
    config = user_config_dir(config_dir)

    def unchanged(scratch: Path, config_copy: Path) -> tuple[Path, list[str]]:
        return build_mirror(folder, scratch), []

    def changed(scratch: Path, config_copy: Path) -> tuple[Path, list[str]]:
        mirrored = build_mirror(folder, scratch)
        words = apply_agents(agents, folder, scratch, config, config_copy)
        if not isinstance(claude_md, Keep):
            words += apply_claude_md(claude_md, folder, scratch)
        return mirrored, words

    old = capture_with(request, folder, prepare=unchanged, extra_digest={"mirror": 1}, **common)  # type: ignore[arg-type]
    digest = change_digest(agents, claude_md)
    new = capture_with(request, folder, prepare=changed, extra_digest={"mirror": 1, **digest}, **common)  # type: ignore[arg-type]
    return merged_capture(base, old, new, new.changes or tuple(_describe(agents, claude_md)))


def _describe(agents: AgentsChange, claude_md: str | None | Keep) -> list[str]:
    words = []
    if isinstance(agents, str | os.PathLike):
        words.append(f"agents from {agents}")
    elif agents is not None:
        from agentkit._reader.agent import Agent

        listed = [agents] if isinstance(agents, Agent) else list(agents)
        words.extend(f"{a.path.name}: this version (not written to the file)" for a in listed)
    if claude_md is None:
        words.append("CLAUDE.md: removed")
    elif isinstance(claude_md, str):
        words.append(f"CLAUDE.md: replaced ({len(claude_md):,} characters)")
    return words
