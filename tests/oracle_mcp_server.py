"""A tiny MCP server (stdio, newline-delimited JSON-RPC) for the Claude Code facts tests.

It offers one tool (`echo`) and one resource, so that Claude Code, started with
`--mcp-config '{"mcpServers": {"probe": {"command": <python>, "args": [<this file>]}}}'`, has an MCP tool
(`mcp__probe__echo`) and its MCP resource tools to hand out. It never does anything else.
"""

from __future__ import annotations

import json
import sys


def _answer(message: dict) -> dict | None:
    ident, method = message.get("id"), message.get("method")
    if ident is None:  # a notification
        return None
    results = {
        "initialize": {
            "protocolVersion": (message.get("params") or {}).get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {}, "resources": {}},
            "serverInfo": {"name": "agentkit-probe", "version": "1"},
        },
        "tools/list": {
            "tools": [
                {"name": "echo", "description": "Echo.", "inputSchema": {"type": "object", "properties": {}}}
            ]
        },
        "resources/list": {"resources": [{"uri": "probe://one", "name": "one"}]},
        "resources/templates/list": {"resourceTemplates": []},
        "prompts/list": {"prompts": []},
    }
    if method in results:
        return {"jsonrpc": "2.0", "id": ident, "result": results[method]}
    return {"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": f"no method {method}"}}


def main() -> None:
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        answer = _answer(message) if isinstance(message, dict) else None
        if answer is not None:
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
