"""Record the transcripts notebook 07 ("How are my agents used?") and the README's usage example read.

    python scripts/record_usage_transcripts.py            # rewrites notebooks/recordings/07-usage/

The real Claude Code (the 2.1.332 bundled in claude-agent-sdk) runs eight sessions offline in a scratch
project whose agents are copies of the bundled `agents/`, against agentkit's stand-in Messages API; every
answer is scripted (its text, its tool calls, its four token counts). Then only what agentkit.usage reads
is kept (`agentkit._oracle.transcripts.without_claude_code_texts`): `user` and `assistant` records and the
agents' metadata, with every text Claude Code wrote itself removed; the scratch folder's path becomes
/tmp/agentkit-usage-demo; session i is moved to day DAYS[i] (the binary ran them all within a minute), so
that the notebook has something to show over time. The script checks that the binary asked for exactly
the scripted answers and that no Claude Code text is left.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agentkit._oracle.standin import Reply, TokenUsage, ToolUse  # noqa: E402
from agentkit._oracle.transcripts import (  # noqa: E402
    REMOVED,
    ScriptedSession,
    record_sessions,
    without_claude_code_texts,
)
from agentkit._oracle.world import ScratchWorld  # noqa: E402

TARGET = ROOT / "notebooks" / "recordings" / "07-usage"
PLACEHOLDER = "/tmp/agentkit-usage-demo"
PROJECT_AGENTS = (
    "code-reviewer",
    "unit-test-generator",
    "docs-writer",
    "security-auditor",
    "planner",
    "frontend-dev",
)
DAYS = (0, 1, 2, 3, 4, 6, 7, 9)
# Markers of Claude Code's own texts: none may be left in what is committed.
CLAUDE_CODE_MARKERS = (
    "<system-reminder>",
    "You are ",
    "Claude Code",
    "internal metadata",
    "IMPORTANT",
    "api-request",
)


def U(i: int, o: int, read: int = 0, write: int = 0) -> TokenUsage:  # noqa: N802 - short, like the table
    return TokenUsage(input=i, output=o, cache_read=read, cache_creation=write)


def call(agent: str, prompt: str, call_id: str, background: bool = False) -> ToolUse:
    given = {
        "description": f"{agent}",
        "prompt": prompt,
        "subagent_type": agent,
        "run_in_background": background,
    }
    return ToolUse("Agent", given, call_id)


def read(path: str, call_id: str) -> ToolUse:
    return ToolUse("Read", {"file_path": path}, call_id)


SESSIONS = [
    ScriptedSession(
        "Review my changes to checkout.py",
        main=(
            Reply(U(3200, 60, 9000, 2400), "I'll have the code reviewer look.", (call("code-reviewer", "Review checkout.py [r1]", "toolu_r1"),)),
            Reply(U(3600, 180, 11400, 300), "One bug: the discount is applied twice."),
        ),
        agents={"[r1]": (Reply(U(2100, 40, 0, 1900), "", (read("checkout.py", "toolu_r1_read"),)), Reply(U(2600, 420, 1900, 200), "The discount is applied twice in total().")) },
    ),
    ScriptedSession(
        "Add unit tests for apply_discount",
        main=(
            Reply(U(3300, 45, 9000, 2500), "", (call("unit-test-generator", "Unit tests for apply_discount [t1]", "toolu_t1"),)),
            Reply(U(3900, 90, 11500, 0), "Added five tests in test_discount.py."),
        ),
        agents={"[t1]": (Reply(U(1500, 30, 0, 1200), "", (read("checkout.py", "toolu_t1_read"),)), Reply(U(1800, 900, 1200, 0), "def test_apply_discount(): ...")) },
    ),
    ScriptedSession(
        "Explain what cart.py does",
        main=(Reply(U(3100, 350, 9000, 2200), "cart.py keeps the items and their quantities."),),
    ),
    ScriptedSession(
        "Review the payment retry logic, and check it for security problems",
        main=(
            Reply(
                U(3500, 110, 9000, 2900),
                "Two agents will look at it.",
                (
                    call("code-reviewer", "Review the retry logic in payments.py [r2]", "toolu_r2"),
                    call("security-auditor", "Audit payments.py [s1]", "toolu_s1"),
                ),
            ),
            Reply(U(4300, 260, 12400, 0), "Retries are not idempotent; the card token is logged."),
        ),
        agents={
            "[r2]": (Reply(U(2200, 380, 0, 2000), "Retries can charge twice."),),
            "[s1]": (Reply(U(2400, 20, 0, 2300), "", (read("payments.py", "toolu_s1_read"),)), Reply(U(3100, 510, 2300, 400), "The card token is written to the log.")),
        },
    ),
    ScriptedSession(
        "Find every place we call the tax API, in the background",
        main=(
            Reply(U(3000, 40, 9000, 2000), "", (call("Explore", "Find calls of the tax API [e1]", "toolu_e1", background=True),)),
            Reply(U(3200, 15, 11000, 0), "Searching in the background."),
            Reply(U(3500, 70, 11000, 200), "Three places: cart.py, invoice.py, refunds.py."),
        ),
        agents={"[e1]": (Reply(U(1900, 160, 0, 1500), "cart.py:12, invoice.py:40, refunds.py:7"),)},
    ),
    ScriptedSession(
        "Update the README for the new --dry-run flag",
        main=(
            Reply(U(3100, 40, 9000, 2100), "", (call("docs-writer", "Document --dry-run in README.md [d1]", "toolu_d1"),)),
            Reply(U(3400, 50, 11100, 0), "The README now documents --dry-run."),
        ),
        agents={"[d1]": (Reply(U(1700, 640, 0, 1600), "Added a --dry-run section."),)},
    ),
    ScriptedSession(
        "Review the refund endpoint",
        main=(
            Reply(U(3200, 35, 9000, 2300), "", (call("code-reviewer", "Review refunds.py [r3]", "toolu_r3"),)),
            Reply(U(3500, 60, 11300, 0), "The reviewer could not run: the API refused it."),
        ),
        agents={"[r3]": (Reply(status=400),) * 4},  # the API refuses: Claude Code gives up, the run failed
    ),
    ScriptedSession(
        "What's a good name for a function that rounds prices to cents?",
        main=(Reply(U(3000, 25, 9000, 2000), "round_to_cents"),),
    ),
]  # fmt: skip


def main() -> int:
    with ScratchWorld() as world:
        for name in PROJECT_AGENTS:
            world.write_agent(f"{name}.md", (ROOT / "agents" / f"{name}.md").read_bytes())
        for name, text in {
            "checkout.py": "def total(cart):\n    return sum(i.price for i in cart) * (1 - cart.discount)\n",
            "payments.py": "def charge(card, amount):\n    log.info('charging %s', card.token)\n",
        }.items():
            (world.project / name).write_text(text)
        sent = record_sessions(world, SESSIONS, prefix="demo")
        shutil.rmtree(TARGET / "projects", ignore_errors=True)  # README.md stays
        TARGET.mkdir(parents=True, exist_ok=True)
        assert world.root is not None
        without_claude_code_texts(
            world.config_dir, TARGET, root=str(world.root), placeholder=PLACEHOLDER, day_shift=DAYS
        )
    left = [
        (p, m)
        for p in TARGET.rglob("*.json*")
        for m in CLAUDE_CODE_MARKERS
        if m in p.read_text("utf-8").replace(REMOVED, "")
    ]
    if left:
        raise SystemExit(f"Claude Code's texts are left in the recordings: {left[:5]}")
    answers = sum(len(s) for s in sent)
    (TARGET / "sent.json").write_text(
        json.dumps(
            [
                [{"thread": s.thread, "turn": s.turn, "model": s.model, **vars(s.reply.usage)} for s in one]
                for one in sent
            ],
            indent=1,
        )
        + "\n"
    )
    print(f"recorded {len(SESSIONS)} sessions, {answers} answers, into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
