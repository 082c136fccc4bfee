"""The lint rules and the engine, step by step, for tools built on agentkit (`agentkit.lint` and
`agentkit.findings` put these together; `agentkit lint` is built on them).

The catalogue (docs/rules.md):
    RULES              every rule by ID; `Rule` is one (id, name, severity, category, summary, fix)
    resolve_rules(select, ignore)  the rules to run, from IDs and prefixes as `agentkit lint --select`
                       takes them; UnknownRuleError for a token that names no rule

Running them over many files, each file's results cached (see `agentkit.reader.FileCache`):
    file_results(survey, rules)   what each file of a `agentkit.reader.Survey` finds by itself
    set_findings(rules, found)    every finding of those files, as `agentkit.findings` gives them for the
                                  set (the rules that compare files run here)

Reports:
    to_text(findings, files)      grouped by file, then the summary line; summary_line(findings, files)
    to_json_bytes(findings)       the JSON report as UTF-8
    to_sarif(findings, rules)     SARIF 2.1.0, for code scanning
    statistics(findings), statistics_text(stats)  one entry per rule found (ruff's `--statistics`)
"""

from agentkit._lint.engine import (
    file_results,
    resolve_rules,
    set_findings,
    statistics,
    statistics_text,
    summary_line,
    to_json_bytes,
    to_sarif,
    to_text,
)
from agentkit._lint.rules import RULES, Rule

__all__ = [
    "RULES",
    "Rule",
    "file_results",
    "resolve_rules",
    "set_findings",
    "statistics",
    "statistics_text",
    "summary_line",
    "to_json_bytes",
    "to_sarif",
    "to_text",
]
