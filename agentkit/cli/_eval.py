"""`agentkit eval`: run a suite and gate CI on it; `agentkit eval runs` and `agentkit eval diff` read the
run history.

`agentkit eval SUITE [options]` is `agentkit eval run SUITE [options]`: a first argument that is not
one of the subcommands is a suite.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli._common import OK, PROBLEMS, USAGE, echo_json, format_option


class CannotRun(click.ClickException):
    """The suite cannot run (a mistake in it, no key, no recording): exit 2, one line."""

    exit_code = USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"agentkit eval: {self.message}", err=True)


class EvalGroup(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(
            ctx.command_path, "SUITE [OPTIONS]  |  runs [OPTIONS]  |  diff RUN_A RUN_B [OPTIONS]"
        )


@click.group("eval", cls=EvalGroup)
def eval_() -> None:
    """Run an evaluation suite and gate CI on it; list and compare stored runs.

    `agentkit eval SUITE` (the same as `agentkit eval run SUITE`) runs a suite; `agentkit eval runs`
    lists the stored runs; `agentkit eval diff RUN_A RUN_B` says per case what regressed, what was
    fixed and what stayed. See `agentkit eval run --help` for the options of a run.
    """


def _fraction(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise click.BadParameter(f"must be a number between 0 and 1, not {value}")
    return value


@eval_.command("run")
@click.argument("suite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("table", "json", "junit")
@click.option(
    "--min-pass-rate",
    type=float,
    callback=_fraction,
    metavar="X",
    help="Pass when every version passes at least X (0 to 1) of its samples; overrides the suite's "
    "min_pass_rate. Without either, every case must pass.",
)
@click.option(
    "--min-routing-accuracy",
    type=float,
    callback=_fraction,
    metavar="X",
    help="Exit 1 when a router's accuracy is below X; overrides the suite's routing.min_accuracy.",
)
@click.option(
    "--repeat", type=click.IntRange(1, 1000), metavar="N", help="Samples per case (overrides the suite)."
)
@click.option(
    "--model", "models", multiple=True, metavar="M", help="Run on this model (repeatable; overrides)."
)
@click.option(
    "--concurrency", type=click.IntRange(1, 64), metavar="N", help="Requests at a time (default 4)."
)
@click.option(
    "--check-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Seconds a check may take (python checks, regexes); overrides the suite's check_timeout (default 10).",
)
@click.option(
    "--no-cache", is_flag=True, help="Ask again even for recorded samples (and record the answers)."
)
@click.option(
    "--batch",
    is_flag=True,
    help="Send the answers through the Message Batches API (half the price; API mode only). Polls with "
    "progress; after an interrupt, the same command resumes the same batch.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(0, 20),
    default=2,
    show_default=True,
    metavar="N",
    help="The SDK's retries on 429/529/5xx, per request.",
)
@click.option("--no-routing", is_flag=True, help="Skip the suite's routing section.")
def run_(
    suite: Path,
    fmt: str,
    min_pass_rate: float | None,
    min_routing_accuracy: float | None,
    repeat: int | None,
    models: tuple[str, ...],
    concurrency: int | None,
    check_timeout: float | None,
    no_cache: bool,
    batch: bool,
    max_retries: int,
    no_routing: bool,
) -> int:
    """Run the evaluation SUITE (a YAML file) and report pass rates, comparisons and routing.

    Every version x model x case x sample is answered through the Anthropic API (recorded answers are
    reused, so a second run is free), checked against the case's assertions, and summarised with 95%
    intervals over cases; versions are compared pairwise on the same cases. The run is stored with an
    id (shown above the verdict). Progress goes to standard error; Ctrl-C stops the run and reports
    what finished.

    Exit 0 when every case passes (or every version reaches --min-pass-rate / the suite's
    min_pass_rate) and every router its minimum accuracy; 1 when one does not, a sample could not be
    judged (an API error, a check that raised or ran past its time limit), or the run was stopped; 2
    when the suite cannot run (a mistake in it, no API key, an answer not recorded in replay mode).
    AGENTKIT_REPLAY=1 answers only from recordings and names any that are missing.
    """
    import dataclasses

    from agentkit import MissingKeyError, ReplayMiss, SuiteError, evals, live

    try:
        loaded = evals.load_suite(suite)
        if check_timeout is not None:
            loaded = dataclasses.replace(loaded, check_timeout=check_timeout)
        results = evals.run(
            loaded,
            repeat=repeat,
            models=list(models) or None,
            concurrency=concurrency,
            options=live.RunOptions(no_cache=no_cache, max_retries=max_retries),
            routing=not no_routing,
            batch=batch,
        )
    except (SuiteError, MissingKeyError, ReplayMiss) as e:
        raise CannotRun(" ".join(str(e).split())) from None
    problems = results.problems(min_pass_rate, min_routing_accuracy)
    if fmt == "json":
        echo_json(results.to_json(min_pass_rate, min_routing_accuracy))
    elif fmt == "junit":
        sys.stdout.write(results.to_junit())
    else:
        sys.stdout.write(results.report(min_pass_rate, min_routing_accuracy))
    if fmt != "table":
        note = results.source_note()
        if note:
            click.echo(f"agentkit eval: note: {note}", err=True)
        if results.run_id:
            click.echo(f"agentkit eval: run {results.run_id}", err=True)
        for problem in problems:
            click.echo(f"agentkit eval: {problem}", err=True)
    return PROBLEMS if problems else OK


@eval_.command("runs")
@format_option("table", "json")
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, metavar="N", help="Newest N runs."
)
def runs_(fmt: str, limit: int) -> int:
    """List the stored runs, newest first: id, when, suite, samples passed, failed and errors."""
    from agentkit import evals

    frame = evals.runs(limit)
    if fmt == "json":
        echo_json({"runs": frame.astype(object).where(frame.notna(), None).to_dict(orient="records")})
    elif frame.empty:
        click.echo("no stored runs yet: agentkit eval SUITE stores one")
    else:
        click.echo(frame.drop(columns=["description"]).to_string(index=False))
    return OK


@eval_.command("diff")
@click.argument("run_a")
@click.argument("run_b")
@format_option("table", "json")
def diff_(run_a: str, run_b: str, fmt: str) -> int:
    """Compare stored run RUN_A with RUN_B case by case: what regressed, what was fixed, what stayed.

    Runs are named by id or a unique start of one (agentkit eval runs). A case regressed when its pass
    rate went down, was fixed when it went up. Exit 1 when a case regressed, else 0.
    """
    from agentkit import evals

    changed = evals.diff(run_a, run_b)
    if fmt == "json":
        echo_json(changed.to_dict())
    else:
        click.echo(changed.text())
    return PROBLEMS if changed.regressed else OK
