"""How Claude Code reads agent files, step by step, for tools built on agentkit (the command line and the
widgets use these; `agentkit.load` puts them together).

Claude Code's facts (`agentkit/_reader/claude_code.py` is their one home):
    BUILTIN_TOOLS      the tool names Claude Code knows
    MODEL_ALIASES      the `model` values that name a model family (`sonnet`, `opus`, `inherit`, ...)
    COLORS             the `color` values Claude Code shows
    PERMISSION_MODES   the `permissionMode` values it accepts

Reading a file as Claude Code does:
    load_yaml12(text)  front matter text -> the value Claude Code's YAML 1.2 parser reads
    split_tools(value) a `tools`-like value (also `disallowedTools`, `skills`) -> its entries
    js_string(value)   how JavaScript turns a YAML key into a property name
    read_agent(path)   one file -> an `Agent` (a bad file becomes a record with a reason, never raises)

Finding the files and the winner of each name:
    agent_folders(project, home)  the folders Claude Code reads agents from, by scope
    Survey             the files `load(*paths)` reads, in its order, each looked up in a `FileCache`
    path_order(path)   the key Claude Code sorts agent files by (UTF-16 code units)
    winners(names, key)  for each file, the file that wins its name, if another

JSON as Claude Code writes it (JavaScript's JSON.stringify):
    json_text(value), pretty_json(value), escape_surrogates(text)

Results per file, kept between runs (`agentkit lint` and `agentkit inventory` use it):
    FileCache          the cache of one command: a file's stored result holds while its identity or its
                       bytes are unchanged
    MISS               what a FileCache lookup returns when nothing stored can be used
    file_digest(data)  the digest a FileCache compares a file's bytes by
"""

from typing import TYPE_CHECKING, Any

from agentkit._reader.claude_code import BUILTIN_TOOLS, COLORS, MODEL_ALIASES, PERMISSION_MODES
from agentkit._reader.frontmatter import js_string, split_tools
from agentkit._reader.jsonable import escape_surrogates, json_text, pretty_json
from agentkit._reader.scan import Survey, agent_folders, path_order, read_agent, winners
from agentkit._reader.yaml12 import load_yaml12

if TYPE_CHECKING:
    from agentkit._cache import MISS, FileCache, file_digest

__all__ = [
    "BUILTIN_TOOLS",
    "COLORS",
    "MISS",
    "MODEL_ALIASES",
    "PERMISSION_MODES",
    "FileCache",
    "Survey",
    "agent_folders",
    "escape_surrogates",
    "file_digest",
    "js_string",
    "json_text",
    "load_yaml12",
    "path_order",
    "pretty_json",
    "read_agent",
    "split_tools",
    "winners",
]


def __getattr__(name: str) -> Any:
    """The cache loads on first use: a command that only reads (and writes JSON) does not pay for it."""
    if name in ("FileCache", "MISS", "file_digest"):
        import agentkit._cache

        value = getattr(agentkit._cache, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'agentkit.reader' has no attribute {name!r}")
