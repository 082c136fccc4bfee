"""Shared fixtures. Each feature appends its own section; keep sections independent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Dependencies whose absence fails a test instead of skipping it (CI sets all of them in .ci/run):
# browser (Chromium), node (node and the npm package yaml), corpora (../shared/corpora), claude-code.
REQUIRED = {name.strip() for name in os.environ.get("AGENTKIT_REQUIRE", "").split(",") if name.strip()}


def require(name: str, missing: str | None) -> None:
    """Skip the test when `missing` says a dependency is absent, or fail when AGENTKIT_REQUIRE names it.

    A test that skips in CI does not exist: CI installs what the tests need and sets AGENTKIT_REQUIRE.
    """
    if missing is None:
        return
    if name in REQUIRED or "all" in REQUIRED:
        pytest.fail(f"{name} is required here (AGENTKIT_REQUIRE={','.join(sorted(REQUIRED))}): {missing}")
    pytest.skip(missing)


# A git worktree sits one folder deeper than the main checkout: AGENTKIT_CORPORA says where they are.
CORPORA = Path(os.environ.get("AGENTKIT_CORPORA") or ROOT.parent / "shared" / "corpora")
SAMPLE_AGENTS = ROOT / "agents"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared real-world corpora; tests that need them skip cleanly where they are absent."""
    present = (CORPORA / "claude-code-2.1.330.expected.json").is_file()
    require("corpora", None if present else "../shared/corpora is not present")
    return CORPORA


@pytest.fixture(scope="session")
def corpus_agents(corpora: Path):
    import agentkit

    return agentkit.load(corpora)


# -- live runs (issue 5): a fake Messages API for the whole session --------------------------------------
# Started in pytest_configure so that the environment (base URL, a fake key, a scratch AGENTKIT_HOME) is
# in place before any test, and inherited by subprocesses and nbval notebook kernels.

_live_state: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    import os
    import tempfile

    try:
        from tests.fake_messages_api import FAKE_KEY, FakeMessagesAPI
    except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
        from fake_messages_api import FAKE_KEY, FakeMessagesAPI

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
