"""Send Claude Code's captured request to the API, and say what each answer does first.

An answer is classified by its first action: an `Agent` call picks the agent its `subagent_type` names,
resolved as Claude Code resolves it (exactly; else with case, spaces, `_` and `-` ignored; none given:
`general-purpose`; `fork`, or a name Claude Code refuses, leaves the work with the main agent); a `Skill`
call, any other tool, or text alone is `(self)`: the main agent does the work. `detail` says which, and
`words` keeps what the model wrote before its first call.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agentkit._reader.claude_code import (
    AGENT_TOOL,
    DEFAULT_SUBAGENT_TYPE,
    FORK_SUBAGENT_TYPE,
    SKILL_TOOL,
    SUBAGENT_TYPE_IGNORED,
)
from agentkit.live._api import api_error, client
from agentkit.live._prices import usage_cost_usd
from agentkit.live._routing.capture import Capture
from agentkit.live._source import base_url, from_response, is_anthropic

SELF = "(self)"
DEFAULT_MAX_TOKENS = 4096  # enough for thinking and a first action; the captured request asks for far more


@dataclass(frozen=True, slots=True)
class Sample:
    """One answer to the replayed request, and what it did first."""

    index: int
    label: str  # the agent name as Claude Code lists it, or "(self)"
    detail: str  # "Agent", "text", "tool: Read", "skill: x", "fork", "refused: ...", "no answer"
    subagent_type: str | None  # as the model wrote it (None: not given, or no Agent call)
    words: str  # the model's text before its first tool call
    stop_reason: str | None
    input_tokens: int | None
    output_tokens: int | None
    cache_read_input_tokens: int | None
    cache_creation_input_tokens: int | None
    cost_usd: float | None
    latency_s: float | None
    source: str  # anthropic, stand-in, endpoint
    endpoint: str | None = None
    error: str | None = None  # the sample failed: it counts in no pick
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


# -- resolving an Agent call --------------------------------------------------------------------------------
def _fold(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).lower()
    return "".join(c for c in folded if c not in SUBAGENT_TYPE_IGNORED)


def resolve_agent(subagent_type: Any, names: Sequence[str]) -> tuple[str | None, str]:
    """(the listed agent Claude Code would start, or None; why, in words) for an Agent call's
    `subagent_type` (None when the call gives none)."""
    if subagent_type is None:
        return (
            DEFAULT_SUBAGENT_TYPE if DEFAULT_SUBAGENT_TYPE in names else None
        ), "no subagent_type: the default"
    if not isinstance(subagent_type, str):
        return None, f"refused: subagent_type {subagent_type!r} is not text"
    if subagent_type in names:
        return subagent_type, "Agent"
    if subagent_type == FORK_SUBAGENT_TYPE:
        return None, "fork: a copy of the main agent"
    matches = [n for n in names if _fold(n) == _fold(subagent_type)] if _fold(subagent_type) else []
    if len(matches) == 1:
        return matches[0], f"Agent ({subagent_type!r} matched)"
    if matches:
        return None, f"refused: {subagent_type!r} is ambiguous ({', '.join(matches)})"
    return None, f"refused: no agent {subagent_type!r}"


def classify(
    blocks: Sequence[Mapping[str, Any]], names: Sequence[str], stop_reason: str | None
) -> tuple[str, str, str | None, str]:
    """(label, detail, subagent_type, words) of an answer's content blocks."""
    words: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "text":
            words.append(str(block.get("text") or ""))
        elif kind == "tool_use":
            said = "".join(words).strip()
            name = block.get("name")
            data = given if isinstance(given := block.get("input"), dict) else {}
            if name == AGENT_TOOL:
                wanted = data.get("subagent_type")
                agent, why = resolve_agent(wanted, names)
                return (agent or SELF), why, (wanted if isinstance(wanted, str) else None), said
            if name == SKILL_TOOL:
                return SELF, f"skill: {data.get('skill', '?')}", None, said
            return SELF, f"tool: {name}", None, said
    said = "".join(words).strip()
    if said:
        return SELF, "text", None, said
    return SELF, ("no answer (max_tokens reached)" if stop_reason == "max_tokens" else "no answer"), None, ""


# -- sending -----------------------------------------------------------------------------------------------
def request_params(capture: Capture, max_tokens: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The captured body as SDK arguments (what the SDK knows by name, the rest as extra_body) and the beta
    headers. `max_tokens` may only lower the captured limit."""
    body = json.loads(json.dumps(dict(capture.body)))  # a deep copy: the capture stays as captured
    body.pop("stream", None)
    limit = body.pop("max_tokens", max_tokens)
    params: dict[str, Any] = {
        "model": body.pop("model"),
        "max_tokens": min(max_tokens, limit) if isinstance(limit, int) else max_tokens,
        "messages": body.pop("messages"),
        "stream": True,
    }
    if body:
        params["extra_body"] = body
    headers = {"anthropic-beta": ",".join(capture.betas)} if capture.betas else {}
    return params, headers


def send(
    capture: Capture,
    index: int,
    *,
    max_tokens: int,
    api_key: str | None,
    max_retries: int,
    timeout: float,
) -> Sample:
    """One answer to the captured request, streamed and classified. API errors raise LiveError."""
    url = base_url()
    endpoint = None if is_anthropic(url) else url
    params, headers = request_params(capture, max_tokens)
    made = client(api_key, max_retries, timeout)
    started = time.perf_counter()
    try:
        raw = made.messages.create(**params, extra_headers=headers)
    except Exception as e:  # the SDK has already retried what it retries
        raise api_error(e, params["model"], max_retries, api_key) from None
    source = from_response(url, raw.response.headers)
    blocks: list[dict[str, Any]] = []
    partial: dict[int, list[str]] = {}
    usage: dict[str, int | None] = {}
    stop_reason = None
    try:
        for event in raw:
            kind = getattr(event, "type", None)
            if kind == "message_start":
                u = event.message.usage
                usage = {
                    "input_tokens": getattr(u, "input_tokens", None),
                    "output_tokens": getattr(u, "output_tokens", None),
                    "cache_read_input_tokens": getattr(u, "cache_read_input_tokens", None) or 0,
                    "cache_creation_input_tokens": getattr(u, "cache_creation_input_tokens", None) or 0,
                }
            elif kind == "content_block_start":
                block = event.content_block
                entry: dict[str, Any] = {"type": getattr(block, "type", None)}
                if entry["type"] == "tool_use":
                    entry["name"] = getattr(block, "name", None)
                    entry["input"] = {}
                elif entry["type"] == "text":
                    entry["text"] = getattr(block, "text", "") or ""
                blocks.append(entry)
                partial[event.index] = []
            elif kind == "content_block_delta":
                delta = event.delta
                if delta.type == "text_delta" and blocks:
                    blocks[-1]["text"] = blocks[-1].get("text", "") + delta.text
                elif delta.type == "input_json_delta":
                    partial.setdefault(event.index, []).append(delta.partial_json)
            elif kind == "content_block_stop":
                if blocks and blocks[-1].get("type") == "tool_use":
                    text = "".join(partial.get(event.index, []))
                    try:
                        blocks[-1]["input"] = json.loads(text) if text.strip() else {}
                    except ValueError:
                        blocks[-1]["input"] = {}
            elif kind == "message_delta":
                stop_reason = getattr(event.delta, "stop_reason", None)
                u = event.usage
                usage["output_tokens"] = getattr(u, "output_tokens", None)
                for field_name in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
                    value = getattr(u, field_name, None)
                    if value is not None:
                        usage[field_name] = value
    finally:
        raw.close()
    latency = time.perf_counter() - started
    label, detail, wanted, words = classify(blocks, capture.agent_names, stop_reason)
    model = params["model"]
    return Sample(
        index=index,
        label=label,
        detail=detail,
        subagent_type=wanted,
        words=words,
        stop_reason=stop_reason,
        input_tokens=usage.get("input_tokens"),
        output_tokens=usage.get("output_tokens"),
        cache_read_input_tokens=usage.get("cache_read_input_tokens"),
        cache_creation_input_tokens=usage.get("cache_creation_input_tokens"),
        cost_usd=usage_cost_usd(
            model,
            usage.get("input_tokens"),
            usage.get("output_tokens"),
            usage.get("cache_read_input_tokens"),
            usage.get("cache_creation_input_tokens"),
        ),
        latency_s=latency,
        source=source,
        endpoint=endpoint,
    )
