"""`agentkit lint`: what Claude Code will drop or misread in each file, and the fixes.

Without --fix, each file's findings are kept in agentkit's cache (agentkit/_cache.py): a second run over
unchanged files reads none of them, and what depends on every file (name clashes, the description budget)
is worked out again only when a file changed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from agentkit.cli import leave_for_exit
from agentkit.cli._common import (
    OK,
    PROBLEMS,
    existing_paths,
    format_option,
    no_agents,
    no_cache_option,
    open_cache,
    save_cache,
    warn,
    write_out,
)


def _use_color(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def _rules(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from agentkit import UnknownRuleError
    from agentkit.rules import resolve_rules

    try:
        resolve_rules(value)
    except UnknownRuleError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@click.command()
@existing_paths()
@format_option("text", "json", "sarif")
@click.option(
    "--fix",
    is_flag=True,
    help="Repair fixable findings in place (atomic writes), keeping Claude Code's reading.",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix: also apply fixes that change what Claude Code reads (AK402, AK406).",
)
@click.option("--dry-run", is_flag=True, help="Print the diff --fix would make instead of writing.")
@click.option(
    "--select",
    metavar="IDS",
    callback=_rules,
    help="Only these rules: IDs, ID prefixes or names, comma-separated.",
)
@click.option("--ignore", metavar="IDS", callback=_rules, help="Skip these rules (same forms as --select).")
@click.option(
    "--statistics",
    is_flag=True,
    help="Instead of the findings, one line per rule found: count, ID, name, severity, fix (as ruff).",
)
@no_cache_option()
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    fix: bool,
    unsafe_fixes: bool,
    dry_run: bool,
    select: str | None,
    ignore: str | None,
    statistics: bool,
    no_cache: bool,
) -> int:
    """Report what Claude Code does with each agent file under PATH... (dropped, misread, ...).

    --fix repairs what can be repaired by rewriting only the offending lines; --dry-run prints the diff
    instead, with paths relative to the working folder (`git apply` or `patch -p1` takes it). Exit 1 when
    an error-level finding remains, or no agent file is found.
    """
    import agentkit
    from agentkit import findings
    from agentkit.reader import MISS, Survey, file_digest
    from agentkit.rules import file_results, resolve_rules, set_findings

    if statistics and fmt == "sarif":
        raise click.BadParameter("--statistics takes --format text or json", param_hint="'--format'")
    rules = resolve_rules(select, ignore)
    options = (fmt, statistics, _use_color(sys.stdout) if fmt == "text" else False)
    if fix or dry_run:  # --dry-run alone means "show me what --fix would do"
        agents: list[Any] = list(agentkit.load(*paths))
        if not agents:
            return no_agents(paths)
        problems = _fix(agents, select, ignore, unsafe_fixes, dry_run, fmt)
        out, err, code = _report(findings(agents, select, ignore), len(agents), rules, *options)
        _write(out, err)
        return PROBLEMS if problems else code

    cache = open_cache("lint", paths, {"rules": [r.id for r in rules]}, enabled=not no_cache)
    survey = Survey(paths, cache)
    if not len(survey):
        save_cache("lint", cache)
        return no_agents(paths)
    report = cache.recall(survey.listing, options)  # no file changed since the last run: its output
    if report is MISS:
        survey.confirm(file_digest)  # files touched, but their bytes are the same?
        report = cache.recall(survey.listing, options)
    if report is MISS:  # each file's findings (cached where they hold), the set-level rules, the output
        found = file_results(survey, rules)
        leave_for_exit(found)
        report = _report(set_findings(rules, found), len(found), rules, *options)
        cache.remember(survey.listing, options, report)
    out, err, code = report
    _write(out, err)
    save_cache("lint", cache)
    leave_for_exit(cache, survey, report)
    return int(code)


def _report(
    items: list[Any], files: int, rules: list[Any], fmt: str, statistics: bool, color: bool
) -> tuple[str | bytes, str, int]:
    """The output (stdout, stderr) for these findings, and the exit code."""
    from agentkit.reader import escape_surrogates, json_text
    from agentkit.rules import statistics as rule_statistics
    from agentkit.rules import statistics_text, summary_line, to_json_bytes, to_sarif, to_text

    out: str | bytes
    if statistics:
        stats = rule_statistics(items)
        if fmt == "json":
            out = json_text(stats) + "\n"
        else:
            out = statistics_text(stats) + summary_line(items, files) + "\n"
    elif fmt == "json":
        out = to_json_bytes(items)
    elif fmt == "sarif":
        out = escape_surrogates(json.dumps(to_sarif(items, rules), indent=2, ensure_ascii=False)) + "\n"
    else:
        out = to_text(items, files, color=color)
    err = summary_line(items, files) if fmt != "text" else ""
    return out, err, PROBLEMS if any(f.severity == "error" for f in items) else OK


def _write(out: str | bytes, err: str) -> None:
    write_out(out)
    if err:
        warn(err)


def _fix(
    agents: list[Any], select: str | None, ignore: str | None, unsafe: bool, dry_run: bool, fmt: str
) -> int:
    """Apply (or, with `dry_run`, print as a diff) the fixes, replacing each fixed record in `agents` with
    what would remain. Per file only what went wrong is said; the rest is one line each: what was fixed,
    what unsafe fixes were left. Returns the number of files that could not be saved."""
    import agentkit
    from agentkit import AgentkitError
    from agentkit.writer import unified_diff

    diff_out = sys.stdout if fmt == "text" else sys.stderr
    problems = 0
    fixed: dict[str, int] = {}  # rule -> files it fixed
    skipped: dict[str, int] = {}  # rule -> files whose unsafe fix was left out
    files = skipped_files = 0
    for index, agent in enumerate(agents):
        result = agentkit.fix(agent, select, ignore, unsafe=unsafe)
        for failure in result.failed:
            warn(f"{agent.path}: {failure}")
        for rule_id in result.skipped_unsafe:
            skipped[rule_id] = skipped.get(rule_id, 0) + 1
        skipped_files += bool(result.skipped_unsafe)
        if not result.changed:
            continue
        if dry_run:
            before = agent.disk_text or ""
            diff_out.write(unified_diff(before, result.agent.render(), diff_path(agent.path)))
            agents[index] = result.agent  # report what would remain after the fix
        else:
            try:
                agents[index] = agentkit.save(result.agent)
            except (AgentkitError, OSError) as exc:
                warn(f"{agent.path}: not saved: {exc}")
                problems += 1
                continue
            through = agents[index].disk_path  # a symbolic link is written through: say where
            if through:
                warn(f"{agent.path}: fixed {', '.join(result.fixed)} (wrote {through})")
        files += 1
        for rule_id in result.fixed:
            fixed[rule_id] = fixed.get(rule_id, 0) + 1
    if files:
        verb = "would fix" if dry_run else "fixed"
        warn(f"{verb} {files} file{'' if files == 1 else 's'} ({_per_rule(fixed)})")
    if skipped:
        warn(
            f"unsafe fixes left out in {skipped_files} file{'' if skipped_files == 1 else 's'} "
            f"({_per_rule(skipped)}): they change what Claude Code reads; add --unsafe-fixes to apply them"
        )
    return problems


def _per_rule(counts: dict[str, int]) -> str:
    return ", ".join(f"{rule_id} in {n} file{'' if n == 1 else 's'}" for rule_id, n in sorted(counts.items()))


def diff_path(path: Path) -> str:
    """The name a diff header gives the file: relative to the working folder, with '/' between parts, as git
    writes it, so that `git apply` or `patch -p1` run here finds the file (`a/` and `b/` are added)."""
    return Path(os.path.relpath(os.path.abspath(path))).as_posix()
