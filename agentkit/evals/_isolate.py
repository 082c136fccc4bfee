"""Running a user's check so that it can always be stopped: in its own process, with a time limit.

A check written in Python may loop forever, backtrack for hours, call `sys.exit(3)` or `os._exit`. None
of that may hang or end the evaluation. A thread cannot be stopped from outside while it runs Python
(or C) code, and signals reach only the main thread, which is not where the samples are checked (nor
where a notebook's widget runs). So each user check runs in a forked child process: it sees everything
the parent had (a lambda defined in a notebook cell works), sends back its verdict (three plain values)
through a pipe, and is killed at its time limit or when the run is stopped. A fork costs about 6 ms on
Linux. The child ignores Ctrl-C (the parent stops it); whatever it raises, `SystemExit` and
`KeyboardInterrupt` included, is the check's error. What a check changes in memory stays in the child.

Where `os.fork` does not exist (Windows), the check runs in a daemon thread instead: a check past its
limit is reported as an error all the same, but keeps running in the background.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_SLICE_S = 0.05  # how often a waiting parent looks at the stop flag
STOPPED = "the run was stopped"


@dataclass(frozen=True)
class Done:
    value: Any = None
    error: str | None = None


def _describe(e: BaseException) -> str:
    text = str(e).strip()
    return f"raised {type(e).__name__}" + (f": {text}" if text else "")


def run_isolated(work: Callable[[], Any], timeout: float, stop: threading.Event | None = None) -> Done:
    """Run `work()` (which returns plain, picklable values) with a time limit; never raises."""
    if hasattr(os, "fork"):
        return _in_child(work, timeout, stop)
    return _in_thread(work, timeout, stop)


def _in_child(work: Callable[[], Any], timeout: float, stop: threading.Event | None) -> Done:
    for stream in (sys.stdout, sys.stderr):  # else the child would print the parent's buffered text too
        try:
            stream.flush()
        except Exception:
            pass
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a threaded process may deadlock the child: this child runs only
        # the check and the time limit ends it if it does.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, write_end)
    os.close(write_end)
    try:
        return _collect(pid, read_end, timeout, stop)
    finally:
        os.close(read_end)


def _child(work: Callable[[], Any], write_end: int) -> None:
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            payload: tuple[str, Any] = ("ok", work())
        except BaseException as e:  # SystemExit, KeyboardInterrupt and the rest: the check's error
            payload = ("error", _describe(e))
        try:
            data = pickle.dumps(payload)
        except Exception as e:
            data = pickle.dumps(("error", f"its verdict cannot be passed back ({type(e).__name__})"))
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int, timeout: float, stop: threading.Event | None) -> Done:
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    ended = None  # why waiting ended early
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            ended = f"did not finish within its time limit ({timeout:g} s): stopped"
            break
        if stop is not None and stop.is_set():
            ended = STOPPED
            break
        ready, _, _ = select.select([read_end], [], [], min(left, _SLICE_S))
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break  # the child closed the pipe: done (or dead)
        chunks.append(chunk)
    if ended is not None:
        _kill(pid)
        return Done(error=ended)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        code = os.waitstatus_to_exitcode(status)
        how = f"was killed by signal {-code}" if code < 0 else f"ended its process (exit status {code})"
        return Done(error=f"{how} without a verdict")
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:
        return Done(error="sent back something that is not a verdict")
    return Done(value=value) if kind == "ok" else Done(error=value)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _in_thread(work: Callable[[], Any], timeout: float, stop: threading.Event | None) -> Done:
    box: list[Done] = []

    def target() -> None:
        try:
            box.append(Done(value=work()))
        except BaseException as e:
            box.append(Done(error=_describe(e)))

    thread = threading.Thread(target=target, daemon=True, name="agentkit-check")
    thread.start()
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        thread.join(_SLICE_S)
    if box:
        return box[0]
    if stop is not None and stop.is_set():
        return Done(error=STOPPED)
    return Done(error=f"did not finish within its time limit ({timeout:g} s); it keeps running in a thread")
