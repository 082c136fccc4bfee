"""Long work: a progress bar on a terminal's stderr and in notebooks (nothing when output is piped), and
the garbage collector paused while many records are built.

    for path in progress(paths, total=len(paths), desc="reading"):
        ...

tqdm decides where it draws: `tqdm.auto` uses an ipywidgets bar in Jupyter and text on a terminal;
`disable=None` turns it off when stderr is not a terminal (pipes, CI logs), so piped output stays clean.
Short work (under `min_items`) shows nothing. AGENTKIT_PROGRESS=0 turns every bar off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", min_items: int = 2000
) -> Iterator[T]:
    """`items`, showing a progress bar while they are consumed (see the module docstring)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    off = os.environ.get("AGENTKIT_PROGRESS", "").strip() in ("0", "false", "no", "off")
    if off or (total is not None and total < min_items):
        yield from items
        return
    from tqdm import tqdm

    bar: tqdm[T]
    if _in_notebook():
        from tqdm.auto import tqdm as notebook_tqdm

        bar = notebook_tqdm(items, total=total, desc=desc, leave=False)
    else:
        bar = tqdm(items, total=total, desc=desc, leave=False, disable=None, file=sys.stderr)
    try:
        yield from bar
    finally:
        bar.close()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a loop that builds many records and no cycles.

    Its full passes walk every live object, so their cost grows with what was already built: 35% of
    load()'s time at 100,000 files (benchmarks/scale.py). Reference counting still frees everything;
    the collector resumes (if it was running) when the loop ends, however it ends.

    On the way out, what the loop built is filed with the collector's oldest objects (freeze, then
    unfreeze: two list splices). Left young, the hundreds of thousands of objects would be walked by
    the next young collections and a full one soon after, as soon as the collector resumes: about
    10% of load()'s and lint()'s time at 100,000 files. Skipped when the program froze objects itself
    (gc.freeze() before forking), since unfreezing would undo that.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
