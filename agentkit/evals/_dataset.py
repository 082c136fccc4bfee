"""Datasets: `cases: FILE` reads one case per row of a CSV, JSONL or YAML file.

Each row is a case: `id` and `description` are its own, every other column is a var (filled into the
suite's `prompt` template and into `{{var}}` in assertion values). A row with a `prompt` is that
prompt when the suite has no template. Errors name the file, the row (its line) and the column.

    id,description,code,expected
    mean,the empty list,"def mean(xs): return sum(xs) / len(xs)",ZeroDivisionError
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentkit._errors import SuiteError
from agentkit._reader.scan import read_text_safely
from agentkit.evals._yaml import LocatedList, load_located

MAX_BYTES = 16 * 1024 * 1024
FORMATS = (".csv", ".jsonl", ".yaml", ".yml")


@dataclass(frozen=True)
class Row:
    """One row of a dataset, as read."""

    line: int  # where the row starts in the file (1-based)
    id: str | None
    description: str
    vars: dict[str, Any]


def read_rows(path: Path, shown: str) -> list[Row]:
    """The rows of a dataset file; `shown` is how errors name it (relative to the suite)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise SuiteError(
            f"{shown}: a dataset is a .csv, .jsonl or .yaml file, not {path.suffix or 'no suffix'}"
        )
    if not path.exists():
        raise SuiteError(f"{shown}: no such dataset file")
    try:
        text = read_text_safely(path, limit=MAX_BYTES)
    except ValueError as e:
        raise SuiteError(f"{shown}: cannot read it: {e}") from None
    if suffix == ".csv":
        rows = _csv(text, shown)
    elif suffix == ".jsonl":
        rows = _jsonl(text, shown)
    else:
        rows = _yaml(text, shown)
    if not rows:
        raise SuiteError(f"{shown}: the dataset has no rows")
    return rows


def _row(values: Mapping[str, Any], line: int, shown: str) -> Row:
    at = f"{shown}:{line}: "
    fields = dict(values)
    case_id = fields.pop("id", None)
    if isinstance(case_id, int) and not isinstance(case_id, bool):
        case_id = str(case_id)
    if case_id is not None and (not isinstance(case_id, str) or not case_id.strip()):
        if case_id == "":
            case_id = None
        else:
            raise SuiteError(f"{at}column 'id' must be text, not {case_id!r}")
    description = fields.pop("description", "") or ""
    if not isinstance(description, str):
        raise SuiteError(f"{at}column 'description' must be text, not {description!r}")
    inline = fields.pop("vars", None)
    if inline is not None:
        if not isinstance(inline, Mapping):
            raise SuiteError(f"{at}'vars' must be a mapping, not {type(inline).__name__}")
        fields = {**inline, **fields}
    for name in fields:
        if not isinstance(name, str) or not name:
            raise SuiteError(f"{at}a column has no name")
    return Row(line, case_id, description, fields)


def _csv(text: str, shown: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return []
        names = [h.strip() for h in header]
        for i, name in enumerate(names):
            if not name:
                raise SuiteError(f"{shown}:1: column {i + 1} has no name in the header row")
            if names.index(name) != i:
                raise SuiteError(f"{shown}:1: column {name!r} appears twice in the header row")
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # a blank line
            if len(cells) != len(names):
                raise SuiteError(
                    f"{shown}:{line}: {len(cells)} value(s) for {len(names)} columns ({', '.join(names)})"
                )
            rows.append(_row(dict(zip(names, cells, strict=True)), line, shown))
        return rows
    except csv.Error as e:
        raise SuiteError(f"{shown}:{reader.line_num}: not valid CSV: {e}") from None


def _jsonl(text: str, shown: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as e:
            raise SuiteError(f"{shown}:{number}: not valid JSON: {e}") from None
        if not isinstance(value, dict):
            raise SuiteError(f"{shown}:{number}: a row is a JSON object, not {type(value).__name__}")
        rows.append(_row(value, number, shown))
    return rows


def _yaml(text: str, shown: str) -> list[Row]:
    document = load_located(text, shown)
    if not isinstance(document, LocatedList):
        raise SuiteError(f"{shown}: a YAML dataset is a list of mappings (one per case)")
    rows = []
    for item, line in zip(document, document.item_lines, strict=True):
        if not isinstance(item, Mapping):
            raise SuiteError(f"{shown}:{line}: a row is a mapping, not {type(item).__name__}")
        rows.append(_row(item, line, shown))
    return rows
