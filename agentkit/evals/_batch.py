"""`--batch`: API-mode answers through the Message Batches API, at half the price.

Before the samples are checked, every answer not yet recorded is sent in one batch
(`POST /v1/messages/batches`, each request exactly what `agentkit.live` sends: the agent's body as the
system prompt, the prompt as the user message, the model, max_tokens and temperature). The batch is
polled, with progress, until it ends; its answers are stored in the evaluation cache, priced at half the
list price, and the run then reads them as recorded answers. The batch's id is stored first: a run
interrupted while waiting (Ctrl-C, a closed laptop) resumes polling the same batch when run again,
instead of paying for a second one. Requests the batch could not answer (errored, canceled, expired)
are asked directly, as without `--batch`. Claude Code mode runs Claude Code's own tool loop, which a
batch cannot: a suite in that mode is refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import agentkit.evals._store as _store
from agentkit import live
from agentkit._errors import LiveError, MissingKeyError, SuiteError
from agentkit._progress import progress as show_progress
from agentkit.evals._answers import Asker, Reply, cache_get, cache_put, content_key, endpoint

BATCH_DISCOUNT = 0.5  # the Message Batches API's price, as a share of the list price
POLL_S = 2.0


def _params(
    agent: Any, prompt: str, model: str, max_tokens: int, temperature: float | None
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": prompt}],
    }
    if agent.prompt:
        params["system"] = agent.prompt
    if temperature is not None:
        params["temperature"] = temperature
    return params


def _client(max_retries: int) -> Any:
    import anthropic

    try:
        client = anthropic.Anthropic(max_retries=max_retries)
    except anthropic.AnthropicError as e:  # no key
        raise MissingKeyError(f"--batch needs an Anthropic API key: {e}") from None
    return client


def answer_in_batch(
    suite: Any, tasks: Sequence[Any], asker: Asker, *, progress: bool = True, poll_s: float | None = None
) -> int:
    """Answer the tasks' unrecorded samples through one batch; how many answers it stored."""
    if asker.mode != live.API:
        raise SuiteError("--batch sends direct API requests: a suite in claude-code mode cannot use it")
    if live.replaying():
        return 0  # replay sends nothing: the recorded answers are read as usual
    pending: dict[str, dict[str, Any]] = {}
    for task in tasks:
        agent = task.version.agent
        args = dict(
            model=task.model, sample=task.sample, max_tokens=suite.max_tokens, temperature=suite.temperature
        )
        key = asker.answer_key(agent, task.case.prompt, **args)
        if key in pending or (not asker.no_cache and cache_get(key) is not None):
            continue
        model = live.resolve_model(agent.model, task.model)
        pending[key] = _params(agent, task.case.prompt, model, suite.max_tokens, suite.temperature)
    if not pending:
        return 0
    client = _client(asker.max_retries)
    job = content_key("batch", keys=sorted(pending))
    found = _store.execute("SELECT batch_id FROM batches WHERE key = ? AND endpoint = ?", (job, endpoint()))
    custom = {key[:64]: key for key in pending}  # custom_id: at most 64 characters
    try:
        if found:
            batch_id = found[0][0]
        else:
            requests = [{"custom_id": cid, "params": pending[key]} for cid, key in custom.items()]
            batch_id = client.messages.batches.create(requests=requests).id
            _store.execute(
                "INSERT OR REPLACE INTO batches (key, batch_id, endpoint, created, requests) VALUES (?, ?, ?, ?, ?)",
                (
                    job,
                    batch_id,
                    endpoint(),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    json.dumps(len(requests)),
                ),
            )
        batch = _wait(client, batch_id, len(pending), asker, progress, POLL_S if poll_s is None else poll_s)
        if batch is None:
            return 0  # stopped: the batch id stays stored, a later run resumes it
        stored = _collect(client, batch_id, custom, pending, asker)
    except (MissingKeyError, SuiteError):
        raise
    except Exception as e:
        raise LiveError(f"the Message Batches API failed: {' '.join(str(e).split())}") from None
    _store.execute("DELETE FROM batches WHERE key = ?", (job,))
    return stored


def _wait(client: Any, batch_id: str, total: int, asker: Asker, progress: bool, poll_s: float) -> Any:
    def polls() -> Any:
        while True:
            batch = client.messages.batches.retrieve(batch_id)
            yield batch
            if batch.processing_status == "ended" or (asker.stop is not None and asker.stop.is_set()):
                return
            if asker.stop is not None:
                asker.stop.wait(poll_s)
            else:
                time.sleep(poll_s)

    seen = show_progress(polls(), total=None, desc=f"batch {batch_id}", min_items=0) if progress else polls()
    last = None
    for batch in seen:
        last = batch
    if last is None or last.processing_status != "ended":
        return None
    return last


def _collect(
    client: Any, batch_id: str, custom: dict[str, str], pending: dict[str, dict[str, Any]], asker: Asker
) -> int:
    stored = 0
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    source = live.current_source()
    for line in client.messages.batches.results(batch_id):
        key = custom.get(line.custom_id)
        if key is None or line.result.type != "succeeded":
            continue  # asked directly later
        message = line.result.message
        text = "".join(b.text for b in message.content if getattr(b, "type", "") == "text")
        usage = message.usage
        cost = live.cost_usd(message.model, usage.input_tokens, usage.output_tokens)
        reply = Reply(
            text=text,
            model=message.model,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=None if cost is None else cost * BATCH_DISCOUNT,
            latency_s=None,  # a batch has no per-request time
            stop_reason=message.stop_reason,
            complete=message.stop_reason in ("end_turn", "stop_sequence", "max_tokens"),
            error=None,
            run_id=f"{batch_id}/{line.custom_id}",
            timestamp=now,
            source=source,
            mode=live.API,
            endpoint=endpoint(),
        )
        cache_put(key, "answer", reply.to_dict())
        asker.answered[key] = replace(reply, cached=False)
        stored += 1
    return stored
