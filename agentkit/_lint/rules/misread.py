"""AK2xx: misread by Claude Code."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from agentkit._lint.rules.base import (
    ALWAYS_BAD,
    STRUCTURAL_BAD,
    Hit,
    View,
    char_name,
    is_prose_key,
    key_suggestion,
    rule,
    snippet,
    unknown_keys,
)
from agentkit._reader.frontmatter import (
    JS_SPACE_CHARS,
    js_string,
)

# == AK2xx: misread by Claude Code =================================================================

_COMMENT = re.compile(r"[ \t]#")


@rule(
    "AK201",
    "comment-truncates-value",
    "warning",
    "misread",
    "` #` starts a YAML comment: everything after it is silently cut from the value.",
)
def comment_truncates_value(view: View) -> Iterator[Hit]:
    """`description: Expert in C# code #dotnet #backend` reads as `Expert in C# code`: a space (or tab)
    followed by `#` starts a comment in an unquoted value (`C#` itself is kept). The routing words after
    it are lost. Reported for `name` and `description` at any ` #`, and for other keys when the `#` is
    glued to a word (`#tag`), which is rarely a deliberate comment.

    Fix: quote the value (`description: "Expert in C# code #dotnet"`).
    """
    if not view.usable or "#" not in view.block_text or not _COMMENT.search(view.block_text):
        return
    for key, start, end in view.spans:
        value = view.fields.get(key)
        if start in view.quoted or not view.lines[start].lstrip().startswith(key[:1]):
            continue
        first = view.lines[start].split(":", 1)[1].strip() if ":" in view.lines[start] else ""
        if first[:1] in ("'", '"', "|", ">"):
            continue  # quoted and block scalars keep '#'
        for index in range(start, end):
            text = first if index == start else view.lines[index].strip()
            if index in view.quoted or text.startswith("#"):
                continue
            match = _COMMENT.search(" " + text if text.startswith("- ") else text)
            if not match:
                continue
            offset = match.start() - (1 if text.startswith("- ") else 0)
            cut = text[offset:].strip()
            glued = len(cut) > 1 and not cut[1].isspace()
            if key not in ("name", "description") and not glued:
                continue
            if isinstance(value, str) and cut in value:
                continue
            shown = value if isinstance(value, str) else js_string(value)
            yield Hit(
                view.line(index),
                f"'{key}' is cut at ' #': Claude Code reads {snippet(str(shown))} and drops "
                f"{snippet(cut)} as a comment; quote the value to keep it",
                column=view.lines[index].find(cut) + 1 or None,
            )
            break


@rule(
    "AK202",
    "dashes-end-block-early",
    "warning",
    "misread",
    "`---` inside a value ends the front matter there: the rest becomes the body.",
)
def dashes_end_block_early(view: View) -> Iterator[Hit]:
    """The block regex is lazy: the front matter ends at the first `---` anywhere, even inside a quoted
    value or in the middle of a line, and the rest of that line (and every key after it) becomes the
    start of the system prompt.

    Fix: write the dashes differently (an em dash, `- -`), or as `-\\u002d-` inside a double-quoted value.
    """
    agent = view.agent
    if agent.block is None:
        return
    offset = agent.has_bom
    end = agent.block.end
    closing_start = view.content.rfind("\n", 0, end) + 1
    before = view.content[closing_start:end]
    line_end = view.content.find("\n", end)
    after = view.content[end + 3 : line_end if line_end >= 0 else len(view.content)]
    line = agent.text.count("\n", 0, offset + end) + 1
    if before.strip(JS_SPACE_CHARS):
        yield Hit(
            line,
            f"the front matter ends at the '---' inside line {line} ({snippet(before + '---' + after)}): "
            "Claude Code reads only the text before it; the rest of the line and any keys after "
            "it become the body",
            column=end - closing_start + 1,
        )
    elif after.strip(JS_SPACE_CHARS + "-"):
        yield Hit(
            line,
            f"the closing line {snippet('---' + after)} has text after '---': Claude Code ends the "
            f"front matter at the dashes and {snippet(after.strip())} starts the system prompt",
            column=4,
        )


@rule(
    "AK203",
    "quoted-value-with-trailing-text",
    "warning",
    "misread",
    "A quoted value followed by more text keeps its quotes: the fallback wraps the whole line.",
)
def quoted_value_with_trailing_text(view: View) -> Iterator[Hit]:
    """`description: "Quoted" then: more` is not YAML; Claude Code's fallback wraps the whole value in
    quotes, so the description starts with a literal `"`.

    Fix: quote the whole value once (`agentkit lint --fix` writes what Claude Code reads today).
    """
    for index in view.quoted:
        line = view.lines[index]
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        if value[:1] in ('"', "'"):
            key = line.split(":", 1)[0]
            shown = view.fields.get(key)
            yield Hit(
                view.line(index),
                f"'{key}' starts with a quoted part followed by more text: Claude Code's "
                f"fallback keeps the quotes, reading {snippet(str(shown))}",
            )


@rule(
    "AK204",
    "continuation-becomes-key",
    "warning",
    "misread",
    "A line meant as part of a value starts at column 0 and is read as a key of its own.",
)
def continuation_becomes_key(view: View) -> Iterator[Hit]:
    """In a multi-line description, lines like `user: "..."`, `assistant: ...`, `Context: ...` or
    `Examples:` at column 0 are top-level keys for YAML: the description ends before them and their text
    is lost (the key itself is ignored). Reported for unknown keys that look like prose or dialogue.

    Fix: indent the continuation lines, or write the description on one line with `\\n`.
    """
    for key, start in unknown_keys(view):
        if key_suggestion(key) is None and is_prose_key(key):
            previous = [k for k, s, _ in view.spans if s < start]
            after = f" after '{previous[-1]}'" if previous else ""
            yield Hit(
                view.line(start),
                f"line {view.line(start)} ({snippet(view.lines[start], 40)}) starts at "
                f"column 0, so Claude Code reads it as a key '{key}'{after}, not as part "
                "of the value above; its text is lost",
            )


@rule(
    "AK205",
    "duplicate-key",
    "warning",
    "misread",
    "A key written twice: the last one wins and the earlier value is ignored.",
)
def duplicate_key(view: View) -> Iterator[Hit]:
    """YAML 1.2 forbids duplicate keys, but Claude Code's parser keeps the last one silently."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, start, _ in view.spans:
        by_key[key].append(start)
    for key, starts in by_key.items():
        if len(starts) > 1:
            lines = [view.line(s) for s in starts]
            yield Hit(
                lines[0],
                f"'{key}' is set {len(lines)} times (lines {', '.join(map(str, lines))}): Claude "
                f"Code uses the last one, on line {lines[-1]}, and ignores the others",
            )


_ANY_BAD = re.compile(f"[{re.escape(STRUCTURAL_BAD)}]")


@rule(
    "AK206",
    "invisible-character",
    "warning",
    "misread",
    "A non-breaking space or an invisible character where YAML needs a plain space.",
)
def invisible_character(view: View) -> Iterator[Hit]:
    """YAML separates keys and values with plain spaces. A non-breaking space (U+00A0) after `key:`
    (common when copying from a web page), a zero-width space, a stray byte-order mark inside the block
    or a line separator (U+2028) changes the key, breaks the parse or hides the value. Reported in
    indentation, keys and the space after a key's colon; zero-width characters anywhere in the block.

    Fix: retype the spaces; delete the invisible characters.
    """
    # Nearly every file: no such character (all are outside ASCII), so no per-character scan.
    if view.block_text.isascii() or not _ANY_BAD.search(view.block_text):
        return
    for index, line in enumerate(view.lines):
        lead = len(line) - len(line.lstrip(" \t" + STRUCTURAL_BAD))
        colon = re.match(r"[^:'\"]{0,80}:", line[lead:])
        head_end = lead
        if colon:
            rest = line[lead + colon.end() :]
            head_end = lead + colon.end() + len(rest) - len(rest.lstrip(" \t" + STRUCTURAL_BAD))
        for column, char in enumerate(line):
            if char in ALWAYS_BAD or (column < head_end and char in STRUCTURAL_BAD):
                where = "in the indentation" if column < lead else "in the key or after its colon"
                if column >= head_end:
                    where = "inside the value"
                yield Hit(
                    view.line(index),
                    f"a {char_name(char)} {where}: YAML needs a plain space (or nothing) here",
                    column=column + 1,
                )
                break
