"""agentkit: read, lint, compare, edit and try Claude Code subagent files exactly as Claude Code reads them.

>>> import agentkit
>>> agent = agentkit.loads("---\\nname: greeter\\ndescription: Says hello. Use when greeting.\\n---\\nBe kind.\\n")
>>> agent.loaded, agent.name, agent.parse, agent.tools
(True, 'greeter', 'strict', None)

The live runner is `agentkit.live` and the notebook widgets are `agentkit.widgets`; both are imported
explicitly, so `import agentkit` stays light.
"""

from typing import TYPE_CHECKING, Any

from agentkit._errors import (
    AgentkitError,
    ClaudeCodeNotFound,
    ConflictError,
    EditError,
    ExportError,
    LiveError,
    MissingKeyError,
    ReplayMiss,
)
from agentkit._lint.engine import lint
from agentkit._reader.agent import Agent, AgentSet
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit._reader.scan import discover, load, loads

if TYPE_CHECKING:
    from agentkit._lint.fixes import fix
    from agentkit._overlap.route import conflicts, route
    from agentkit._overlap.scores import overlap

__all__ = [
    "CLAUDE_CODE_MODEL_VERSION",
    "Agent",
    "AgentSet",
    "AgentkitError",
    "ClaudeCodeNotFound",
    "ConflictError",
    "EditError",
    "ExportError",
    "LiveError",
    "MissingKeyError",
    "ReplayMiss",
    "conflicts",
    "discover",
    "fix",
    "lint",
    "load",
    "loads",
    "overlap",
    "route",
]
__version__ = "0.1.0"

# Overlap and routing pull in numpy, scipy and scikit-learn: load them on first use.
_LAZY = {
    "fix": "agentkit._lint.fixes",
    "overlap": "agentkit._overlap.scores",
    "route": "agentkit._overlap.route",
    "conflicts": "agentkit._overlap.route",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agentkit' has no attribute {name!r}")
