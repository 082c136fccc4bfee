"""Bad input to the commands and the API, as an attacker or a careless user gives it: file names and text
that are not UTF-8, closed or early-closed outputs, files named twice, broken plugin manifests, suites that
refer to themselves, keys in prompts. Each test reproduces a failure and failed before its fix."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import agentkit
from agentkit import live
from agentkit._errors import SuiteError

ROOT = Path(__file__).resolve().parent.parent


def agent_file(name: str, description: str = "Use when reviewing code.", body: str = "Review it.") -> str:
    return f"---\nname: {name}\ndescription: {description}\n---\n{body}\n"


def cli(*args: str, cwd: Path, strict: bool = True, **options: object) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process; `strict` gives stdout the encoding a UTF-8 desktop locale
    gives it (errors=strict), where Python refuses to write a lone surrogate."""
    env = {**os.environ, "AGENTKIT_PROGRESS": "0"}
    if strict:
        env["PYTHONIOENCODING"] = "utf-8:strict"
    return subprocess.run(
        [sys.executable, "-m", "agentkit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=60,
        **options,
    )


# -- lone surrogates: an escaped one in front matter, a file name that is not UTF-8 ---------------------


@pytest.fixture
def surrogates(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "escaped.md").write_text(
        '---\nname: "esc\\udfff"\ndescription: "Use when x \\udfff y"\n---\nBody.\n'
    )
    with open(os.path.join(os.fsencode(folder), b"bad\xff.md"), "wb") as f:
        f.write(agent_file("badname").encode())
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("inventory", "agents", "--format", "json"),
        ("lint", "agents", "--format", "json"),
        ("lint", "agents", "--format", "sarif"),
        ("export", "agents", "--agents-json", "-"),
    ],
)
def test_json_output_is_valid_utf8_json_with_lone_surrogates(surrogates: Path, args: tuple[str, ...]) -> None:
    result = cli(*args, cwd=surrogates.parent)
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr, result.stderr
    document = json.loads(result.stdout.decode("utf-8"))  # strict UTF-8, then strict JSON
    text = json.dumps(document)
    assert "\\udfff" in text or args[0] == "export" or "\\udcff" in text


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_text_output_writes_a_non_utf8_file_name_as_its_bytes(surrogates: Path, fmt: str) -> None:
    result = cli("inventory", "agents", "--format", fmt, cwd=surrogates.parent)
    assert result.returncode == 0, result.stderr
    assert b"bad\xff.md" in result.stdout  # as `ls` shows it
    assert b"esc\\udfff" in result.stdout  # an escaped surrogate as its escape
    lint = cli("lint", "agents", cwd=surrogates.parent)
    assert lint.returncode == 0 and b"internal error" not in lint.stderr
    assert b"'esc\\udfff'" in lint.stdout and b"bad\xff.md" in lint.stdout


def test_an_agents_json_file_with_a_lone_surrogate_is_written(surrogates: Path) -> None:
    agents = agentkit.load(surrogates / "escaped.md")
    target = surrogates.parent / "agents.json"
    agentkit.export(agents, target, shape="agents-json")
    assert json.loads(target.read_text("utf-8"))["esc\udfff"]["description"] == "Use when x \udfff y"


# -- standard output closed, or its reader gone ----------------------------------------------------------


def test_a_closed_stdout_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(agent_file("a"))
    result = cli("inventory", ".", cwd=tmp_path, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "agentkit inventory: standard output is closed"


@pytest.mark.parametrize(
    "args", [("inventory", ".", "--format", "csv"), ("overlap", ".", "--min-score", "0", "--limit", "0")]
)
def test_a_reader_that_stops_early_is_not_a_failure(tmp_path: Path, args: tuple[str, ...]) -> None:
    for i in range(300):
        (tmp_path / f"a{i}.md").write_text(agent_file(f"a{i}", f"Use when task {i} needs review."))
    env = {**os.environ, "AGENTKIT_PROGRESS": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "agentkit", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # `| head -1`
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""


# -- export: the winner of a name, every skip said, one document on stdout -------------------------------


@pytest.fixture
def same_name(tmp_path: Path) -> Path:
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "a.md").write_text(agent_file("same", body="body A"))
    (folder / "b.md").write_text(agent_file("same", body="body B"))  # sorts last: Claude Code uses it
    return folder


def test_export_to_a_folder_writes_the_file_claude_code_uses(same_name: Path) -> None:
    agents = agentkit.load(same_name)
    report = agentkit.export(agents, same_name.parent / "out")
    assert (same_name.parent / "out" / "same.md").read_text() == (same_name / "b.md").read_text()
    assert report.skipped == [(same_name / "a.md", f"{same_name / 'b.md'} defines the same name and wins")]


def test_json_export_to_stdout_says_what_it_skipped(same_name: Path) -> None:
    result = cli("export", "dup", "--agents-json", "-", cwd=same_name.parent)
    assert result.returncode == 1
    assert json.loads(result.stdout)["same"]["prompt"] == "body B"
    assert result.stderr.decode().strip() == "skipped dup/a.md: dup/b.md defines the same name and wins"
    both = cli("export", "dup", "--agents-json", "-", "--sdk", "-", cwd=same_name.parent)
    assert both.returncode == 2 and both.stdout == b""


def test_the_same_file_named_twice_is_one_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ag").mkdir()
    (tmp_path / "ag" / "a.md").write_text(agent_file("fx"))
    monkeypatch.chdir(tmp_path)
    for paths in (("ag", "ag/a.md"), ("ag/a.md", "./ag/a.md", "ag")):
        agents = agentkit.load(*paths)
        assert len(agents) == 1 and agents[0].shadowed_by is None
    assert agentkit.lint(agentkit.load("ag", "ag/a.md")).query("rule == 'AK503'").empty


# -- files agentkit reads besides agents: plugin.json, evaluation suites ---------------------------------


@pytest.mark.parametrize("kind", ["fifo", "deep", "device"])
def test_a_bad_plugin_json_never_stops_discovery(tmp_path: Path, kind: str) -> None:
    plugin = tmp_path / "home" / ".claude" / "plugins" / "p"
    (plugin / "agents").mkdir(parents=True)
    (plugin / ".claude-plugin").mkdir()
    (plugin / "agents" / "a.md").write_text(agent_file("pa"))
    manifest = plugin / ".claude-plugin" / "plugin.json"
    if kind == "fifo":
        os.mkfifo(manifest)
    elif kind == "deep":
        manifest.write_text("[" * 200_000)
    else:
        manifest.symlink_to("/dev/zero")
    project = tmp_path / "project"
    project.mkdir()
    code = f"import agentkit; print([a.qualified_name for a in agentkit.discover({str(project)!r}, {str(tmp_path / 'home')!r})])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['p:pa']"  # the folder's name, as without a readable manifest


def test_a_suite_that_refers_to_itself_or_is_a_fifo_is_a_suite_error(tmp_path: Path) -> None:
    from agentkit.evals import load_suite

    (tmp_path / "self.yaml").write_text("a: &a [*a]\n")
    with pytest.raises(SuiteError, match="refers to itself"):
        load_suite(tmp_path / "self.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(SuiteError, match="named pipe"):
        load_suite(tmp_path / "fifo.yaml")  # returns at once: never opened


# -- try: a prompt that is not UTF-8; the key in a prompt or an answer -----------------------------------


def test_a_prompt_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(agent_file("a"))
    env = {**os.environ, "ANTHROPIC_API_KEY": "sk-ant-FAKE", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9"}
    argument = subprocess.run(
        [sys.executable, "-m", "agentkit", "try", "a.md", os.fsdecode(b"\xff")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    piped = subprocess.run(
        [sys.executable, "-m", "agentkit", "try", "a.md", "-"],
        cwd=tmp_path,
        env=env,
        input=b"hi \xff",
        capture_output=True,
        timeout=60,
    )
    for result in (argument, piped):
        assert result.returncode == 2, result.stderr
        assert b"not valid UTF-8" in result.stderr and b"internal error" not in result.stderr


def test_the_key_in_a_prompt_or_an_answer_is_never_shown(home, fake_api, monkeypatch) -> None:
    key = "sk-ant-test-SECRET-0a1b2c3d4e5f-not-real"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    reviewer = agentkit.loads(agent_file("reviewer"), path="agents/reviewer.md")
    chunks: list[str] = []
    result = live.run(reviewer, f"my key is {key} ok", on_text=chunks.append)  # the stand-in echoes it
    assert any(r.headers["authorization"] == f"Bearer {key}" for r in fake_api.requests)
    assert key[:12] not in "".join(chunks) and "[redacted]" in "".join(chunks)
    assert key[:12] not in result.text and key[:12] not in result.prompt
    assert key[:12] not in json.dumps(result.to_dict())


def test_a_key_split_across_chunks_is_redacted() -> None:
    from agentkit.live._redact import redacted_chunks

    key = "sk-ant-test-SECRET-0a1b2c3d4e5f"
    text = f"before {key} after {key}"
    pieces = [text[i : i + 3] for i in range(0, len(text), 3)]  # the key arrives three characters at a time
    streamed = list(redacted_chunks(pieces, [key]))
    assert "".join(streamed) == "before [redacted] after [redacted]"
    assert streamed[0] == "before "  # text before the key still streams before the stream ends
    assert list(redacted_chunks(pieces, [])) == pieces


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("AGENTKIT_HOME", str(path))
    for name in ("AGENTKIT_REPLAY", "AGENTKIT_MODELS"):
        monkeypatch.delenv(name, raising=False)
    return path


# -- the Python API misused: a plain TypeError or agentkit's own error, never a crash deep inside -------


def test_misuse_of_the_api_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not bytes"):
        agentkit.loads(b"---\nname: a\n---\n")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not NoneType"):
        agentkit.loads(None)  # type: ignore[arg-type]
    (tmp_path / "a.md").write_text(agent_file("a"))
    with pytest.raises(TypeError, match="not a path"):
        agentkit.lint(str(tmp_path / "a.md"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not NoneType"):
        agentkit.lint([None])  # type: ignore[list-item]
    with pytest.raises(agentkit.ExportError, match="is a file"):
        agentkit.export(agentkit.load(tmp_path), tmp_path / "a.md")
    assert (tmp_path / "a.md").read_text() == agent_file("a")


def test_a_key_written_without_a_value_is_said_so() -> None:
    """`description:` or `description: &x` (an anchor alone) is null: the reason must not claim the key is
    missing and then name that very key as the one with other case."""
    for line in ("description:", "description: &x"):
        agent = agentkit.loads(f"---\nname: a\n{line}\n---\nBody.\n")
        assert not agent.loaded and agent.reason == "its 'description' has no value"
    other_case = agentkit.loads("---\nname: a\nDescription: x\n---\nBody.\n")
    assert other_case.reason == (
        "it has no 'description' in its front matter (it has 'Description'; keys are case-sensitive)"
    )


def test_functions_that_take_an_agent_say_so() -> None:
    agent = agentkit.loads(agent_file("a"))
    calls = {
        "edit()": lambda: agentkit.edit(None, model="x"),  # type: ignore[arg-type]
        "save()": lambda: agentkit.save("a.md"),  # type: ignore[arg-type]
        "fix()": lambda: agentkit.fix(agentkit.AgentSet([agent])),  # type: ignore[arg-type]
        "diff() (as the base)": lambda: agentkit.diff(agent, "x"),  # type: ignore[arg-type]
        "export": lambda: agentkit.agents_json([None]),  # type: ignore[list-item]
        "AgentSet()": lambda: agentkit.AgentSet([1]),  # type: ignore[list-item]
    }
    for taker, call in calls.items():
        with pytest.raises(TypeError, match=rf"^{re.escape(taker)} takes an agent, not "):
            call()


def test_a_broken_pipe_to_a_child_process_is_an_error_not_an_early_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Only a broken standard output is a reader that stopped early (exit 0, silent); another pipe that
    breaks (to Claude Code, say) is an error with a message."""
    from agentkit.cli import main

    (tmp_path / "a.md").write_text(agent_file("a"))

    def broken(*_paths: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("agentkit._reader.scan._files", broken)  # what inventory lists the files with
    assert main(["inventory", str(tmp_path)]) == 1
    assert capfd.readouterr().err.strip() == "agentkit inventory: a pipe broke (Broken pipe)"


# -- found by attacking the widgets: the library underneath them -----------------------------------------


def test_an_edit_that_makes_the_file_larger_than_1_mib_reads_as_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(agent_file("a"))
    edited = agentkit.edit(agentkit.load(tmp_path)[0], description="Use when " + "x" * 1_100_000)
    assert not edited.loaded and edited.reason.startswith("it is larger than 1 MiB (1,100,")
    assert "AK109" in set(agentkit.lint(edited)["rule"])
    assert agentkit.loads(agent_file("b", body="y" * 1_048_000)).loaded  # just under: still read


@pytest.mark.parametrize("target", ["o\x00x", "o\ud800", "o\ud800.json"])
def test_an_export_path_no_file_system_can_hold_is_an_export_error(tmp_path: Path, target: str) -> None:
    (tmp_path / "a.md").write_text(agent_file("a"))
    shape = "agents-json" if target.endswith(".json") else "folder"
    with pytest.raises(agentkit.ExportError, match="cannot export to"):
        agentkit.export(agentkit.load(tmp_path), f"{tmp_path}/{target}", shape=shape)


def test_a_refused_save_does_not_make_the_deleted_folder_again(tmp_path: Path) -> None:
    import shutil

    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "a.md").write_text(agent_file("a"))
    edited = agentkit.edit(agentkit.load(tmp_path / "f")[0], description="Use when changed.")
    shutil.rmtree(tmp_path / "f")
    with pytest.raises(agentkit.ConflictError, match="deleted since it was loaded"):
        agentkit.save(edited)
    assert not (tmp_path / "f").exists()


def test_a_prompt_or_agent_with_a_lone_surrogate_is_refused_before_any_request(home, fake_api) -> None:
    reviewer = agentkit.loads(agent_file("reviewer"), path="agents/reviewer.md")
    with pytest.raises(live.LiveError, match="lone surrogate"):
        live.run(reviewer, "x\ud800y")
    broken = agentkit.loads(agent_file("broken", body="x\ud800"), path="agents/broken.md")
    with pytest.raises(live.LiveError, match="lone surrogate"):
        live.run(broken, "hi")
    assert fake_api.requests == []


def test_new_keys_are_written_in_the_order_given() -> None:
    agent = agentkit.loads(agent_file("a"))
    edited = agentkit.edit(agent, {"first": "1", "second": "2", "third": "3"})
    assert list(edited.fields)[-3:] == ["first", "second", "third"]
