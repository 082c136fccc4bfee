"""`agentkit eval`: run a suite, print the results, and fail a CI job when a threshold is not met."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json, format_option


def _fraction(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise click.BadParameter(f"must be a number between 0 and 1, not {value}")
    return value


@click.command("eval")
@click.argument("suite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("table", "json", "junit")
@click.option(
    "--min-pass-rate",
    type=float,
    callback=_fraction,
    metavar="X",
    help="Exit 1 when a version passes less than X (0 to 1) of its samples; overrides the suite's.",
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
    "--no-cache", is_flag=True, help="Ask again even for recorded samples (and record the answers)."
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
def eval_(
    suite: Path,
    fmt: str,
    min_pass_rate: float | None,
    min_routing_accuracy: float | None,
    repeat: int | None,
    models: tuple[str, ...],
    concurrency: int | None,
    no_cache: bool,
    max_retries: int,
    no_routing: bool,
) -> int:
    """Run the evaluation SUITE (a YAML file) and report pass rates, comparisons and routing.

    Every version x model x case x sample is answered through the Anthropic API (recorded answers are
    reused, so a second run is free), checked against the case's assertions, and summarised with 95%
    intervals; versions are compared pairwise on the same cases. Progress goes to standard error.
    Exit 1 when a version's pass rate is below --min-pass-rate (or the suite's min_pass_rate), when a
    router is below its minimum accuracy, or when a sample could not be judged. AGENTKIT_REPLAY=1
    answers only from recordings and names any that are missing.
    """
    from agentkit import evals

    loaded = evals.load_suite(suite)
    results = evals.run(
        loaded,
        repeat=repeat,
        models=list(models) or None,
        concurrency=concurrency,
        no_cache=no_cache,
        max_retries=max_retries,
        routing=not no_routing,
    )
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
        for problem in problems:
            click.echo(f"agentkit eval: {problem}", err=True)
    return PROBLEMS if problems else OK
