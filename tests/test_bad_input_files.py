"""Bad input files and command lines: special files (fifos, sockets, devices), symbolic links and loops,
values nested deeper than anything reads, saves through links and on full or read-only disks, odd names
and bytes. Nothing hangs, nothing leaks, no edit is lost, no traceback reaches a user."""

from __future__ import annotations

import errno
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import agentkit
from agentkit._reader.yaml12 import DEEPER_TEXT, MAX_NESTING
from agentkit.cli import main

GOOD = "---\nname: {name}\ndescription: Does {name} things. Use when {name} is needed.\n---\nYou do {name}.\n"


def good(name: str = "helper") -> str:
    return GOOD.format(name=name)


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: a hang fails the test instead of hanging the suite."""
    return subprocess.run(
        [sys.executable, "-m", "agentkit", *args], capture_output=True, text=True, timeout=timeout
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in this process (fast): exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> bool:
    return "Traceback" not in err and len(err.strip().splitlines()) == 1


# -- 1. only regular files are read ------------------------------------------------------------------


@pytest.fixture
def special_files(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.md").write_text(good())
    os.mkfifo(folder / "fifo.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.md"))
    (folder / "device.md").symlink_to("/dev/zero")
    yield folder
    server.close()


def test_fifo_socket_and_device_are_records_not_hangs(special_files: Path) -> None:
    code = (
        "import agentkit, sys\n"
        f"agents = agentkit.load({str(special_files)!r})\n"
        "for a in agents: print(a.path.name, a.loaded, a.reason)\n"
        f"print(agentkit.load({str(special_files / 'fifo.md')!r})[0].reason)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "device.md False it is a character device, not a regular file; agentkit reads only regular files",
        "fifo.md False it is a named pipe (FIFO), not a regular file; agentkit reads only regular files",
        "ok.md True None",
        "socket.md False it is a socket, not a regular file; agentkit reads only regular files",
    ]
    assert lines[4] == "it is a named pipe (FIFO), not a regular file; agentkit reads only regular files"


@pytest.mark.parametrize("command", ["inventory", "lint", "overlap", "export"])
def test_no_command_hangs_on_a_fifo(special_files: Path, tmp_path: Path, command: str) -> None:
    extra = ["--agents-json", "-"] if command == "export" else []
    result = run_cli(command, str(special_files), *extra)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1), result.stderr


def test_discover_does_not_hang_on_a_fifo(tmp_path: Path) -> None:
    agents = tmp_path / "repo" / ".claude" / "agents"
    agents.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    os.mkfifo(agents / "x.md")
    args = ["discover", str(tmp_path / "repo"), "--home", str(tmp_path / "home")]
    result = run_cli(*args, "--managed", str(tmp_path / "none"), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "named pipe" in json.loads(result.stdout)[0]["reason"]


def test_files_opened_ahead_are_read_in_order_and_all_closed(tmp_path: Path) -> None:
    """load() opens files a few places ahead (the disk reads them while earlier ones are parsed). Every
    descriptor is closed, also when the reading stops early, and a FIFO among them is never opened."""
    from agentkit._reader.scan import _opened_ahead
    from agentkit._reader.scan import files as listed

    def open_descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    for index in range(100):
        (tmp_path / f"a{index:03d}.md").write_text(good(f"a{index:03d}"))
    os.mkfifo(tmp_path / "a050-fifo.md")
    before = open_descriptors()
    agents = agentkit.load(tmp_path)
    assert [a.name for a in agents.loaded] == [f"a{index:03d}" for index in range(100)]
    assert "named pipe" in agents["a050-fifo.md"].reason
    assert open_descriptors() == before
    opened = _opened_ahead(listed(tmp_path), ahead=8)
    path_text, _path, _problem, _real, fd = next(opened)
    assert fd is not None and os.read(fd, 100).startswith(b"---\nname: a000")
    os.close(fd)  # the reader's to close
    assert open_descriptors() == before + 8  # the next eight, opened ahead
    opened.close()  # stopped early
    assert open_descriptors() == before


# -- 2. one file never makes load() raise --------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_nested_line_separators_do_not_raise(tmp_path: Path, separator: str) -> None:
    (tmp_path / "ok.md").write_text(good())
    for depth in (500, 999, 1500):  # Claude Code loads these: so does agentkit, values cut at MAX_NESTING
        nested = "[" * depth + f"x{separator}y" + "]" * depth
        (tmp_path / f"bad{depth}.md").write_text(f"---\nname: b{depth}\ndescription: d\nx: {nested}\n---\n")
    agents = agentkit.load(tmp_path)
    assert [a.loaded for a in agents] == [True, True, True, True]
    value = agents[0].fields["x"]
    for _ in range(MAX_NESTING - 2):  # the front matter's mapping is the first level
        value = value[0]
    assert value == [DEEPER_TEXT]
    # As deep as agentkit keeps values, the character is restored inside the value.
    deepest = "[" * (MAX_NESTING - 1) + f"x{separator}y" + "]" * (MAX_NESTING - 1)
    agent = agentkit.loads(f"---\nname: a\ndescription: d\nx: {deepest}\n---\n")
    value = agent.fields["x"]
    for _ in range(MAX_NESTING - 1):
        value = value[0]
    assert agent.loaded and value == f"x{separator}y"


KEYS = ["name", "description", "tools", "disallowedTools", "skills", "model", "color", "hooks", "mcpServers"]
KEYS += ["permissionMode", "maxTurns", "effort", "memory", "background", "isolation", "Tools", "other"]


@pytest.mark.parametrize("shape", ["flow-list", "flow-map", "block-map", "block-list"])
@pytest.mark.parametrize("depth", [MAX_NESTING - 1, 995])
def test_deep_values_go_through_everything(tmp_path: Path, shape: str, depth: int) -> None:
    """Values nested deep, in every key, survive every function and output: at 995
    levels Python's own repr, == and json raised before agentkit cut values at MAX_NESTING."""
    if shape == "flow-list":
        value = " " + "[" * depth + "x" + "]" * depth
    elif shape == "flow-map":
        value = " " + "{a: " * depth + "x" + "}" * depth
    elif shape == "block-map":
        value = "".join(f"\n{' ' * (i + 1)}k:" for i in range(depth)) + " x"
    else:
        value = "".join(f"\n{' ' * (i + 1)}-" for i in range(depth)) + " x"
    for index, key in enumerate(KEYS):
        head = "".join(f"{k}: {k}{index}\n" for k in ("name", "description") if k != key)
        (tmp_path / f"{index:02d}.md").write_text(f"---\n{head}{key}:{value}\n---\nBody words here.\n")
    agents = agentkit.load(tmp_path)
    assert all(a.parse == "strict" for a in agents), [a.reason for a in agents]
    agentkit.lint(agents)
    agents.to_frame()
    agentkit.overlap(agents).pairs(min_score=0)
    for agent in agents:
        repr(agent)
        agentkit.fix(agent, unsafe=True)
        if agent.loaded:
            agentkit.edit(agent, color="red")
    for fmt in ("json", "csv", "table"):
        assert main(["inventory", str(tmp_path), "--format", fmt]) in (0, 1)
    assert main(["lint", str(tmp_path), "--format", "sarif"]) in (0, 1)
    assert main(["export", str(tmp_path), "--agents-json", str(tmp_path / "a.json")]) in (0, 1)
    assert main(["export", str(tmp_path), "--sdk", "-"]) in (0, 1)


def test_too_deep_for_agentkit_is_a_record_with_a_reason() -> None:
    nested = "[" * 9000 + "x" + "]" * 9000  # past MAX_DEEP_NESTING, on a line the fallback cannot rewrite
    agent = agentkit.loads(f"---\nname: a\ndescription: d\nx:\n  y: {nested}\n---\n")
    assert not agent.loaded and agent.parse == "failed" and "deeper than" in agent.reason


def test_json_output_is_valid_json_for_any_front_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recursive alias, NaN and infinities: `inventory --format json` is valid, strict JSON."""
    (tmp_path / "a.md").write_text("---\nname: a\ndescription: d\nx: &a [*a]\n---\n")
    (tmp_path / "b.md").write_text("---\nname: b\ndescription: d\nx: .nan\ny: [-.inf, .inf]\n---\n")
    code, out, err = cli(capsys, "inventory", str(tmp_path), "--format", "json")
    assert code == 0, err

    def no_constants(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    rows = json.loads(out, parse_constant=no_constants)
    # A self-referencing alias is a failed strict parse; Claude Code's fallback quotes the line.
    assert rows[0]["parse"] == "fallback" and rows[0]["fields"]["x"] == "&a [*a]"
    assert rows[1]["fields"]["x"] is None and rows[1]["fields"]["y"] == [None, None]


# -- 4. saving through links ---------------------------------------------------------------------------


def test_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "store" / "real.md"
    real.parent.mkdir()
    real.write_text(good())
    link = tmp_path / "link.md"
    link.symlink_to(os.path.relpath(real, tmp_path))
    chain = tmp_path / "chain.md"
    chain.symlink_to("link.md")
    saved = agentkit.save(agentkit.edit(agentkit.load(chain)[0], model="opus"))
    assert chain.is_symlink() and link.is_symlink()
    assert "model: opus" in real.read_text()
    assert saved.path == chain
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.md"]  # no temporary file left


def test_save_keeps_hard_links_shared(tmp_path: Path) -> None:
    original = tmp_path / "a.md"
    original.write_text(good())
    other = tmp_path / "b.md"
    os.link(original, other)
    agentkit.save(agentkit.edit(agentkit.load(original)[0], model="opus"))
    assert os.stat(original).st_ino == os.stat(other).st_ino
    assert "model: opus" in other.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


# -- 5. a concurrent write is caught as late as possible -------------------------------------------------


def test_a_write_during_the_save_is_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.md"
    path.write_text(good())
    edited = agentkit.edit(agentkit.load(path)[0], model="opus")
    theirs = good("theirs")
    real_fsync = os.fsync

    def someone_writes(fd: int) -> None:  # another editor saves while our temporary file is synced
        real_fsync(fd)
        if path.read_text() != theirs:
            path.write_text(theirs)

    monkeypatch.setattr(os, "fsync", someone_writes)
    with pytest.raises(agentkit.ConflictError):
        agentkit.save(edited)
    monkeypatch.undo()
    assert path.read_text() == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


def test_a_file_replaced_by_another_with_the_same_text_is_not_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(good())
    edited = agentkit.edit(agentkit.load(path)[0], model="opus")
    os.replace(_copy(path, tmp_path / "copy.md"), path)  # `git checkout` of the same content
    agentkit.save(edited)
    assert "model: opus" in path.read_text()


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


# -- 6. new files follow the umask; existing files keep their mode -----------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_files_follow_the_umask(tmp_path: Path, umask_022: None) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.md").write_text(good())
    agents = agentkit.load(tmp_path / "src")
    saved = agentkit.save(agentkit.edit(agents[0], model="opus"), path=tmp_path / "new.md")
    assert mode(saved.path) == 0o644
    report = agentkit.export(agents, tmp_path / "out")
    assert [mode(p) for p in report.written] == [0o644]
    for shape in ("agents-json", "sdk"):
        agentkit.export(agents, tmp_path / f"{shape}.json", shape=shape)
        assert mode(tmp_path / f"{shape}.json") == 0o644
    os.umask(0o077)
    agentkit.export(agents, tmp_path / "private.json", shape="sdk")
    assert mode(tmp_path / "private.json") == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "a.md"
    path.write_text(good())
    path.chmod(0o640)
    agentkit.save(agentkit.edit(agentkit.load(path)[0], model="opus"))
    assert mode(path) == 0o640


# -- 7. long names ---------------------------------------------------------------------------------------


def test_export_of_long_names_never_stops_half_way(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for length in (10, 240, 241, 250, 252, 253, 256):
        name = f"n{length}".ljust(length, "x")
        (src / f"{length}.md").write_text(good(name))
    agents = agentkit.load(src)
    assert all(a.loaded for a in agents)
    report = agentkit.export(agents, tmp_path / "out")
    assert sorted(len(p.stem) for p in report.written) == [10, 240, 241, 250, 252]
    assert [(path.name, "too long for a file name" in why) for path, why in report.skipped] == [
        ("253.md", True),
        ("256.md", True),
    ]
    code = main(
        ["export", str(src), "--to", str(tmp_path / "cli"), "--agents-json", str(tmp_path / "a.json")]
    )
    assert code == 1
    assert len(json.loads((tmp_path / "a.json").read_text())) == 7


def test_export_reports_an_agent_it_cannot_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.md").write_text(good(name))
    real_write = os.write
    names: dict[int, str] = {}
    real_open = os.open

    def remember(path: str, flags: int, *args: object, **kwargs: object) -> int:
        fd = real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]
        names[fd] = os.fspath(path)
        return fd

    def disk_full_for_b(fd: int, data: bytes) -> int:  # the disk fills up while b.md is written
        if ".b.md." in names.get(fd, ""):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", remember)
    monkeypatch.setattr(os, "write", disk_full_for_b)
    report = agentkit.export(agentkit.load(src), tmp_path / "out")
    monkeypatch.undo()
    assert [p.name for p in report.written] == ["a.md", "c.md"]
    assert [(p.name, why) for p, why in report.skipped] == [("b.md", "not written: No space left on device")]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.md", "c.md"]


# -- 9. no traceback reaches a user ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failing", "error", "message"),
    [
        ("replace", errno.EROFS, "Read-only file system"),
        ("replace", errno.EACCES, "Permission denied"),
        ("fsync", errno.ENOSPC, "No space left on device"),
    ],
)
def test_edit_on_a_read_only_or_full_disk_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    failing: str,
    error: int,
    message: str,
) -> None:
    path = tmp_path / "a.md"
    path.write_text(good())

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, failing, fail)
    if failing == "replace":  # where Linux exchanges the names in one step (renameat2), that fails too
        import ctypes

        from agentkit._edit import atomic

        def renameat2_fails(*_args: object) -> int:
            ctypes.set_errno(error)
            return -1

        monkeypatch.setattr(atomic, "_renameat2", lambda: renameat2_fails)
    code, _, err = cli(capsys, "edit", str(path), "--set", "model=opus")
    monkeypatch.undo()
    assert code == 1 and one_line_error(err) and message in err, err
    assert path.read_text() == good()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "{src}", "--to", "{src}/a.md"], "is a file"),
        (["export", "{src}", "--agents-json", "{src}"], "is a directory"),
        (["edit", "{src}/a.md", "--body-file", "{src}/missing.txt"], "does not exist"),
        (["edit", "{empty}", "--set", "model=opus"], "is a directory"),
        (["edit", "{src}", "--set", "model=opus"], "is a directory"),  # 10: never the first file in it
        (["edit", "{src}/a.md", "--set", "description=caf\udce9"], "not valid UTF-8"),
        (["edit", "{src}/a.md"], "nothing to change"),
        (["overlap", "{src}", "--min-score", "nan"], "between 0 and 1"),
        (["overlap", "{src}", "--limit", "-5"], "-5"),
        (["lint", "{src}", "--select", "AK999"], "AK999"),
        (["inventory", "{src}/nope"], "does not exist"),
        (["export", "{src}"], "say where to export"),
    ],
)
def test_usage_errors_are_exit_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    src, empty = tmp_path / "src", tmp_path / "empty"
    src.mkdir()
    empty.mkdir()
    (src / "a.md").write_text(good())
    code, _, err = cli(capsys, *(a.format(src=src, empty=empty) for a in args))
    assert code == 2 and message in err and "Traceback" not in err, err
    assert (src / "a.md").read_text() == good()


def test_agents_json_into_a_missing_folder_creates_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text(good())
    code, _, err = cli(capsys, "export", str(tmp_path), "--agents-json", str(tmp_path / "x" / "y" / "a.json"))
    assert code == 0, err
    assert list(json.loads((tmp_path / "x" / "y" / "a.json").read_text())) == ["helper"]


def test_latin1_bytes_on_the_real_command_line(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(good())
    result = subprocess.run(
        [sys.executable, "-m", "agentkit", "edit", str(path), b"--set", b"description=caf\xe9"],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert path.read_text() == good()


def test_an_unexpected_exception_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text(good())

    def broken(*_args: object) -> None:
        raise ValueError("something\nwent wrong")

    monkeypatch.setattr("agentkit._reader.scan._files", broken)  # what inventory lists the files with
    code, _, err = cli(capsys, "inventory", str(tmp_path))
    assert code == 1 and one_line_error(err) and "internal error" in err and "AGENTKIT_DEBUG" in err


# -- 11. symlink loops -----------------------------------------------------------------------------------


def test_symlink_loops_get_a_record(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to("b.md")
    (tmp_path / "b.md").symlink_to("a.md")
    (tmp_path / "self.md").symlink_to("self.md")
    (tmp_path / "dangling.md").symlink_to("nowhere.md")
    (tmp_path / "ok.md").write_text(good())
    rows = [(a.path.name, a.reason) for a in agentkit.load(tmp_path)]
    loop = "it is a symbolic link loop"
    assert rows == [
        ("a.md", loop),
        ("b.md", loop),
        ("dangling.md", "the file does not exist (or is a broken link)"),
        ("ok.md", None),
        ("self.md", loop),
    ]


# -- 12. editing a file Claude Code drops ----------------------------------------------------------------


def test_editing_a_dropped_file_never_deletes_unrelated_lines() -> None:
    text = "---\nname: n\ndescription: x\n# a comment\n\ttabbed: x\nmodel: s\n---\nbody\n"
    agent = agentkit.loads(text, "f.md")
    assert agent.parse == "failed"
    with pytest.raises(agentkit.EditError, match=r"line 5 \('\\ttabbed: x'\) could be part of 'description'"):
        agentkit.edit(agent, description="y")
    with pytest.raises(agentkit.EditError, match="would still not parse"):
        agentkit.edit(agent, model="opus")  # its lines are certain, but the file stays unreadable
    # CRLF and ': ' drop the agent; quoting the value mends it, and the comment stays.
    text = "---\r\nname: n\r\ndescription: a: b\r\n# keep me\r\nmodel: s\r\n---\r\nbody\r\n"
    agent = agentkit.loads(text, "g.md")
    assert agent.parse == "failed"
    edited = agentkit.edit(agent, description="a: b")
    assert edited.loaded and edited.text == text.replace("description: a: b", 'description: "a: b"')


# -- 14. keys, surrogates, unterminated files ------------------------------------------------------------

ODD_KEYS = ["<<", "a\tb", "true", "null", "1", "~", "&k", "*k", "!k", "|k", "k #c", "[k]", "{k}", "@k", "`k"]
ODD_KEYS += ["%k", "k\u2028", "x y", "#k", "-k", "k:", "?k", "'k", "", " k", "k\n", "y", "on", "0o7", ".inf"]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_any_key_is_written_so_strict_yaml_reads_it(key: str) -> None:
    agent = agentkit.loads("---\nname: n\ndescription: d\n---\n", "g.md")
    edited = agentkit.edit(agent, {key: "v"})
    assert edited.fields[key] == "v" and edited.parse == "strict"
    assert yaml.safe_load(edited.block_text)[key] == "v"  # YAML 1.1 (PyYAML) reads it too


def test_a_lone_surrogate_is_an_edit_error() -> None:
    agent = agentkit.loads(good(), "g.md")
    for change in (
        {"description": "a\ud800b"},
        {"tools": ["Read", "\udce9"]},
        {"k\udc80": "v"},
        {"body": "\ud800"},
    ):
        with pytest.raises(agentkit.EditError, match="surrogate"):
            agentkit.edit(agent, change)


def test_an_unterminated_file_is_not_given_a_second_block() -> None:
    agent = agentkit.loads("---\nname: n\ndescription: d\nbody without a closing line\n", "u.md")
    with pytest.raises(agentkit.EditError, match="never closed"):
        agentkit.edit(agent, model="opus")
    agent = agentkit.loads("\n---\nname: n\ndescription: d\n---\nbody\n", "b.md")
    with pytest.raises(agentkit.EditError, match="blank line"):
        agentkit.edit(agent, model="opus")


# -- scale (overlap's limits: tests/test_overlap.py, 'limits') ----------------------------------------


def test_long_work_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    for index in range(2500):
        (tmp_path / f"a{index}.md").write_text(good(f"a{index}"))
    # --no-cache: the second run would take every file from the cache, with nothing to show progress of.
    command = [sys.executable, "-m", "agentkit", "lint", str(tmp_path), "--format", "json", "--no-cache"]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "%|" not in piped.stderr and piped.stderr.startswith("0 errors")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0
    assert b"lint:" in seen and b"%|" in seen  # `lint` reads and checks each file in one pass


def test_the_collector_resumes_after_load_and_lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from agentkit._progress import gc_paused

    (tmp_path / "a.md").write_text(good())
    agentkit.lint(agentkit.load(tmp_path))
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        agentkit.load(tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_load_built_is_filed_as_old_and_a_programs_frozen_objects_stay_frozen(
    tmp_path: Path,
) -> None:
    """Records come out of load() in the collector's oldest generation, so no young collection walks
    them again; objects the program froze itself (before a fork) are left frozen."""
    import gc

    (tmp_path / "a.md").write_text(good())
    agent = agentkit.load(tmp_path)[0]
    assert any(o is agent for o in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == 0

    gc.freeze()
    try:
        agentkit.lint(agentkit.load(tmp_path))
        assert gc.get_freeze_count() > 0  # unfreezing would have emptied the permanent generation
    finally:
        gc.unfreeze()


def test_the_walk_builds_the_same_paths_as_pathlib() -> None:
    """load() builds child paths with pathlib's own _make_child_relpath and caches their text (speed):
    they must be the paths `directory / name` gives, text, parent, name and hash alike."""
    from agentkit._reader.scan import _child

    for directory, name in [
        (Path("a/b"), "c.md"),
        (Path("/"), "x.md"),
        (Path("//"), "x.md"),
        (Path("."), "z.md"),
        (Path("./a"), "b.md"),
        (Path("a/b/"), "q.md"),
        (Path("rel"), "a b.md"),
    ]:
        child, expected = _child(directory, name), directory / name
        assert (child, str(child), child.parent, child.name, hash(child)) == (
            expected,
            str(expected),
            expected.parent,
            expected.name,
            hash(expected),
        )


# -- 15. an edit never changes a key it was not asked to change --------------------------------------------

ANCHORED = "---\nname: guard\ndescription: Use when reviewing code.\ntools: &t [Read, Bash]\ndisallowedTools: *t\n---\nbody\n"


def test_a_key_using_an_anchor_on_the_edited_line_is_an_edit_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.md"
    path.write_text(ANCHORED)
    for args in (["--set", "tools=Read,Grep"], ["--unset", "tools"]):
        code, _, err = cli(capsys, "edit", str(path), *args)
        assert code == 1 and one_line_error(err), err
        assert "'disallowedTools' uses the anchor &t defined on the lines being replaced" in err
        assert path.read_text() == ANCHORED  # nothing written
    agent = agentkit.loads("---\nname: &n a\ndescription: *n\n---\n", "n.md")
    for change in ({"name": "x"}, {"name": None}):
        with pytest.raises(agentkit.EditError, match="'description' uses the anchor &n"):
            agentkit.edit(agent, change)
    # Both keys at once, or the key holding the alias alone: written, the other key kept.
    both = agentkit.edit(agent, name="x", description="y")
    assert both.text == "---\nname: x\ndescription: y\n---\n"
    alias = agentkit.edit(agentkit.loads(ANCHORED, "a.md"), disallowedTools=["Bash"])
    assert alias.text == ANCHORED.replace("disallowedTools: *t", "disallowedTools: Bash")
    assert alias.granted_tools == ["Read"] and alias.parse == "strict"
    # An alias on the line after its key goes with it.
    text = "---\nname: n\nl: &x\n  - 1\n\n# c\ndescription:\n  *x\n# d\nmodel: m\n---\n"
    edited = agentkit.edit(agentkit.loads(text, "m.md"), description="y")
    assert edited.text == text.replace("description:\n  *x\n", "description: y\n")


def test_an_edit_that_changes_how_the_file_parses_keeps_every_other_key() -> None:
    # Claude Code's fallback reads `x: a #c` as 'a #c'; quoting the description makes the file strict
    # YAML, where the same line reads 'a': refused rather than changing x behind the caller's back.
    agent = agentkit.loads("---\nname: a\ndescription: Use when: x\nx: a #c\n---\n", "f.md")
    assert agent.parse == "fallback" and agent.fields["x"] == "a #c"
    with pytest.raises(agentkit.EditError, match=r"'x' would read 'a' instead of 'a #c' \(the front matter"):
        agentkit.edit(agent, description="Use when: x")
    # NaN is NaN: a key reading .nan does not block an edit of another key.
    agent = agentkit.loads("---\nname: a\ndescription: d\nx: .nan\n---\n", "n.md")
    assert agentkit.edit(agent, description="e").parse == "strict"


# -- 16. values are written as given, never as Python's repr -------------------------------------------------

FAITHFUL = [
    [{"a": 1}],
    [True, 1.5],
    [[1, 2]],
    [None],
    [False, 0, -3, 1e-05, 1e100, "1", "true", "a b", "*x"],
    {"k": [1, None, {"z": True}], 2: "two", None: "null key"},
    [float("inf"), float("-inf")],
]


@pytest.mark.parametrize("value", FAITHFUL, ids=repr)
def test_lists_and_mappings_of_any_scalars_read_back_as_given(value: object) -> None:
    agent = agentkit.loads("---\nname: a\ndescription: b\n---\n", "x.md")
    edited = agentkit.edit(agent, {"x": value})
    assert edited.fields["x"] == value and edited.parse == "strict"
    assert yaml.safe_load(edited.block_text)["x"] == value  # YAML 1.1 (PyYAML) reads it the same


def test_list_keys_and_block_lists_keep_non_text_entries() -> None:
    agent = agentkit.loads("---\nname: a\ndescription: b\n---\n", "x.md")
    assert agentkit.edit(agent, tools=[None]).fields["tools"] == [None]
    assert agentkit.edit(agent, skills=["a", 2]).fields["skills"] == ["a", 2]
    block = agentkit.loads("---\nname: a\ndescription: b\nx:\n  - a\n---\n", "y.md")
    edited = agentkit.edit(block, x=["a", True, [1], {"k": None}])
    assert edited.fields["x"] == ["a", True, [1], {"k": None}]
    assert 'x:\n  - a\n  - true\n  - [1]\n  - {"k": null}\n' in edited.text
    assert agentkit.edit(block, x=[]).fields["x"] == []  # not `x:` alone, which reads as null
    for value in ({1, 2}, b"x", [object()], {(1, 2): 3}):
        with pytest.raises(agentkit.EditError, match="front matter"):
            agentkit.edit(agent, x=value)


# -- 17. a value that contains itself, or nests too deep, is refused at once ---------------------------------


def test_self_containing_and_huge_values_are_an_edit_error_at_once() -> None:
    code = (
        "import agentkit\n"
        "a = agentkit.loads('---\\nname: a\\ndescription: b\\n---\\n', 'x.md')\n"
        "loop = []; loop.append(loop)\n"
        "own = {}; own['own'] = own\n"
        "inner = [1]; loop2 = {'a': [inner, {'b': inner}]}; inner.append(loop2)\n"
        "shared = []\n"
        "for _ in range(60): shared = [shared, shared]\n"  # 2**60 entries written out
        "for value in (loop, own, loop2, shared):\n"
        "    try:\n"
        "        agentkit.edit(a, model=value)\n"
        "    except agentkit.EditError as exc:\n"
        "        print(str(exc).split(': ', 1)[1])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "the value of 'model' refers to itself (a list inside itself); front matter cannot hold it; "
        "nothing was changed",
        "the value of 'model' refers to itself (a dict inside itself); front matter cannot hold it; "
        "nothing was changed",
        "the value of 'model' refers to itself (a dict inside itself); front matter cannot hold it; "
        "nothing was changed",
        "the value of 'model' holds more than 100,000 values (a list shared many times is written out "
        "each time); nothing was changed",
    ]


def test_values_nest_as_deep_as_agentkit_reads_them_back() -> None:
    agent = agentkit.loads("---\nname: a\ndescription: b\n---\n", "x.md")

    def nested(depth: int, make: object) -> object:
        value: object = "x"
        for _ in range(depth):
            value = make(value)  # type: ignore[operator]
        return value

    for make in (lambda v: [v], lambda v: {"k": v}):
        deepest = nested(MAX_NESTING - 1, make)  # the front matter's own mapping is the first level
        assert agentkit.edit(agent, x=deepest).fields["x"] == deepest
        for depth in (MAX_NESTING, 2000):
            with pytest.raises(agentkit.EditError, match=f"nested deeper than {MAX_NESTING - 1} levels"):
                agentkit.edit(agent, x=nested(depth, make))
