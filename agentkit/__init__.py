"""agentkit: read, lint, compare, edit and try Claude Code subagent files exactly as Claude Code reads them.

>>> import agentkit
>>> agent = agentkit.loads("---\\nname: greeter\\ndescription: Says hello. Use when greeting.\\n---\\nBe kind.\\n")
>>> agent.loaded, agent.name, agent.parse, agent.tools
(True, 'greeter', 'strict', None)

Records are immutable; functions return new ones: `edit`, `fix`, `save`. The live runner is
`agentkit.live`, evaluations are `agentkit.evals` and the notebook widgets are `agentkit.widgets`; they are
imported explicitly, so `import agentkit` stays light (overlap, routing and fixing load their libraries on first use).
The steps behind these, for tools built on agentkit (its command line and widgets use nothing else), are
the public modules `agentkit.reader`, `agentkit.writer`, `agentkit.rules`, `agentkit.scores` (the overlap
score registry, open to your own) and `agentkit.transcripts`.
"""

from typing import TYPE_CHECKING, Any

from agentkit._errors import (
    AgentkitError,
    ClaudeCodeNotFound,
    ConflictError,
    EditError,
    EvalError,
    ExportError,
    LiveError,
    MissingKeyError,
    OracleError,
    ReplayMiss,
    SuiteError,
    TooLargeError,
    UnknownRuleError,
    UsageError,
)
from agentkit._reader.agent import Agent, AgentSet
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit._reader.scan import discover, load, loads

if TYPE_CHECKING:
    from agentkit._edit.export import ExportReport, agents_json, export, sdk_definitions
    from agentkit._edit.write import NULL, diff, edit, save, yaml_line
    from agentkit._lint.engine import Finding, findings, lint
    from agentkit._lint.fixes import FixResult, fix
    from agentkit._oracle.verify import VerifyReport, verify
    from agentkit._overlap.guidance import MergeGuidance
    from agentkit._overlap.overlap import Group, Overlap, Passage, overlap
    from agentkit._usage import Usage, usage
    from agentkit.live import LiveConfusion, Route, RunOptions, RunResult, RunResults
    from agentkit.live._routing.estimate import Router, conflicts, route

__all__ = [
    "CLAUDE_CODE_MODEL_VERSION",
    "Agent",
    "AgentSet",
    "AgentkitError",
    "ClaudeCodeNotFound",
    "ConflictError",
    "EditError",
    "EvalError",
    "ExportError",
    "ExportReport",
    "Finding",
    "FixResult",
    "Group",
    "LiveError",
    "MissingKeyError",
    "NULL",
    "OracleError",
    "Overlap",
    "Passage",
    "ReplayMiss",
    "Router",
    "SuiteError",
    "TooLargeError",
    "UnknownRuleError",
    "Usage",
    "UsageError",
    "__version__",
    "agents_json",
    "conflicts",
    "diff",
    "discover",
    "edit",
    "export",
    "findings",
    "fix",
    "lint",
    "load",
    "loads",
    "overlap",
    "route",
    "save",
    "sdk_definitions",
    "usage",
    "verify",
    "yaml_line",
    "MergeGuidance",
    "RunResult",
    "RunResults",
    "RunOptions",
    "Route",
    "LiveConfusion",
    "VerifyReport",
]

# Each capability loads on first use: reading agents needs none of them (and the command line's overlap and
# inventory start faster).
_LAZY = {
    "ExportReport": "agentkit._edit.export",
    "agents_json": "agentkit._edit.export",
    "export": "agentkit._edit.export",
    "sdk_definitions": "agentkit._edit.export",
    "diff": "agentkit._edit.write",
    "edit": "agentkit._edit.write",
    "save": "agentkit._edit.write",
    "NULL": "agentkit._edit.write",
    "yaml_line": "agentkit._edit.write",
    "Finding": "agentkit._lint.engine",
    "findings": "agentkit._lint.engine",
    "lint": "agentkit._lint.engine",
    "__version__": "agentkit._version",
    "fix": "agentkit._lint.fixes",
    "FixResult": "agentkit._lint.fixes",
    "overlap": "agentkit._overlap.overlap",
    "Overlap": "agentkit._overlap.overlap",
    "Group": "agentkit._overlap.overlap",
    "Passage": "agentkit._overlap.overlap",
    "route": "agentkit.live._routing.estimate",
    "conflicts": "agentkit.live._routing.estimate",
    "Router": "agentkit.live._routing.estimate",
    "MergeGuidance": "agentkit._overlap.guidance",
    "verify": "agentkit._oracle.verify",
    "VerifyReport": "agentkit._oracle.verify",
    # How agents are really used, from Claude Code's transcripts (issue 21).
    "usage": "agentkit._usage",
    "Usage": "agentkit._usage",
    # The live result types, also here so that annotations need one import (runs are `agentkit.live.run`).
    "RunResult": "agentkit.live",
    "RunResults": "agentkit.live",
    "RunOptions": "agentkit.live",
    "Route": "agentkit.live",
    "LiveConfusion": "agentkit.live",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agentkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
