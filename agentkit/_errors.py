"""The exceptions agentkit raises on purpose. Bad agent *files* never raise: they become records."""

import difflib


class AgentkitError(Exception):
    """Base of every error agentkit raises on purpose."""


class EditError(AgentkitError):
    """An edit cannot be written without changing what Claude Code or YAML would read."""


class ConflictError(AgentkitError):
    """The file changed on disk since it was loaded; saving would overwrite someone else's work."""


class UnknownRuleError(AgentkitError):
    """A rule selection (`select=`, `--select`) names no rule."""


class ExportError(AgentkitError):
    """An agent cannot be exported (for example, its name would write outside the target folder)."""


class TooLargeError(AgentkitError):
    """The work asked for would exceed agentkit's bounds on time or memory; refused before it starts,
    with what it would need and what to run instead."""


class LiveError(AgentkitError):
    """Running an agent live against the Anthropic API failed (the message says why, never the key)."""


class MissingKeyError(LiveError):
    """No API key: ANTHROPIC_API_KEY is not set and nothing else gives one."""


class ReplayMiss(LiveError):
    """Replay mode (AGENTKIT_REPLAY=1) found no recorded run for this agent, prompt and model."""


class InvalidRunOption(LiveError, ValueError):
    """A live run was asked for with an option out of range (max_tokens, temperature, mode, ...)."""


class ClaudeCodeNotFound(AgentkitError):
    """No Claude Code binary to run (the message says how to install one or point agentkit at it)."""


class EvalError(AgentkitError):
    """An evaluation cannot run as asked (for example, a `python` assertion that cannot be imported)."""


class SuiteError(EvalError):
    """A suite is malformed: the message names the file and line, and what is wrong there."""


class CaptureError(LiveError):
    """Claude Code did not send its request for the project (it failed, or timed out): its own words."""


class UsageError(AgentkitError):
    """Claude Code's transcripts cannot be read as asked (no such folder, a bad date, an export that
    cannot be written)."""


class OracleError(AgentkitError):
    """Claude Code did not answer as expected (no request, no listing, a listing agentkit cannot parse)."""


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """ " (did you mean 'x'?)" for the closest choice, or "": the tail of an error naming an unknown word."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
