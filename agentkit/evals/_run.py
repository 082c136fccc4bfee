"""Running a suite: every version x model x case x sample through `agentkit.live`, concurrently.

Work runs on a thread pool (`concurrency` at a time; the SDK client is thread-safe). Each task gets its
answer (cached per sample), checks it, and grades it when the case has an llm-rubric. Results come back
in suite order whatever order the threads finish in. In replay mode a missing answer does not stop the
run: every missing one is gathered, and one ReplayMiss lists them all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from agentkit import live
from agentkit._errors import LiveError, MissingKeyError, ReplayMiss
from agentkit._progress import progress as show_progress
from agentkit.evals._agents import Version
from agentkit.evals._answers import Answer, Asker, Retry
from agentkit.evals._checks import AnswerFacts, Check, check
from agentkit.evals._grader import GRADER_MAX_TOKENS, grade
from agentkit.evals._results import OWN_MODEL, EvalResults, SampleResult
from agentkit.evals._routing import run_routing_suite
from agentkit.evals._suite import Case, Suite, suite_from


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
    **live_options: Any,
) -> EvalResults:
    """Run a suite (a Suite, or the path of a suite file) and return its EvalResults.

    `concurrency`, `repeat` and `models` override the suite's. `on_result(sample, done, total)` is
    called as each sample finishes (from a worker thread). Setting `stop` ends the run early: samples
    not yet started are left out and the results say `stopped`. `max_retries` is the SDK's retry count
    per request; `retries` more attempts follow a rate limit, an overload or a cut stream, after
    `retry_wait_s`, doubling. Other keywords go to `live.run` (such as `mode=` where live has it).
    Raises ReplayMiss (listing every unrecorded run) in replay mode, MissingKeyError without a key.
    """
    import dataclasses

    suite = suite_from(suite)
    changes: dict[str, Any] = {}
    if repeat is not None:
        changes["repeat"] = repeat
    if models is not None:
        changes["models"] = tuple(models)
    if concurrency is not None:
        changes["concurrency"] = concurrency
    if changes:
        suite = dataclasses.replace(suite, **changes)
    stop = stop or threading.Event()
    asker = Asker(
        no_cache=no_cache,
        max_retries=max_retries,
        retry=Retry(retries, retry_wait_s),
        live_options={**suite.live_options, **live_options},
        stop=stop,
    )
    tasks = tasks_of(suite)
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
            result = evaluate_task(suite, task, asker)
        except ReplayMiss as e:
            with lock:
                missing.append(f"{describe(task)} ({e})")
            return
        with lock:  # one callback at a time: a widget updating its cells needs no lock of its own
            results[index] = result
            done += 1
            if on_result is not None:
                on_result(result, done, len(tasks))

    if tasks:
        workers = max(1, min(suite.concurrency, len(tasks)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="agentkit-eval") as pool:
            futures = [pool.submit(one, i) for i in range(len(tasks))]
            _wait_all(futures, stop, progress, len(tasks))
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
    return EvalResults(suite, kept, routed, stopped=len(kept) < len(tasks))


def _wait_all(futures: list[Future[None]], stop: threading.Event, progress: bool, total: int) -> None:
    """Wait for every task, showing progress; the first unexpected error stops the rest and is raised."""
    from concurrent.futures import as_completed

    finished = as_completed(futures)
    if progress:
        finished = show_progress(finished, total=total, desc="eval", min_items=2)
    try:
        for future in finished:
            error = future.exception()
            if error is not None:
                raise error
    except BaseException:  # stop the rest: tasks not started are cancelled, running ones see `stop`
        stop.set()
        for f in futures:
            f.cancel()
        raise


def describe(task: Task) -> str:
    model = task.model or "own model"
    return f"{task.version.label} x {model} x {task.case.id} sample {task.sample + 1}"


def evaluate_task(suite: Suite, task: Task, asker: Asker) -> SampleResult:
    """Answer, check and grade one sample. API failures become an error result (not an exception),
    except a missing key (every other sample would fail the same way) and replay misses."""
    agent = task.version.agent
    axis = task.model or OWN_MODEL
    try:
        answer = asker.answer(
            agent,
            task.case.prompt,
            model=task.model,
            sample=task.sample,
            max_tokens=suite.max_tokens,
            temperature=suite.temperature,
        )
    except (ReplayMiss, MissingKeyError):
        raise
    except LiveError as e:
        return _error(task, axis, live.resolve_model(agent.model, task.model), str(e))
    if not answer.complete:
        return _error(task, axis, answer.model, f"the answer was cut short: {answer.error}", answer)
    facts = AnswerFacts(
        answer.text,
        answer.cost_usd,
        answer.latency_s,
        {
            "prompt": task.case.prompt,
            "case": task.case.id,
            "version": task.version.label,
            "agent": agent.name,
            "model": answer.model,
            "sample": task.sample,
            "cost_usd": answer.cost_usd,
            "latency_s": answer.latency_s,
            "output_tokens": answer.output_tokens,
        },
    )
    checks: list[Check] = []
    for assertion in suite.asserts_for(task.case):
        if assertion.base != "llm-rubric":
            checks.append(check(assertion, facts))
            continue
        try:
            checks.append(_grade(suite, assertion, task.case.prompt, answer.text, asker))
        except (ReplayMiss, MissingKeyError):
            raise
        except LiveError as e:
            return _error(task, axis, answer.model, f"grading failed: {e}", answer)
    weights = sum(c.weight for c in checks)
    score = sum(c.score * c.weight for c in checks) / weights if weights else 1.0
    grades = [c.grade for c in checks if c.grade is not None]
    grader_cost = None if any(g.cost_usd is None for g in grades) else sum(g.cost_usd or 0.0 for g in grades)
    return SampleResult(
        case=task.case.id,
        prompt=task.case.prompt,
        version=task.version.label,
        agent=agent.name,
        path=str(agent.path),
        model_axis=axis,
        model=answer.model,
        sample=task.sample,
        status="pass" if all(c.passed for c in checks) else "fail",
        score=score,
        answer=answer.text,
        checks=tuple(checks),
        error=None,
        input_tokens=answer.input_tokens,
        output_tokens=answer.output_tokens,
        cost_usd=answer.cost_usd,
        grader_cost_usd=grader_cost,
        latency_s=answer.latency_s,
        cached=answer.cached,
        source=answer.source,
        run_id=answer.run_id,
    )


def _grade(suite: Suite, assertion: Any, request: str, text: str, asker: Asker) -> Check:
    model = assertion.model or suite.grader_model

    def ask(grader: Any, message: str, model: str) -> tuple[str, str, str, bool, float | None, str]:
        reply: Answer = asker.ask_grader(grader, message, model, GRADER_MAX_TOKENS)
        if not reply.complete:
            raise LiveError(f"the grader's answer was cut short: {reply.error}")
        return reply.text, reply.model, reply.source, reply.cached, reply.cost_usd, reply.run_id

    return grade(assertion, request, text, model=model, ask=ask, system_prompt=suite.grader_prompt)


def _error(task: Task, axis: str, model: str, message: str, answer: Answer | None = None) -> SampleResult:
    from agentkit import live

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
        answer=answer.text if answer else "",
        checks=(),
        error=message,
        input_tokens=answer.input_tokens if answer else None,
        output_tokens=answer.output_tokens if answer else None,
        cost_usd=answer.cost_usd if answer else None,
        grader_cost_usd=None,
        latency_s=answer.latency_s if answer else None,
        cached=answer.cached if answer else False,
        source=answer.source if answer else live.current_source(),
        run_id=answer.run_id if answer else None,
    )
