"""agentkit.usage on hand-made transcripts: the older layouts, and what goes wrong on a real disk.

tests/usage_fixtures/README.md says where each fixture's shapes come from. Transcripts the real binary
wrote are checked in tests/test_usage_binary.py.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import agentkit
from agentkit._reader.claude_code import project_slug
from agentkit.cli import main

FIXTURES = Path(__file__).resolve().parent / "usage_fixtures"
KINDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
HOSTILE_MAIN = "projects/-home-dev-shop/b1b1b1b1-0000-4000-8000-000000000001.jsonl"


def _copy(name: str, tmp_path: Path, *, age: float = 7200.0) -> Path:
    """A fixture copied to tmp_path, every file `age` seconds old (a checkout makes them all new)."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    stamp = time.time() - age
    for index, path in enumerate(sorted(target.rglob("*.jsonl"))):
        os.utime(path, (stamp + index, stamp + index))  # file order = age order (the fork is the newer)
    return target


def _tokens(row) -> list[int]:
    return [int(row[k]) for k in KINDS]


def test_the_inline_layout_of_1_0(tmp_path):
    u = agentkit.usage(_copy("inline-1.0", tmp_path))
    assert u.sessions == 1
    # msg_01A (three records, one answer) + msg_01F + msg_01G
    assert [u.main[k] for k in KINDS] == [12, 770, 21500, 13700] and u.main["answers"] == 3
    agents = u.per_agent().set_index("agent")
    assert _tokens(agents.loc["code-reviewer"]) == [8, 260, 10800, 1100]  # msg_01B + msg_01D
    assert _tokens(agents.loc["test-writer"]) == [8, 215, 10700, 950]  # msg_01C + msg_01E
    runs = u.invocations.set_index("agent")
    assert (
        runs.loc["code-reviewer", "status"] == "completed"
        and runs.loc["code-reviewer", "duration_ms"] == 18400
    )
    assert runs.loc["test-writer", "status"] == "cancelled" and agents.loc["test-writer", "cancelled"] == 1
    assert set(runs.layout) == {"inline"}
    assert u.requests[["request", "agent"]].fillna("-").values.tolist() == [
        ["Review checkout.py and write tests for it", "code-reviewer"],
        ["Thanks! What's the difference between a mock and a stub?", "-"],
    ]
    # claude-sonnet-4-20250514 has no price in the table: its cost is missing, not zero.
    assert u.unpriced_models == ("claude-sonnet-4-20250514",)
    assert math.isnan(u.main["cost_usd"]) and u.to_dict()["main"]["cost_usd"] is None
    assert u.problems.empty


def test_agent_files_beside_the_session_of_2_0(tmp_path):
    u = agentkit.usage(_copy("agent-files-2.0", tmp_path))
    assert [u.main[k] for k in KINDS] == [12, 240, 9000, 9400]
    run = u.invocations.iloc[0]
    assert (run.agent, run.status, run.duration_ms, run.layout) == (
        "Explore",
        "completed",
        42000,
        "agent file",
    )
    assert _tokens(run) == [20, 350, 6000, 6900]
    assert run.request == "Why is the nightly build slow?" and run.builtin
    assert u.per_model().model.tolist() == ["claude-sonnet-4-5-20250929"]  # priced as claude-sonnet-4-5
    assert u.main["cost_usd"] == pytest.approx((12 * 3 + 240 * 15 + 9000 * 0.3 + 9400 * 3.75) / 1e6)


def test_what_goes_wrong_on_a_disk_is_counted_and_reported(tmp_path):
    config = _copy("hostile", tmp_path)
    u = agentkit.usage(config)
    problems = {(Path(r.file).name, r.line, r.kind, r.detail) for r in u.problems.itertuples()}
    main_file = Path(HOSTILE_MAIN).name
    assert (main_file, 3, "malformed line") in {p[:3] for p in problems}
    assert (main_file, 4, "unknown record type", "hologram-snapshot") in problems
    assert (main_file, 8, "truncated last line", "") in problems
    assert ("agent-ccc333.meta.json", 1, "unreadable agent metadata", "not a JSON object") in problems
    assert len(problems) == 4 and u.lossy == 2
    # Counted once: the fork's copy of msg_H1 (copies), the side question's replay of it (replays).
    assert [u.main[k] for k in KINDS[:2]] == [370, 57] and u.read["copies"] == 1 and u.read["replays"] == 1
    agents = u.per_agent().set_index("agent")
    # The placeholder record (output 2) and the final one (output 180) of one answer: 180, not 182 or 2.
    assert _tokens(agents.loc["code-reviewer"]) == [300, 180, 0, 0]
    assert _tokens(agents.loc["(side question)"]) == [50, 10, 0, 0]
    assert _tokens(agents.loc["(unknown agent)"]) == [40, 5, 0, 0]
    assert u.sessions == 2


def test_a_file_being_written_is_not_an_error(tmp_path):
    config = _copy("hostile", tmp_path)
    main_file = config / HOSTILE_MAIN
    lines = main_file.read_bytes().split(b"\n")
    main_file.write_bytes(b"\n".join(lines[:2] + lines[4:]))  # no malformed line; the cut last line stays
    u = agentkit.usage(config)  # just written: Claude Code may still be writing its last line
    kinds = dict(zip(u.problems.kind, u.problems.line, strict=True))
    assert kinds["file being written"] == 6 and "truncated last line" not in kinds
    assert u.lossy == 0
    assert main(["usage", str(config)]) == 0


def test_the_command_line_exits_1_when_lines_cannot_be_read(tmp_path, capsys):
    config = _copy("hostile", tmp_path)
    assert main(["usage", str(config), "--format", "json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert {p["kind"] for p in data["problems"]} >= {"malformed line", "truncated last line"}
    assert "2 line(s) could not be read" in captured.err and "Traceback" not in captured.err


def test_a_fifo_or_a_huge_line_does_not_stop_the_read(tmp_path, monkeypatch):
    from agentkit._usage import _read

    config = _copy("agent-files-2.0", tmp_path)
    folder = config / "projects" / "-home-dev-shop"
    os.mkfifo(folder / "fifo-session.jsonl")  # opening it would block forever
    session = folder / "7d6e5f40-3b2a-4c1d-9e8f-7a6b5c4d3e2f.jsonl"
    lines = session.read_text().splitlines(keepends=True)
    session.write_text(lines[0] + '{"type":"summary","summary":"' + "x" * 5000 + '"}\n' + "".join(lines[1:]))
    monkeypatch.setattr(_read, "LINE_LIMIT", 4096)
    u = agentkit.usage(config)
    kinds = {(Path(r.file).name, r.kind, r.detail) for r in u.problems.itertuples()}
    assert ("fifo-session.jsonl", "unreadable file", "not a regular file") in kinds
    assert (session.name, "line too long", "over 0 MiB") in kinds
    assert [u.main[k] for k in KINDS] == [12, 240, 9000, 9400]  # the lines after the long one are read


def test_a_project_keeps_its_sessions_and_names_its_unused_and_missing_agents(tmp_path):
    project = tmp_path / "shop"
    (project / ".git").mkdir(parents=True)
    agents = project / ".claude" / "agents"
    agents.mkdir(parents=True)
    for name in ("code-reviewer", "docs-writer"):
        (agents / f"{name}.md").write_text(f"---\nname: {name}\ndescription: Does {name} work.\n---\nBody.\n")
    config = tmp_path / "config"
    shutil.copytree(FIXTURES / "inline-1.0" / "projects", config / "projects")
    shutil.copytree(FIXTURES / "agent-files-2.0" / "projects", config / "projects", dirs_exist_ok=True)
    (config / "projects" / "-home-dev-shop").rename(config / "projects" / project_slug(str(project)))
    (config / "agents").mkdir()
    (config / "agents" / "planner.md").write_text(
        "---\nname: planner\ndescription: Plans work.\n---\nBody.\n"
    )
    u = agentkit.usage(config, project=project)
    assert u.sessions == 2
    assert u.available == ("code-reviewer", "docs-writer", "planner")
    assert u.never_used == ("docs-writer", "planner")
    assert u.missing == ("test-writer",)  # invoked in the 1.0 session, no longer defined
    assert agentkit.usage(config, project=tmp_path / "elsewhere").sessions == 0
    everywhere = agentkit.usage(config)
    assert everywhere.never_used == ("planner",)  # without a project: the user's own agents


def test_a_long_project_path_matches_its_cut_slug(tmp_path):
    project = tmp_path / ("deep-folder-" * 20)
    slug = project_slug(str(project))
    assert len(slug) > 200
    config = tmp_path / "config"
    folder = config / "projects" / (slug[:200] + "-1x9k2")  # as the binary cuts it: 200 characters, "-<hash>"
    shutil.copytree(FIXTURES / "agent-files-2.0" / "projects" / "-home-dev-shop", folder)
    assert agentkit.usage(config, project=project).sessions == 1


def test_days_are_kept_by_the_answers_dates(tmp_path):
    config = _copy("inline-1.0", tmp_path)
    first = agentkit.usage(config, until="2025-08-21")
    assert first.main["answers"] == 2 and len(first.requests) == 1 and len(first.invocations) == 2
    second = agentkit.usage(config, since="2025-08-22")
    assert second.main["answers"] == 1 and second.invocations.empty
    assert second.requests.request.tolist() == ["Thanks! What's the difference between a mock and a stub?"]
    assert first.per_day().day.tolist() == ["2025-08-21"]
    with pytest.raises(agentkit.UsageError, match="since must be a date"):
        agentkit.usage(config, since="last tuesday")


def test_no_transcripts_is_a_one_line_error(tmp_path, capsys):
    with pytest.raises(agentkit.UsageError, match="no projects/ folder"):
        agentkit.usage(tmp_path)
    assert main(["usage", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("agentkit usage: ") and len(err.strip().splitlines()) == 1


def test_routing_export_labels_and_redacts(tmp_path):
    import yaml

    from agentkit.evals._yaml import load_located

    config = _copy("inline-1.0", tmp_path)
    session = next((config / "projects" / "-home-dev-shop").glob("*.jsonl"))
    secret = "sk-ant-api03-" + "Q" * 40
    record = {
        "parentUuid": None,
        "isSidechain": False,
        "type": "user",
        "cwd": "/home/dev/shop",
        "sessionId": session.stem,
        "message": {"role": "user", "content": f"Deploy with key {secret} and password=hunter2hunter2"},
        "uuid": "u9",
        "timestamp": "2025-08-23T10:00:00.000Z",
    }
    with open(session, "a") as handle:
        handle.write(json.dumps(record) + "\n")
    target = tmp_path / "out" / "routing.yaml"
    assert main(["usage", str(config), "--export-routing", str(target)]) == 0
    text = target.read_text()
    assert secret not in text and "hunter2" not in text and text.count("[redacted]") >= 2
    assert "THE LABELS ARE WHAT CLAUDE CODE DID, NOT WHAT WAS RIGHT" in text.splitlines()[2]
    for suite in (yaml.safe_load(text), load_located(text, "routing.yaml")):
        assert suite["routing"]["project"] == "/home/dev/shop"
        assert [(c["request"][:20], c["expect"]) for c in suite["routing"]["requests"]] == [
            ("Review checkout.py a", "code-reviewer"),
            ("Thanks! What's the d", "(self)"),
            ("Deploy with key [red", "(self)"),
        ]


def test_routing_export_needs_a_project_when_requests_span_several(tmp_path, capsys):
    config = tmp_path / "config"
    shutil.copytree(FIXTURES / "inline-1.0" / "projects", config / "projects")
    other = FIXTURES / "agent-files-2.0" / "projects" / "-home-dev-shop"
    shutil.copytree(other, config / "projects" / "-home-dev-bank")
    for path in (config / "projects" / "-home-dev-bank").glob("*.jsonl"):
        path.write_text(path.read_text().replace("/home/dev/shop", "/home/dev/bank"))
    assert main(["usage", str(config), "--export-routing", str(tmp_path / "r.yaml")]) == 1
    assert "come from 2 projects; name one with --project" in capsys.readouterr().err
    assert (
        main(
            [
                "usage",
                str(config),
                "--project",
                "/home/dev/bank",
                "--export-routing",
                str(tmp_path / "r.yaml"),
            ]
        )
        == 0
    )
    assert "Why is the nightly build slow?" in (tmp_path / "r.yaml").read_text()


def test_the_export_reads_with_the_yaml_reference_parser(tmp_path):
    """The npm `yaml` package (the reference parser of tests/test_js_parity.py) reads the file as Python does."""
    node = shutil.which("node")
    module = Path(__file__).resolve().parent.parent / ".ci" / "js" / "node_modules" / "yaml"
    if node is None or not module.is_dir():
        from conftest import require

        require("node", "node and .ci/js/node_modules/yaml are needed (see HELPER-SETUP / .ci/run)")
    import yaml

    config = _copy("inline-1.0", tmp_path)
    target = tmp_path / "routing.yaml"
    agentkit.usage(config).export_routing(target)
    script = f"const Y=require({json.dumps(str(module))});process.stdout.write(JSON.stringify(Y.parse(require('fs').readFileSync({json.dumps(str(target))},'utf8'))))"
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == yaml.safe_load(target.read_text())


def test_text_report(tmp_path):
    text = agentkit.usage(_copy("hostile", tmp_path)).to_text()
    assert "2 session(s)" in text and "code-reviewer" in text and "malformed line" in text
    assert "Used but no longer defined: code-reviewer" in text


def test_the_cli_runs_as_a_program(tmp_path):
    config = _copy("agent-files-2.0", tmp_path)
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(config)}
    done = subprocess.run(
        [sys.executable, "-m", "agentkit", "usage", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["config_dir"] == str(config) and data["sessions"] == 1
    assert data["agents"][0]["agent"] == "Explore" and data["agents"][0]["invocations"] == 1


# -- notebook 07's transcripts and widget ------------------------------------------------------------------
RECORDINGS = Path(__file__).resolve().parent.parent / "notebooks" / "recordings" / "07-usage"


def test_the_committed_transcripts_hold_no_claude_code_texts_and_add_up():
    """The real binary's transcripts behind notebook 07 keep only what agentkit reads (no prompt texts of
    Claude Code's), and agentkit reads in them exactly what the stand-in sent (sent.json)."""
    from agentkit._oracle.transcripts import REMOVED

    files = [p for p in RECORDINGS.rglob("*") if p.suffix in (".jsonl", ".json") and p.name != "sent.json"]
    assert len(files) >= 10
    for path in files:
        text = path.read_text("utf-8").replace(REMOVED, "")
        for marker in (
            "<system-reminder>",
            "You are ",
            "Claude Code",
            "IMPORTANT",
            "api-request",
            "attachment",
        ):
            assert marker not in text, (path, marker)
    sent = json.loads((RECORDINGS / "sent.json").read_text())
    u = agentkit.usage(RECORDINGS)
    keys = {"input_tokens": "input", "output_tokens": "output"}
    keys |= {"cache_read_input_tokens": "cache_read", "cache_creation_input_tokens": "cache_creation"}
    main = {k: sum(s[v] for one in sent for s in one if s["thread"] == "main") for k, v in keys.items()}
    agents = {k: sum(s[v] for one in sent for s in one if s["thread"] != "main") for k, v in keys.items()}
    assert {k: u.main[k] for k in keys} == main and {k: u.subagents[k] for k in keys} == agents
    assert u.sessions == len(sent) == 8 and u.problems.empty


def test_the_usage_widget_follows_its_controls():
    from datetime import date

    from agentkit.widgets import UsageExplorer

    agents = agentkit.load(Path(__file__).resolve().parent.parent / "agents")
    explorer = UsageExplorer(RECORDINGS, agents=agents)
    assert repr(explorer) == "UsageExplorer(8 sessions)"
    assert explorer.summary_text().startswith(
        "8 sessions, 7 agent invocations, 8 requests (all days); USD 0.50"
    )
    assert "$" not in explorer.summary_text()  # a label would typeset "$...$" as LaTeX
    assert explorer.project.options == ("(all projects)", "/tmp/agentkit-usage-demo/project")
    assert "planner" in explorer.unused.options and "code-reviewer" not in explorer.unused.options
    assert len(explorer.figure.outputs) == 1 and "image/png" in explorer.figure.outputs[0]["data"]
    first = explorer.figure.outputs[0]["data"]["image/png"]
    explorer.value.value = "cost_usd"
    assert explorer.figure.outputs[0]["data"]["image/png"] != first
    start = date.fromisoformat(explorer.usage.invocations.day.min())
    explorer.since.value, explorer.until.value = start, start
    assert explorer.summary_text().startswith("1 session, 1 agent invocation, 1 request (")
    assert explorer.agents_text().split("\n")[1].split()[:3] == ["code-reviewer", "False", "1"]
    explorer.until.value = date(2000, 1, 1)
    assert "'Since' is after 'Until'" in explorer.status.value
    explorer.since.value = explorer.until.value = None
    explorer.agent.value = "code-reviewer"
    assert explorer.requests_text().splitlines()[-1] == "Review the refund endpoint"
    explorer.agent.value = "(self)"
    assert explorer.requests_text().splitlines()[0] == "Explain what cart.py does"
    explorer.unused.value = "planner"
    explorer.open_button.click()
    assert explorer.explorer.selected.name == "planner"
    assert explorer.explorer_box.children == (explorer.explorer.widget,)
    explorer.project.value = "/tmp/agentkit-usage-demo/project"
    assert explorer.usage.sessions == 8


def test_a_background_run_that_ended_on_an_api_error_failed(tmp_path):
    """The main thread may finish before it is told that a background agent failed; the agent's own
    transcript ends with Claude Code's report of the API error (model '<synthetic>', as 2.1.332 writes it
    in tests/test_usage_binary.py), and its metadata still says `finished`."""
    folder = tmp_path / "projects" / "-home-dev-shop"
    session = "c1c1c1c1-0000-4000-8000-000000000001"
    side = folder / session / "subagents"
    side.mkdir(parents=True)
    call = {
        "type": "tool_use",
        "id": "toolu_bg",
        "name": "Agent",
        "input": {"prompt": "Map it", "subagent_type": "Explore", "run_in_background": True},
    }
    main_records = [
        {
            "type": "user",
            "isSidechain": False,
            "sessionId": session,
            "uuid": "u1",
            "timestamp": "2026-11-20T10:00:00.000Z",
            "message": {"role": "user", "content": "Map the code"},
        },
        {
            "type": "assistant",
            "isSidechain": False,
            "sessionId": session,
            "uuid": "a1",
            "requestId": "r1",
            "timestamp": "2026-11-20T10:00:01.000Z",
            "message": {
                "id": "m1",
                "model": "claude-opus-5-5",
                "content": [call],
                "usage": {"input_tokens": 10, "output_tokens": 2},
            },
        },
        {
            "type": "user",
            "isSidechain": False,
            "sessionId": session,
            "uuid": "u2",
            "timestamp": "2026-11-20T10:00:02.000Z",
            "message": {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_bg", "content": "launched"}],
            },
            "toolUseResult": {"status": "async_launched", "agentId": "abc", "isAsync": True},
        },
    ]
    agent_records = [
        {"type": "user", "isSidechain": True, "agentId": "abc", "sessionId": session, "uuid": "s1", "timestamp": "2026-11-20T10:00:02.000Z", "message": {"role": "user", "content": "Map it"}},
        {"type": "assistant", "isSidechain": True, "agentId": "abc", "sessionId": session, "uuid": "s2", "isApiErrorMessage": True, "timestamp": "2026-11-20T10:00:03.000Z", "message": {"id": "x", "model": "<synthetic>", "content": [{"type": "text", "text": "API Error: 500"}], "usage": {"input_tokens": 0, "output_tokens": 0}}},
    ]  # fmt: skip
    (folder / f"{session}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in main_records))
    (side / "agent-abc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in agent_records))
    (side / "agent-abc.meta.json").write_text(
        json.dumps({"agentType": "Explore", "isBuiltIn": True, "finished": True})
    )
    run = agentkit.usage(tmp_path).invocations.iloc[0]
    assert (run.agent, run.status, run.background) == ("Explore", "failed", True)


def test_two_sessions_with_the_same_tool_use_id_keep_their_own_runs(tmp_path):
    """A tool_use id is unique in practice, not by contract: a run is known by its session and id."""
    config = _copy("agent-files-2.0", tmp_path)
    folder = config / "projects" / "-home-dev-shop"
    old = "7d6e5f40-3b2a-4c1d-9e8f-7a6b5c4d3e2f"
    new = "7d6e5f40-3b2a-4c1d-9e8f-000000000002"
    for path in list(folder.glob("*.jsonl")):
        text = path.read_text().replace(old, new).replace("msg_02", "msg_03").replace("1a2b3c4d", "5e6f7a8b")
        (folder / path.name.replace(old, new).replace("1a2b3c4d", "5e6f7a8b")).write_text(text)
    u = agentkit.usage(config)
    assert len(u.invocations) == 2 and set(u.invocations.tool_use_id) == {"toolu_10"}
    assert u.invocations.input_tokens.tolist() == [20, 20] and u.invocations.output_tokens.tolist() == [
        350,
        350,
    ]
    assert u.per_agent().set_index("agent").loc["Explore", "input_tokens"] == 40


def test_garbage_odd_values_and_odd_names_are_counted_not_raised(tmp_path, capsys):
    """A file of random bytes, records whose fields have the wrong types, a file name that is not UTF-8:
    counted and reported, no exception, the JSON still written."""
    folder = tmp_path / "projects" / "-home-dev-shop"
    folder.mkdir(parents=True)
    (folder / "garbage.jsonl").write_bytes(
        b"".join(os.urandom(40).replace(b"\n", b"") + b"\n" for _ in range(500))
    )
    odd = [
        {"type": "assistant", "message": {"id": "m1", "model": 5, "content": 7, "usage": {"input_tokens": -3, "output_tokens": "x"}}},
        {"type": "assistant", "message": {"id": "m2", "model": "claude-opus-5-5", "content": "text", "usage": {"input_tokens": 10, "output_tokens": True}}},
        {"type": "user", "message": {"content": [{"type": "tool_result", "tool_use_id": None}]}, "toolUseResult": [1]},
        {"type": "user", "message": "not a message", "timestamp": 12},
        {"type": "assistant", "message": [], "isSidechain": True, "parentUuid": 3},
        [1, 2, 3],
        {"type": "summary", "summary": "x" * 10},
    ]  # fmt: skip
    (folder / "s1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in odd))
    (folder / b"caf\xe9.jsonl".decode("utf-8", "surrogateescape")).write_text(
        json.dumps(odd[1]).replace('"m2"', '"m3"') + "\n"
    )
    u = agentkit.usage(tmp_path)
    names = u.problems.assign(name=u.problems.file.map(lambda f: Path(f).name))
    kinds = names.groupby(["name", "kind"])["count"].sum().to_dict()
    assert kinds[("garbage.jsonl", "malformed line")] == 500 and (names.name == "garbage.jsonl").sum() <= 11
    assert kinds[("s1.jsonl", "malformed usage")] == 3 and kinds[("s1.jsonl", "malformed line")] == 1
    assert u.main["input_tokens"] == 20  # m2 in s1, m3 in the file with the odd name
    assert main(["usage", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["main"]["input_tokens"] == 20 and data["sessions"] == 2  # the garbage holds no record


def test_one_hour_cache_writes_cost_twice_the_input_price():
    """Claude Code asks for the 5-minute cache; a breakdown that says 1-hour is priced at 2x, not 1.25x."""
    from agentkit import live
    from agentkit._usage._frames import Prices

    price = live.price_for("claude-opus-5-5")
    assert Prices().cost("claude-opus-5-5", [0, 0, 0, 1000, 1000]) == pytest.approx(
        1000 * price.input * 2 / 1e6
    )
    assert Prices().cost("claude-opus-5-5", [0, 0, 0, 1000, 0]) == pytest.approx(
        1000 * price.input * 1.25 / 1e6
    )
    assert (
        math.isnan(Prices().cost("no-such-model", [1, 0, 0, 0, 0]))
        and Prices().cost("no-such-model", [0] * 5) == 0
    )
