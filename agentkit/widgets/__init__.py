"""Jupyter widgets (ipywidgets 8) to explore, compare, edit and try agents. Import it explicitly:

    import agentkit
    from agentkit.widgets import Explorer, OverlapExplorer, Editor, Playground, Evaluator
    agents = agentkit.load(".claude/agents")
    Explorer(agents)                       # filter, sort, read findings and the rendered prompt
    OverlapExplorer(agents)                # heatmap, shared passages side by side, groups, conflicts
    editor = Editor(agents["code-reviewer"], agents=agents)   # form, live lint, diff, save, fix, export
    Playground(agents)                     # run agents side by side through the Anthropic API
    Evaluator("evals/reviewers.yaml")      # run a suite: cases x versions, click a cell to see why
    RouteExplorer(".")                     # will Claude Code hand a request to an agent? before/after an edit
    UsageExplorer(agents=agents)           # how agents were really used, from Claude Code's transcripts
    scratch_folder()                       # a temporary folder removed when the kernel stops

Each class displays itself and exposes its controls as attributes (`explorer.search`, `editor.description`,
`editor.save_button`, ...), so a notebook can drive it: set `.value`, call `.click()`, read the labels.
The logic lives in the library (`agentkit.widgets._logic` and the modules it calls) and is tested without
a browser.
"""

from agentkit.widgets._editor import Editor
from agentkit.widgets._evaluator import Evaluator
from agentkit.widgets._explorer import Explorer
from agentkit.widgets._overlap import OverlapExplorer
from agentkit.widgets._playground import Playground
from agentkit.widgets._route import RouteExplorer
from agentkit.widgets._scratch import scratch_folder
from agentkit.widgets._usage import UsageExplorer

__all__ = [
    "Editor",
    "Evaluator",
    "Explorer",
    "OverlapExplorer",
    "Playground",
    "RouteExplorer",
    "UsageExplorer",
    "scratch_folder",
]
