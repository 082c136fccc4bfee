"""Where an answer came from: the Anthropic API, agentkit's local stand-in, or some other endpoint.

Every RunResult and history row carries one of these, so nothing fake is shown as real:
- "anthropic": the Anthropic API (no `ANTHROPIC_BASE_URL`, or one on anthropic.com);
- "stand-in": agentkit's local stand-in of the Messages API (tests, benchmarks, the committed notebook
  recordings). Its answers echo the request and its token counts are word counts: they are not Claude's;
- "endpoint": any other base URL (a gateway or proxy). It may well forward to Claude; agentkit cannot tell;
- "unknown": a run recorded before agentkit kept this.

The stand-in says what it is: a header on every response (checked on direct API runs, at no cost) and
`GET <base>/agentkit/stand-in` answering `{"stand_in": "agentkit"}`, which is asked only of loopback base
URLs (never of the real API, never of a remote host) and only when no response can be seen (Claude Code
runs), once per base URL and process.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

ANTHROPIC = "anthropic"
STAND_IN = "stand-in"
ENDPOINT = "endpoint"
UNKNOWN = "unknown"
SOURCES = (ANTHROPIC, STAND_IN, ENDPOINT, UNKNOWN)

STAND_IN_HEADER = "x-agentkit-stand-in"
IDENTITY_PATH = "/agentkit/stand-in"
_PROBE_TIMEOUT_S = 2.0


def base_url() -> str | None:
    """The base URL requests go to (`ANTHROPIC_BASE_URL`), without credentials, query or fragment."""
    raw = os.environ.get("ANTHROPIC_BASE_URL", "").strip()
    return clean_url(raw) if raw else None


def clean_url(url: str) -> str:
    """`url` without a user:password part, a query or a fragment (they may hold secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def is_anthropic(url: str | None) -> bool:
    if url is None:
        return True
    host = (urlsplit(url).hostname or "").lower()
    return host == "anthropic.com" or host.endswith(".anthropic.com")


def is_loopback(url: str | None) -> bool:
    if url is None:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_response(url: str | None, headers: object) -> str:
    """The source of an answer whose HTTP response headers were seen (direct API runs)."""
    value = None
    getter = getattr(headers, "get", None)
    if getter is not None:
        value = getter(STAND_IN_HEADER)
    if value is not None and str(value).strip() == "1":
        return STAND_IN
    return ANTHROPIC if is_anthropic(url) else ENDPOINT


_probed: dict[str, bool] = {}
_probe_lock = threading.Lock()


def is_stand_in(url: str | None) -> bool:
    """Ask a loopback base URL whether it is agentkit's stand-in (cached). Remote hosts are never asked."""
    if url is None or not is_loopback(url):
        return False
    with _probe_lock:
        if url in _probed:
            return _probed[url]
    answer = False
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with direct.open(url + IDENTITY_PATH, timeout=_PROBE_TIMEOUT_S) as response:
            answer = response.headers.get(STAND_IN_HEADER) == "1" or (
                json.loads(response.read(4096) or b"{}").get("stand_in") == "agentkit"
            )
    except (OSError, ValueError, urllib.error.URLError, AttributeError):
        answer = False
    with _probe_lock:
        _probed[url] = answer
    return answer


def without_response(url: str | None) -> str:
    """The source of answers from `url` when no response can be seen (Claude Code runs)."""
    if is_stand_in(url):
        return STAND_IN
    return ANTHROPIC if is_anthropic(url) else ENDPOINT


def label(source: str | None, endpoint: str | None = None) -> str:
    """How a result says where it came from, in words."""
    if source == ANTHROPIC:
        return "Anthropic API"
    if source == STAND_IN:
        return "stand-in API — not Claude's answer"
    if source == ENDPOINT:
        host = urlsplit(endpoint).netloc if endpoint else "another endpoint"
        return f"endpoint {host} — not checked to be Claude"
    return "source not recorded"


def is_real(source: str | None) -> bool:
    """Did the answer come from Claude through the Anthropic API?"""
    return source == ANTHROPIC
