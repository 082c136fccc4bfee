"""Issue 3: lint and fix (agentkit._lint.rules, _lint, _fix, _cli_lint)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import require

import agentkit
from agentkit._errors import AgentkitError
from agentkit._lint.engine import COLUMNS, findings, lint, resolve_rules, to_sarif
from agentkit._lint.fixes import fix
from agentkit._lint.rules import RULES, render_docs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "lint_fixtures"
CORPORA = Path(os.environ.get("AGENTKIT_CORPORA") or ROOT.parent / "shared" / "corpora")
EXPECTED = CORPORA / "claude-code-2.1.330.expected.json"
SAMPLES = ROOT / "agents"

CLEAN = """---
name: code-reviewer
description: Reviews code changes for bugs and risky patterns. Use when the user asks for a code review.
tools: Read, Grep, Glob, Bash
model: sonnet
color: red
---
You are a careful code reviewer. Read the diff and list the problems you find.
"""


def rules_of(agents) -> set[str]:
    return {f.rule for f in findings(agents)}


def main(*argv: str) -> int:
    from agentkit.cli import main as cli_main

    return cli_main(list(argv))


# -- the catalogue --------------------------------------------------------------------------------


def test_catalogue_metadata() -> None:
    assert len(RULES) >= 40
    for rule in RULES.values():
        assert re.fullmatch(r"AK[1-6]\d\d", rule.id)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.severity in ("error", "warning", "info")
        assert rule.summary and rule.doc and "\n" not in rule.summary
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))
    for rule in RULES.values():
        if rule.category == "dropped":
            assert rule.severity == "error", rule.id


def test_docs_are_generated_from_the_code() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert committed == render_docs(), "regenerate: python scripts/gen_docs.py"
    for rule in RULES.values():
        assert f"### {rule.id}" in committed


def test_every_rule_has_good_and_bad_fixtures() -> None:
    for rule_id in RULES:
        folder = FIXTURES / rule_id
        assert list(folder.glob("good*")), f"{rule_id} has no good fixture"
        assert list(folder.glob("bad*")), f"{rule_id} has no bad fixture"


def _fixture_cases() -> list[tuple[str, Path, bool]]:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if path.name.startswith(("good", "bad")):
                cases.append((folder.name, path, path.name.startswith("bad")))
    return cases


def _materialise(path: Path, tmp_path: Path) -> Path:
    """Fixtures named *oversize* are padded past 1 MiB here rather than stored that large."""
    if "oversize" not in path.name:
        return path
    target = tmp_path / path.name
    target.write_text(path.read_text("utf-8") + "Padding line of the body.\n" * 45_000, "utf-8")
    assert target.stat().st_size > 1024 * 1024
    return target


@pytest.mark.parametrize(
    ("rule_id", "path", "bad"), _fixture_cases(), ids=lambda v: getattr(v, "name", str(v))
)
def test_fixture(rule_id: str, path: Path, bad: bool, tmp_path: Path) -> None:
    got = rules_of(agentkit.load(_materialise(path, tmp_path)))
    if bad:
        assert rule_id in got, f"{path} should trigger {rule_id}; got {sorted(got)}"
    else:
        assert rule_id not in got, f"{path} should not trigger {rule_id}"


def test_clean_agent_has_no_warnings_or_errors() -> None:
    items = findings(agentkit.loads(CLEAN, "code-reviewer.md"))
    assert [f for f in items if f.severity != "info"] == []


@pytest.mark.parametrize(
    "text",
    [
        CLEAN,
        CLEAN.replace("tools: Read, Grep, Glob, Bash", "tools:\n  - Read\n  - Grep"),
        CLEAN.replace("model: sonnet", "model: claude-opus-4-1-20250805"),
        CLEAN.replace("Use when the user asks", "Use PROACTIVELY after code changes or when the user asks"),
        CLEAN.replace(
            "Reviews code changes for bugs and risky patterns. Use when the user asks for a code review.",
            '"Reviews C# code #dotnet. Use when the user asks for a code review."',
        ),
        CLEAN.replace("color: red\n", "color: red\npermissionMode: plan\nmaxTurns: 20\neffort: high\n"),
        CLEAN.replace("description: Reviews code changes", "description: |\n  Reviews code changes").replace(
            " Use when", "\n  Use when"
        ),
        CLEAN.replace("tools: Read, Grep, Glob, Bash", "tools: Read, mcp__github__get_pr, Agent(planner)"),
    ],
)
def test_clean_variants(text: str) -> None:
    items = findings(agentkit.loads(text, "code-reviewer.md"))
    assert [(f.rule, f.message) for f in items if f.severity != "info"] == []


# -- specific behaviour ---------------------------------------------------------------------------


def test_comment_truncation_names_what_is_lost() -> None:
    agent = agentkit.loads(
        CLEAN.replace("risky patterns.", "risky patterns #security - use for audits."), "x.md"
    )
    (hit,) = [f for f in findings(agent) if f.rule == "AK201"]
    assert hit.line == 3 and "#security - use for audits." in hit.message


def test_duplicate_key_says_which_line_wins() -> None:
    agent = agentkit.loads(CLEAN.replace("color: red\n", "color: red\nmodel: opus\n"), "x.md")
    (hit,) = [f for f in findings(agent) if f.rule == "AK205"]
    assert hit.line == 5 and "on line 7" in hit.message


def test_dropped_yaml_says_why() -> None:
    crlf = CLEAN.replace("Reviews code changes", "Reviews code: changes").replace("\n", "\r\n")
    (hit,) = [f for f in findings(agentkit.loads(crlf, "x.md")) if f.rule == "AK104"]
    assert "CRLF" in hit.message and "LF line endings the fallback would repair it" in hit.message
    col0 = CLEAN.replace(
        "asks for a code review.", "asks for a code review.\n<example>\nuser: hi\n</example>"
    )
    (hit,) = [f for f in findings(agentkit.loads(col0, "x.md")) if f.rule == "AK104"]
    assert "column 0" in hit.message and hit.line == 4
    nbsp = CLEAN.replace("description: ", "description:\u00a0")
    got = {f.rule: f for f in findings(agentkit.loads(nbsp, "x.md"))}
    assert "AK104" in got and "no-break space" in got["AK104"].message and "AK206" in got


def test_duplicate_names_in_a_plain_load_list_every_file(tmp_path: Path) -> None:
    for stem in "abcde":
        (tmp_path / f"{stem}.md").write_text(CLEAN, "utf-8")
    items = [f for f in findings(agentkit.load(tmp_path)) if f.rule == "AK503"]
    assert len(items) == 5
    # Inside one folder the path that sorts last wins (as Claude Code does, since 2.1.330).
    winner = next(f for f in items if f.path.endswith("e.md"))
    assert "this file wins" in winner.message and "sorts last" in winner.message
    assert all("e.md" in f.message and "never used" in f.message for f in items if f is not winner)


def test_duplicate_names_across_scopes_say_who_wins(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "proj"
    (home / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".git").mkdir()
    (home / ".claude" / "agents" / "code-reviewer.md").write_text(CLEAN, "utf-8")
    (project / ".claude" / "agents" / "code-reviewer.md").write_text(CLEAN, "utf-8")
    agents = agentkit.discover(project, home, managed=tmp_path / "none", plugins=[])
    items = {f.path: f for f in findings(agents) if f.rule == "AK503"}
    assert len(items) == 2
    user = next(m for p, m in items.items() if str(home) in p)
    assert "never used" in user.message and "project" in user.message


def test_plugin_layout_names_are_per_plugin(tmp_path: Path) -> None:
    for plugin in ("one", "two"):
        folder = tmp_path / "plugins" / plugin / "agents"
        folder.mkdir(parents=True)
        (folder / "code-reviewer.md").write_text(CLEAN, "utf-8")
    assert "AK503" not in rules_of(agentkit.load(tmp_path))


def test_unknown_tool_suggestions() -> None:
    agent = agentkit.loads(CLEAN.replace("Glob, Bash", "glob, WebFeth, code-reviewer"), "x.md")
    messages = " ".join(f.message for f in findings(agent) if f.rule == "AK401")
    assert "'Glob'" in messages and "'WebFetch'" in messages and "Agent(code-reviewer)" in messages


def test_select_and_ignore() -> None:
    agents = agentkit.load(SAMPLES)
    assert set(lint(agents, select="AK3")["rule"]) <= {"AK301", "AK302", "AK303"}
    assert "AK502" not in set(lint(agents, ignore=["name-differs-from-file"])["rule"])
    assert set(lint(agents, select="invalid-")["rule"]) <= {
        r.id for r in RULES.values() if r.name.startswith("invalid-")
    }
    with pytest.raises(AgentkitError):
        resolve_rules(select="AK999")


def test_lint_frame_columns() -> None:
    frame = lint(agentkit.load(SAMPLES))
    assert list(frame.columns) == COLUMNS
    assert (frame["line"] >= 1).all()
    empty = lint([agentkit.loads(CLEAN, "code-reviewer.md")], select="AK1")
    assert list(empty.columns) == COLUMNS and len(empty) == 0


def test_sample_agents() -> None:
    frame = lint(agentkit.load(SAMPLES))
    by_file = frame.groupby(frame["path"].map(lambda p: Path(p).name))["rule"].apply(set).to_dict()
    assert {"AK104"} <= by_file["release-manager.md"]
    assert {"AK301"} <= by_file["pr-review-helper.md"]
    assert {"AK201"} <= by_file["dotnet-backend.md"]
    assert {"AK401", "AK404"} <= by_file["frontend-dev.md"]
    assert {"AK402"} <= by_file["test-writer.md"]
    assert {"AK406", "AK502"} <= by_file["reviewer-strict.md"]
    assert {"AK503"} <= by_file["data-analyst.md"] and {"AK503"} <= by_file["sql-helper.md"]
    for clean in (
        "code-reviewer.md",
        "planner.md",
        "docs-writer.md",
        "security-auditor.md",
        "unit-test-generator.md",
    ):
        rows = frame[frame["path"].str.endswith("/" + clean)]
        assert set(rows["severity"]) <= {"info"}, (clean, rows[["rule", "message"]].values.tolist())


# -- fixes ----------------------------------------------------------------------------------------


FIXABLE = [(rid, p) for rid, p, bad in _fixture_cases() if bad and RULES[rid].fixable and p.is_file()]


@pytest.mark.parametrize(("rule_id", "path"), FIXABLE, ids=lambda v: getattr(v, "name", str(v)))
def test_fix_repairs_fixture(rule_id: str, path: Path) -> None:
    (before,) = agentkit.load(path)
    fixable = [f for f in findings(before) if f.rule == rule_id and f.fixable]
    result = fix(before, unsafe=True)
    if "nofix" in path.name:  # e.g. LS: no exact replacement, so the finding says it is not fixable
        assert not fixable and rule_id not in result.fixed
        return
    assert fixable, f"{path}: the fixture of a fixable rule must have a fixable finding"
    after = result.agent
    assert rule_id in result.fixed and not result.failed
    assert rule_id not in {f.rule for f in findings(after) if f.fixable}
    assert after.body == before.body
    assert after.parse == "strict" and after.loaded == before.loaded
    assert after.name == before.name and after.description == before.description


def test_fix_fallback_changes_only_the_description_line() -> None:
    text = CLEAN.replace(
        "Use when the user asks for a code review.",
        'Use when the user asks "is this ok?". Examples:\\n\\n<example>\\nContext: a PR\\n</example>',
    )
    before = agentkit.loads(text, "x.md")
    assert before.parse == "fallback"
    after = fix(before).agent
    assert after.parse == "strict" and after.description == before.description and after.body == before.body
    changed = [(a, b) for a, b in zip(text.splitlines(), after.text.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("description:")
    assert yaml.safe_load(after.block_text)["name"] == "code-reviewer"


def test_fix_legacy_tools_and_keys() -> None:
    agent = agentkit.loads(
        CLEAN.replace("tools: Read, Grep, Glob, Bash", "allowed-tools: Read, Task, MultiEdit, Edit"), "x.md"
    )
    result = fix(agent, unsafe=True)
    assert result.agent.tools == ["Read", "Agent", "Edit"] and sorted(result.fixed) == [
        "AK402",
        "AK403",
        "AK406",
    ]
    assert "allowed-tools" not in result.agent.fields
    assert fix(agent, select="AK406", unsafe=True).agent.tools == ["Read", "Task", "MultiEdit", "Edit"]
    both = agentkit.loads(CLEAN.replace("model: sonnet", "allowed-tools: Read"), "x.md")
    assert fix(both, unsafe=True).agent.text == both.text  # `tools` is present: not renamed


def test_unsafe_fixes_run_only_when_asked() -> None:
    agent = agentkit.loads(
        CLEAN.replace("tools: Read, Grep, Glob, Bash", "allowed-tools: Read, Task, MultiEdit"), "x.md"
    )
    safe = fix(agent)
    # The alias rename keeps the reading (Claude Code maps Task to Agent), but `allowed-tools` is ignored by
    # Claude Code, so it is not even read: nothing changes until the unsafe rename makes it `tools`.
    assert safe.skipped_unsafe == ["AK406"] and safe.agent.tools is None and not safe.changed
    listed = agentkit.loads(CLEAN.replace("Glob, Bash", "Glob, Bash, Task, MultiEdit"), "x.md")
    result = fix(
        listed
    )  # the alias is renamed (same reading); MultiEdit -> Edit would grant Edit: not without asking
    assert result.fixed == ["AK403"] and result.skipped_unsafe == ["AK402"]
    assert result.agent.tools == ["Read", "Grep", "Glob", "Bash", "Agent", "MultiEdit"]
    assert {r.id for r in RULES.values() if r.fix and r.fix.unsafe} == {"AK402", "AK406"}
    assert all(r.fix.changes for r in RULES.values() if r.fix and r.fix.unsafe)


def test_fix_bom_keeps_everything_else() -> None:
    agent = agentkit.loads("\ufeff" + CLEAN, "x.md")
    assert fix(agent).agent.text == CLEAN


def test_a_fix_that_would_change_the_reading_is_refused_and_reported(monkeypatch) -> None:
    # A deliberately broken fix: it drops the byte-order mark but also rewrites the description.
    rule = RULES["AK302"]

    def broken(agent):
        return agentkit.edit(agentkit.loads(agent.text[1:], agent.path), description="Something else.")

    monkeypatch.setitem(
        RULES, "AK302", dataclasses.replace(rule, fix=dataclasses.replace(rule.fix, apply=broken))
    )
    agent = agentkit.loads("\ufeff" + CLEAN, "x.md")
    result = fix(agent)
    assert not result.changed and result.agent is agent
    assert result.failed == ["AK302: not fixed, the description Claude Code reads would change"]


def test_a_fix_compares_other_keys_as_claude_code_reads_them() -> None:
    """A key the fix leaves alone reads the same as before when Claude Code reads it the same: NaN is NaN,
    and a `skills` list read as entries; a real change of its reading still refuses the fix."""
    agent = agentkit.loads(
        "\ufeff" + CLEAN.replace("color: red\n", "color: red\nx: .nan\nskills: [a, b]\n"), "x.md"
    )
    assert agent.fields["x"] != agent.fields["x"]  # NaN
    result = fix(agent)
    assert result.fixed == ["AK302"] and result.failed == []


# -- the command line ----------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "code-reviewer.md"
    good.write_text(CLEAN, "utf-8")
    assert main("lint", str(good)) == 0
    assert main("lint", str(SAMPLES)) == 1
    assert main("lint", str(tmp_path / "missing")) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main("lint", str(good), "--select", "AK999") == 2
    assert main("lint", str(good), "--format", "yaml") == 2


def test_cli_text_output(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    main("lint", str(SAMPLES))
    out = capsys.readouterr().out
    assert "\033[" not in out  # not a terminal: no colour
    assert re.search(r"^\d+ errors?, \d+ warnings?, \d+ infos? in 13 files$", out, re.M)
    assert re.search(r"release-manager\.md\n\s+4(:\d+)?\s+error\s+AK104", out)


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    main("lint", str(SAMPLES), "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data and all({"path", "line", "rule", "severity", "message"} <= set(row) for row in data)
    assert {row["severity"] for row in data} <= {"error", "warning", "info"}


def test_cli_sarif(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    main("lint", "agents", "--format", "sarif")
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "agentkit" and driver["informationUri"].startswith("https://")
    for rule in driver["rules"]:
        assert {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        } <= set(rule)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    ids = {r["id"] for r in driver["rules"]}
    results = sarif["runs"][0]["results"]
    assert results
    for result in results:
        assert (
            result["ruleId"] in ids
            and result["level"] in ("error", "warning", "note")
            and result["message"]["text"]
        )
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("agents/")
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1


def test_sarif_relative_paths(tmp_path: Path) -> None:
    agent = agentkit.loads("\ufeff" + CLEAN, tmp_path / "a" / "x.md")
    sarif = to_sarif(findings(agent), base=tmp_path)
    assert (
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "a/x.md"
    )


def test_cli_fix_dry_run_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "agents"
    shutil.copytree(SAMPLES, folder)
    before = {p: p.read_bytes() for p in folder.rglob("*.md")}
    main("lint", str(folder), "--fix", "--unsafe-fixes", "--dry-run")
    out = capsys.readouterr().out
    assert '+description: "Use this agent when' in out and "-allowed-tools:" in out
    assert {p: p.read_bytes() for p in folder.rglob("*.md")} == before
    main("lint", str(folder), "--fix", "--unsafe-fixes")
    after = agentkit.load(folder)
    assert all(a.parse != "fallback" for a in after)
    for agent in after:
        old = agentkit.loads(before[agent.path].decode("utf-8"), agent.path)
        assert agent.body == old.body
    assert after["pr-review-helper"].parse == "strict"
    assert after["strict-reviewer"].tools == ["Read", "Grep", "Glob", "Bash"]


def test_cli_fix_reports_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.md"
    path.write_text("\ufeff" + CLEAN, "utf-8")
    real = agentkit.save

    def racing_save(agent, *args, **kwargs):  # someone edits the file between load and save
        path.write_text(CLEAN + "edited\n", "utf-8")
        return real(agent, *args, **kwargs)

    monkeypatch.setattr(agentkit, "save", racing_save)
    code = main("lint", str(path), "--fix")
    err = capsys.readouterr().err
    assert code == 1 and "changed on disk" in err and "Traceback" not in err


def test_dry_run_diff_applies_with_git_apply_and_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23, item 6: the headers name the files relative to the working folder, as git does (they were
    `--- a//abs/path`), so `git apply` and `patch -p1` run there apply the diff, even given absolute
    paths; the result is what --fix writes."""
    import subprocess

    copies = {name: tmp_path / name for name in ("fixed", "by-git", "by-patch")}
    for copy in copies.values():
        shutil.copytree(SAMPLES, copy / "agents")
    monkeypatch.chdir(copies["fixed"])
    main("lint", str(copies["fixed"] / "agents"), "--fix", "--unsafe-fixes", "--dry-run")
    diff = capsys.readouterr().out
    headers = [line for line in diff.splitlines() if line.startswith(("--- ", "+++ "))]
    assert len(headers) == 6 and "--- a/agents/reviewer-strict.md" in headers, headers
    assert not any("//" in line or str(tmp_path) in line for line in headers)
    main("lint", str(copies["fixed"] / "agents"), "--fix", "--unsafe-fixes")
    run = {"check": True, "capture_output": True, "input": diff.encode("utf-8")}
    subprocess.run(["git", "apply", "-"], cwd=copies["by-git"], **run)
    appliers = ["by-git"]
    if shutil.which("patch"):
        subprocess.run(["patch", "-p1", "--batch"], cwd=copies["by-patch"], **run)
        appliers.append("by-patch")
    fixed = {p.relative_to(copies["fixed"]): p.read_bytes() for p in copies["fixed"].rglob("*.md")}
    original = {Path("agents") / p.relative_to(SAMPLES): p.read_bytes() for p in SAMPLES.rglob("*.md")}
    assert len([path for path in fixed if fixed[path] != original[path]]) == 3
    for name in appliers:
        patched = {p.relative_to(copies[name]): p.read_bytes() for p in copies[name].rglob("*.md")}
        assert patched == fixed, name


def test_dry_run_headers_outside_the_working_folder_go_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "agents")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    main("lint", str(tmp_path / "agents" / "test-writer.md"), "--fix", "--unsafe-fixes", "--dry-run")
    out = capsys.readouterr().out
    assert "--- a/../agents/test-writer.md\n+++ b/../agents/test-writer.md\n" in out


def _copies_with_removed_tools(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        (folder / f"writer-{i}.md").write_text(
            f"---\nname: writer-{i}\ndescription: Writes tests. Use when tests are needed.\n"
            "tools: Read, MultiEdit, Task\n---\nYou write tests.\n",
            "utf-8",
        )


def test_unsafe_fixes_left_out_are_one_line_not_one_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23, item 6: 157 files with an unsafe fix gave 157 lines on stderr; now one summary line (and one
    for what was fixed)."""
    _copies_with_removed_tools(tmp_path / "agents", 12)
    main("lint", str(tmp_path / "agents"), "--fix", "--dry-run")
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "would fix 12 files (AK403 in 12 files)",
        "unsafe fixes left out in 12 files (AK402 in 12 files): they change what Claude Code reads; "
        "add --unsafe-fixes to apply them",
    ]
    main("lint", str(tmp_path / "agents"), "--fix")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0] == "fixed 12 files (AK403 in 12 files)"
    assert "Task" not in (tmp_path / "agents" / "writer-3.md").read_text("utf-8")


def test_unsafe_fixes_are_marked_apart_from_the_fixable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23, item 6: a finding plain --fix skips is not called [fixable]."""
    _copies_with_removed_tools(tmp_path / "agents", 1)
    main("lint", str(tmp_path / "agents"))
    out = capsys.readouterr().out
    ak402 = next(line for line in out.splitlines() if "AK402" in line)
    ak403 = next(line for line in out.splitlines() if "AK403" in line)
    assert ak402.endswith("(removed-tool-name) [unsafe fix]") and "[fixable]" not in ak402
    assert ak403.endswith("(legacy-tool-alias) [fixable]")
    assert "\n1 fixable with --fix; 1 more with --fix --unsafe-fixes" in out


def test_statistics_count_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23, item 6: `--statistics`, as ruff's: one line per rule with its count, ID, name, fix."""
    from collections import Counter

    expected = Counter(f.rule for f in findings(agentkit.load(SAMPLES)))
    main("lint", str(SAMPLES), "--statistics")
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[:-1]]
    assert {row[1]: int(row[0]) for row in rows} == expected
    counts = [int(row[0]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert all(row[2] == RULES[row[1]].name and row[3] == RULES[row[1]].severity for row in rows)
    assert next(line for line in lines if " AK402 " in line).endswith("[unsafe fix]")
    assert next(line for line in lines if " AK301 " in line).endswith("[fixable]")
    assert re.fullmatch(r"\d+ errors?, \d+ warnings?, \d+ infos? in 13 files", lines[-1])
    main("lint", str(SAMPLES), "--statistics", "--format", "json")
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert {entry["rule"]: entry["count"] for entry in data} == expected
    assert {entry["rule"]: entry["fix"] for entry in data if entry["fix"]} == {
        "AK301": "safe",
        "AK402": "unsafe",
        "AK406": "unsafe",
    }
    assert main("lint", str(SAMPLES), "--statistics", "--format", "sarif") == 2


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "agentkit-lint" and hook["entry"] == "agentkit lint" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    assert pattern.search(".claude/agents/x.md") and pattern.search("sub/.claude/agents/a/b.md")
    assert not pattern.search("docs/x.md")


# -- the real corpora ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    if not EXPECTED.is_file():
        require("corpora", "../shared/corpora is not present")
    expected = json.loads(EXPECTED.read_text("utf-8"))
    agents = {str(a.path.relative_to(CORPORA)): a for a in agentkit.load(*(CORPORA / p for p in expected))}
    return expected, agents


def test_corpus_dropped_and_fallback_files_are_reported(corpus) -> None:
    expected, agents = corpus
    items = findings(list(agents.values()))
    by_path: dict[str, set[str]] = {}
    for f in items:
        by_path.setdefault(str(Path(f.path).relative_to(CORPORA)), set()).add(f.rule)
    fallback = [p for p, e in expected.items() if e.get("parse") == "fallback"]
    dropped = [p for p, e in expected.items() if not e["loaded"]]
    assert fallback
    for path in fallback:
        assert "AK301" in by_path.get(path, set()), path
    for path in dropped:
        assert any(r.startswith("AK1") for r in by_path.get(path, set())), path
    for path, rules in by_path.items():  # no file Claude Code loads gets a "dropped" finding
        if expected[path]["loaded"]:
            assert not any(r.startswith("AK1") for r in rules), (path, rules)


def test_corpus_fix_fallback_files(corpus) -> None:
    expected, agents = corpus
    fallback = [agents[p] for p, e in expected.items() if e.get("parse") == "fallback"]
    for before in fallback:
        after = fix(before).agent
        assert after.parse == "strict", before.path
        assert (after.name, after.description, after.tools, after.model) == (
            before.name,
            before.description,
            before.tools,
            before.model,
        )
        assert after.body == before.body
        changed = [
            line
            for line in agentkit.diff(after).splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        assert changed and all(line[1:].startswith("description:") for line in changed), changed
        yaml.safe_load(after.block_text)  # strict YAML 1.1 tools read it too


def test_corpus_cli_fix_leaves_no_fallback(corpus, tmp_path: Path) -> None:
    expected, agents = corpus
    for rel, e in expected.items():
        if e.get("parse") == "fallback":
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CORPORA / rel, target)
    main("lint", str(tmp_path), "--fix", "--select", "AK301")
    fixed = agentkit.load(tmp_path)
    assert len(fixed) and all(a.parse == "strict" for a in fixed)
    for agent in fixed:
        rel = str(agent.path.relative_to(tmp_path))
        assert agent.description == expected[rel]["description"]
        assert len(agent.body) == expected[rel]["body_chars"] or agent.body == agents[rel].body


# -- the engine's shortcuts change nothing ------------------------------------------------------------


def _every_rule_on_every_file(agents: list) -> list:
    """The findings without the engine's shortcuts: every rule on every file, then one sort."""
    from agentkit._lint.engine import Finding
    from agentkit._lint.rules import Member, View

    def finding(r, agent, hit):
        name = agent.name if isinstance(agent.name, str) else None
        fixable = r.fixable if hit.fixable is None else bool(hit.fixable and r.fixable)
        line = max(1, hit.line)
        return Finding(
            str(agent.path), line, hit.column, r.id, r.name, r.severity, hit.message, fixable, name
        )

    out = []
    for position, agent in enumerate(agents):
        view = View(agent)
        for r in RULES.values():
            if r.scope == "file":
                out += [(position, max(1, h.line), r.id, finding(r, agent, h)) for h in r.check(view)]
    members = [Member.of(agent, index) for index, agent in enumerate(agents)]
    for r in RULES.values():
        if r.scope == "set":
            for h in r.check(members):
                target = h.agent or members[0]
                out.append((target.index, max(1, h.line), r.id, finding(r, agents[target.index], h)))
    out.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in out]


def test_skipping_rules_by_key_and_sorting_per_file_change_no_finding(corpus_agents, tmp_path) -> None:
    """The engine runs a rule only on files having one of its `keys`, and sorts each file's findings
    alone. Over the lint fixtures, the sample agents, the generated differential files (every reading
    rule) and the corpora, that gives exactly what every rule on every file gives: a rule declaring
    the wrong keys would lose findings here."""
    from tests.oracle_cases import generate

    for folder in generate(per_folder=10_000):
        for case in folder.cases:
            target = tmp_path / folder.name / case.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(case.data)
    agents = [*agentkit.load(FIXTURES), *agentkit.load(SAMPLES), *agentkit.load(tmp_path), *corpus_agents]
    gated = [r.id for r in RULES.values() if r.keys]
    assert len(gated) >= 20  # the shortcut is in use
    expected = _every_rule_on_every_file(agents)
    assert findings(agents) == expected
    assert {f.rule for f in expected} >= set(gated)  # every gated rule finds something here
