"""A seeded generator of agent files covering every rule of Claude Code's reader, for the differential tests.

`generate(seed)` returns folders of cases; every case is one file (its bytes, its path relative to an agents
folder, the scope it goes in, and the rule family it exercises). Most files get a name of their own, so that
one run of Claude Code per folder tells which files load and how; the same-name and scope folders clash on
purpose. Nothing here says what the right reading is: the binary does (tests/test_differential.py).

Families (`Case.rule`): plain, quoting, comment, dashes, crlf, tabs, bom, nfkc, tools, memory, disallowed,
hooks, guard, notmap, types, newline, names, bomb, anchors, emptykeys, blockend, blocktabs, deep, fallback, dupkeys,
structure, yaml12, unicode, files, samename, scopes, keys.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from agentkit._reader.claude_code import BUILTIN_TOOLS, REMOVED_TOOLS, TOOL_ALIASES

SEED = 20261125
NFKC_COLONS = ("\uff1a", "\ufe55", "\ufe13", "\u2a74")  # NFKC turns each into (or into text holding) ':'
LOOKALIKES = ("\u02d0", "\u0589", "\ua789", "\u2236", "\u05c3", "\u1361")  # look like ':' but are not
ASTRAL = "\U0001f600"
WORDS = (
    "review code test deploy python rust api database schema security audit docs write refactor debug "
    "profile frontend backend cloud kubernetes terraform data pipeline model train evaluate plan design "
    "migrate upgrade lint format typescript react sql graphql cache queue stream log metric alert"
).split()


@dataclass(frozen=True, slots=True)
class Case:
    rule: str
    path: str  # relative to the agents folder, '/' separated
    data: bytes
    scope: str = "project"  # or "user"


@dataclass
class Folder:
    name: str
    cases: list[Case] = field(default_factory=list)

    @property
    def scoped(self) -> bool:
        return any(c.scope == "user" for c in self.cases)


# -- building blocks ------------------------------------------------------------------------------------


def doc(
    lines: list[str], body: str = "You are a helpful agent.\n", nl: str = "\n", bom: bool = False
) -> bytes:
    text = "---" + nl + nl.join(lines) + nl + "---" + nl + body.replace("\n", nl)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def q(value: str) -> str:
    """A JSON (YAML double-quoted) string, with --- escaped so it cannot end the block."""
    return json.dumps(value, ensure_ascii=False).replace("---", "-\\u002d-")


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counter = 0

    def uid(self, rule: str) -> str:
        self.counter += 1
        return f"{rule}-{self.counter}"

    def words(self, low: int = 3, high: int = 12) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def desc(self) -> str:
        return f"Use for {self.words()}."

    def extras(self) -> list[str]:
        """A few ordinary keys that do not change the listing."""
        pool = [
            f"model: {self.rng.choice(['sonnet', 'opus', 'haiku', 'inherit', 'fable', 'claude-x-1'])}",
            f"color: {self.rng.choice(['red', 'blue', 'green', 'purple', 'nope'])}",
            f"effort: {self.rng.choice(['low', 'high', 3, 'max'])}",
            "maxTurns: 5",
            "background: true",
            "permissionMode: plan",
        ]
        return self.rng.sample(pool, self.rng.randint(0, 3))

    def simple(self, rule: str, *more: str, name: str | None = None) -> bytes:
        name = name or self.uid(rule)
        lines = [f"name: {name}", f"description: {self.desc()}", *more, *self.extras()]
        return doc(lines)


# -- the families -------------------------------------------------------------------------------------------


def plain(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(150):
        yield "plain", g.simple("plain")


def quoting(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(12):
        n, d = g.uid("quoting"), g.desc()
        styles = [
            [f"name: '{n}'", f"description: '{d} it''s fine'"],
            [f'name: "{n}"', f'description: "{d} with \\"quotes\\", a tab\\t, \\u00e9 and \\\\ slash"'],
            [f"name: {n}", "description: |", f"  {d}", "  second line", ""],
            [f"name: {n}", "description: >", f"  {d}", "  folded line", "", "  new paragraph"],
            [f"name: {n}", "description: |-", f"  {d}", "  kept   spaces"],
            [f"name: {n}", "description: >+", f"  {d}", "", ""],
            [f"name: {n}", f"description: {d}", "  continued plain line", "  and another"],
            [f"name: {n}", f"description: 'single with: colon and # hash {d}'"],
            [f"name: {n}", f'description: "double with: colon\\nand newline {d}"'],
            [f"name: {n}", f'description: "unterminated {d}'],
            [f"name: {n}", f"description: '{d}' trailing text"],
            [f"name: {n}", f'description: "{d}" then: more'],
            [f"name: {n}", f'description: "{d}" # a comment'],
            [f"name: {n}", f"description: {q(d + ' ---- not an end --- really')}"],
            [f'name: "{n}" ', 'description: "multi', f'  line {d}"'],
        ]
        for lines in styles:
            n2 = g.uid("quoting")
            yield "quoting", doc([line.replace(n, n2) for line in lines])


def comments(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(12):
        forms = [
            [f"name: {g.uid('comment')}", "description: Expert in C# code #dotnet and more"],
            [f"name: {g.uid('comment')} # trailing", f"description: {g.desc()}"],
            [f"name: {g.uid('comment')}", f"description: {g.desc()}#nospace"],
            ["# a comment line", f"name: {g.uid('comment')}", "# another", f"description: {g.desc()}"],
            [f"name: {g.uid('comment')}", f"description: {g.desc()} # tools: Bash", "tools: Read # , Grep"],
            [f"name: {g.uid('comment')}", f"description: '{g.desc()} # kept'  # dropped"],
            [f"name: {g.uid('comment')}", "description: # only a comment"],
            [f"name: {g.uid('comment')}", f"description: {g.desc()}\t# after a tab"],
            [f"name: {g.uid('comment')}", f"description: a: b # c {g.desc()}"],
        ]
        for lines in forms:
            yield "comment", doc(lines)


def dashes(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(8):
        forms = [
            [f"name: {g.uid('dashes')}", f"description: before --- after {g.desc()}"],
            [f"name: {g.uid('dashes')}", f"description: '{g.desc()} --- quoted'"],
            [f"name: {g.uid('dashes')}", "description: |", "  line", "  ---", "  after"],
            [f"name: {g.uid('dashes')}", f"description: {g.desc()}", "-" * 50],
            [f"name: {g.uid('dashes')}", f"description: a---b {g.desc()}", "tools: Read"],
            [f"name: {g.uid('dashes')}", f"description: {g.desc()}", "tools: Read---Grep"],
            [f"name: {g.uid('dashes')}", f"description: {g.desc()}", "x: ---"],
        ]
        for lines in forms:
            yield "dashes", doc(lines)
        yield (
            "dashes",
            doc([f"name: {g.uid('dashes')}", f"description: {g.desc()}"], body="Body\n---\nmore\n"),
        )


def crlf(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(12):
        yield (
            "crlf",
            doc([f"name: {g.uid('crlf')}", f"description: {g.desc()}", "tools: Read, Grep"], nl="\r\n"),
        )
        yield "crlf", doc([f"name: {g.uid('crlf')}", f"description: with: colon {g.desc()}"], nl="\r\n")
        yield "crlf", doc([f"name: {g.uid('crlf')}", f"description: '{g.desc()}: quoted'"], nl="\r\n")
        yield "crlf", doc([f"name: {g.uid('crlf')}", "description: |", f"  {g.desc()}", "  two"], nl="\r\n")
        n = g.uid("crlf")
        mixed = f"---\r\nname: {n}\ndescription: {g.desc()}\r\ntools: Read\n---\r\nBody\r\n"
        yield "crlf", mixed.encode()
        yield "crlf", f"---\rname: {g.uid('crlf')}\rdescription: x\r---\rBody\r".encode()
        yield (
            "crlf",
            doc([f"name: {g.uid('crlf')}", f"description: Expert in C# code #x {g.desc()}"], nl="\r\n"),
        )
        yield (
            "crlf",
            doc([f"name: {g.uid('crlf')}", f"description: {g.desc()}", "tools: [Read, Grep]"], nl="\r\n"),
        )


def tabs(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(8):
        forms = [
            [f"name:\t{g.uid('tabs')}", f"description: {g.desc()}"],
            [f"name: {g.uid('tabs')}", f"description:\t{g.desc()}"],
            [f"name: {g.uid('tabs')}", f"description: {g.desc()}", "tools:", "\t- Read", "\t- Grep"],
            [f"name: {g.uid('tabs')}", f"description: {g.desc()}", "tools:", "  -\tRead", "  -\tGrep"],
            [f"\tname: {g.uid('tabs')}", f"description: {g.desc()}"],
            [f"name: {g.uid('tabs')}", f"description: {g.desc()}", "\t", "tools: Read"],
            [f"name: {g.uid('tabs')}", f"description: a: b\t{g.desc()}", "\tx: y"],
            [f"name: {g.uid('tabs')}", f"description: {g.desc()}\t", "tools: Read\tGrep"],
            [f"name: {g.uid('tabs')}", f"description: {g.desc()}", "hooks:", "\tStop: []"],
            [f"name: {g.uid('tabs')}\t", f"description:  \t {g.desc()}"],
        ]
        for lines in forms:
            yield "tabs", doc(lines)


def bom(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(6):
        yield "bom", doc([f"name: {g.uid('bom')}", f"description: {g.desc()}"], bom=True)
        yield "bom", doc([f"name: {g.uid('bom')}", f"description: {g.desc()}"], bom=True, nl="\r\n")
        yield "bom", ("\ufeff\ufeff" + doc([f"name: {g.uid('bom')}", "description: x"]).decode()).encode()
        yield "bom", ("\ufeff\n" + doc([f"name: {g.uid('bom')}", "description: x"]).decode()).encode()
        yield "bom", doc([f"name: {g.uid('bom')}", f"description: \ufeff{g.desc()}"])
        yield "bom", doc([f"name: \ufeff{g.uid('bom')}", f"description: {g.desc()}"])


def nfkc(g: Gen) -> Iterator[tuple[str, bytes]]:
    for char in NFKC_COLONS + LOOKALIKES:
        for form in ("{u}{c}tail", "{c}{u}", "{u}{c}"):
            name = form.format(u=g.uid("nfkc"), c=char)
            yield "nfkc", doc([f"name: {name}", f"description: {g.desc()}"])
        yield "nfkc", doc([f"name: {q(g.uid('nfkc') + char + 'q')}", f"description: {g.desc()}"])
    yield "nfkc", doc([f"name: {q(g.uid('nfkc') + ':x')}", f"description: {g.desc()}"])
    yield "nfkc", doc([f"name: '{g.uid('nfkc')}:'", f"description: {g.desc()}"])


def tools(g: Gen) -> Iterator[tuple[str, bytes]]:
    names = list(BUILTIN_TOOLS) + list(TOOL_ALIASES) + list(REMOVED_TOOLS) + ["BashOutput", "Foo", "read"]
    patterns = ["Bash(git diff:*)", "Bash(npm run *)", "Agent(a, b)", "Task(x)", "Read(/tmp/**)", "Bash(a b)"]
    mcp = ["mcp__github__create_issue", "mcp__github", "mcp__github__*", "mcp__x"]
    fixed = [
        "tools:",
        "tools: []",
        "tools: ''",
        'tools: ""',
        "tools: '*'",
        'tools: ["*"]',
        "tools: Read, *",
        "tools: null",
        "tools: ~",
        "tools: 123",
        "tools: true",
        "tools: {a: 1}",
        "tools: {}",
        "tools: [1, true, null, Read]",
        "tools: [[Read], Grep]",
        "tools: [1.5]",
        "tools: Read,Grep",
        "tools: Read  Grep",
        "tools: 'Read, Read, Grep'",
        "tools: ' Read '",
        "tools: [' Read', 'Grep ']",
        "tools: ['Read, Grep', Bash]",
        "tools: Read, Grep,",
        "tools: ,Read",
        "tools: Bash(unclosed, Read",
        "tools: Read)x, Grep",
        "tools: Bash(a(b), c), Read",
        "tools: Bash((a), b)",
        "tools: 'Read\tGrep'",
        'tools: "Read\\tGrep"',
        'tools: "Read\\u00a0Grep"',
        'tools: "\\u00a0Read"',
        'tools: "Read\\nGrep"',
        "tools: [a, [b, c]]",
        "tools: 0x10",
        "tools:\n  - Read\n  - Grep",
        "tools: Read,\n  Grep",
        "tools: >\n  Read,\n  Grep",
        "tools: |\n  Read\n  Grep",
        "tools: [Read, '']",
        "tools: ['']",
        "tools: ' '",
        "tools: ','",
        "tools: '()'",
        "tools: Task(agent-a), Bash",
    ]
    for form in fixed:
        for _ in range(2):
            yield "tools", g.simple("tools", form)
    for _ in range(100):
        chosen = g.rng.sample(names, g.rng.randint(1, 4))
        if g.rng.random() < 0.3:
            chosen.append(g.rng.choice(patterns))
        if g.rng.random() < 0.2:
            chosen.append(g.rng.choice(mcp))
        style = g.rng.random()
        if style < 0.4:
            line = "tools: " + ", ".join(chosen)
        elif style < 0.55:
            line = "tools: " + " ".join(c for c in chosen if " " not in c)
        elif style < 0.8:
            line = "tools: [" + ", ".join(q(c) for c in chosen) + "]"
        else:
            line = "tools:\n" + "\n".join(f"  - {q(c)}" for c in chosen)
        yield "tools", g.simple("tools", line)


def memory(g: Gen) -> Iterator[tuple[str, bytes]]:
    tools_forms = ["tools: Grep", "tools: Read, Grep", "tools: []", "tools:", "", "tools: '*'", "tools: Foo",
                   "tools: Edit, Write, Read", "tools: [Write]", "tools: 123", "tools: Grep, Grep",
                   "tools: read, write"]  # fmt: skip
    memories = ["project", "user", "local", "PROJECT", "nonsense", "''", "1", "true", "[project]", "null"]
    for mem in memories:
        for form in tools_forms:
            lines = [f"memory: {mem}"] + ([form] if form else [])
            yield "memory", g.simple("memory", *lines)


def disallowed(g: Gen) -> Iterator[tuple[str, bytes]]:
    pairs = [
        ("", "disallowedTools: Bash"),
        ("", "disallowedTools: Bash, Read"),
        ("", "disallowedTools: []"),
        ("", "disallowedTools:"),
        ("", "disallowedTools: '*'"),
        ("tools: Read, Grep", "disallowedTools: Grep"),
        ("tools: Grep", "disallowedTools: Grep"),
        ("tools: Read, Grep", "disallowedTools: Task"),
        ("tools: Task, Read", "disallowedTools: Agent"),
        ("tools: Read, Grep", "disallowedTools: [Grep, Read]"),
        ("tools: []", "disallowedTools: Bash"),
        ("tools: '*'", "disallowedTools: Bash"),
        ("tools: Read", "disallowedTools: 5"),
        ("", "disallowed_tools: Bash"),
        ("", "disallowedtools: Bash"),
        ("tools: Bash(git:*), Read", "disallowedTools: Bash"),
        ("memory: project\ntools: Read", "disallowedTools: Write"),
        ("memory: project", "disallowedTools: Write"),
    ]
    for _ in range(2):
        for tools_line, denied in pairs:
            lines = [x for x in (tools_line, denied) if x]
            yield "disallowed", g.simple("disallowed", *lines)


def hooks(g: Gen) -> Iterator[tuple[str, bytes]]:
    valid_hook = '{"type": "command", "command": "echo hi"}'
    forms = [
        f"hooks: {{Stop: [{{hooks: [{valid_hook}]}}]}}",
        f'hooks: {{PreToolUse: [{{matcher: "Bash", hooks: [{valid_hook}]}}]}}',
        "hooks:\n  PostToolUse:\n    - matcher: Edit\n      hooks:\n        - type: command\n          command: ruff",
        "hooks: {}",
        "hooks: []",
        "hooks: null",
        "hooks: ''",
        "hooks: 5",
        "hooks: text",
        "hooks: {Stop: 5}",
        "hooks: {Stop: text}",
        "hooks: {Stop: null}",
        "hooks: {Stop: []}",
        "hooks: {Stop: {}}",
        "hooks: {PreToolUse: 5}",
        "hooks: {PreToolUse: null}",
        "hooks: {PreToolUse: {}}",
        "hooks: {PreToolUse: text}",
        "hooks: {PermissionRequest: {a: 1}}",
        "hooks: {PreSkillShellCommand: 1}",
        "hooks: {PreSkillShellCommand: []}",
        "hooks: {NotAnEvent: [{hooks: [{type: command, command: x}]}]}",
        "hooks: {NotAnEvent: 5}",
        "hooks: {NotAnEvent: {PreToolUse: [{hooks: [{type: command, command: x}]}]}}",
        "hooks: {Stop: [5]}",
        "hooks: {Stop: [{}]}",
        "hooks: {Stop: [{hooks: 5}]}",
        "hooks: {Stop: [{hooks: []}]}",
        "hooks: {Stop: [{hooks: [5]}]}",
        "hooks: {Stop: [{hooks: [{}]}]}",
        "hooks: {Stop: [{hooks: [{type: nope}]}]}",
        "hooks: {Stop: [{hooks: [{type: command}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: 5}]}]}",
        "hooks: {Stop: [{matcher: 5, hooks: [{type: command, command: x}]}]}",
        "hooks: {PreToolUse: [5]}",
        "hooks: {PreToolUse: [{hooks: 5}]}",
        "hooks: {PreToolUse: [{hooks: [{type: nope}]}]}",
        "hooks: {PreToolUse: [{hooks: [{type: command}]}]}",
        "hooks: {PreToolUse: [{matcher: 5, hooks: [{type: command, command: x}]}]}",
        "hooks: {Stop: [{hooks: [{type: prompt, prompt: check}]}]}",
        "hooks: {Stop: [{hooks: [{type: prompt}]}]}",
        "hooks: {Stop: [{hooks: [{type: agent, prompt: verify}]}]}",
        "hooks: {Stop: [{hooks: [{type: http, url: 'https://example.com/h'}]}]}",
        "hooks: {Stop: [{hooks: [{type: http, url: 'not a url'}]}]}",
        "hooks: {Stop: [{hooks: [{type: mcp_tool, server: s, tool: t}]}]}",
        "hooks: {Stop: [{hooks: [{type: mcp_tool, server: s}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: x, timeout: -1}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: x, timeout: 5, async: true}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: x, shell: fish}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: x, extra: 1}]}]}",
        "hooks: {PreToolUse: [{hooks: [{type: command, command: x, shell: fish}]}]}",
        "hooks: {Stop: [{hooks: [{type: command, command: x}]}], Nope: 1}",
        "hooks: {Stop: [{hooks: [{type: command, command: x}], matcher: ''}]}",
        "hooks: [{matcher: x, hooks: [{type: command, command: y}]}]",
        "hooks: {matcher: x, hooks: [{type: command, command: y}]}",
        "hooks: {Stop: [{hooks: {type: command, command: y}}]}",
        "hooks: {Stop: [{PreToolUse: [{hooks: [{type: command, command: y}]}]}]}",
        "hooks: {stop: [{hooks: [{type: command, command: x}]}]}",
    ]
    for form in forms:
        for _ in range(2):
            yield "hooks", g.simple("hooks", form)


def guard(g: Gen) -> Iterator[tuple[str, bytes]]:
    hook = "[{hooks: [{type: command, command: x}]}]"
    forms = []
    for event in ("PreToolUse", "PermissionRequest", "PreSkillShellCommand", "PostToolUse", "Stop"):
        forms += [
            f"{event}: {hook}",
            f"{event}: []",
            f"{event}:",
            f"{event}: null",
            f"{event}: 5",
            f"{event}: ''",
            f"{event}: {{}}",
            f"{event}: text",
        ]
    forms += [
        f"metadata: {{PreToolUse: {hook}}}",
        f"mcpServers: {{PreToolUse: {hook}}}",
        f"other: {{PreToolUse: {hook}}}",
        f"other: [{{PreToolUse: {hook}}}]",
        f"other: {{a: {{b: {{PreToolUse: {hook}}}}}}}",
        f"other: {{a: {{b: {{c: {{PreToolUse: {hook}}}}}}}}}",
        "other: {matcher: x, hooks: [{type: command, command: y}]}",
        "other: {hooks: [{type: command, command: y}]}",
        "other: {hooks: {type: command}}",
        "other: [{matcher: x, hooks: [{type: command, command: y}]}]",
        "experimental: {PreToolUse: [x]}",
        "preToolUse: [x]",
    ]
    for form in forms:
        yield "guard", g.simple("guard", form)


def notmap(g: Gen) -> Iterator[tuple[str, bytes]]:
    blocks = [
        ["- a", "- b"],
        ["just text"],
        ["'quoted'"],
        ["42"],
        ["null"],
        ["~"],
        [""],
        ["# only a comment"],
        ["[name, description]"],
        ["- name: x", "  description: y"],
        ["true"],
        ["name"],
        ["!!map {}"],
        ["? complex", ": key"],
    ]
    for block in blocks:
        for _ in range(2):
            yield "notmap", doc(block)
    for _ in range(5):
        yield "notmap", f"---\n---\n{g.desc()}\n".encode()
        yield "notmap", f"---\n\n---\nname: {g.uid('notmap')}\n".encode()


def types(g: Gen) -> Iterator[tuple[str, bytes]]:
    names = ["123", "1.5", "true", "false", "null", "~", "[a]", "{a: 1}", "''", '""', "0x1A", "1e3", "-", "'0'",
             "'true'", "'123'", ".inf", "!!str 5", "0o17", "2024-01-01", "yes", "on"]  # fmt: skip
    descs = ["123", "true", "null", "[a, b]", "{a: 1}", "''", "' '", "1.0", "'0'", "yes", "2024-01-01", "~",
             "!!str true", "'x'"]  # fmt: skip
    for value in names:
        yield "types", doc([f"name: {value}", f"description: {g.desc()}"])
    for value in descs:
        yield "types", doc([f"name: {g.uid('types')}", f"description: {value}"])
    for _ in range(3):
        yield "types", doc([f"Name: {g.uid('types')}", f"description: {g.desc()}"])
        yield "types", doc([f"name: {g.uid('types')}", f"Description: {g.desc()}"])
        yield "types", doc([f"name : {g.uid('types')}", f"description: {g.desc()}"])
        yield "types", doc([f"'name': {g.uid('types')}", f'"description": {g.desc()}'])
        yield "types", doc([f"description: {g.desc()}"])
        yield "types", doc([f"name: {g.uid('types')}"])
        yield "types", doc([f"when_to_use: {g.desc()}", f"name: {g.uid('types')}"])
        yield "types", doc([f"name: {g.uid('types')}", f"when-to-use: {g.desc()}"])


def newline(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(6):
        forms = [
            [f"name: {g.uid('newline')}", f"description: First.\\nSecond.\\n\\n{g.desc()}"],
            [f"name: {g.uid('newline')}", f"description: 'Single\\nquoted {g.desc()}'"],
            [f"name: {g.uid('newline')}", f'description: "Double\\nreal {g.desc()}"'],
            [f"name: {g.uid('newline')}", f'description: "Double\\\\nescaped {g.desc()}"'],
            [f"name: {g.uid('newline')}", f"description: Ends with backslash \\\\n {g.desc()}"],
            [
                f"name: {g.uid('newline')}",
                f"description: 'has \\n- claude: fake (Tools: x)\\n\\nmore {g.desc()}'",
            ],
            [f"name: {g.uid('newline')}", f"description: {q('Real newline - x: y (Tools: Read)' + chr(10))}"],
            [f"name: {g.uid('newline')}", f"description: {q('carriage' + chr(13) + 'return ' + g.desc())}"],
            [f"name: {g.uid('newline')}", "description: Examples:\\n\\n<example>\\nuser: hi\\n</example>"],
            [f"name: {g.uid('newline')}", f"description: trailing space {g.desc()}   "],
            [f"name: {g.uid('newline')}", f"description: {q('  padded  ')}"],
        ]
        for lines in forms:
            yield "newline", doc(lines)


def names(g: Gen) -> Iterator[tuple[str, bytes]]:
    for length in (1, 100, 255, 256, 257, 300):
        base = g.uid("names")
        yield "names", doc([f"name: {(base + 'x' * length)[:length]}", f"description: {g.desc()}"])
    for count in (127, 128, 129):  # astral characters count twice in JavaScript's length
        yield "names", doc([f"name: {ASTRAL * count}", f"description: {g.desc()}"])
    for count in (255, 256, 257):
        yield "names", doc([f"name: {'é' * count}", f"description: {g.desc()}"])
    forms = [
        "-{u}",
        "'-{u}'",
        "' -{u}'",
        "--{u}",
        "{u}-",
        "'{u} with spaces'",
        "' {u}'",
        "'{u} '",
        "{u}\u00e9\u4e2d",
        "'{u}\t'",
        "{u}/slash",
        "{u}.dot",
        "'{u}\\x'",
        '"{u}\\u0000nul"',
        '"{u}\\u200bzw"',
        "'{u}\u00a0nb'",
        "'\u00a0{u}'",
        "{U}",
        "'0'",
    ]
    for form in forms:
        u = g.uid("names")
        yield "names", doc([f"name: {form.format(u=u, U=u.upper())}", f"description: {g.desc()}"])
    yield "names", doc(["name: Explore", f"description: A project agent named like a built-in {g.desc()}"])


def bombs(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Aliases that expand far below agentkit's limit, or past Claude Code's own limit (about 2^24 nodes):
    documents in between are loaded by Claude Code and refused by agentkit (its safety limit; see the
    README), so they are not generated."""

    def chain(levels: int, width: int, key: Callable[[int], str]) -> list[str]:
        lines = [f"{key(0)}: &a0 [x, x]"]
        for i in range(1, levels):
            lines.append(f"{key(i)}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
        return lines

    letters = "abcdefghijklmnopqrstuvwxyz"

    def letter_key(i: int) -> str:
        return "k" + letters[i % 26] + letters[i // 26]

    for levels, width in ((3, 3), (5, 5), (4, 9), (26, 2), (10, 9), (12, 10)):
        for key in (letter_key, lambda i: f"k{i}"):
            yield "bomb", g.simple("bomb", *chain(levels, width, key))
            nested = ["x:"] + ["  " + line for line in chain(levels, width, key)]
            yield "bomb", g.simple("bomb", *nested)
    for levels in (30, 40):
        lines = chain(levels, 2, letter_key)
        yield "bomb", doc([f"name: {g.uid('bomb')}", *lines, f"description: {g.desc()}"])
        yield (
            "bomb",
            doc(
                [
                    f"name: {g.uid('bomb')}",
                    f"description: {g.desc()}",
                    f"tools: {lines[-1].split(': ', 1)[1]}",
                ]
            ),
        )
    yield "bomb", g.simple("bomb", "base: &b Read", "tools: [*b, Grep]")
    yield "bomb", g.simple("bomb", "base: &b [Read, Grep]", "tools: *b")
    yield "bomb", doc([f"name: &n {g.uid('bomb')}", "description: *n"])


def anchors(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Anchor and alias names beyond letters, digits, '-' and '_' (any character but white space and `,[]{}`),
    aliases to them, empty names, and anchors defined twice."""
    chars = list("!\"#$%&'()*+./:;<=>?@\\^`|~,[]{}") + [
        "\u00e9",
        "\u4e2d",
        ASTRAL,
        "\u00a0",
        "\u3000",
        "\x85",
    ]
    for char in chars:
        yield "anchors", doc([f"name: {g.uid('anchors')}", f"description: &a{char}b {g.desc()}"])
        yield (
            "anchors",
            doc([f"name: {g.uid('anchors')}", f"k: &a{char}b {g.desc()}", f"description: *a{char}b"]),
        )
    forms = [
        ["description: &a.b"],
        ["description: &\\"],
        ["description: & x"],
        ["description: &a: {d}"],
        ["k: &a: {d}", "description: *a:"],
        ["k: &a {d}", "description: *a:"],
        ["k: &a v", "*a: w", "description: {d}"],
        ["&k.1 description: {d}"],
        ["k: &k.2 key", "*k.2 : w", "description: {d}"],
        ["description: [&a.b x, *a.b]"],
        ["tools: [&a.b Read, *a.b]", "description: {d}"],
        ["description: &a.b", "  {d}"],
        ["description: &a.b |", "  {d}"],
        ["description: !!str &a.b {d}"],
        ["description: &a.b !!str {d}"],
        ["k: &a.b [Read, Grep]", "tools: *a.b", "description: {d}"],
        ["description: *undefined.x"],
        ["k: &\u00e9 {d}", "description: *\u00e9 # c"],
        ["k: &a.b {d}", "description: {{*a.b: x}}"],
        ["k: &a.b v", "description: {{*a.b : x}}"],
        ["description: &a.b", "tools: x"],
        ["k: &a v", "k2: &a {d}", "description: *a"],
        ["k: &a {d}", "description: *a", "k2: &a w"],
        ["k: &a.b v", "k2: &a.b {d}", "description: *a.b"],
        ["k: &a Read", "k2: &a [*a, Grep]", "tools: *a", "description: {d}"],
        ["description: -&a.b x {d}"],
        ["description: x &a.b y {d}"],
        ["description: |", "  **Bold** {d}", "  *a.b x"],
    ]
    for form in forms:
        yield "anchors", doc([f"name: {g.uid('anchors')}", *(line.format(d=g.desc()) for line in form)])


def emptykeys(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Block mapping entries with an empty key (`: v`, `:`), read as the key null."""
    forms = [
        [": v"],
        [":"],
        [":\tv"],
        [":  v # c"],
        [": &e v", "k: *e"],
        [":", "  - a", "  - b"],
        [":", "  k: v"],
        [": a", ": b"],
        ["null: a", ": b"],
        [": [a, b]"],
        [": |", "  blk"],
        ["k:", "  : v"],
        ["k:", "  a: 1", "  : v"],
        ["k:", "  - : v"],
        ["k:", "  - - : v"],
        ["? : v"],
        [":v"],
        ["  : v"],
        ["- : v"],
        [": : v"],
        ["k:", "  - : : v"],
        [":- v"],
        ["\t: v"],
        ["::"],
        [":x: v"],
    ]
    for form in forms:
        yield "emptykeys", doc([f"name: {g.uid('emptykeys')}", f"description: {g.desc()}", *form])
    yield "emptykeys", doc([": v", f"name: {g.uid('emptykeys')}", f"description: {g.desc()}"])
    yield "emptykeys", doc([f": &e {g.desc()}", f"name: {g.uid('emptykeys')}", "description: *e"])
    yield "emptykeys", doc([f"name: {g.uid('emptykeys')}", "description: |", f"  {g.desc()}", ": v"])
    yield "emptykeys", doc([f"name: {g.uid('emptykeys')}", f"description: {g.desc()}", "  more", ": v"])
    yield (
        "emptykeys",
        doc([f"name: {g.uid('emptykeys')}", "tools: Read", ": v", f"description: Use: {g.desc()}"]),
    )


def blockend(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Block scalars whose last line the closing `---` cuts (no line break at the end of the block)."""
    for header in ("|", "|-", "|+", ">", ">-", ">+", "|2", "|1+", "|2+"):
        for lines in (
            [" {d}"],
            ["  {d}"],
            [" a", " {d}"],
            [" a", "", " {d}"],
            [" {d}", "  "],
            [" {d}", " "],
            [" {d}", "", " "],
            [" "],
            ["  "],
            ["", " "],
            ["   {d}"],
            [" {d}  "],
            [" {d} # not a comment"],
        ):
            body = "\n".join(line.format(d=g.desc()) for line in lines)
            text = f"---\nname: {g.uid('blockend')}\ndescription: {header}\n{body}---\nBody\n"
            yield "blockend", text.encode()
    ends = [
        "description: |",
        "description: |+",
        "description: !!str |\n {d}",
        "description: &x |\n {d}",
        "description: &x.y |\n {d}",
        "description:\n  |\n  {d}",
        "description: |\n a\r\n {d}",
        "description: {d}\ntools: |\n Read",
        "description: {d}\ntools:\n  - |\n    Read",
        "description: {d}\nk: |+\n ",
        "description: {d}\nk:\n  d: |+\n ",
        "description: |\n {d}\r",
        "description: >\n a\n  {d}",
    ]
    for end in ends:
        text = f"---\nname: {g.uid('blockend')}\n{end.format(d=g.desc())}---\nBody\n"
        yield "blockend", text.encode()


def blocktabs(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Blank lines holding a tab after a block scalar's text: right after its last line one ends the scalar
    (even `|+` keeps nothing after it); after another blank line, or a second one, the file is refused."""
    for header in ("|", "|-", "|+", ">", ">-", ">+", "|2"):
        for lines in (
            ["  {d}", "\t"],
            ["  {d}", "\t", "model: sonnet"],
            ["  {d}", " \t", "model: sonnet"],
            ["  {d}", "\t ", "color: red"],
            ["  {d}", "\t", "", "model: sonnet"],
            ["  {d}", "", "\t", "model: sonnet"],
            ["  {d}", "\t", "\t"],
            ["  {d}", " \t  ", "\t", "color: red"],
            ["  {d}", "\t", "  more"],
            ["\t", "  {d}"],
            ["  a", "  {d}", "\t"],
        ):
            body = "\n".join(line.format(d=g.desc()) for line in lines)
            text = f"---\nname: {g.uid('blocktabs')}\ndescription: {header}\n{body}\n---\nBody\n"
            yield "blocktabs", text.encode()
    nested = [
        "description: {d}\ntools:\n  - |\n    Read\n\t\n  - Grep",
        "description: {d}\nk:\n  d: |\n    x\n\t\nmodel: haiku",
        "description: |\n {d}\r\n\t\r\nmodel: sonnet\r",
    ]
    for form in nested:
        text = f"---\nname: {g.uid('blocktabs')}\n{form.format(d=g.desc())}\n---\nBody\n"
        yield "blocktabs", text.encode()


def deep(g: Gen) -> Iterator[tuple[str, bytes]]:
    for depth in (10, 100, 500, 999):
        yield "deep", g.simple("deep", f"x: {'[' * depth}{']' * depth}")
        yield "deep", g.simple("deep", f"x: {'{a: ' * depth}1{'}' * depth}")
    for depth in (1000, 1500, 5000):
        yield "deep", g.simple("deep", f"xx: {'[' * depth}{']' * depth}")
        yield "deep", g.simple("deep", f"xx: {'{a: ' * depth}1{'}' * depth}")
    yield (
        "deep",
        g.simple("deep", "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)).rstrip("\n")),
    )
    yield "deep", g.simple("deep", "x:\n" + "".join("  " * i + "-\n" for i in range(1, 100)).rstrip("\n"))
    # Deeper than agentkit keeps values (100 levels), in the keys Claude Code decides on: what it decides
    # does not look that deep, so the placeholder agentkit reads below changes nothing.
    for depth in (101, 150, 1500):
        maps = "{a: " * depth + "x" + "}" * depth
        yield "deep", doc([f"name: {g.uid('deep')}", f"description: {maps}"])
        yield "deep", g.simple("deep", f"tools: [Read, {maps}, Grep]")
        yield "deep", g.simple("deep", f"disallowedTools: [Bash, {maps}]")
    for depth in (101, 150):
        hook = "{hooks: [{type: command, command: x}]}"
        yield "deep", g.simple("deep", "hooks: {Stop: " + "[" * depth + hook + "]" * depth + "}")
        yield "deep", g.simple("deep", "hooks: {PreToolUse: " + "[" * depth + hook + "]" * depth + "}")
        yield "deep", g.simple("deep", f"tools: {'[' * depth}Read{']' * depth}")


def fallback(g: Gen) -> Iterator[tuple[str, bytes]]:
    starts = [
        "*",
        "&",
        "!",
        "%",
        "@",
        "`",
        "|",
        ">",
        "{",
        "[",
        "]",
        "}",
        "#",
        "? ",
        "- ",
        ",",
        "'",
        '"',
        "**bold**",
    ]
    for start in starts:
        yield "fallback", doc([f"name: {g.uid('fallback')}", f"description: {start}{g.desc()}"])
    for _ in range(10):
        forms = [
            [f"name: {g.uid('fallback')}", f"description: Use when: {g.desc()}"],
            [f"name: {g.uid('fallback')}", f"description: {g.desc()} e.g. user: \"hi\" assistant: 'ok'"],
            [f"name: {g.uid('fallback')}", f"description: [not, a list {g.desc()}"],
            [f"name: {g.uid('fallback')}", f"description: [a, b] extra {g.desc()}"],
            [f"name: {g.uid('fallback')}", "description: [a, b]"],
            [f"name: {g.uid('fallback')}", f"description: C:\\path\\to {g.desc()}: x"],
            [
                f"name: {g.uid('fallback')}",
                f"description: First line: {g.desc()}",
                'user: "a"',
                "assistant: b",
            ],
            [f"name: {g.uid('fallback')}", f"description: {g.desc()}", "  continued: line"],
            [f"name: {g.uid('fallback')}", f"description: {g.desc()}", "continued at column 0"],
            [f"name: {g.uid('fallback')}: extra", f"description: {g.desc()}"],
            [f"name: {g.uid('fallback')}", "description: x: y", "tools: Read: Grep"],
            ["name_x: 1", f"name: {g.uid('fallback')}", f"description: a: b {g.desc()}", "my-key: c: d"],
            [f"name: {g.uid('fallback')}", f"description: value with {{braces}} {g.desc()}"],
            [f"name: {g.uid('fallback')}", f"description: ends with colon {g.desc()}:"],
            [f"name: {g.uid('fallback')}", f"description:  two spaces: then {g.desc()}"],
            [f"name: {g.uid('fallback')}", f"description:\u00a0nbsp: {g.desc()}"],
            [f"name: {g.uid('fallback')}", "description: a: b", "nested:", "  key: value: x"],
            [f"name: {g.uid('fallback')}", "description: a: b", "Key9: c: d"],
        ]
        for lines in forms:
            yield "fallback", doc(lines)


def dupkeys(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(5):
        yield (
            "dupkeys",
            doc([f"name: {g.uid('dupkeys')}", f"name: {g.uid('dupkeys')}", f"description: {g.desc()}"]),
        )
        yield "dupkeys", doc([f"name: {g.uid('dupkeys')}", "description: first", f"description: {g.desc()}"])
        yield "dupkeys", doc([f"name: {g.uid('dupkeys')}", "description: a: b", f"description: {g.desc()}"])
        yield (
            "dupkeys",
            doc([f"name: {g.uid('dupkeys')}", f"description: {g.desc()}", "tools: Read", "tools: Grep"]),
        )
        yield (
            "dupkeys",
            doc([f"name: {g.uid('dupkeys')}", f"description: {g.desc()}", "tools: Read", "tools:"]),
        )
        yield (
            "dupkeys",
            doc(
                [
                    f"name: {g.uid('dupkeys')}",
                    f"description: {g.desc()}",
                    "memory: user",
                    "memory: x",
                    "tools: Grep",
                ]
            ),
        )


def structure(g: Gen) -> Iterator[tuple[str, bytes]]:
    for _ in range(4):
        n, d = g.uid("structure"), g.desc()
        texts = [
            f"\n---\nname: {n}\ndescription: {d}\n---\n",
            f" ---\nname: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"---   \nname: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"--- \t\nname: {g.uid('structure')}\ndescription: {d}\n---   trailing\nbody",
            f"----\nname: {g.uid('structure')}\ndescription: {d}\n----\n",
            f"---\nname: {g.uid('structure')}\ndescription: {d}\n",
            f"---\nname: {g.uid('structure')}\ndescription: {d}\n---",
            f"---\nname: {g.uid('structure')}\ndescription: {d}\n...\n---\n",
            f"--- name: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"---\n\n\nname: {g.uid('structure')}\n\ndescription: {d}\n\n---\n\n\nbody",
            f"---\nname: {g.uid('structure')}\ndescription: {d}---\nbody",
            f"---\nname: {g.uid('structure')}\ndescription: {d}\n--- \n",
            f"---\n  name: {g.uid('structure')}\n  description: {d}\n---\n",
            f"---\nname: {g.uid('structure')}\ndescription: {d}\n---\n---\nname: other\n---\n",
            f"# Title\n---\nname: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"---\r\nname: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"---\u00a0\nname: {g.uid('structure')}\ndescription: {d}\n---\n",
            f"---\u2028name: {g.uid('structure')}\ndescription: {d}\n---\n",
        ]
        for text in texts:
            yield "structure", text.encode()
    yield "structure", b""
    yield "structure", b"---\n---\n"
    yield "structure", b"---"


def yaml12(g: Gen) -> Iterator[tuple[str, bytes]]:
    values = ["yes", "no", "on", "off", "Yes", "2024-01-01", "017", "0o17", "0x1F", ".inf", "-.inf", ".nan", "~",
              "null", "1_000", "+12", "12e3", "0b101", "'017'", "!!str 017", "!!int '12'", "!!float 1", "!!bool yes",
              "!custom tag", "&anchor value", "= equals", "<< : merge", "1:2", "12:30:00", "-"]  # fmt: skip
    for value in values:
        yield "yaml12", doc([f"name: {g.uid('yaml12')}", f"description: {value}"])
        yield "yaml12", g.simple("yaml12", f"tools: {value}")
    for value in ("yes", "017", "2024-01-01", "true", "0x1F", "1e3"):
        yield "yaml12", doc([f"name: {value}", "description: Named by a typed scalar"])
    extra = [
        ["%YAML 1.2", "---", f"name: {g.uid('yaml12')}", f"description: {g.desc()}"],
        ["base: &b", f"  description: {g.desc()}", f"name: {g.uid('yaml12')}", "<<: *b"],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "? complex key", ": value"],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "[a, b]: flow key"],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "null: x", "true: y", "1: z"],
        [f"{{name: {g.uid('yaml12')}, description: flow map}}"],
        [f"name: {g.uid('yaml12')}", "description: !!binary aGVsbG8="],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "tools: !!seq [Read]"],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "tools: !!set {Read, Grep}"],
        [f"name: {g.uid('yaml12')}", f"description: {g.desc()}", "tools: !!omap [a: 1]"],
    ]
    for lines in extra:
        yield "yaml12", doc(lines)


def unicode(g: Gen) -> Iterator[tuple[str, bytes]]:
    chars = [
        "\x85",
        "\u2028",
        "\u2029",
        "\u00a0",
        "\u200b",
        "\u202e",
        "\x07",
        "\x1b",
        "\ufffd",
        "\U0001f680",
        "\u3000",
    ]
    for char in chars:
        yield "unicode", doc([f"name: {g.uid('unicode')}", f"description: a{char}b {g.desc()}"])
        yield "unicode", doc([f"name: {g.uid('unicode')}", f"description:{char}{g.desc()}"])
        yield "unicode", g.simple("unicode", f"tools: Read,{char}Grep")
    yield (
        "unicode",
        doc([f"name: {g.uid('unicode')}", "description: bad \xff byte"]).replace(b"\xc3\xbf", b"\xff"),
    )
    yield "unicode", doc([f"name: {g.uid('unicode')}", "description: nul \x00 byte"])
    yield (
        "unicode",
        doc([f"name: {g.uid('unicode')}", f"description: {g.desc()}"], body="body \xff\n").replace(
            b"\xc3\xbf", b"\xfe"
        ),
    )
    yield "unicode", doc([f"name: {g.uid('unicode')}", f"description: {g.desc()}"]).replace(b"\n", b"\n", 1)


def files(g: Gen) -> Iterator[tuple[str, bytes]]:
    big = doc([f"name: {g.uid('files')}", f"description: {g.desc()}"], body="x" * (1024 * 1024))
    yield "files/big.md", big
    yield (
        "files/just-under.md",
        doc([f"name: {g.uid('files')}", "description: d"], body="y" * (1024 * 1024 - 200)),
    )
    yield "files/.hidden.md", g.simple("files")
    yield "files/.hidden-dir/inside.md", g.simple("files")
    yield "files/not-markdown.txt", g.simple("files")
    yield "files/upper.MD", g.simple("files")
    yield "files/double.md.md", g.simple("files")
    yield "files/empty.md", b""
    yield "files/folder.md/inside.md", g.simple("files")
    yield "files/node_modules/dep.md", g.simple("files")
    yield "files/.git/x.md", g.simple("files")
    yield "files/space name.md", g.simple("files")
    yield "files/ünïcödé.md", g.simple("files")


def samename(g: Gen) -> Iterator[tuple[str, bytes]]:
    """Several files with one name in one folder: the path that sorts last (UTF-16 code units) wins."""
    layouts = [
        ["a.md", "b.md"],
        ["b.md", "a.md", "c.md"],
        ["z.md", "a/x.md"],
        ["a-b.md", "a/x.md"],
        ["a/z.md", "b/a.md", "a.md"],
        ["deep/er/one.md", "deep/two.md", "deep.md"],
        ["x\U0001f600.md", "x\uff5e.md"],  # UTF-16 order differs from code-point order
        ["x\ue000.md", "x\U00010000.md"],
        ["A.md", "a.md", "_.md"],
        [".hidden.md", "visible.md"],
        ["1.md", "10.md", "9.md"],
    ]
    for layout in layouts:
        name = g.uid("samename")
        folder = g.uid("group")
        for index, path in enumerate(layout):
            data = doc(
                [f"name: {name}", f"description: Copy {index} of {name} at {path}", f"tools: T{index}"]
            )
            yield f"{folder}/{path}", data
    # a dropped file and a loaded one with the same name
    name = g.uid("samename")
    yield "mixed/a.md", doc([f"name: {name}", "description: loads"])
    yield "mixed/b.md", doc([f"name: {name}", "description: {broken"])
    yield "mixed/c.md", doc([f"name: {name}", "description: x", "hooks: 5"])


def keys(g: Gen) -> Iterator[tuple[str, bytes]]:
    forms = [
        "autoCompactWindow: 50000",
        "autoCompactWindow: 100000",
        "autoCompactWindow: big",
        "omitClaudeMd: true",
        "omitClaudeMd: 'yes'",
        "observer: watcher",
        "observerMessage: hi",
        "observeToolResults: false",
        "observeSubagents: false",
        "experimental: {cacheTtl: 1h}",
        "experimental: {CacheTTL: 5m}",
        "initialPrompt: Start here",
        "isolation: worktree",
        "isolation: elsewhere",
        "skills: a, b",
        "mcpServers: [github]",
        "mcpServers: [{x: {command: y}}]",
        "mcpServers: 5",
        "unknownKey: 1",
        "Tools: Read",
        "tool: Read",
        "model: inherit",
        "model: '  Inherit '",
        "model: 5",
        "color: chartreuse",
        "effort: 99",
        "maxTurns: -1",
        "maxTurns: '3'",
        "permissionMode: manual",
        "permissionMode: nope",
        "background: yes",
        "memory: 5",
        "skills: [1, a]",
        "metadata: {a: 1}",
    ]
    for form in forms:
        yield "keys", g.simple("keys", form)


FAMILIES = (
    plain,
    quoting,
    comments,
    dashes,
    crlf,
    tabs,
    bom,
    nfkc,
    tools,
    memory,
    disallowed,
    hooks,
    guard,
    notmap,
    types,
    newline,
    names,
    bombs,
    anchors,
    emptykeys,
    blockend,
    blocktabs,
    deep,
    fallback,
    dupkeys,
    structure,
    yaml12,
    unicode,
    keys,
)


def scopes(g: Gen) -> Iterator[Case]:
    """The same names in the project's and the user's agents folder: the project wins."""
    for index in range(12):
        name = g.uid("scopes")
        if index % 3 != 2:
            yield Case("scopes", f"p{index}.md", doc([f"name: {name}", f"description: project copy {index}"]))
        if index % 3 != 1:
            yield Case(
                "scopes", f"u{index}.md", doc([f"name: {name}", f"description: user copy {index}"]), "user"
            )
        if index % 4 == 0:  # the project file is dropped: the user's one is used
            yield Case("scopes", f"q{index}.md", doc([f"name: {name}", "description: x", "hooks: 5"]))
    for index in range(6):
        yield Case("scopes", f"user/{index}.md", g.simple("scopes"), "user")
        yield Case(
            "scopes", f"same/{index}.md", doc([f"name: clash-{index}", f"description: u{index}"]), "user"
        )
        yield Case(
            "scopes", f"same/{index}b.md", doc([f"name: clash-{index}", f"description: v{index}"]), "user"
        )


def generate(seed: int = SEED, per_folder: int = 150) -> list[Folder]:
    """The folders of the differential test: each family's files, shuffled and cut into folders."""
    g = Gen(seed)
    loose: list[Case] = []
    for family in FAMILIES:
        for rule, data in family(g):
            loose.append(Case(rule, f"{rule}/{g.uid('f')}.md", data))
    g.rng.shuffle(loose)
    folders = [
        Folder(f"mixed-{i // per_folder}", loose[i : i + per_folder])
        for i in range(0, len(loose), per_folder)
    ]
    folders.append(Folder("files", [Case("files", path, data) for path, data in files(g)]))
    folders.append(Folder("samename", [Case("samename", path, data) for path, data in samename(g)]))
    folders.append(Folder("scopes", list(scopes(g))))
    return folders
