"""Claude Code as the oracle: run the real binary offline and compare its reading with agentkit's.

- `standin`: a local stand-in of the Messages API (also used by the tests and notebooks);
- `binary`: find a Claude Code binary (`find_claude`) and its version;
- `world`: a scratch HOME/CLAUDE_CONFIG_DIR/git project to run it in, reaching nothing but the stand-in;
- `probe`: what it lists (`list_agents`, `loaded_agents`) and what a subagent gets (`subagent_request`);
- `verify`: agentkit's reading of files against the binary's, every disagreement in words.
"""

from agentkit._oracle.binary import ClaudeCode, bundled_claude, find_claude
from agentkit._oracle.probe import (
    ListedAgent,
    Listing,
    OracleError,
    SubagentNotSpawned,
    SubagentRequest,
    list_agents,
    loaded_agents,
    session_tools,
    subagent_request,
    subagent_requests,
)
from agentkit._oracle.verify import Disagreement, FileCheck, VerifyReport, verify, verify_scopes
from agentkit._oracle.world import Run, ScratchWorld

__all__ = [
    "ClaudeCode",
    "Disagreement",
    "FileCheck",
    "ListedAgent",
    "Listing",
    "OracleError",
    "Run",
    "ScratchWorld",
    "SubagentNotSpawned",
    "SubagentRequest",
    "VerifyReport",
    "bundled_claude",
    "find_claude",
    "list_agents",
    "loaded_agents",
    "session_tools",
    "subagent_request",
    "subagent_requests",
    "verify",
    "verify_scopes",
]
