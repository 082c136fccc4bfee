"""The one writer of agent files, step by step, for tools built on agentkit (`agentkit.edit`, `save`,
`diff` and `export` put these together).

    unified_diff(before, after, name)  the unified diff of two texts of the file `name` (a/name, b/name)
    json_skips(agents)                 the agents a JSON export (`agents_json`, `sdk_definitions`) leaves
                                       out, each with the reason
"""

from agentkit._edit.export import json_skips
from agentkit._edit.write import unified_diff

__all__ = ["json_skips", "unified_diff"]
