"""Shared fixtures. Each feature appends its own section; keep sections independent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parent.parent
# $AGENTKIT_CORPORA points a checkout that is not next to ../shared (a worktree) at the corpora.
CORPORA = Path(os.environ.get("AGENTKIT_CORPORA") or ROOT.parent / "shared" / "corpora")
SAMPLE_AGENTS = ROOT / "agents"


def require(name: str, reason: str) -> NoReturn:
    """A test needs `name` (browser, node, corpora, claude-code), which is missing here: skip it with
    `reason`, or fail it when the environment variable AGENTKIT_REQUIRE lists `name` (comma or space
    separated; `all` for everything), so that CI cannot pass by skipping what it promised to run."""
    wanted = set(os.environ.get("AGENTKIT_REQUIRE", "").replace(",", " ").split())
    if name in wanted or "all" in wanted:
        pytest.fail(f"{name} is required here (AGENTKIT_REQUIRE) but missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared real-world corpora; tests that need them skip cleanly where they are absent."""
    if not (CORPORA / "claude-code-2.1.330.expected.json").is_file():
        require("corpora", "../shared/corpora is not present")
    return CORPORA


@pytest.fixture(scope="session")
def corpus_agents(corpora: Path):
    import agentkit

    return agentkit.load(corpora)


# -- live runs: a stand-in Messages API for the whole session --------------------------------------
# Started in pytest_configure so that the environment (base URL, a fake key, a scratch AGENTKIT_HOME) is
# in place before any test, and inherited by subprocesses and nbval notebook kernels.

_live_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    import os
    import tempfile

    from agentkit._oracle.standin import FAKE_KEY, FakeMessagesAPI

    api = FakeMessagesAPI().start()
    home = tempfile.mkdtemp(prefix="agentkit-test-home-")
    _live_state.update(api=api, home=home)
    os.environ["ANTHROPIC_BASE_URL"] = api.base_url
    os.environ["ANTHROPIC_API_KEY"] = FAKE_KEY
    os.environ["AGENTKIT_HOME"] = home
    for name in (
        "ANTHROPIC_AUTH_TOKEN",
        "AGENTKIT_REPLAY",
        "AGENTKIT_MODELS",
        "CLAUDE_CODE_SUBAGENT_MODEL",
        "ANTHROPIC_DEFAULT_OPUS_MODEL",
        "ANTHROPIC_DEFAULT_SONNET_MODEL",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    ):
        os.environ.pop(name, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    api = _live_state.pop("api", None)
    if api is not None:
        api.stop()  # type: ignore[attr-defined]
    home = _live_state.pop("home", None)
    if home is not None:
        shutil.rmtree(str(home), ignore_errors=True)


@pytest.fixture
def fake_api():
    """The session's fake Messages API, its recorded requests and scripted behaviours cleared."""
    api = _live_state["api"]
    api.reset()  # type: ignore[attr-defined]
    yield api
    api.reset()  # type: ignore[attr-defined]


# -- Claude Code as the oracle (issue 9) -------------------------------------------------------------------
# The pinned binary: $AGENTKIT_CLAUDE if set (scripts/claude_code_upgrade.py points it at a candidate
# release), else the one bundled in the claude-agent-sdk of the test extra. Never a `claude` on PATH: the
# tests prove agentkit against the version it names.
ORACLE_SUMMARY: list[str] = []  # lines the differential tests want shown under `pytest -q`


@pytest.fixture(scope="session")
def claude_code():
    from agentkit._errors import ClaudeCodeNotFound
    from agentkit._oracle.binary import bundled_claude, find_claude

    where = os.environ.get("AGENTKIT_CLAUDE") or bundled_claude()
    if where is None:
        require("claude-code", "no Claude Code binary: install the test extra (it pins claude-agent-sdk)")
    try:
        return find_claude(where)
    except ClaudeCodeNotFound as exc:
        require("claude-code", str(exc))


@pytest.fixture(scope="session")
def oracle_summary() -> list[str]:
    """Append lines here to have them printed at the end of the run (counts, runtimes)."""
    return ORACLE_SUMMARY


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if ORACLE_SUMMARY:
        terminalreporter.section("agentkit against Claude Code")
        for line in ORACLE_SUMMARY:
            terminalreporter.write_line(line)


# -- browser tests: where their screenshots are -------------------------------------------------------
# tests/test_browser.py leaves a picture of every notebook widget in tests/_artifacts/screenshots/ for a
# person to look at; the run ends by listing the ones it wrote.

_SESSION_STARTED = __import__("time").time()


@pytest.hookimpl(specname="pytest_terminal_summary")
def pytest_terminal_summary_screenshots(terminalreporter) -> None:
    folder = ROOT / "tests" / "_artifacts" / "screenshots"
    written = sorted(p for p in folder.glob("*.png") if p.stat().st_mtime >= _SESSION_STARTED)
    if written:
        terminalreporter.section(f"screenshots of the notebooks ({len(written)})")
        for path in written:
            terminalreporter.write_line(str(path.relative_to(ROOT)))
