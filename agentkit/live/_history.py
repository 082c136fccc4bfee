"""The run history and cache: `$AGENTKIT_HOME/history.sqlite`, with a versioned schema.

`PRAGMA user_version` counts the MIGRATIONS applied; opening a file applies the missing ones in one
transaction, so a file written by an older agentkit (the first one set no user_version) keeps its rows
and gains the new columns. A file from a newer agentkit is refused rather than misread. The file holds
prompts and answers: it is created with mode 0600. Every sqlite problem (a corrupted file, a folder in
its place, a read-only folder) becomes a one-line LiveError; a run then goes on without the cache and
says so with a HistoryWarning, while `history()` and replay mode, which need the file, raise.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentkit._errors import LiveError
from agentkit.live._prices import home
from agentkit.live._redact import redact
from agentkit.live._result import RunResult
from agentkit.live._source import UNKNOWN

if TYPE_CHECKING:
    import pandas as pd


class HistoryWarning(UserWarning):
    """The history file cannot be used: the run went on without the cache and was not recorded."""


# One entry per schema version, applied in order; never edit a released step, append a new one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "runs, keyed by agent text, model, prompt and parameters",
        # IF NOT EXISTS: files from before versioning already have this table and index.
        """
        CREATE TABLE IF NOT EXISTS runs (
            run_id TEXT PRIMARY KEY, key TEXT NOT NULL, timestamp TEXT NOT NULL,
            agent TEXT, agent_version TEXT NOT NULL, path TEXT, model TEXT NOT NULL, prompt TEXT NOT NULL,
            max_tokens INTEGER NOT NULL, temperature REAL, text TEXT NOT NULL,
            input_tokens INTEGER, output_tokens INTEGER, time_to_first_token_s REAL, latency_s REAL,
            stop_reason TEXT, cost_usd REAL, complete INTEGER NOT NULL, error TEXT
        );
        CREATE INDEX IF NOT EXISTS runs_by_key ON runs (key, complete, timestamp);
        """,
    ),
    (
        "the mode, where the answer came from, tool calls, turns, Claude Code's session cost",
        # max_tokens NOT NULL stays (SQLite cannot drop it): Claude Code runs without a limit store 0.
        """
        ALTER TABLE runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'api';
        ALTER TABLE runs ADD COLUMN source TEXT;
        ALTER TABLE runs ADD COLUMN endpoint TEXT;
        ALTER TABLE runs ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE runs ADD COLUMN turns INTEGER;
        ALTER TABLE runs ADD COLUMN session_cost_usd REAL;
        CREATE INDEX IF NOT EXISTS runs_by_agent ON runs (agent, mode, timestamp);
        """,
    ),
    (
        "routing samples: Claude Code's main-loop request replayed, what each answer did first",
        """
        CREATE TABLE IF NOT EXISTS route_samples (
            key TEXT NOT NULL, replay_key TEXT NOT NULL, sample INTEGER NOT NULL, timestamp TEXT NOT NULL,
            request TEXT NOT NULL, project TEXT, claude_code TEXT, model TEXT NOT NULL, max_tokens INTEGER,
            label TEXT NOT NULL, detail TEXT NOT NULL, subagent_type TEXT, words TEXT NOT NULL,
            stop_reason TEXT, input_tokens INTEGER, output_tokens INTEGER, cache_read_input_tokens INTEGER,
            cache_creation_input_tokens INTEGER, cost_usd REAL, latency_s REAL, source TEXT NOT NULL,
            endpoint TEXT, error TEXT
        );
        CREATE INDEX IF NOT EXISTS route_samples_by_key ON route_samples (key, sample, timestamp);
        CREATE INDEX IF NOT EXISTS route_samples_by_replay ON route_samples (replay_key, sample, timestamp);
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

COLUMNS = (
    "run_id",
    "key",
    "timestamp",
    "agent",
    "agent_version",
    "path",
    "model",
    "prompt",
    "max_tokens",
    "temperature",
    "text",
    "input_tokens",
    "output_tokens",
    "time_to_first_token_s",
    "latency_s",
    "stop_reason",
    "cost_usd",
    "complete",
    "error",
    "mode",
    "source",
    "endpoint",
    "tool_calls",
    "turns",
    "session_cost_usd",
)
_TEXT_COLUMNS = ("prompt", "text", "error", "tool_calls", "path", "agent")


def history_path() -> Path:
    return home() / "history.sqlite"


def _problem(path: Path, e: BaseException) -> LiveError:
    reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, sqlite3.DatabaseError) and "not a database" in reason:
        reason = "it is not an SQLite database (corrupted, or another file)"
    return LiveError(
        f"cannot use the run history {path}: {reason}; move it away or set AGENTKIT_HOME to another folder"
    )


def connect(*, create: bool = True) -> sqlite3.Connection | None:
    """An open, migrated connection; None when the file does not exist and `create` is False."""
    path = history_path()
    try:
        if path.is_dir():
            raise LiveError(
                f"cannot use the run history {path}: it is a folder, not a file; "
                "move it away or set AGENTKIT_HOME to another folder"
            )
        if not path.exists():
            if not create:
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
            try:  # 0600 from the start: it holds prompts and answers
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass  # another thread or process created it first
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    except LiveError:
        raise
    except (OSError, sqlite3.Error) as e:
        raise _problem(path, e) from None
    try:
        _migrate(db, path)
    except LiveError:
        db.close()
        raise
    except sqlite3.Error as e:
        db.close()
        raise _problem(path, e) from None
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise LiveError(
            f"the run history {path} was written by a newer agentkit (schema {version}, this one knows "
            f"{SCHEMA_VERSION}): upgrade agentkit, or set AGENTKIT_HOME to another folder"
        )
    db.execute("BEGIN IMMEDIATE")  # one migrator at a time; the others wait, then find it done
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step][1]):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def cache_key(
    agent_text: str,
    model: str,
    prompt: str,
    max_tokens: int | None,
    temperature: float | None,
    extra: dict[str, Any] | None = None,
) -> str:
    """sha256 of what decides the answer. Direct API runs hash exactly what they always hashed (so
    existing histories keep answering); other modes add their own parameters in `extra`."""
    payload: dict[str, Any] = {
        "agent": agent_text,
        "model": model,
        "prompt": prompt,
        "params": {"max_tokens": max_tokens, "temperature": temperature},
    }
    if extra:
        payload["params"].update(extra)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _row(key: str, r: RunResult, secret_values: Iterable[str]) -> list[Any]:
    values = {**r.to_dict(), "key": key, "complete": int(r.complete)}
    values["tool_calls"] = json.dumps(r.tool_calls, ensure_ascii=False, default=str)
    values["max_tokens"] = r.max_tokens or 0
    secret_values = list(secret_values)
    for column in _TEXT_COLUMNS:
        if isinstance(values[column], str):
            values[column] = redact(values[column], secret_values)
    return [values[c] for c in COLUMNS]


def store(key: str, r: RunResult, secret_values: Iterable[str]) -> None:
    """Record a run; raises LiveError when the history cannot be written."""
    db = connect()
    assert db is not None
    try:
        db.execute(
            f"INSERT INTO runs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            _row(key, r, secret_values),
        )
    except sqlite3.Error as e:
        raise _problem(history_path(), e) from None
    finally:
        db.close()


def _result(row: tuple[Any, ...]) -> RunResult:
    values = dict(zip(COLUMNS, row, strict=True))
    del values["key"]
    values["complete"] = bool(values["complete"])
    values["source"] = values["source"] or UNKNOWN
    values["tool_calls"] = json.loads(values["tool_calls"] or "[]")
    if values["mode"] != "api" and values["max_tokens"] == 0:
        values["max_tokens"] = None
    return RunResult(**values, cached=True)


def lookup(key: str, *, endpoint: str | None, any_source: bool) -> RunResult | None:
    """The newest complete run with this key, or None.

    Outside replay mode only a run recorded against the same endpoint answers (never a stand-in's answer
    for a run meant for the real API), and never one from before sources were recorded; `any_source`
    (replay mode) accepts every recorded run, labelled with where it came from.
    """
    db = connect(create=False)
    if db is None:
        return None
    query = f"SELECT {', '.join(COLUMNS)} FROM runs WHERE key = ? AND complete = 1"
    args: list[Any] = [key]
    if not any_source:
        query += " AND source IS NOT NULL AND endpoint IS ?"
        args.append(endpoint)
    try:
        row = db.execute(query + " ORDER BY timestamp DESC, rowid DESC LIMIT 1", args).fetchone()
    except sqlite3.Error as e:
        raise _problem(history_path(), e) from None
    finally:
        db.close()
    return None if row is None else _result(row)


def history(limit: int | None = None) -> pd.DataFrame:
    """Every recorded run (complete, cut short, or failed), newest first. Raises LiveError when the
    history file cannot be read."""
    import pandas as pd

    columns = [c for c in COLUMNS if c != "key"] + ["key"]
    db = connect(create=False)
    if db is None:
        return pd.DataFrame(columns=columns)
    try:
        query = f"SELECT {', '.join(columns)} FROM runs ORDER BY timestamp DESC, rowid DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        frame = pd.read_sql_query(query, db)
    except (sqlite3.Error, pd.errors.DatabaseError) as e:
        raise _problem(history_path(), e) from None
    finally:
        db.close()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
    frame["complete"] = frame["complete"].astype(bool)
    frame["source"] = frame["source"].fillna(UNKNOWN)
    frame["tool_calls"] = [json.loads(v or "[]") for v in frame["tool_calls"]]
    return frame


def recorded_prompts(agent: str | None = None, *, mode: str | None = None) -> list[str]:
    """The prompts of complete recorded runs (of `agent`, in `mode`), most recent first, each once."""
    db = connect(create=False)
    if db is None:
        return []
    query = "SELECT prompt, MAX(timestamp) AS last FROM runs WHERE complete = 1"
    args: list[Any] = []
    if agent is not None:
        query += " AND agent = ?"
        args.append(agent)
    if mode is not None:
        query += " AND mode = ?"
        args.append(mode)
    try:
        rows = db.execute(query + " GROUP BY prompt ORDER BY last DESC", args).fetchall()
    except sqlite3.Error as e:
        raise _problem(history_path(), e) from None
    finally:
        db.close()
    return [prompt for prompt, _ in rows]


def warn_unusable(e: LiveError) -> None:
    """Say that this run goes on without the history (Python's warning filters decide how often to show it)."""
    warnings.warn(
        f"{e}; running without the cache, and this run is not recorded", HistoryWarning, stacklevel=4
    )
