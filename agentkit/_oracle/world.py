"""A scratch world to run Claude Code in: nothing of the user's, nothing but the stand-in reachable.

`ScratchWorld` makes a temporary folder holding a HOME (with `CLAUDE_CONFIG_DIR` inside it), a git project
and a TMPDIR, and builds Claude Code's environment from scratch: only PATH and the locale are passed
through from the caller, never its HOME, config, credentials or API keys. `HTTPS_PROXY`/`HTTP_PROXY`
point at a local port that refuses connections and `NO_PROXY` lets only 127.0.0.1/localhost through, so
the stand-in Messages API is the only thing Claude Code can reach. Every run is bounded in time (the whole
process group is killed on timeout) and the folder is removed on exit, also after an exception or
KeyboardInterrupt.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentkit._oracle.binary import ClaudeCode, find_claude
from agentkit._oracle.standin import FAKE_KEY, FakeMessagesAPI
from agentkit._reader.claude_code import CONFIG_DIR_VARIABLE

# Passed through from the caller's environment: finding programs and the locale, nothing else.
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE", "TZ")
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class Run:
    """One finished run of Claude Code."""

    args: tuple[str, ...]
    returncode: int | None  # None when it was stopped (timeout, or `until` was met)
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    stopped: bool  # ended by us because `until` was met

    def events(self) -> list[dict[str, Any]]:
        """The JSON lines of `--output-format stream-json` (other lines skipped)."""
        out = []
        for line in self.stdout.splitlines():
            if line.startswith("{"):
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    out.append(value)
        return out

    def init(self) -> dict[str, Any] | None:
        """The `system/init` event: the session's tools, agents, version..."""
        for event in self.events():
            if event.get("type") == "system" and event.get("subtype") == "init":
                return event
        return None


class ScratchWorld:
    """Temporary HOME, CLAUDE_CONFIG_DIR and git project for running Claude Code offline.

    with ScratchWorld() as world:
        world.write_project_agent("a.md", text)
        run = world.run(["-p", "hi"], api)
    """

    def __init__(self, claude: str | os.PathLike[str] | ClaudeCode | None = None) -> None:
        self.claude = find_claude(claude)
        self.root: Path | None = None
        self._dead: socket.socket | None = None

    # -- the folders ------------------------------------------------------------------------------
    def __enter__(self) -> ScratchWorld:
        self.root = Path(tempfile.mkdtemp(prefix="agentkit-oracle-"))
        try:
            for folder in (self.home, self.config_dir, self.tmp, self.project_agents, self.user_agents):
                folder.mkdir(parents=True, exist_ok=True)
            self._git_init()
            # A bound socket that never listens: connecting to it is refused at once.
            self._dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._dead.bind(("127.0.0.1", 0))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._dead is not None:
            self._dead.close()
            self._dead = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def _folder(self, *parts: str) -> Path:
        if self.root is None:
            raise RuntimeError("the scratch world is not open (use it as a context manager)")
        return self.root.joinpath(*parts)

    @property
    def home(self) -> Path:
        return self._folder("home")

    @property
    def config_dir(self) -> Path:
        return self._folder("home", ".claude")

    @property
    def user_agents(self) -> Path:
        return self._folder("home", ".claude", "agents")

    @property
    def project(self) -> Path:
        return self._folder("project")

    @property
    def project_agents(self) -> Path:
        return self._folder("project", ".claude", "agents")

    @property
    def tmp(self) -> Path:
        return self._folder("tmp")

    def _git_init(self) -> None:
        self.project.mkdir(parents=True, exist_ok=True)
        git = shutil.which("git", path=os.environ.get("PATH"))
        if git:
            done = subprocess.run(
                [git, "init", "-q", str(self.project)],
                env=self._base_env(),
                capture_output=True,
                timeout=30,
            )
            if done.returncode == 0:
                return
        (self.project / ".git").mkdir(exist_ok=True)  # enough for Claude Code to see a project root

    def clear_agents(self) -> None:
        """Empty both agents folders (between runs in one world)."""
        for folder in (self.project_agents, self.user_agents):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

    def write_agent(
        self, relative: str | os.PathLike[str], data: str | bytes, *, scope: str = "project"
    ) -> Path:
        """Write one agent file under the project's (or, scope="user", HOME's) `.claude/agents/`."""
        base = self.user_agents if scope == "user" else self.project_agents
        target = base / relative
        if base.resolve() not in target.resolve().parents:
            raise ValueError(f"{relative} would be written outside {base}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return target

    # -- running ----------------------------------------------------------------------------------
    def output_so_far(self) -> str:
        """What the current (or last) run has printed on stdout so far."""
        try:
            return (self.tmp / "stdout").read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def folders_env(self) -> dict[str, str]:
        """The variables that send every program's home, config, cache and temporary files into the
        scratch folder (Claude Code, git, and whatever the agent's tools start)."""
        return folders_env(self.home, self.config_dir, self.tmp)

    def _base_env(self) -> dict[str, str]:
        return base_env(self.folders_env())

    def env(self, api: FakeMessagesAPI, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Claude Code's whole environment: scratch folders, the stand-in, a fake key, a dead proxy."""
        assert self._dead is not None
        dead = f"http://127.0.0.1:{self._dead.getsockname()[1]}"
        return offline_env(self.folders_env(), api.base_url, dead, extra)

    def run(
        self,
        args: Sequence[str],
        api: FakeMessagesAPI,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        until: Callable[[], bool] | None = None,
        env: dict[str, str] | None = None,
    ) -> Run:
        """Run `claude ARGS` in the project folder. With `until`, stop it as soon as `until()` is true.

        The process runs in its own session; on timeout, on `until`, on an exception or on
        KeyboardInterrupt the whole process group is killed before this returns or raises.
        """
        argv = (str(self.claude.path), *args)
        return run_process(
            argv, cwd=self.project, env=self.env(api, env), out_dir=self.tmp, timeout=timeout, until=until
        )


def folders_env(home: Path, config_dir: Path, tmp: Path) -> dict[str, str]:
    """Variables that send every program's home, config, cache and temporary files into these folders."""
    return {
        "HOME": str(home),
        "USERPROFILE": str(home),
        CONFIG_DIR_VARIABLE: str(config_dir),
        "TMPDIR": str(tmp),
        "TMP": str(tmp),
        "TEMP": str(tmp),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def base_env(folders: dict[str, str]) -> dict[str, str]:
    """PATH and the locale from the caller, and nothing else of theirs; then `folders`."""
    env = {k: os.environ[k] for k in PASSED_THROUGH if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(folders)
    return env


def offline_env(
    folders: dict[str, str], base_url: str, dead_proxy: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Claude Code's whole environment for an offline run: `folders`, the stand-in at `base_url`, a fake
    key, and every proxy pointing at `dead_proxy` (a port that refuses), so only loopback is reachable."""
    env = base_env(folders)
    env.update(
        ANTHROPIC_BASE_URL=base_url,
        ANTHROPIC_API_KEY=FAKE_KEY,
        DISABLE_AUTOUPDATER="1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_TELEMETRY="1",
        DISABLE_ERROR_REPORTING="1",
        CI="1",
        HTTPS_PROXY=dead_proxy,
        HTTP_PROXY=dead_proxy,
        https_proxy=dead_proxy,
        http_proxy=dead_proxy,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.update(extra or {})
    return env


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    out_dir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    until: Callable[[], bool] | None = None,
    stdin: bytes | None = None,
) -> Run:
    """Run `argv` in `cwd` with exactly `env`, its output in files under `out_dir`; stop it as soon as
    `until()` is true. `stdin` is written to its standard input (else it reads nothing).

    The process runs in its own session; on timeout, on `until`, on an exception or on KeyboardInterrupt
    the whole process group is killed before this returns or raises.
    """
    out_path, err_path = out_dir / "stdout", out_dir / "stderr"
    started = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        timed_out = stopped = False
        try:
            if stdin is not None and proc.stdin is not None:
                try:
                    proc.stdin.write(stdin)
                    proc.stdin.close()
                except BrokenPipeError:  # it ended before reading: its output says why
                    pass
            while True:
                try:
                    proc.wait(timeout=0.02)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if until is not None and until():
                    stopped = True
                    break
                if time.monotonic() - started > timeout:
                    timed_out = True
                    break
        finally:
            _kill_group(proc)
    seconds = time.monotonic() - started
    return Run(
        tuple(argv),
        None if (timed_out or stopped) else proc.returncode,
        out_path.read_bytes().decode("utf-8", "replace"),
        err_path.read_bytes().decode("utf-8", "replace"),
        seconds,
        timed_out,
        stopped,
    )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process and everything it started (its session), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
        pass
