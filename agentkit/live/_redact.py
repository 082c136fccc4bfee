"""Keeping the API key out of everything agentkit shows or stores.

A key reaches error messages in many spellings: as given (a CRLF `.env` leaves `\\r\\n` on it), stripped,
escaped by `repr` or JSON, inside a bytes repr (httpx: `Illegal header value b'Bearer sk-ant-...\\n'`), or
cut short. `redact` replaces every one of them, and any run of 12 or more characters that starts like the
key, with `[redacted]`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator

REDACTED = "[redacted]"
MIN_PREFIX = 12  # a shown prefix this long identifies a key; shorter ones ("sk-ant-") are everyone's
KEY_VARIABLES = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN")


def clean_key(value: str | None) -> str | None:
    """The key as it must be sent: surrounding whitespace (a `\\n` from a `.env` file) removed."""
    if value is None:
        return None
    return value.strip() or None


def secrets(api_key: str | None = None) -> list[str]:
    """Every credential in play: the `api_key=` argument and the key variables, as given."""
    values = [api_key, *(os.environ.get(name) for name in KEY_VARIABLES)]
    return [v for v in values if v and v.strip()]


def spellings(secret: str) -> list[str]:
    """The ways `secret` can appear in a message, longest first."""
    forms = {secret, secret.strip()}
    for form in list(forms):
        forms.add(repr(form)[1:-1])  # Python escapes: \n, \r, \t, \\, \x..
        forms.add(json.dumps(form)[1:-1])  # JSON escapes
        forms.add(repr(form.encode("utf-8", "backslashreplace"))[2:-1])  # inside b'...'
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact(text: str, secret_values: Iterable[str] | None = None) -> str:
    """`text` with every spelling of every secret, and every 12+ character prefix of one, redacted."""
    values = secrets() if secret_values is None else [s for s in secret_values if s and s.strip()]
    if not values or not text:
        return text
    for secret in values:
        for form in spellings(secret):
            text = _redact_form(text, form)
    return text


def _redact_form(text: str, form: str) -> str:
    """Replace `form`, and every run matching its first MIN_PREFIX or more characters, in `text`."""
    if len(form) < MIN_PREFIX:
        return text.replace(form, REDACTED) if len(form) >= 8 else text
    head = form[:MIN_PREFIX]
    out: list[str] = []
    start = 0
    while True:
        found = text.find(head, start)
        if found < 0:
            out.append(text[start:])
            return "".join(out)
        end = found + MIN_PREFIX
        while end < len(text) and end - found < len(form) and text[end] == form[end - found]:
            end += 1
        out.append(text[start:found])
        out.append(REDACTED)
        start = end


def redacted_chunks(chunks: Iterable[str], secret_values: Iterable[str]) -> Iterator[str]:
    """`chunks` as they stream, with every spelling of a secret redacted, also one split across chunks.

    A key's spellings hold no whitespace, so text is passed on up to its last whitespace character and the
    word after it waits for the next chunk (or the end). Without a secret, chunks pass unchanged.
    """
    forms = [form for secret in secret_values if secret and secret.strip() for form in spellings(secret)]
    if not forms:
        yield from chunks
        return

    def redacted(text: str) -> str:
        for form in forms:
            text = _redact_form(text, form)
        return text

    pending = ""
    for chunk in chunks:
        pending += chunk
        cut = max(pending.rfind(space) for space in _WHITESPACE) + 1
        if cut:
            yield redacted(pending[:cut])
            pending = pending[cut:]
    if pending:
        yield redacted(pending)


_WHITESPACE = (" ", "\n", "\t", "\r")
