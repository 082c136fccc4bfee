"""Moved to `agentkit._oracle.standin` (run it with `python -m agentkit._oracle.standin`)."""

from agentkit._oracle.standin import *  # noqa: F403
