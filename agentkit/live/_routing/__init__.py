"""Routing: will Claude Code hand a request to an agent? Every answer lives here.

- `estimate.py`: the offline estimate from names and descriptions (`agentkit.route`, `conflicts`): free and
  instant, not Claude Code's routing;
- `capture.py`, `listing.py`, `whatif.py`, `request.py`: Claude Code's own main-loop request for a project,
  captured from the pinned binary, as it is or with edited agents or CLAUDE.md (`capture_request`);
- `sample.py`, `route.py`, `result.py`: that request sent N times, each answer classified by what it does
  first (`live.route` -> `Route`);
- `compare.py`: the offline estimate against Claude Code's routing, request by request;
- `evaluation.py`: labelled requests scored with either router (`routing:` in eval suites,
  `evals.run_routing`);
- `cases.py`: the requests of real sessions, from the transcripts, written as a routing suite
  (`agentkit usage --export-routing`);
- `confusion.py`: Claude's opinion of two descriptions side by side (not Claude Code's routing).

Only the Claude Code router is imported here; `estimate` and `evaluation` are imported where they are used,
so that `import agentkit.live` does not load scikit-learn's side of the kit.
"""

from agentkit.live._routing.capture import Capture
from agentkit.live._routing.compare import compare_routing, offline_agents
from agentkit.live._routing.confusion import LiveConfusion, confusion
from agentkit.live._routing.listing import ListedAgent
from agentkit.live._routing.request import capture_request
from agentkit.live._routing.result import Route, side_by_side
from agentkit.live._routing.route import MAX_SAMPLES as MAX_ROUTE_SAMPLES
from agentkit.live._routing.route import route
from agentkit.live._routing.sample import DEFAULT_MAX_TOKENS as DEFAULT_ROUTE_MAX_TOKENS
from agentkit.live._routing.sample import SELF, Sample, resolve_agent
from agentkit.live._routing.whatif import KEEP

__all__ = [
    "DEFAULT_ROUTE_MAX_TOKENS",
    "KEEP",
    "MAX_ROUTE_SAMPLES",
    "SELF",
    "Capture",
    "ListedAgent",
    "LiveConfusion",
    "Route",
    "Sample",
    "capture_request",
    "compare_routing",
    "confusion",
    "offline_agents",
    "resolve_agent",
    "route",
    "side_by_side",
]
