"""What Claude Code does with agent files: every fact agentkit models about Claude Code, in one place.

Every other module imports these; none keeps a copy. `tests/test_claude_code_facts.py` checks them against
the pinned binary wherever the binary shows them (the tools a spawned subagent really gets, the aliases,
the agent listing). Moving to a new Claude Code release: change `CLAUDE_AGENT_SDK_VERSION` in
pyproject.toml's extras (claude-code, notebooks, test), run `python scripts/claude_code_upgrade.py`, update what it reports here.
"""

from __future__ import annotations

import platform
from pathlib import Path

# -- the version ----------------------------------------------------------------------------------------
# The Claude Code release this reader is proved against: the binary bundled in claude-agent-sdk
# (pinned in the test extra), which the differential tests run.
CLAUDE_CODE_MODEL_VERSION = "2.1.332"
CLAUDE_AGENT_SDK_VERSION = "0.2.189"
# How to get that binary, pinned: every message that says Claude Code is missing names this (an unpinned
# `pip install claude-agent-sdk` would bring whatever Claude Code is newest, not the one agentkit is proved
# against). The `claude-code` and `notebooks` extras of pyproject.toml pin the same release.
CLAUDE_CODE_INSTALL = (
    f"pip install 'claude-agentkit[claude-code]' (or pip install claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION}, "
    f"which bundles Claude Code {CLAUDE_CODE_MODEL_VERSION})"
)

# -- files and folders ----------------------------------------------------------------------------------
MAX_FILE_BYTES = 1024 * 1024  # larger agent files are skipped
AGENT_SUFFIX = ".md"
# When names clash, the later scope wins: built-in < plugin < user < project < --agents JSON < managed.
# Inside one folder the file whose path sorts last wins.
SCOPE_ORDER = ("plugin", "user", "project", "cli", "managed")
PLUGIN_PLACEHOLDER = "Agent from the {plugin} plugin"  # a plugin agent without a description


def managed_agents_dir() -> Path:
    """The managed (organisation-wide) agents folder of this platform."""
    if platform.system() == "Darwin":
        return Path("/Library/Application Support/ClaudeCode/.claude/agents")
    return Path("/etc/claude-code/.claude/agents")


# -- front matter keys ----------------------------------------------------------------------------------
NAME_MAX_CHARS = 256
# Keys Claude Code reads (case-sensitive); any other key is ignored.
DOCUMENTED_FIELDS = (
    "name",
    "description",
    "tools",
    "disallowedTools",
    "model",
    "color",
    "effort",
    "permissionMode",
    "maxTurns",
    "skills",
    "mcpServers",
    "hooks",
    "memory",
    "background",
    "isolation",
    "initialPrompt",
)
# Also read, mostly undocumented.
UNDOCUMENTED_FIELDS = (
    "autoCompactWindow",
    "omitClaudeMd",
    "observer",
    "observerMessage",
    "observeToolResults",
    "observeSubagents",
    "experimental",  # experimental.cacheTtl
)
KNOWN_FIELDS = DOCUMENTED_FIELDS + UNDOCUMENTED_FIELDS
# Keys a plugin agent's front matter may not set (Claude Code ignores them there).
PLUGIN_IGNORED_FIELDS = (
    "permissionMode",
    "hooks",
    "mcpServers",
    "initialPrompt",
    "observer",
    "observerMessage",
    "observeToolResults",
    "observeSubagents",
)
# Keys whose value Claude Code reads as entries: a text split on commas and spaces, a list's texts.
SPLIT_KEYS = ("tools", "disallowedTools", "skills")
AUTO_COMPACT_WINDOW_MIN = 100_000  # Claude Code warns below this, and ignores the value
CACHE_TTLS = ("5m", "1h")  # experimental.cacheTtl

# -- values ---------------------------------------------------------------------------------------------
MODEL_ALIASES = ("sonnet", "opus", "haiku", "inherit", "fable", "best", "opusplan")
COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")
EFFORTS = ("low", "medium", "high", "xhigh", "max")
# `permissionMode` in front matter, and `--permission-mode` (what claude-agent-sdk's permission_mode passes).
PERMISSION_MODES = ("default", "acceptEdits", "auto", "bypassPermissions", "dontAsk", "plan")
# Other spellings Claude Code accepts for a mode (`--permission-mode` lists `manual`, read as `default`).
PERMISSION_MODE_SYNONYMS = {"manual": "default"}
MEMORIES = ("user", "project", "local")
ISOLATIONS = ("worktree", "remote")

# -- hooks ----------------------------------------------------------------------------------------------
HOOK_TYPES = ("command", "prompt", "agent", "http", "mcp_tool")
# Every hook event Claude Code knows; a key of `hooks` outside this list is ignored (with a note).
HOOK_EVENTS = (
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
    "PermissionRequest",
    "PermissionDenied",
    "Setup",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "Elicitation",
    "ElicitationResult",
    "ConfigChange",
    "WorktreeCreate",
    "WorktreeRemove",
    "InstructionsLoaded",
    "CwdChanged",
    "FileChanged",
    "DirectoryAdded",
    "MessageDisplay",
    "PreSkillShellCommand",
)
# Events whose hooks guard what an agent may do. Any problem with their hooks stops the agent loading:
# a value under `hooks:` that is not a list (null aside), a bad matcher or hook entry, or a top-level key
# of that name with a value (not null, not an empty list; PreSkillShellCommand since 2.1.332).
GUARDED_HOOK_EVENTS = ("PreToolUse", "PermissionRequest", "PreSkillShellCommand")
# Top-level keys Claude Code does not search for hook settings (every other one it searches 3 levels down).
UNSCANNED_TOP_KEYS = ("metadata", "mcpServers", "lspServers")

# -- tools ----------------------------------------------------------------------------------------------
# Names Claude Code recognises in `tools`. Which of them an agent really gets also depends on the platform,
# the session (interactive or not) and feature flags: the oracle shows what a spawned subagent receives.
BUILTIN_TOOLS = (
    "Agent",
    "Bash",
    "PowerShell",
    "Read",
    "Write",
    "Edit",
    "NotebookEdit",
    "Glob",
    "Grep",
    "WebFetch",
    "WebSearch",
    "TodoWrite",
    "TaskCreate",
    "TaskGet",
    "TaskUpdate",
    "TaskList",
    "TaskStop",
    "AskUserQuestion",
    "Skill",
    "EnterPlanMode",
    "ExitPlanMode",
    "EnterWorktree",
    "ExitWorktree",
    "LSP",
    "SendMessage",
    "ListMcpResourcesTool",
    "ReadMcpResourceTool",
    "ReadMcpResourceDirTool",
    "ToolSearch",
    "Monitor",
    "CronCreate",
    "CronDelete",
    "CronList",
    "ListAgents",
    "Workflow",
    "ScheduleWakeup",
    "ReportFindings",
    "SendUserMessage",
    "SetGoal",
)
# Old names still mapped to a current tool.
TOOL_ALIASES = {
    "Task": "Agent",
    "KillShell": "TaskStop",
    "KillBash": "TaskStop",
    "ListPeers": "ListAgents",
    "Brief": "SendUserMessage",
    "ListMcpResources": "ListMcpResourcesTool",
    "ReadMcpResource": "ReadMcpResourceTool",
    "ReadMcpResourceDir": "ReadMcpResourceDirTool",
    "ProposeGoal": "SetGoal",
}
# Tools a subagent never gets: naming only such tools in `tools` makes Claude Code refuse to spawn the agent.
NOT_FOR_SUBAGENTS = (
    "CronCreate",
    "CronDelete",
    "CronList",
    "ListAgents",
    "Workflow",
    "ScheduleWakeup",
    "ReportFindings",
    "ListMcpResourcesTool",
    "ReadMcpResourceTool",
    "ReadMcpResourceDirTool",
)
# The native binary's Bash carries its own find and grep: an agent granted Bash does not also get Glob and
# Grep (and an agent that inherits every tool gets neither). `tools` still lists them as written.
WITHHELD_WITH_BASH = ("Glob", "Grep")
# Names that are no longer tools (only permission-rule names): ignored in `tools`. The value is the exact
# replacement a fix may write, None when there is none.
REMOVED_TOOLS: dict[str, str | None] = {"MultiEdit": "Edit", "NotebookRead": "Read", "LS": None}
REMOVED_ADVICE = {"MultiEdit": "Edit", "NotebookRead": "Read", "LS": "Glob (to list files) or Bash (ls)"}
# Appended (in this order, each unless already listed) to an explicit `tools` list when `memory` is user,
# project or local: the agent needs them for its memory files. The agent listing shows them too.
MEMORY_TOOLS = ("Write", "Edit", "Read")
ALL_TOOLS = "*"

# -- descriptions ---------------------------------------------------------------------------------------
DESCRIPTION_BUDGET_TOKENS = 15_000  # Claude Code warns past about this many tokens of agent descriptions

# -- models ---------------------------------------------------------------------------------------------
# What Claude Code resolves each alias to on the Anthropic API (first-party). `inherit` is the main
# conversation's model, by default the `opus` alias (DEFAULT_MAIN_MODEL). Bedrock, Vertex and gateways differ.
MODEL_IDS = {
    "sonnet": "claude-sonnet-5-5",
    "opus": "claude-opus-5-5",
    "haiku": "claude-haiku-5-5",
    "fable": "claude-fable-5-2",
    "best": "claude-opus-5-5",  # with an API key; the best model the account may use
    "opusplan": "claude-sonnet-5-5",  # Opus only in plan mode, which a subagent run is not
}
DEFAULT_MAIN_MODEL = "opus"
# Environment variables Claude Code reads to change the aliases, and to force every subagent's model.
MODEL_ALIAS_VARIABLES = {
    "opus": "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "sonnet": "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "haiku": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
}
SUBAGENT_MODEL_VARIABLE = "CLAUDE_CODE_SUBAGENT_MODEL"  # the model of agents that name none (not `inherit`)

# -- export shapes ------------------------------------------------------------------------------------
# The keys `claude --agents '<json>'` takes besides description, prompt and tools, in its order.
AGENTS_JSON_KEYS = (
    "disallowedTools",
    "model",
    "effort",
    "permissionMode",
    "mcpServers",
    "hooks",
    "maxTurns",
    "skills",
    "initialPrompt",
    "memory",
    "background",
    "isolation",
)
# claude-agent-sdk AgentDefinition arguments besides description, prompt and tools.
SDK_DEFINITION_KEYS = (
    "disallowedTools",
    "model",
    "skills",
    "memory",
    "mcpServers",
    "initialPrompt",
    "maxTurns",
    "background",
    "effort",
    "permissionMode",
)

# -- running Claude Code (agentkit.live's Claude Code mode) ---------------------------------------------
# The tool a main session delegates with, and the keys of its input (2.1.332).
AGENT_TOOL = "Agent"
# Variables that keep a Claude Code run quiet: no self-update, no telemetry, no traffic but the model's.
QUIET_ENVIRONMENT = {
    "DISABLE_AUTOUPDATER": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "DISABLE_TELEMETRY": "1",
    "DISABLE_ERROR_REPORTING": "1",
}
CONFIG_DIR_VARIABLE = "CLAUDE_CONFIG_DIR"  # where settings, sessions and transcripts are written
MAX_OUTPUT_TOKENS_VARIABLE = "CLAUDE_CODE_MAX_OUTPUT_TOKENS"  # the max_tokens of every request
# Prefixes of the variables through which a caller's environment changes what Claude Code does
# (credentials, endpoints, models, providers, settings); a clean run sets each one it does not mean to "".
CALLER_VARIABLE_PREFIXES = (
    "ANTHROPIC_",
    "CLAUDE_",
    "CLAUDECODE",
    "AWS_",
    "VERTEX_",
    "CLOUD_ML_",
    "GOOGLE_",
    "OTEL_",
    "MCP_",
    "DISABLE_",
    "ENABLE_",
    "MAX_THINKING_TOKENS",
    "BASH_",
)

# -- routing: the main loop's request and how it delegates (2.1.332) -------------------------------------
# The agents Claude Code lists in every project besides the user's own (probed with an empty project).
BUILTIN_AGENTS = ("claude", "Explore", "general-purpose", "Plan", "statusline-setup")
# An Agent call without `subagent_type` starts this agent; `fork` forks the main agent itself.
DEFAULT_SUBAGENT_TYPE = "general-purpose"
FORK_SUBAGENT_TYPE = "fork"
SKILL_TOOL = "Skill"
# A `subagent_type` that names no agent exactly is matched with case, spaces, `_` and `-` ignored (after
# NFKC): one match runs it, several are refused as ambiguous, none as not found (probed: "Code Reviewer",
# "code_reviewer" and "CODEREVIEWER" all run code-reviewer; "code.reviewer" and "" are refused).
SUBAGENT_TYPE_IGNORED = " \t\n\r\f\v_-"
# What Claude Code reads from the user's config folder ($CLAUDE_CONFIG_DIR, else ~/.claude) when it builds
# the main loop's request; a capture copies these into a scratch config (`projects/<slug>/memory` too).
USER_CONFIG_ENTRIES = (
    "agents",
    "CLAUDE.md",
    "settings.json",
    "skills",
    "commands",
    "plugins",
    "output-styles",
    "rules",
)
# In the project: CLAUDE.md files in the working folder and every folder above it; `.claude/` (agents,
# skills, commands, settings) in each folder from the working folder up to the git root.
PROJECT_MEMORY_FILES = ("CLAUDE.md", "CLAUDE.local.md")
# The caller's variables that change the main loop's request (its model, limits, caching), passed through
# to a capture; every other variable of the caller is left out.
REQUEST_VARIABLES = (
    "ANTHROPIC_MODEL",
    "ANTHROPIC_SMALL_FAST_MODEL",
    "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "CLAUDE_CODE_SUBAGENT_MODEL",
    "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
    "MAX_THINKING_TOKENS",
    "DISABLE_PROMPT_CACHING",
)


def project_slug(path: str) -> str:
    """The folder name Claude Code gives a working folder under `projects/` of its config (transcripts,
    memory): every character that is not an ASCII letter or digit becomes `-`."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in path)


# -- transcripts (agentkit.usage) -----------------------------------------------------------------------
# What Claude Code writes of real use, under $CLAUDE_CONFIG_DIR/projects/<project slug>/: <session>.jsonl
# for the main thread and, per spawned agent, <session>/subagents/agent-<id>.jsonl with agent-<id>.meta.json
# (2.1.x). Older releases wrote a subagent's records inline in the session file (`isSidechain: true`, the
# tool called `Task`; 1.0.x), then as agent-<id>.jsonl beside the session files (2.0.x).
TRANSCRIPTS_FOLDER = "projects"
SLUG_LIMIT = 200  # a longer project_slug() is cut here by the binary and given "-<hash of the path>"
# The tools a main thread delegates with: `Agent` now, `Task` before.
DELEGATION_TOOLS = (AGENT_TOOL, "Task")
# Every record type 2.1.332 knows in a transcript (its table of entry types), plus `result` from older files.
TRANSCRIPT_RECORD_TYPES = frozenset(
    {
        *("user", "assistant", "attachment", "system", "progress", "summary", "custom-title"),
        *("ended-by-model", "continued-in", "ai-title", "last-prompt", "tag", "relocated", "agent-name"),
        *("agent-color", "agent-setting", "pr-link", "frame-link", "artifact-comment-monitor"),
        *("artifact-autoreact-ledger", "bridge-session", "history-suppression", "file-history-snapshot"),
        *("file-history-delta", "attribution-snapshot", "mode", "permission-mode", "isolation-latch"),
        *("session-owner", "dev-mods", "memory-mode", "atis-latch", "tools-used", "data-flow-records"),
        *("data-flow-incomplete", "derived-from", "worktree-state", "cost-state", "queue-operation"),
        *("content-replacement", "api-request-shape", "api-request-blob", "api-request"),
        *("api-request-resumed", "fork-context-ref", "observer-ref", "resume-head-vouch", "result"),
    }
)
SYNTHETIC_MODEL = "<synthetic>"  # the model of messages Claude Code makes up itself (an API error shown)
