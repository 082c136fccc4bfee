"""Issue 23, item 11: `agentkit lint` and `agentkit inventory` keep each file's results in a cache
(agentkit/_cache.py), so that a second run over unchanged files reads none of them. Correctness first: the
cached output is the uncached output byte for byte, any change to a file, to the options or to agentkit
invalidates, and a damaged cache or a cache that cannot be written never makes the output wrong."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agentkit
from agentkit import _cache
from agentkit._cache import MISS, FileCache
from agentkit._reader import scan
from agentkit._reader.jsonable import json_text, pretty_json
from agentkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "agents"

RUNS = [
    ("lint", "--format", "text"),
    ("lint", "--format", "json"),
    ("lint", "--format", "sarif"),
    ("lint", "--statistics"),
    ("lint", "--select", "AK5,AK301", "--format", "json"),
    ("inventory", "--format", "table"),
    ("inventory", "--format", "json"),
    ("inventory", "--format", "csv"),
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh AGENTKIT_HOME, so that each test starts without a cache."""
    folder = tmp_path / "home"
    monkeypatch.setenv("AGENTKIT_HOME", str(folder))
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many files were opened (their bytes read) and parsed into records, by any command."""
    counts = {"opened": 0, "parsed": 0}
    read_bytes, record = scan._read_bytes, scan._record

    def counted_read(*args, **kwargs):
        counts["opened"] += 1
        return read_bytes(*args, **kwargs)

    def counted_record(*args, **kwargs):
        counts["parsed"] += 1
        return record(*args, **kwargs)

    monkeypatch.setattr(scan, "_read_bytes", counted_read)
    monkeypatch.setattr(scan, "_record", counted_record)
    return counts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _old_output(command: str, folder: Path, fmt: str) -> str:
    """What the command printed before the cache, from the library (json.dumps of every record)."""
    agents = agentkit.load(folder)
    if command == "inventory":
        return json_text([a.to_dict() for a in agents], indent=2) + "\n"
    items = agentkit.findings(agents)
    return json.dumps([dataclasses.asdict(f) for f in items], indent=2, ensure_ascii=False) + "\n"


def _snapshot(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in home.rglob("*") if p.is_file()}


def _collections(corpora: Path | None) -> list[Path]:
    return [SAMPLES] if corpora is None else [SAMPLES, corpora]


@pytest.mark.parametrize("args", RUNS, ids=[" ".join(a) for a in RUNS])
def test_cached_output_is_the_uncached_output_byte_for_byte(
    args: tuple[str, ...],
    home: Path,
    corpora: Path,
    reads: dict[str, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On the sample agents and on the 650 files of the corpora: the first run (filling the cache), the
    second (from it) and `--no-cache` print the same bytes, and exit alike; the second run opens no file
    (the corpora's files are older than the cache's racy window; the sample agents', in a fresh checkout,
    may not be: those are read and hashed, never parsed)."""
    command, *options = args
    for folder in _collections(corpora):
        before = _snapshot(home)
        reference = run(capsys, command, str(folder), *options, "--no-cache")
        assert _snapshot(home) == before  # --no-cache leaves the cache alone
        reads.update(opened=0, parsed=0)
        first = run(capsys, command, str(folder), *options)
        files = len(agentkit.load(folder))
        assert reads["parsed"] >= files  # the first run reads every file
        reads.update(opened=0, parsed=0)
        second = run(capsys, command, str(folder), *options)
        assert first == reference and second == reference
        assert reads["parsed"] == 0
        if folder != SAMPLES:
            assert reads["opened"] == 0
        if "--format" in options and options[options.index("--format") + 1] == "json" and len(options) == 2:
            assert reference[1] == _old_output(command, folder, "json")  # as before the cache


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


AGENT = "---\nname: {name}\ndescription: Does {name} things. Use when {name} is needed.\ntools: {tools}\n---\nBody.\n"


def _age(folder: Path, seconds: float = 60) -> None:
    """Make every file in `folder` look untouched for a while (mtime; ctime cannot be set back)."""
    old = time.time() - seconds
    for path in folder.rglob("*.md"):
        os.utime(path, (old, old))


def test_a_changed_file_is_read_again_even_with_the_same_size_and_mtime(
    tmp_path: Path, home: Path, reads: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The identity includes the ctime, which no program sets back: new bytes of the same size under the old
    mtime are still noticed."""
    folder = tmp_path / "agents"
    folder.mkdir()
    for name in ("alpha", "beta"):
        _write(folder / f"{name}.md", AGENT.format(name=name, tools="Read"))
    _age(folder)
    run(capsys, "inventory", str(folder), "--format", "json")
    stat = (folder / "alpha.md").stat()
    _write(folder / "alpha.md", AGENT.format(name="alpha", tools="Bash"))  # same length
    os.utime(folder / "alpha.md", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (folder / "alpha.md").stat().st_size == stat.st_size
    reads.update(opened=0, parsed=0)
    code, out, _ = run(capsys, "inventory", str(folder), "--format", "json")
    assert code == 0 and [row["tools"] for row in json.loads(out)] == [["Bash"], ["Read"]]
    assert reads["parsed"] == 1
    assert out == run(capsys, "inventory", str(folder), "--format", "json", "--no-cache")[1]


def test_a_renamed_file_is_another_entry(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "agents"
    folder.mkdir()
    for name in ("alpha", "beta"):
        _write(folder / f"{name}.md", AGENT.format(name=name, tools="Read"))
    _age(folder)
    assert run(capsys, "lint", str(folder), "--format", "json")[1] == "[]\n"
    (folder / "alpha.md").rename(folder / "gamma.md")  # now called 'alpha' in gamma.md: AK502
    code, out, err = run(capsys, "lint", str(folder), "--format", "json")
    assert [(Path(f["path"]).name, f["rule"]) for f in json.loads(out)] == [("gamma.md", "AK502")]
    assert (code, out, err) == run(capsys, "lint", str(folder), "--format", "json", "--no-cache")


def test_deleted_new_and_replaced_files_miss_the_cache(
    tmp_path: Path, home: Path, reads: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """A deleted file leaves the output, a new one enters it, and a file replaced by another one of the same
    size under the old mtime (a new inode: what editors that save by renaming do) is read again."""
    folder = tmp_path / "agents"
    folder.mkdir()
    for name in ("alpha", "beta", "gamma"):
        _write(folder / f"{name}.md", AGENT.format(name=name, tools="Read"))
    _age(folder)
    for command in ("inventory", "lint"):
        run(capsys, command, str(folder), "--format", "json")
    (folder / "beta.md").unlink()
    _write(folder / "delta.md", AGENT.format(name="delta", tools="Read"))
    old = (folder / "gamma.md").stat()
    _write(tmp_path / "gamma.md", AGENT.format(name="gamma", tools="Bash"))  # same length
    os.utime(tmp_path / "gamma.md", ns=(old.st_atime_ns, old.st_mtime_ns))
    os.replace(tmp_path / "gamma.md", folder / "gamma.md")
    for command in ("inventory", "lint"):
        reads.update(opened=0, parsed=0)
        result = run(capsys, command, str(folder), "--format", "json")
        assert reads["parsed"] == 2  # delta.md, gamma.md
        assert result == run(capsys, command, str(folder), "--format", "json", "--no-cache"), command
    rows = json.loads(run(capsys, "inventory", str(folder), "--format", "json")[1])
    assert [(Path(row["path"]).name, row["tools"]) for row in rows] == [
        ("alpha.md", ["Read"]),
        ("delta.md", ["Read"]),
        ("gamma.md", ["Bash"]),
    ]


@pytest.mark.parametrize("copy_file_range", [True, False], ids=["kernel copy", "read and write"])
@pytest.mark.parametrize("command", ["inventory", "lint"])
def test_touched_files_are_confirmed_by_their_bytes_and_the_output_recalled(
    command: str,
    copy_file_range: bool,
    tmp_path: Path,
    home: Path,
    reads: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Files whose identity changed but not their bytes (touched, checked out again, written just before
    the run that stored them) are read and hashed, never parsed; the last output is recalled without
    decoding any file's result, and the cache is saved with their new identities and its other parts copied
    as they are (by the kernel, or read and written where it cannot), so that the next run reads nothing."""
    shutil.copytree(SAMPLES, tmp_path / "agents")
    folder = tmp_path / "agents"
    _age(folder)
    args = (command, str(folder), "--format", "json")
    expected = run(capsys, *args, "--no-cache")
    assert run(capsys, *args) == expected
    files = len(agentkit.load(folder))
    _age(folder, seconds=30)  # a new mtime, and a ctime of now
    monkeypatch.setattr(_cache, "_RACY_NS", 0)  # so that the next run can trust what this one saves
    if not copy_file_range:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    decoded = []
    stored = FileCache._stored
    monkeypatch.setattr(FileCache, "_stored", lambda self: decoded.append(1) or stored(self))
    reads.update(opened=0, parsed=0)
    assert run(capsys, *args) == expected
    assert (reads["opened"], reads["parsed"], decoded) == (files, 0, [])
    reads.update(opened=0, parsed=0)
    assert run(capsys, *args) == expected
    assert (reads["opened"], reads["parsed"], decoded) == (0, 0, [])
    # The results copied as they are still serve a run that needs them: one file edited.
    _write(folder / "planner.md", (folder / "planner.md").read_text("utf-8") + "\nMore.\n")
    reads.update(opened=0, parsed=0)
    result = run(capsys, *args)
    assert reads["parsed"] == 1 and decoded  # the edited file alone
    assert result == run(capsys, *args, "--no-cache")


def test_a_damaged_output_part_is_made_again(
    tmp_path: Path, home: Path, reads: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The last run's output is a part of the cache file with its own checksum: damaged, it is made again
    from the files' results (no file parsed), with a warning, and the cache is written whole again."""
    shutil.copytree(SAMPLES, tmp_path / "agents")
    folder = tmp_path / "agents"
    _age(folder)
    for command in ("inventory", "lint"):
        args = (command, str(folder), "--format", "json")
        expected = run(capsys, *args, "--no-cache")
        run(capsys, *args)
        (cache_file,) = [p for p in _cache_files(home) if p.name.startswith(command)]
        data = bytearray(cache_file.read_bytes())
        at = len(_cache.MAGIC) + 2
        index_size = int.from_bytes(data[at : at + 8], "big")
        data[_cache._HEAD + index_size + 5] ^= 1  # inside the output part
        cache_file.write_bytes(bytes(data))
        reads.update(opened=0, parsed=0)
        code, out, err = run(capsys, *args)
        assert (code, out) == expected[:2] and reads["parsed"] == 0
        assert f"the cache {cache_file} is damaged (its checksum does not match); the output is made" in err
        assert run(capsys, *args) == expected  # written again, whole


def test_the_rule_selection_and_the_format_are_part_of_the_key(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "agents")
    folder = str(tmp_path / "agents")
    for args in (
        ("lint", folder),
        ("lint", folder, "--select", "AK5"),
        ("lint", folder, "--ignore", "AK5"),
        ("lint", folder, "--format", "json"),
        ("lint", folder, "--statistics"),
        ("inventory", folder, "--format", "csv"),
        ("inventory", folder),
    ):
        expected = run(capsys, *args, "--no-cache")
        assert run(capsys, *args) == expected, args
    for args in (("lint", folder, "--select", "AK5"), ("lint", folder), ("inventory", folder)):
        assert run(capsys, *args) == run(capsys, *args, "--no-cache"), args


@pytest.mark.parametrize(
    "change",
    [
        ("agentkit.__version__", "99.0.0"),  # the command line reads the public names
        ("agentkit.CLAUDE_CODE_MODEL_VERSION", "9.9.999"),
        ("agentkit._cache.code_digest", lambda: "an edited rule"),
    ],
    ids=["agentkit version", "Claude Code version", "agentkit's code (the rule set)"],
)
def test_a_new_agentkit_or_claude_code_or_rule_set_does_not_reuse_the_cache(
    change: tuple[str, object],
    home: Path,
    corpora: Path,
    reads: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = corpora / "lst97__claude-code-sub-agents"
    run(capsys, "lint", str(folder))
    reads.update(opened=0, parsed=0)
    run(capsys, "lint", str(folder))
    assert reads["parsed"] == 0
    (before,) = (home / "cache").glob("lint-*.cache")
    monkeypatch.setattr(*change)
    run(capsys, "lint", str(folder))
    assert reads["parsed"] == len(agentkit.load(folder))
    (after,) = (home / "cache").glob("lint-*.cache")  # written over, not one more file
    assert after == before


def test_a_file_changed_just_before_it_was_read_is_checked_by_its_bytes(tmp_path: Path, home: Path) -> None:
    """An entry is trusted by identity only for a file last changed more than RACY_SECONDS before the run
    that read it started (a write in the same clock tick would leave the identity as it was); otherwise the
    digest of the bytes decides."""
    path = tmp_path / "a.md"
    _write(path, "one\n")
    info = os.stat(path)
    digest = _cache.file_digest(path.read_bytes())
    cache = FileCache.open("test", {"n": 1})
    cache.store(str(path), info, digest, "result of one")
    cache.save()
    again = FileCache.open("test", {"n": 1})
    assert not again.check(str(path), info)  # written just now: within the racy window
    assert again.verify(str(path), info, _cache.file_digest(b"two\n")) is MISS
    assert again.verify(str(path), info, digest) == "result of one"
    # The same entry, from a run that started well after the file last changed: trusted as it is.
    later = FileCache.open("test", {"n": 1})
    later.started_ns = time.time_ns() + 10 * _cache._RACY_NS
    later.store(str(path), info, digest, "result of one")
    later.save()
    trusted = FileCache.open("test", {"n": 1})
    assert trusted.check(str(path), info) and trusted.value(str(path)) == "result of one"
    _write(path, "two\n")  # same size: the ctime and mtime move
    assert not FileCache.open("test", {"n": 1}).check(str(path), os.stat(path))


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache").glob("*.cache"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short (a full disk, a crash without the rename)
        lambda data: data[:60] + bytes([data[60] ^ 1]) + data[61:],  # a flipped bit in the index
        lambda data: data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],  # a flipped bit in the results
        lambda data: b"",  # empty
        lambda data: b"garbage" * 100,
        lambda data: data + b"more",
    ],
    ids=["cut short", "index bit", "results bit", "empty", "garbage", "too long"],
)
def test_a_damaged_cache_is_ignored_with_a_warning_never_wrong_output(
    damage, tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "agents")
    folder = tmp_path / "agents"
    _age(folder)
    for args in (("lint", str(folder), "--format", "json"), ("inventory", str(folder), "--format", "json")):
        expected = run(capsys, *args, "--no-cache")
        run(capsys, *args)
        (cache_file,) = [p for p in _cache_files(home) if p.name.startswith(args[0])]
        cache_file.write_bytes(damage(cache_file.read_bytes()))
        # One file changed, so that the results part is needed too.
        _write(folder / "planner.md", (folder / "planner.md").read_text("utf-8") + "\nMore.\n")
        expected = run(capsys, *args, "--no-cache")
        code, out, err = run(capsys, *args)
        assert (code, out) == expected[:2]
        assert f"agentkit {args[0]}: the cache {cache_file} is " in err
        assert "Traceback" not in err
        assert run(capsys, *args) == expected  # written again, whole
        assert cache_file.read_bytes().startswith(_cache.MAGIC)


def test_a_cache_that_cannot_be_written_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in-the-way").write_text("a file where the cache folder would go")
    monkeypatch.setenv("AGENTKIT_HOME", str(tmp_path / "in-the-way"))
    expected = run(capsys, "lint", str(SAMPLES), "--no-cache")
    code, out, err = run(capsys, "lint", str(SAMPLES))
    assert (code, out) == expected[:2]
    assert err.startswith("agentkit lint: the cache was not saved (") and err.endswith(
        "--no-cache skips it\n"
    )


def test_an_interrupted_save_leaves_the_old_cache_whole(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "agents")
    folder = str(tmp_path / "agents")
    run(capsys, "inventory", folder)
    (before,) = _cache_files(home)
    data = before.read_bytes()

    def killed(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", killed)
    _write(tmp_path / "agents" / "new.md", AGENT.format(name="new", tools="Read"))
    code, out, err = run(capsys, "inventory", folder)
    assert "new.md" in out and "the cache was not saved" in err
    assert before.read_bytes() == data and not list((home / "cache").glob(".tmp-*"))


def test_concurrent_runs_leave_a_whole_cache(tmp_path: Path, home: Path) -> None:
    """Four runs at once, twice (atomic renames: the last one wins, each file is whole); then a warm run
    prints what an uncached one does."""
    shutil.copytree(SAMPLES, tmp_path / "agents")
    command = [sys.executable, "-m", "agentkit", "lint", str(tmp_path / "agents"), "--format", "json"]
    env = {**os.environ, "AGENTKIT_HOME": str(home)}
    expected = subprocess.run([*command, "--no-cache"], capture_output=True, env=env, timeout=120)
    for _ in range(2):
        processes = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for _ in range(4)
        ]
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert (process.returncode, out, err) == (expected.returncode, expected.stdout, expected.stderr)
    assert len(_cache_files(home)) == 1 and not list((home / "cache").glob(".tmp-*"))
    warm = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert (warm.returncode, warm.stdout, warm.stderr) == (
        expected.returncode,
        expected.stdout,
        expected.stderr,
    )


def test_the_cache_folder_is_tagged_and_private(tmp_path: Path, home: Path, capsys) -> None:
    run(capsys, "lint", str(SAMPLES))
    assert (
        (home / "cache" / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )
    (cache_file,) = _cache_files(home)
    assert cache_file.stat().st_mode & 0o077 == 0  # it holds what the agent files say


def test_unused_cache_files_are_pruned(tmp_path: Path, home: Path, capsys) -> None:
    run(capsys, "lint", str(SAMPLES))
    (old,) = _cache_files(home)
    stale = time.time() - 31 * 86_400
    os.utime(old, (stale, stale))
    run(capsys, "lint", str(SAMPLES), "--select", "AK1")  # another signature: saving it prunes
    assert not old.exists() and len(_cache_files(home)) == 1


# -- the JSON that the cache keeps ---------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_pretty_json_is_json_text(value: object, ascii_only: bool) -> None:
    """The fast indented writer agrees with json.dumps (json_text) on any value front matter holds, NaN,
    infinities and lone surrogates included."""
    assert pretty_json(value, ensure_ascii=ascii_only) == json_text(value, indent=2, ensure_ascii=ascii_only)


def test_pretty_json_leaves_deep_and_odd_values_to_json_text() -> None:
    deep: object = "x"
    for _ in range(80):
        deep = [deep]
    assert pretty_json(deep) == json_text(deep, indent=2)
    odd = {1: (1, 2), "d": {None: 1.5}, "t": time.gmtime(0)[:2]}
    assert pretty_json(odd) == json_text(odd, indent=2)


def test_findings_as_json_are_json_dumps(corpus_agents) -> None:
    from agentkit._lint.engine import to_json

    items = agentkit.findings(corpus_agents)
    assert (
        to_json(items)
        == json.dumps([dataclasses.asdict(f) for f in items], indent=2, ensure_ascii=False) + "\n"
    )
