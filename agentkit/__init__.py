"""agentkit: read, lint, compare, edit and try Claude Code subagent files exactly as Claude Code reads them.

>>> import agentkit
>>> agent = agentkit.loads("---\\nname: greeter\\ndescription: Says hello. Use when greeting.\\n---\\nBe kind.\\n")
>>> agent.loaded, agent.name, agent.parse, agent.tools
(True, 'greeter', 'strict', None)
"""

from agentkit._errors import AgentkitError, ConflictError, EditError, ExportError
from agentkit._model import Agent, AgentSet
from agentkit._parse import CLAUDE_CODE_MODEL_VERSION
from agentkit._scan import discover, load, loads

__all__ = [
    "CLAUDE_CODE_MODEL_VERSION",
    "Agent",
    "AgentSet",
    "AgentkitError",
    "ConflictError",
    "EditError",
    "ExportError",
    "discover",
    "load",
    "loads",
]
__version__ = "0.1.0"
