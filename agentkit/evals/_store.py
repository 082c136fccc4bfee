"""`$AGENTKIT_HOME/evals.sqlite`: the per-sample answer cache and the run history, with a versioned schema.

As in `agentkit.live`'s history: `PRAGMA user_version` counts the MIGRATIONS applied, and opening the
file applies the missing ones in one transaction, so a file written by an older agentkit keeps its rows;
a file from a newer agentkit is refused rather than misread. It holds prompts and answers: created with
mode 0600. Every sqlite problem becomes a one-line EvalError.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from agentkit import live
from agentkit._errors import EvalError

FILE = "evals.sqlite"

# One entry per schema version, applied in order; never edit a released step, append a new one.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "answers, keyed by content and sample index",
        "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, kind TEXT NOT NULL, created TEXT NOT NULL,"
        " answer TEXT NOT NULL)",
    ),
    (
        "answers keyed by the endpoint that gave them too (rows from before: endpoint '?', replay only)",
        """
        CREATE TABLE answers_by_endpoint (
            key TEXT NOT NULL, endpoint TEXT NOT NULL, kind TEXT NOT NULL, created TEXT NOT NULL,
            answer TEXT NOT NULL, PRIMARY KEY (key, endpoint)
        );
        INSERT INTO answers_by_endpoint SELECT key, '?', kind, created, answer FROM answers;
        DROP TABLE answers;
        ALTER TABLE answers_by_endpoint RENAME TO answers
        """,
    ),
    (
        "the run history: every run of a suite, and its samples",
        """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, created TEXT NOT NULL, suite TEXT, description TEXT,
            status TEXT NOT NULL, samples INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,
            errors INTEGER NOT NULL, sources TEXT NOT NULL, summary TEXT NOT NULL
        );
        CREATE INDEX runs_by_time ON runs (created);
        CREATE TABLE run_samples (
            run_id TEXT NOT NULL, position INTEGER NOT NULL, sample TEXT NOT NULL,
            PRIMARY KEY (run_id, position)
        );
        CREATE TABLE batches (
            key TEXT PRIMARY KEY, batch_id TEXT NOT NULL, endpoint TEXT NOT NULL, created TEXT NOT NULL,
            requests TEXT NOT NULL
        )
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def path() -> Path:
    return live.home() / FILE


def problem(where: Path, e: BaseException) -> EvalError:
    reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if isinstance(e, sqlite3.DatabaseError) and "not a database" in reason:
        reason = "it is not an SQLite database (corrupted, or another file)"
    return EvalError(f"cannot use {where}: {reason}; move it away or set AGENTKIT_HOME to another folder")


def connect(*, create: bool = True) -> sqlite3.Connection | None:
    """An open, migrated connection (autocommit); None when the file does not exist and not `create`."""
    where = path()
    try:
        if where.is_dir():
            raise EvalError(
                f"cannot use {where}: it is a folder, not a file; set AGENTKIT_HOME to another folder"
            )
        if not where.exists():
            if not create:
                return None
            where.parent.mkdir(parents=True, exist_ok=True)
            try:  # 0600 from the start: it holds prompts and answers
                os.close(os.open(where, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
        db = sqlite3.connect(where, timeout=30, isolation_level=None, check_same_thread=False)
    except EvalError:
        raise
    except (OSError, sqlite3.Error) as e:
        raise problem(where, e) from None
    try:
        _migrate(db, where)
    except BaseException as e:
        db.close()
        if isinstance(e, sqlite3.Error):
            raise problem(where, e) from None
        raise
    return db


def _migrate(db: sqlite3.Connection, where: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise EvalError(
            f"{where} was written by a newer agentkit (schema {version}, this one knows {SCHEMA_VERSION}): "
            "upgrade agentkit, or set AGENTKIT_HOME to another folder"
        )
    db.execute("BEGIN IMMEDIATE")  # one migrator at a time; the others wait, then find it done
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and _has_table(db, "answers"):
            version = 1  # a file from before versioning: its one table is the first step's
        for step in range(version, SCHEMA_VERSION):
            for statement in (s.strip() for s in MIGRATIONS[step][1].split(";")):
                if statement:
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        is not None
    )


def execute(sql: str, args: tuple[object, ...] | list[object] = (), *, create: bool = True) -> list[tuple]:
    """Run one statement; its rows. [] when the file does not exist and not `create`."""
    db = connect(create=create)
    if db is None:
        return []
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        raise problem(path(), e) from None
    finally:
        db.close()
