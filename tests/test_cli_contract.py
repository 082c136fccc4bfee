"""The exit-code contract, the same for every command (README, "The command line"):
0 fine, 1 problems found or an error with a one-line message, 2 a usage error. `agentkit try`'s runs are
covered with the fake Messages API in tests/test_live.py (test_cli_try_exit_codes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentkit.cli import main

GOOD = (
    "---\nname: {0}\ndescription: Does {0} things. Use when {0} is needed.\ntools: Read\n---\nYou do {0}.\n"
)
DROPPED = "---\nname: dropped\n---\nNo description, so Claude Code drops it.\n"


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    good, bad, empty = tmp_path / "good", tmp_path / "bad", tmp_path / "empty"
    for folder in (good, bad, empty):
        folder.mkdir()
    (good / "alpha.md").write_text(GOOD.format("alpha"))
    (good / "beta.md").write_text(GOOD.format("beta").replace("things", "other work"))
    (bad / "alpha.md").write_text(GOOD.format("alpha"))
    (bad / "dropped.md").write_text(DROPPED)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".claude" / "agents").mkdir(parents=True)
    (repo / ".claude" / "agents" / "alpha.md").write_text(GOOD.format("alpha"))
    dropped_repo = tmp_path / "dropped-repo"
    (dropped_repo / ".git").mkdir(parents=True)
    (dropped_repo / ".claude" / "agents").mkdir(parents=True)
    (dropped_repo / ".claude" / "agents" / "dropped.md").write_text(DROPPED)
    usage_fixtures = Path(__file__).resolve().parent / "usage_fixtures"
    shutil.copytree(usage_fixtures / "agent-files-2.0", tmp_path / "transcripts")
    shutil.copytree(usage_fixtures / "hostile", tmp_path / "hostile-transcripts")
    return {
        "transcripts": tmp_path / "transcripts",
        "hostile_transcripts": tmp_path / "hostile-transcripts",
        "good": good,
        "bad": bad,
        "empty": empty,
        "repo": repo,
        "dropped_repo": dropped_repo,
        "home": tmp_path / "home",
        "out": tmp_path / "out",
        "missing": tmp_path / "missing",
    }


CASES = [
    # inventory
    ("inventory {good}", 0),
    ("inventory {bad}", 1),  # Claude Code drops a file
    ("inventory {empty}", 1),  # no agent file at all
    ("inventory {missing}", 2),
    ("inventory {good} --format xml", 2),
    # discover
    ("discover {repo} --home {home} --managed {missing}", 0),
    ("discover {dropped_repo} --home {home} --managed {missing}", 1),
    ("discover {missing}", 2),
    # lint
    ("lint {good}", 0),
    ("lint {bad}", 1),  # an error-level finding
    ("lint {empty}", 1),
    ("lint {good} --select AK999", 2),
    ("lint {missing}", 2),
    # edit
    ("edit {good}/alpha.md --set model=opus", 0),
    ("edit {good}/alpha.md --set model=opus --dry-run", 0),
    ("edit {good}/alpha.md --set name=-x", 1),  # Claude Code would drop it: refused without --force
    ("edit {bad}/dropped.md --set tools=Read", 1),  # written, but Claude Code still drops it
    ("edit {good}/alpha.md --set novalue", 2),
    ("edit {good} --set model=opus", 2),
    ("edit {good}/alpha.md", 2),
    # export
    ("export {good} --to {out}", 0),
    ("export {good} --agents-json -", 0),
    ("export {bad} --to {out}", 1),  # an agent is skipped (with the reason)
    ("export {empty} --to {out}", 1),
    ("export {good}", 2),
    # overlap
    ("overlap {good}", 0),
    ("overlap {empty}", 1),
    ("overlap {good} --min-score 2", 2),
    ("overlap {good} --kind nope", 2),
    # try (usage only here)
    ("try", 2),
    ("try {good}/alpha.md", 2),
    ("try {missing}/x.md hello", 2),
    # route (usage only here; its runs are in tests/test_routing.py)
    ("route", 2),
    ("route hello --project {missing}", 2),
    ("route hello --samples 0", 2),
    ("route hello --min-share 2", 2),
    ("route hello --claude-md {good}/alpha.md --no-claude-md", 2),
    # usage
    ("usage {transcripts}", 0),
    ("usage {transcripts} --format json --project {missing}", 0),  # no session there: an empty report
    ("usage {hostile_transcripts}", 1),  # lines that cannot be read (counted and listed)
    ("usage {empty}", 1),  # no projects/ folder: no transcripts
    ("usage {missing}", 2),
    ("usage {transcripts} --since yesterday", 2),
    ("usage {transcripts} --format xml", 2),
    # the group
    ("--version", 0),
    ("--help", 0),
    ("no-such-command", 2),
]


@pytest.mark.parametrize(("command", "code"), CASES, ids=[c for c, _ in CASES])
def test_exit_code(
    folders: dict[str, Path], capsys: pytest.CaptureFixture[str], command: str, code: int
) -> None:
    args = [part.format(**folders) for part in command.split()]
    assert main(args) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 2 and args[0] != "no-such-command":
        assert "Error:" in err  # click's usage message names the problem


def test_edit_warns_as_lint_does(folders: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = folders["good"] / "alpha.md"
    assert main(["edit", str(path), "--set", "model=gpt4"]) == 0
    err = capsys.readouterr().err
    assert f"{path}:5: warning AK408 'model' is 'gpt4'" in err
    assert "model: gpt4" in path.read_text()


def test_edit_that_drops_the_agent_is_refused_unless_forced(
    folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = folders["good"] / "alpha.md"
    before = path.read_text()
    assert main(["edit", str(path), "--unset", "description"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2: error AK107" in err and "not written: Claude Code would drop" in err
    assert path.read_text() == before
    assert main(["edit", str(path), "--unset", "description", "--force"]) == 1
    assert "description" not in path.read_text()
    assert "Claude Code would not load it" in capsys.readouterr().err


def test_set_on_a_file_without_front_matter_is_refused_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Just notes.\n")
    assert main(["edit", str(path), "--set", "model=opus"]) == 1
    assert "has no front matter" in capsys.readouterr().err
    assert path.read_text() == "Just notes.\n"
    assert main(["edit", str(path), "--set", "model=opus", "--force"]) == 1  # written; still dropped
    assert path.read_text() == "---\nmodel: opus\n---\nJust notes.\n"


def test_an_edit_error_is_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\nname: caf\xe9\ndescription: d\n---\n")
    assert main(["edit", str(path), "--set", "model=opus"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("agentkit edit: ") and len(err.strip().splitlines()) == 1
    assert "UTF-8" in err


def test_a_conflict_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    path = tmp_path / "a.md"
    path.write_text(GOOD.format("a"))
    real_fsync = os.fsync

    def someone_writes(fd: int) -> None:
        real_fsync(fd)
        if "theirs" not in path.read_text():
            path.write_text(GOOD.format("theirs"))

    monkeypatch.setattr(os, "fsync", someone_writes)
    assert main(["edit", str(path), "--set", "model=opus"]) == 1
    err = capsys.readouterr().err
    assert "changed on disk" in err and len(err.strip().splitlines()) == 1
    assert "theirs" in path.read_text()


def test_a_terminal_that_cannot_encode_a_name_gets_escapes(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "a.md").write_text("---\nname: café\ndescription: d — x\n---\nB\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for fmt in ("table", "json", "csv"):
        result = subprocess.run(
            [sys.executable, "-m", "agentkit", "inventory", str(tmp_path), "--format", fmt],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        if fmt == "json":
            assert json.loads(result.stdout)[0]["name"] == "café"
        else:
            assert b"caf\\xe9" in result.stdout


def test_version_names_the_package_and_the_claude_code_it_reads_as(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from agentkit import CLAUDE_CODE_MODEL_VERSION, __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == (
        f"agentkit {__version__} (reads agents as Claude Code {CLAUDE_CODE_MODEL_VERSION} does)\n"
    )


def test_discover_lists_every_folder_it_searched_found_or_not(
    folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    empty_repo = folders["empty"]
    code = main(
        ["discover", str(empty_repo), "--home", str(folders["home"]), "--managed", str(folders["missing"])]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Folders Claude Code searches, lowest precedence first (later ones win a name):"
    listed = [line.split()[:2] for line in lines[1:] if line.startswith("  ")]
    assert listed == [
        ["user", str(folders["home"] / ".claude" / "agents")],
        ["project", str(empty_repo.resolve() / ".claude" / "agents")],
        ["managed", str(folders["missing"])],
    ]
    assert out.count("[not found]") == 3 and "No agent files in any of them." in out
    code = main(
        [
            "discover",
            str(folders["repo"]),
            "--home",
            str(folders["home"]),
            "--managed",
            str(folders["missing"]),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "[1 agent file]" in out and out.count("[not found]") == 2


def test_inventory_says_which_files_are_shadowed_and_by_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23, item 7: "5 files: 5 loaded" while one was shadowed, shown only as `--` in a column without a
    header. The column is `state` (loaded, shadowed, dropped); the summary counts the shadowed files, and
    the line under each names the file that wins."""
    for name in ("alpha", "beta", "gamma"):
        (tmp_path / f"{name}.md").write_text(GOOD.format(name))
    (tmp_path / "a-alpha.md").write_text(GOOD.format("alpha"))  # sorts first: loses to alpha.md
    (tmp_path / "dropped.md").write_text(DROPPED)
    assert main(["inventory", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["state", "parse", "name", "model", "tools", "path"]
    states = {line.split()[-1]: line.split()[0] for line in lines if line.endswith(".md")}
    assert states == {
        str(tmp_path / "alpha.md"): "loaded",
        str(tmp_path / "beta.md"): "loaded",
        str(tmp_path / "dropped.md"): "dropped",
        str(tmp_path / "gamma.md"): "loaded",
        str(tmp_path / "a-alpha.md"): "shadowed",
    }
    shadowed = lines.index(next(line for line in lines if line.endswith("a-alpha.md")))
    assert lines[shadowed + 1].split() == [
        "shadowed",
        "by",
        f"{tmp_path / 'alpha.md'}:",
        *"it defines the same name and wins".split(),
    ]
    assert lines[-1] == (
        "5 files: 4 loaded, 1 dropped; of the loaded, 1 shadowed (never used: a file of the same name wins, "
        "named below)"
    )
