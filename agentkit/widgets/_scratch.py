"""A scratch folder that lives exactly as long as the notebook's kernel."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

# The watcher waits for end of file on its standard input, whose writing end only the process that
# started it holds. The operating system closes that end when the process ends, however it ends: a
# normal exit, a kernel restart, or the SIGKILL with which nbval and JupyterLab stop kernels (no atexit
# handler runs then). The watcher then removes the folder.
_WATCHER = "import shutil, sys; sys.stdin.buffer.read(); shutil.rmtree(sys.argv[1], ignore_errors=True)"
_watchers: list[subprocess.Popen[bytes]] = []  # their pipes stay open as long as this process lives


def scratch_folder(prefix: str = "agentkit-edit-") -> Path:
    """A new, empty temporary folder that is removed when this Python process ends.

    Notebooks that edit copies of agents work in one, so running them (in JupyterLab, Voila or under
    `pytest --nbval`) leaves nothing behind in the temporary folder.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    watcher = subprocess.Popen(
        [sys.executable, "-c", _WATCHER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal to this process's group (Ctrl-C, a server stopping) spares it
    )
    _watchers.append(watcher)
    return path
