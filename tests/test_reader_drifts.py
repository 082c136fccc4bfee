"""Where agentkit's reader had drifted from Claude Code 2.1.332, as the binary shows (issue 9).

Each test pins one behaviour the real binary was seen to have (tests/test_differential.py runs the binary on
thousands of such files); these run offline, on agentkit alone.
"""

from __future__ import annotations

import pytest

import agentkit


def fm(block: str, body: str = "Body.\n") -> str:
    return f"---\n{block}---\n{body}"


def agent(extra: str = "", name: str = "a", description: str = "d") -> agentkit.Agent:
    return agentkit.loads(fm(f"name: {name}\ndescription: {description}\n{extra}"))


# -- names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("colon", ["\uff1a", "\ufe55", "\ufe13", "\u2a74"])
def test_a_colon_after_nfkc_normalisation_drops_the_agent(colon):
    dropped = agent(name=f"foo{colon}bar")
    assert not dropped.loaded and "':'" in dropped.reason and "NFKC" in dropped.reason


@pytest.mark.parametrize("lookalike", ["\u02d0", "\u0589", "\ua789", "\u2236"])
def test_colon_lookalikes_that_nfkc_keeps_load(lookalike):
    assert agent(name=f"foo{lookalike}bar").loaded


def test_a_names_length_counts_utf16_code_units():
    assert agent(name="\U0001f600" * 128).loaded  # 256 code units
    too_long = agent(name="\U0001f600" * 129)  # 129 characters, 258 code units
    assert not too_long.loaded and "258" in too_long.reason
