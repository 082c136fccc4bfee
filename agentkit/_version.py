"""The package version, from the installed distribution's metadata (one place; nothing hard-coded)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("claude-agentkit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
