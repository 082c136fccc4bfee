"""Running a suite: every version x model x case x sample through `agentkit.live`, concurrently.

Before anything is sent, the suite is checked against what the run can do (`check_setup`): a trajectory
check needs Claude Code mode, a cost check needs a price for every model. Work runs on a thread pool
(`concurrency` at a time; the SDK client is thread-safe). Each task gets its answer (cached per
sample), checks it (a user's check in its own process, with a time limit), and grades it where a check
asks a model. Results come back in suite order whatever order the threads finish in. In replay mode a
missing answer does not stop the run: every missing one is gathered, and one ReplayMiss lists them all.

Stopping: setting `stop`, or Ctrl-C (KeyboardInterrupt in the thread that called `run`), ends the run
cleanly: no new sample starts, running requests and checks are cut short, and the results hold every
sample that finished (`stopped=True`). A second Ctrl-C while it winds down interrupts at once. Every
run is stored in the run history (`_history`) unless `record=False`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import agentkit.evals._history as _history
from agentkit import live
from agentkit._errors import LiveError, MissingKeyError, ReplayMiss, SuiteError
from agentkit._progress import progress as show_progress
from agentkit.evals._agents import Version
from agentkit.evals._answers import Asker, Reply, Retry
from agentkit.evals._checks import check
from agentkit.evals._grader import GRADER_MAX_TOKENS, GraderAgent
from agentkit.evals._isolate import STOPPED
from agentkit.evals._records import Answer, GraderAccess
from agentkit.evals._results import EvalResults
from agentkit.evals._sample import OWN_MODEL, SampleResult
from agentkit.evals._suite import Case, Suite
from agentkit.evals._suite_file import suite_from
from agentkit.live._routing.evaluation import run_routing_suite


@dataclass(frozen=True)
class Task:
    version: Version
    model: str | None  # as the suite names it; None: the agent's own
    case: Case
    sample: int


def tasks_of(suite: Suite) -> list[Task]:
    return [
        Task(version, model, case, sample)
        for version in suite.agents
        for model in suite.models
        for case in suite.cases
        for sample in range(suite.repeat)
    ]


def check_setup(suite: Suite, mode: str) -> None:
    """SuiteError, once and before any request, for what no sample could be judged by."""
    for a in suite.assertions():
        if a.kind.needs == "claude-code" and mode != live.CLAUDE_CODE:
            at = f" (line {a.line})" if a.line else ""
            raise SuiteError(
                f"{a.type}{at} is judged from the tool calls of a Claude Code run: add `mode: claude-code` "
                "to the suite (or pass mode='claude-code')"
            )
    if mode != live.CLAUDE_CODE and any(c.files for c in suite.cases):
        case = next(c for c in suite.cases if c.files)
        raise SuiteError(
            f"{case.id}: files are put in the working folder of a Claude Code run: add `mode: claude-code`"
        )
    for case in suite.cases:
        if case.conversation and mode != live.API:
            raise SuiteError(f"{case.id}: a conversation runs through the API: remove `mode: {mode}`")
        for a in suite.asserts_for(case):
            if a.turn is not None and abs(a.turn) > max(1, len(case.conversation)):
                raise SuiteError(
                    f"{case.id}: {a.type} checks turn {a.turn}, but the case has {max(1, len(case.conversation))}"
                )
    if any(a.base == "cost" for a in suite.assertions()):
        for version in suite.agents:
            for model in suite.models:
                resolved = live.resolve_model(version.agent.model, model)
                if live.price_for(resolved) is None:
                    raise SuiteError(
                        f"no price for {resolved} (the model of {version.label}): a cost check cannot be judged; "
                        f'add [prices."{resolved}"] to {live.home() / "config.toml"} or remove the cost check'
                    )


def run(
    suite: Suite | str,
    *,
    concurrency: int | None = None,
    repeat: int | None = None,
    models: list[str] | None = None,
    no_cache: bool = False,
    progress: bool = True,
    on_result: Callable[[SampleResult, int, int], object] | None = None,
    stop: threading.Event | None = None,
    max_retries: int = live.DEFAULT_MAX_RETRIES,
    retries: int = 3,
    retry_wait_s: float = 2.0,
    routing: bool = True,
    record: bool = True,
    batch: bool = False,
    options: live.RunOptions | None = None,
    **live_options: Any,
) -> EvalResults:
    """Run a suite (a Suite, or the path of a suite file) and return its EvalResults.

    `concurrency`, `repeat` and `models` override the suite's. `on_result(sample, done, total)` is
    called as each sample finishes (from a worker thread). Setting `stop` (or Ctrl-C) ends the run
    early and keeps what finished (`stopped`). `max_retries` is the SDK's retry count per request;
    `retries` more attempts follow a rate limit, a server error or a cut stream, after `retry_wait_s`,
    doubling. `batch` sends the API-mode answers through the Message Batches API first (half the
    price; see `_batch`). `record=False` leaves the run out of the run history. `options` (a
    live.RunOptions) says how every answer is run: its model (when `models` is not given), max_tokens and
    temperature override the suite's, its max_retries and no_cache those above, the rest (mode, ...) go
    to `live.run`, as other keywords do (such as `mode=`). Raises SuiteError when the suite cannot run,
    ReplayMiss (listing every unrecorded run) in replay mode, MissingKeyError without a key.
    """
    suite = suite_from(suite)
    changes: dict[str, Any] = {}
    given = options.given() if options is not None else {}
    if "model" in given and models is None:
        models = [given["model"]]
    for name in ("max_tokens", "temperature"):
        if name in given:
            changes[name] = given[name]
    if changes.get("max_tokens", 0) is None:  # named at its default: the suite's default, not the suite's
        changes["max_tokens"] = live.DEFAULT_MAX_TOKENS
    no_cache = no_cache or given.get("no_cache", False)
    max_retries = given.get("max_retries", max_retries)
    live_options = {**_per_run(given), **live_options}
    if repeat is not None:
        changes["repeat"] = repeat
    if models is not None:
        changes["models"] = tuple(models)
    if concurrency is not None:
        changes["concurrency"] = concurrency
    if changes:
        suite = dataclasses.replace(suite, **changes)
    per_run = {**suite.live_options, **live_options}
    stop = stop or threading.Event()
    asker = Asker(no_cache, max_retries, Retry(retries, retry_wait_s), per_run, stop)
    check_setup(suite, asker.mode)
    tasks = tasks_of(suite)
    if batch and tasks:
        from agentkit.evals._batch import answer_in_batch

        answer_in_batch(suite, tasks, asker, progress=progress)
    results: list[SampleResult | None] = [None] * len(tasks)
    missing: list[str] = []
    lock = threading.Lock()
    done = 0

    def one(index: int) -> None:
        nonlocal done
        if stop.is_set():
            return
        task = tasks[index]
        try:
            result = evaluate_task(suite, task, asker, stop)
        except ReplayMiss as e:
            with lock:
                missing.append(f"{describe(task)} ({e})")
            return
        if stop.is_set() and _cut_by_stop(result):
            return  # not an answer: the stop cut it short
        with lock:  # one callback at a time: a widget updating its cells needs no lock of its own
            results[index] = result
            done += 1
            if on_result is not None:
                on_result(result, done, len(tasks))

    if tasks:
        workers = max(1, min(suite.concurrency, len(tasks)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="agentkit-eval")
        try:
            futures = [pool.submit(one, i) for i in range(len(tasks))]
            _wait_all(futures, stop, progress, len(tasks))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    routed, routing_missing = None, ""
    if routing and suite.routing is not None and not stop.is_set():
        try:
            routed = run_routing_suite(suite.routing, asker.route)
        except ReplayMiss as e:
            routing_missing = str(e).removeprefix("replay mode (AGENTKIT_REPLAY=1): ")
    if missing or routing_missing:
        parts = []
        if missing:
            shown = "; ".join(missing[:6]) + (f"; and {len(missing) - 6} more" if len(missing) > 6 else "")
            parts.append(f"{len(missing)} of {len(tasks)} samples are not recorded: {shown}")
        if routing_missing:
            parts.append(routing_missing)
        raise ReplayMiss("replay mode (AGENTKIT_REPLAY=1): " + "; ".join(parts))
    kept = tuple(r for r in results if r is not None)
    outcome = EvalResults(suite, kept, routed, stopped=stop.is_set() or len(kept) < len(tasks))
    if record and not live.replaying():  # replay reads recordings and writes nothing
        outcome = dataclasses.replace(outcome, run_id=_history.record(outcome))
    return outcome


def _per_run(given: dict[str, Any]) -> dict[str, Any]:
    """The run options a suite's run passes to each `live.run` as they are (the rest it sets per sample)."""
    return {
        k: v
        for k, v in given.items()
        if k not in ("model", "max_tokens", "temperature", "no_cache", "max_retries")
    }


def _cut_by_stop(result: SampleResult) -> bool:
    return result.status == "error" and (
        "stopped" in (result.error or "") or any(c.error == STOPPED for c in result.checks)
    )


def _completions(futures: list[Future[None]]) -> Iterator[Future[None]]:
    pending = set(futures)
    while pending:  # short waits: Ctrl-C reaches this thread between them
        finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        yield from finished


def _wait_all(futures: list[Future[None]], stop: threading.Event, progress: bool, total: int) -> None:
    """Wait for every task, showing progress. Ctrl-C sets `stop` and waits for the running tasks to wind
    down (a second Ctrl-C interrupts that too); another unexpected error stops the rest and is raised."""
    finished: Iterable[Future[None]] = _completions(futures)
    if progress:
        finished = show_progress(finished, total=total, desc="eval", min_items=2)
    try:
        for future in finished:
            error = future.exception()
            if error is not None:
                raise error
    except KeyboardInterrupt:
        stop.set()
        for f in futures:
            f.cancel()
        wait([f for f in futures if not f.cancelled()])
    except BaseException:
        stop.set()
        for f in futures:
            f.cancel()
        raise


def describe(task: Task) -> str:
    model = task.model or "own model"
    return f"{task.version.label} x {model} x {task.case.id} sample {task.sample + 1}"


def evaluate_task(
    suite: Suite, task: Task, asker: Asker, stop: threading.Event | None = None
) -> SampleResult:
    """Answer, check and grade one sample. API failures become an error result (not an exception),
    except a missing key (every other sample would fail the same way) and replay misses."""
    agent = task.version.agent
    axis = task.model or OWN_MODEL
    turns = task.case.conversation or (task.case.prompt,)
    replies: list[Reply] = []
    for turn in turns:  # a conversation: each answer is the history of the next turn
        try:
            reply = asker.answer(
                agent,
                turn,
                model=task.model,
                sample=task.sample,
                max_tokens=suite.max_tokens,
                temperature=suite.temperature,
                files=task.case.files,
                history=[(t, r.text) for t, r in zip(turns, replies, strict=False)],
            )
        except (ReplayMiss, MissingKeyError):
            raise
        except LiveError as e:
            return _error(task, axis, live.resolve_model(agent.model, task.model), str(e), *replies[-1:])
        if not reply.complete:
            return _error(task, axis, reply.model, f"the answer was cut short: {reply.error}", reply)
        replies.append(reply)
    conversation = tuple({"user": t, "answer": r.text} for t, r in zip(turns, replies, strict=True))

    def answer_of(index: int) -> Answer:
        reply = replies[index]

        def ask(
            system_prompt: str, message: str, model: str
        ) -> tuple[str, str, str, bool, float | None, str]:
            graded = asker.ask_grader(
                GraderAgent(system_prompt), message, model, GRADER_MAX_TOKENS, reply.run_id
            )
            if not graded.complete:
                raise LiveError(f"the grader's answer was cut short: {graded.error}")
            return graded.text, graded.model, graded.source, graded.cached, graded.cost_usd, graded.run_id

        context = {
            "prompt": turns[index],
            "case": task.case.id,
            "description": task.case.description,
            "vars": dict(task.case.vars),
            "version": task.version.label,
            "agent": agent.name,
            "model": reply.model,
            "sample": task.sample,
            "cost_usd": reply.cost_usd,
            "latency_s": reply.latency_s,
            "output_tokens": reply.output_tokens,
            "tool_calls": [dict(c) for c in reply.tool_calls],
            "turns": reply.turns,
            "conversation": [dict(t) for t in conversation[: index + 1]],
        }
        return Answer(
            reply.text,
            reply.cost_usd,
            reply.latency_s,
            context,
            reply.tool_calls,
            reply.turns,
            reply.mode,
            GraderAccess(suite.grader_model, suite.grader_prompt, ask),
        )

    answers = [answer_of(i) for i in range(len(replies))]
    checks = [
        check(
            a,
            answers[-1 if a.turn is None else a.turn - 1 if a.turn > 0 else a.turn],  # turn 1 is answers[0]
            timeout=suite.check_timeout,
            stop=stop,
        )
        for a in suite.asserts_for(task.case)
    ]
    reply = replies[-1]
    weights = sum(c.weight for c in checks)
    score = sum(c.score * c.weight for c in checks) / weights if weights else 1.0
    grades = [c.grade for c in checks if c.grade is not None]
    grader_cost = None if any(g.cost_usd is None for g in grades) else sum(g.cost_usd or 0.0 for g in grades)
    failed = [c for c in checks if c.error is not None]
    if failed:
        status, error = "error", "; ".join(f"{c.assertion}: {c.error}" for c in failed)
    elif task.case.threshold is not None:
        status, error = ("pass" if score >= task.case.threshold else "fail"), None
    else:
        status, error = ("pass" if all(c.passed for c in checks) else "fail"), None
    return SampleResult(
        case=task.case.id,
        prompt=task.case.prompt,
        version=task.version.label,
        agent=agent.name,
        path=str(agent.path),
        model_axis=axis,
        model=reply.model,
        sample=task.sample,
        status=status,
        score=None if status == "error" else score,
        answer=reply.text,
        checks=tuple(checks),
        error=error,
        input_tokens=_sum(r.input_tokens for r in replies),
        output_tokens=_sum(r.output_tokens for r in replies),
        cost_usd=_sum(r.cost_usd for r in replies),
        grader_cost_usd=grader_cost,
        latency_s=_sum(r.latency_s for r in replies),
        cached=reply.cached,
        source=reply.source,
        run_id=reply.run_id,
        description=task.case.description,
        tool_calls=tuple(dict(c) for c in reply.tool_calls),
        turns=reply.turns,
        vars=dict(task.case.vars),
        conversation=conversation if task.case.conversation else (),
    )


def _sum(values: Iterable[Any]) -> Any:
    """The total of a conversation's numbers; None when one of them is unknown."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _error(task: Task, axis: str, model: str, message: str, reply: Reply | None = None) -> SampleResult:
    return SampleResult(
        case=task.case.id,
        prompt=task.case.prompt,
        version=task.version.label,
        agent=task.version.agent.name,
        path=str(task.version.agent.path),
        model_axis=axis,
        model=model,
        sample=task.sample,
        status="error",
        score=None,
        answer=reply.text if reply else "",
        checks=(),
        error=message,
        input_tokens=reply.input_tokens if reply else None,
        output_tokens=reply.output_tokens if reply else None,
        cost_usd=reply.cost_usd if reply else None,
        grader_cost_usd=None,
        latency_s=reply.latency_s if reply else None,
        cached=reply.cached if reply else False,
        source=reply.source if reply else live.current_source(),
        run_id=reply.run_id if reply else None,
        description=task.case.description,
        tool_calls=tuple(dict(c) for c in reply.tool_calls) if reply else (),
        turns=reply.turns if reply else None,
        vars=dict(task.case.vars),
    )
