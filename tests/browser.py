"""Browser test harness: JupyterLab and Voila servers driven by headless Chromium through Playwright.

This is a helper module, not a test file. Tests import it as ``import browser`` (pytest puts ``tests/``
on ``sys.path`` because the folder has no ``__init__.py``).

Typical use::

    import browser
    from conftest import require

    def test_something(tmp_path):
        if reason := browser.skip_reason("lab"):
            require("browser", reason)  # skips here, fails in CI (AGENTKIT_REQUIRE=browser)
        with browser.jupyterlab(root_dir=REPO) as lab, browser.chromium(viewport=(1280, 900)) as ctx:
            page = ctx.pages[0]
            browser.open_notebook(page, lab, "notebooks/03-edit-and-export.ipynb", workspace="03")
            browser.run_all_cells(page)
            browser.wait_for_widget_outputs(page, 1)
            assert browser.notebook_errors(page) == []
            assert browser.widget_layout_problems(page) == []   # every widget fits its cell
            assert browser.figure_problems(page) == []          # every figure is a picture
            page.locator(browser.TEXT_INPUT).first.fill("hello")
            ...
            browser.screenshot_outputs(page, "edit-and-export", ".jp-OutputArea-output:has(.jupyter-widgets)")

    def test_app():
        with browser.voila(NOTEBOOK) as app, browser.chromium() as ctx:
            page = ctx.pages[0]
            browser.open_voila(page, app)
            ...

Servers run in their own process group with a private, temporary ``JUPYTER_CONFIG_DIR``, settings,
workspaces and runtime directory (so nothing from ``~/.jupyter`` leaks in and nothing is written there),
the JupyterLab news/announcements popup disabled, autosave off (a test never writes outputs into
the notebook it opens) and notebook windowing off (every cell stays in the
DOM, so locators find widgets far down a long notebook). Leaving the ``with`` block shuts the server
down, its kernels included, even when the test failed; the server log is kept in ``server.log_path``
until then and its tail is shown when the server fails to start.

Chromium is Debian's ``/usr/bin/chromium`` (override with ``AGENTKIT_CHROMIUM``); never run
``playwright install``. Set ``AGENTKIT_NO_BROWSER=1`` to skip browser tests on purpose, and
``AGENTKIT_HEADED=1`` to watch them in a visible window (needs a display).

Timing on a 2-core machine: JupyterLab is ready in about 3-5 s, Voila in about 2 s; opening a notebook
and getting an idle kernel takes about 5 s; a widget round trip (type, click, read a Label that the
kernel set) takes about 1-2 s.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # playwright is optional: only imported when a browser is launched
    from playwright.sync_api import BrowserContext, Page

__all__ = [
    "ARTIFACTS",
    "BUTTON",
    "SCREENSHOTS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DROPDOWN",
    "HTML",
    "LABEL",
    "TEXTAREA",
    "TEXT_INPUT",
    "Server",
    "broken_words",
    "browser_available",
    "chromium",
    "cell_outputs",
    "execute_command",
    "free_port",
    "jupyterlab",
    "jupyterlab_available",
    "notebook_errors",
    "on_failure",
    "open_notebook",
    "open_voila",
    "pid_alive",
    "run_all_cells",
    "screenshot",
    "skip_reason",
    "voila",
    "voila_available",
    "wait_for_kernel_idle",
    "wait_for_widget_outputs",
    "wait_for_widgets",
    "widget_layout_problems",
    "figure_problems",
    "screenshot_outputs",
]

#: Where screenshots go (git-ignored).
ARTIFACTS = Path(__file__).resolve().parent / "_artifacts"
#: Screenshots a person is meant to look at (the notebooks as the tests saw them).
SCREENSHOTS = ARTIFACTS / "screenshots"

#: Debian's Chromium; ``AGENTKIT_CHROMIUM`` overrides it (e.g. a Chrome binary on a laptop).
CHROMIUM = os.environ.get("AGENTKIT_CHROMIUM", "/usr/bin/chromium")

#: Flags that keep Chromium quiet and offline-friendly in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Selectors for ipywidgets 8 views, valid both in JupyterLab and in Voila.
#: The <input> of a ``widgets.Text``.
TEXT_INPUT = ".jupyter-widgets.widget-text input"
#: The <textarea> of a ``widgets.Textarea``.
TEXTAREA = ".jupyter-widgets.widget-textarea textarea"
#: The <select> of a ``widgets.Dropdown``.
DROPDOWN = ".jupyter-widgets.widget-dropdown select"
#: A ``widgets.Button`` (filter with ``has_text=`` for a given description).
BUTTON = "button.jupyter-widgets.widget-button"
#: A ``widgets.Label`` (a ``div``; the description of other widgets is a plain ``label.widget-label``
#: without the ``jupyter-widgets`` class, so it does not match).
LABEL = ".jupyter-widgets.widget-label"
#: A ``widgets.HTML``.
HTML = ".jupyter-widgets.widget-html"

#: Default timeouts (milliseconds for Playwright, seconds for servers). Generous: CI machines are slow.
DEFAULT_TIMEOUT_MS = 60_000
KERNEL_TIMEOUT_MS = 120_000
SERVER_START_TIMEOUT_S = 90.0

_KERNEL_STATUS = ".jp-StatusBar-TextItem"
_ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"


# ----------------------------------------------------------------------------------------------------
# Availability (skip reasons)
# ----------------------------------------------------------------------------------------------------


def browser_available() -> str | None:
    """Return why a browser test cannot run here, or ``None`` when it can.

    Checks ``AGENTKIT_NO_BROWSER``, the Chromium executable (``/usr/bin/chromium``, or
    ``AGENTKIT_CHROMIUM``) and the ``playwright`` Python package. Use it in
    ``pytest.mark.skipif(bool(reason), reason=reason or "")``; CI installs Chromium with
    ``.ci/install-browser`` so the tests run there.
    """
    if os.environ.get("AGENTKIT_NO_BROWSER"):
        return "browser tests disabled by AGENTKIT_NO_BROWSER"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (install it with .ci/install-browser)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed"
    return None


def jupyterlab_available() -> str | None:
    """Return why JupyterLab cannot be started, or ``None``."""
    if importlib.util.find_spec("jupyterlab") is None:
        return "jupyterlab is not installed"
    if importlib.util.find_spec("ipywidgets") is None:
        return "ipywidgets is not installed"
    return None


def voila_available() -> str | None:
    """Return why Voila cannot be started, or ``None``."""
    if importlib.util.find_spec("voila") is None:
        return "voila is not installed"
    if importlib.util.find_spec("ipywidgets") is None:
        return "ipywidgets is not installed"
    return None


def skip_reason(*needs: str) -> str | None:
    """Combined skip reason: the browser, plus ``"lab"`` and/or ``"voila"`` when given."""
    checks = [browser_available]
    if "lab" in needs:
        checks.append(jupyterlab_available)
    if "voila" in needs:
        checks.append(voila_available)
    for check in checks:
        reason = check()
        if reason:
            return reason
    return None


# ----------------------------------------------------------------------------------------------------
# Servers
# ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running JupyterLab or Voila server (yielded by :func:`jupyterlab` and :func:`voila`).

    Attributes: ``kind`` ("lab" or "voila"), ``port``, ``token`` (empty for Voila), ``base_url``
    (``http://127.0.0.1:PORT``), ``root_dir``, ``log_path`` (stdout+stderr of the server),
    ``process`` (the :class:`subprocess.Popen`).
    """

    kind: str
    port: int
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)
    base_url: str = ""

    def __post_init__(self) -> None:
        self.base_url = f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/", **query: str) -> str:
        """Absolute URL for ``path`` on this server, with the token added for JupyterLab."""
        if self.token:
            query.setdefault("token", self.token)
        qs = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"{self.base_url}/{path.lstrip('/')}{qs}"

    def notebook_url(self, notebook: str | os.PathLike[str], workspace: str | None = None) -> str:
        """``/lab/tree/<notebook>?token=T``; ``notebook`` is relative to ``root_dir`` (or absolute inside it).

        With ``workspace``, ``/lab/workspaces/<workspace>/tree/<notebook>``: a fresh JupyterLab layout, so
        the notebooks opened before on the same server do not come back in other tabs.
        """
        rel = Path(notebook)
        if rel.is_absolute():
            rel = rel.resolve().relative_to(self.root_dir)
        prefix = f"lab/workspaces/{urllib.parse.quote(workspace)}/" if workspace else "lab/"
        return self.url(prefix + "tree/" + urllib.parse.quote(rel.as_posix()))

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (through the REST API), e.g. between two notebooks."""
        status, body = self.request("GET", "/api/kernels")
        if status != 200:
            return
        for kernel in json.loads(body):
            self.request("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)

    def child_pids(self) -> list[int]:
        """Process ids of everything the server started that is still running (kernels, ...)."""
        return _descendants(self.process.pid) if self.process.poll() is None else []

    def log_text(self) -> str:
        """The server's output so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def request(self, method: str, path: str, body: Any = None, timeout: float = 10.0) -> tuple[int, bytes]:
        """A plain HTTP request to the server (token sent in the Authorization header)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def _server_env(tmp: Path) -> dict[str, str]:
    """Environment for a server: private Jupyter config/settings/runtime dirs, no announcements."""
    config = tmp / "config"
    settings = tmp / "user-settings"
    _write_json(config / "labconfig" / "page_config.json", {"disabledExtensions": {_ANNOUNCEMENTS: True}})
    # Keep every cell in the DOM (the default windowing hides cells outside the viewport).
    _write_json(
        settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
        {"windowingMode": "none"},
    )
    # Never write to the notebook under test (real notebooks in the repo would get outputs saved).
    _write_json(
        settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings", {"autosave": False}
    )
    # No "news" toast either, in case the plugin is re-enabled elsewhere.
    _write_json(
        settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
        # What a user's kernel has: ipykernel's inline backend (plots become images in the notebook).
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    env.pop("JUPYTER_TOKEN", None)
    return env


def _proc_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _descendants(pid: int) -> list[int]:
    """All descendant process ids of ``pid`` (kernels start in their own session, so a process-group
    kill does not reach them)."""
    try:
        import psutil  # type: ignore[import-not-found]

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except ImportError:
        pass
    except Exception:
        return []
    if not os.path.isdir("/proc"):
        return []
    children = _proc_children()
    out: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists and is not a zombie (for checking that nothing was left behind)."""
    return _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _kill_all(pids: list[int], grace: float = 5.0) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        live = [p for p in pids if _alive(p)]
        if not live:
            return
        for pid in live:
            with contextlib.suppress(OSError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_alive(p) for p in live):
            time.sleep(0.1)


def _stop(server: Server, graceful_shutdown: bool) -> None:
    proc = server.process
    kids = _descendants(proc.pid)
    if proc.poll() is None and graceful_shutdown:
        # JupyterLab: the REST shutdown stops the kernels cleanly, then the server.
        with contextlib.suppress(OSError, http.client.HTTPException):
            server.request("POST", "/api/shutdown", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=wait)
    # Kernels and anything else the server started, now orphaned if still running.
    _kill_all(kids)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _wait_ready(server: Server, probe: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.kind} server exited with code {server.process.returncode} before it was ready."
                f"\n--- server log (tail) ---\n{server.log_text()[-4000:]}"
            )
        try:
            status, _ = server.request("GET", probe, timeout=5)
            if status == 200:
                return
            last = f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            last = repr(exc)
        time.sleep(0.25)
    raise TimeoutError(
        f"{server.kind} server not ready on port {server.port} after {timeout:.0f} s ({last})."
        f"\n--- server log (tail) ---\n{server.log_text()[-4000:]}"
    )


@contextlib.contextmanager
def _serve(
    kind: str,
    argv_for_port: Any,
    root_dir: Path,
    token: str,
    probe: str,
    graceful_shutdown: bool,
    timeout: float,
    extra_env: dict[str, str] | None,
) -> Iterator[Server]:
    tmp = Path(tempfile.mkdtemp(prefix=f"agentkit-{kind}-"))
    env = _server_env(tmp)
    env.update(extra_env or {})
    server: Server | None = None
    try:
        for attempt in range(3):  # the port may be taken between free_port() and the bind
            port = free_port()
            log_path = tmp / f"server-{attempt}.log"
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(
                    argv_for_port(port),
                    cwd=root_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: clean kill of the whole tree
                )
            server = Server(
                kind=kind, port=port, token=token, root_dir=root_dir, log_path=log_path, process=proc
            )
            try:
                _wait_ready(server, probe, timeout)
                break
            except RuntimeError:
                _stop(server, graceful_shutdown=False)
                if attempt == 2 or "already in use" not in server.log_text():
                    raise
        assert server is not None
        yield server
    finally:
        if server is not None:
            _stop(server, graceful_shutdown)
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def jupyterlab(
    root_dir: str | os.PathLike[str],
    *,
    token: str | None = None,
    timeout: float = SERVER_START_TIMEOUT_S,
    extra_args: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run JupyterLab on 127.0.0.1 (a free port, a random token) serving ``root_dir``; yield a :class:`Server`.

    Waits until ``/api/status`` answers. On exit, shuts the server down through its REST API (which
    stops the kernels), then signals its process group, then kills any process it left behind.
    The app is exposed as ``window.jupyterapp`` in the page (see :func:`execute_command`).
    """
    root = Path(root_dir).resolve()
    token = token or secrets.token_hex(16)

    def argv(port: int) -> list[str]:
        return [
            sys.executable, "-m", "jupyterlab",
            "--no-browser", "--ip", "127.0.0.1", "--port", str(port),
            f"--IdentityProvider.token={token}",
            "--allow-root",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.expose_app_in_browser=True",
            *(extra_args or []),
        ]  # fmt: skip

    with _serve("lab", argv, root, token, "/api/status", True, timeout, extra_env) as server:
        yield server


@contextlib.contextmanager
def voila(
    notebook: str | os.PathLike[str],
    *,
    timeout: float = SERVER_START_TIMEOUT_S,
    extra_args: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Serve ``notebook`` as a Voila app on 127.0.0.1 (a free port, no token); yield a :class:`Server`.

    The server starts from the notebook's folder, so relative paths in the notebook work as in Lab.
    Every page load starts a fresh kernel that runs the whole notebook; :func:`open_voila` waits for it.
    """
    nb = Path(notebook).resolve()
    if not nb.is_file():
        raise FileNotFoundError(nb)

    def argv(port: int) -> list[str]:
        return [
            sys.executable, "-m", "voila", str(nb),
            "--no-browser", "--port", str(port), "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0",
            "--show_tracebacks=True",
            *(extra_args or []),
        ]  # fmt: skip

    with _serve("voila", argv, nb.parent, "", "/voila/static/voila.js", False, timeout, extra_env) as server:
        yield server


# ----------------------------------------------------------------------------------------------------
# Browser
# ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def chromium(
    *,
    headless: bool | None = None,
    viewport: tuple[int, int] = (1400, 1000),
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Iterator[BrowserContext]:
    """Launch Debian Chromium through Playwright with a fresh, temporary user-data dir.

    Yields a Playwright ``BrowserContext`` that already has one page (``ctx.pages[0]``); open more with
    ``ctx.new_page()``. Default timeouts are set to ``timeout_ms``. Console messages and page errors
    of every page are collected in ``ctx.agentkit_console`` (a list of strings) for failure reports.
    Everything is closed and the profile deleted on exit. Blocks may nest (one Playwright serves them
    all: its sync API refuses a second one in the same process).
    """
    if headless is None:
        headless = not os.environ.get("AGENTKIT_HEADED")
    profile = tempfile.mkdtemp(prefix="agentkit-chromium-")
    try:
        ctx = _playwright().chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=headless,
            viewport={"width": viewport[0], "height": viewport[1]},
            timeout=timeout_ms,
        )
        try:
            ctx.set_default_timeout(timeout_ms)
            log: list[str] = []
            ctx.agentkit_console = log  # type: ignore[attr-defined]

            def watch(page: Page) -> None:
                page.on("console", lambda msg: log.append(f"console.{msg.type}: {msg.text}"))
                page.on("pageerror", lambda err: log.append(f"pageerror: {err}"))

            for page in ctx.pages:
                watch(page)
            ctx.on("page", watch)
            if not ctx.pages:
                ctx.new_page()
            yield ctx
        finally:
            with contextlib.suppress(Exception):
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


_PLAYWRIGHT: Any = None


def _playwright() -> Any:
    """The process's one Playwright (started on first use, stopped when the process exits)."""
    global _PLAYWRIGHT
    if _PLAYWRIGHT is None:
        import atexit

        from playwright.sync_api import sync_playwright

        _PLAYWRIGHT = sync_playwright().start()
        atexit.register(_PLAYWRIGHT.stop)
    return _PLAYWRIGHT


@contextlib.contextmanager
def on_failure(page: Page, name: str, *servers: Server) -> Iterator[None]:
    """Keep evidence when the block fails: ``<name>-failure.png``, the browser console and each server's
    log in ``tests/_artifacts/``; the exception is re-raised unchanged.

    Wrap the body of a test: ``with browser.on_failure(page, "edit-and-export", lab): ...``
    (inside the ``with`` blocks of the servers and the browser, which must still be running).
    """
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            screenshot(page, f"{name}-failure")
        console = getattr(page.context, "agentkit_console", [])
        with contextlib.suppress(OSError):
            (ARTIFACTS / f"{name}-console.log").write_text("\n".join(console), encoding="utf-8")
        for server in servers:
            with contextlib.suppress(OSError):
                (ARTIFACTS / f"{name}-{server.kind}.log").write_text(server.log_text(), encoding="utf-8")
        raise


def _png_path(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "screenshot"
    return folder / f"{safe}.png"


def screenshot(page: Page, name: str, *, full_page: bool = True, folder: Path = ARTIFACTS) -> Path:
    """Save a PNG of ``page`` to ``tests/_artifacts/<name>.png`` (git-ignored) and return its path."""
    path = _png_path(folder, name)
    page.screenshot(path=str(path), full_page=full_page)
    return path


def screenshot_outputs(page: Page, name: str, selector: str, *, folder: Path = SCREENSHOTS) -> list[Path]:
    """One PNG per element matching ``selector`` (e.g. the output areas that hold widgets), each whole:
    the viewport grows to the element's height for the shot (its width, and so the layout, stays).
    Saved as ``<folder>/<name>-<n>.png``; returns the paths."""
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    paths = []
    elements = page.locator(selector)
    try:
        for n in range(elements.count()):
            element = elements.nth(n)
            box = element.bounding_box()
            if box is None:
                continue
            page.set_viewport_size(
                {"width": viewport["width"], "height": int(max(viewport["height"], box["height"] + 200))}
            )
            element.scroll_into_view_if_needed()
            page.wait_for_timeout(200)  # JupyterLab re-lays out the panel after a resize
            path = _png_path(folder, f"{name}-{n + 1}")
            element.screenshot(path=str(path))
            paths.append(path)
    finally:
        page.set_viewport_size(viewport)
    return paths


# ----------------------------------------------------------------------------------------------------
# JupyterLab page helpers
# ----------------------------------------------------------------------------------------------------


def wait_for_kernel_idle(page: Page, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the status bar's kernel item reads ``... | Idle``.

    Use the status bar, not the toolbar's kernel indicator (which is racy). Note that right after an
    action that runs code the kernel may still read Idle for a moment; :func:`run_all_cells` handles
    that for Run All.
    """
    page.locator(_KERNEL_STATUS, has_text=re.compile(r"\|\s*Idle")).first.wait_for(
        state="visible", timeout=timeout_ms
    )


def _accept_kernel_dialog(page: Page) -> None:
    """If a "Select Kernel" dialog is open (notebook without a known kernelspec), accept the default."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and dialog.first.is_visible():
        accept = dialog.locator("button.jp-mod-accept")
        if accept.count():
            accept.first.click()


def open_notebook(
    page: Page,
    lab: Server,
    notebook: str | os.PathLike[str],
    *,
    workspace: str | None = None,
    timeout_ms: int = KERNEL_TIMEOUT_MS,
) -> None:
    """Open ``notebook`` (relative to the server's root dir) in JupyterLab and wait for an idle kernel.

    Goes to ``/lab/tree/<notebook>?token=T`` (in a fresh ``workspace`` if given: use one per notebook
    when a server opens several), waits for the notebook panel, accepts a kernel-selection dialog if
    one appears, then waits for the status bar to read "| Idle".
    """
    page.goto(lab.notebook_url(notebook, workspace), wait_until="domcontentloaded", timeout=timeout_ms)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.wait_for(
        state="visible", timeout=timeout_ms
    )
    deadline = time.monotonic() + timeout_ms / 1000
    idle = page.locator(_KERNEL_STATUS, has_text=re.compile(r"\|\s*Idle"))
    while time.monotonic() < deadline:
        _accept_kernel_dialog(page)
        if idle.count():
            return
        page.wait_for_timeout(250)
    wait_for_kernel_idle(page, timeout_ms=1)  # raises with Playwright's own message


def execute_command(page: Page, command: str, args: dict[str, Any] | None = None) -> Any:
    """Run a JupyterLab command by id (e.g. ``"notebook:restart-run-all"``) through ``window.jupyterapp``."""
    return page.evaluate(
        "([id, args]) => window.jupyterapp.commands.execute(id, args)", [command, args or {}]
    )


# Set a flag as soon as anything starts running: a "[*]" prompt or a "Busy" kernel in the status bar.
_WATCH_BUSY = """() => {
  window.__agentkitSawBusy = false;
  if (window.__agentkitBusyObserver) window.__agentkitBusyObserver.disconnect();
  const check = () => {
    if (document.querySelector('.jp-InputArea-prompt') &&
        [...document.querySelectorAll('.jp-InputArea-prompt')].some(e => e.textContent.includes('[*]')))
      window.__agentkitSawBusy = true;
    if ([...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Busy/.test(e.textContent)))
      window.__agentkitSawBusy = true;
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
  window.__agentkitBusyObserver = obs;
}"""

_DONE = """() => {
  if (!window.__agentkitSawBusy) return false;
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt')];
  if (prompts.some(e => e.textContent.includes('[*]'))) return false;
  return [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle/.test(e.textContent));
}"""


def run_all_cells(page: Page, *, timeout_ms: int = KERNEL_TIMEOUT_MS, via: str = "menu") -> None:
    """Run All Cells in the current notebook and wait until every cell has finished.

    ``via="menu"`` clicks Run -> Run All Cells in the menu bar (what a user does); ``via="command"``
    runs the ``notebook:run-all-cells`` command directly. Completion means: something was seen running,
    no cell shows ``[*]`` any more, and the status bar reads "| Idle". A cell that raises does not stop
    the wait (JupyterLab stops the run there); check :func:`notebook_errors` afterwards.
    """
    wait_for_kernel_idle(page, timeout_ms)
    page.evaluate(_WATCH_BUSY)
    if via == "menu":
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()
    elif via == "command":
        execute_command(page, "notebook:run-all-cells")
    else:
        raise ValueError(f"via must be 'menu' or 'command', not {via!r}")
    page.wait_for_function(_DONE, timeout=timeout_ms, polling=100)


def wait_for_widgets(
    page: Page, selector: str = ".jupyter-widgets", *, count: int = 1, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> None:
    """Wait until at least ``count`` elements match ``selector`` and the first is visible.

    Fails early with a clear message when the front end reports that a widget could not be shown
    (e.g. "Error displaying widget" when the widgets extension is missing).
    """
    loc = page.locator(selector)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if loc.count() >= count and loc.first.is_visible():
            return
        broken = page.locator("text=/Error displaying widget|Failed to load model class/")
        if broken.count():
            raise AssertionError(f"widget failed to render: {broken.first.inner_text()!r}")
        page.wait_for_timeout(200)
    raise TimeoutError(f"fewer than {count} visible {selector!r} after {timeout_ms} ms (found {loc.count()})")


def wait_for_widget_outputs(page: Page, count: int, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until ``count`` output areas of the open notebook show a widget (a visible
    ``.jupyter-widgets`` element), then for the layout to settle. Call it after :func:`run_all_cells`,
    with the number of widget outputs the notebook makes. Fails early when a widget could not be shown."""
    script = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
      .filter(o => [...o.querySelectorAll('.jupyter-widgets')].some(e => e.getBoundingClientRect().width > 0))
      .length"""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if page.evaluate(script) >= count:
            page.wait_for_timeout(500)  # images and late layout
            return
        broken = page.locator("text=/Error displaying widget|Failed to load model class/")
        if broken.count():
            raise AssertionError(f"widget failed to render: {broken.first.inner_text()!r}")
        page.wait_for_timeout(200)
    raise TimeoutError(f"{page.evaluate(script)} of {count} widget outputs shown after {timeout_ms} ms")


# Elements of widget outputs that stick out of their cell's output area, and content wider than a box
# that hides or scrolls it (text cut off, or a horizontal scroll bar inside the widget). Only the
# outermost offender of a subtree is reported.
_LAYOUT_PROBLEMS = """([selector, tolerance]) => {
  const problems = [];
  const reported = new Set();
  const describe = (el) => {
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).slice(0, 4).join('.') : '';
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return `<${el.tagName.toLowerCase()}${cls ? '.' + cls : ''}> "${text}"`;
  };
  const underReported = (el) => { for (let a = el.parentElement; a; a = a.parentElement) if (reported.has(a)) return true; return false; };
  for (const area of document.querySelectorAll(selector)) {
    if (!area.querySelector('.jupyter-widgets')) continue;
    const box = area.getBoundingClientRect();
    for (const el of area.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || underReported(el)) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      if (r.right > box.right + tolerance || r.left < box.left - tolerance) {
        problems.push(`sticks out of its cell (x ${Math.round(r.left)}-${Math.round(r.right)}, cell ${Math.round(box.left)}-${Math.round(box.right)}): ${describe(el)}`);
        reported.add(el);
      } else if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + tolerance) {
        problems.push(`content ${el.scrollWidth} px wide in a ${el.clientWidth} px box (cut off or scrolled): ${describe(el)}`);
        reported.add(el);
      }
    }
  }
  return problems;
}"""


def widget_layout_problems(
    page: Page,
    *,
    selector: str = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output",
    tolerance: int = 3,
) -> list[str]:
    """What of the widgets does not fit: for each output area (``selector``) holding a widget, every
    element that sticks out of it horizontally, and every box whose content is wider than the box
    (cut off, or scrolled sideways), give or take ``tolerance`` px. Empty when everything fits."""
    return page.evaluate(_LAYOUT_PROBLEMS, [selector, tolerance])


# Words of table headers and cells that the browser broke across lines ("mod e", "cos t_u sd", "shadowe d").
# Each text node is cut into words; a word's rectangles (Range.getClientRects) must all lie on one line.
# Header words are runs of non-space characters; in a value a line may also end after "-" or "/" (where
# names and paths wrap), so there a word ends after those. A word wider than its whole column may still
# break (that is the last resort that keeps it inside the cell): then the cell is reported with its width.
_BROKEN_WORDS = r"""([root, headers, values]) => {
  const problems = [];
  const lines = (rects) => {
    const tops = [...rects].filter(r => r.width > 0.5).map(r => r.top).sort((a, b) => a - b);
    let count = 0, last = -1e9;
    for (const top of tops) if (top - last > 3) { count++; last = top; }
    return count;
  };
  const check = (selector, pattern, what) => {
    for (const cell of document.querySelectorAll(selector)) {
      if (cell.getBoundingClientRect().width === 0) continue;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      const broken = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(pattern)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const n = lines(range.getClientRects());
          if (n > 1) broken.push(`"${match[0]}" over ${n} lines`);
        }
      }
      if (broken.length) {
        const text = (cell.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 60);
        problems.push(`${what} broken inside a word: ${broken.join(', ')} in <${cell.tagName.toLowerCase()}> "${text}" ` +
                      `(${Math.round(cell.getBoundingClientRect().width)} px wide)`);
      }
    }
  };
  check(headers.map(s => `${root} ${s}`).join(', '), /\S+/g, 'a header');
  check(values.map(s => `${root} ${s}`).join(', '), /[^\s\/-]+[\/-]?/g, 'a value');
  return problems;
}"""

#: Table headers of the widgets: HTML tables and the Explorer's header row of buttons.
TABLE_HEADERS = ("th", ".agentkit-row-head .jupyter-button")
#: Table cells of the widgets: HTML tables and the Explorer's rows of buttons.
TABLE_VALUES = ("td", ".agentkit-row:not(.agentkit-row-head) .jupyter-button")


def broken_words(
    page: Page,
    *,
    root: str = ".agentkit-panel",
    headers: tuple[str, ...] = TABLE_HEADERS,
    values: tuple[str, ...] = TABLE_VALUES,
) -> list[str]:
    """Table headers and cells inside ``root`` whose words the browser broke across lines, measured in
    the page (each word's rectangles must lie on one line; a value may wrap after "-" or "/"). Empty when
    every word is whole."""
    return page.evaluate(_BROKEN_WORDS, [root, list(headers), list(values)])


_FIGURE_PROBLEMS = """(selector) => {
  const problems = [];
  for (const area of document.querySelectorAll(selector)) {
    const text = area.innerText || '';
    if (/<Figure size [^>]*>/.test(text) && !area.querySelector('img'))
      problems.push(`a figure shown as text, not as a picture: ${text.trim().slice(0, 80)}`);
    for (const img of area.querySelectorAll('img'))
      if (!img.complete || img.naturalWidth === 0) problems.push(`an image that did not load: ${img.src.slice(0, 60)}`);
  }
  return problems;
}"""


def figure_problems(
    page: Page, selector: str = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
) -> list[str]:
    """Figures that are not pictures: an output showing ``<Figure size ...>`` text and no ``<img>``, or an
    ``<img>`` that did not load. Empty when every figure is an image."""
    return page.evaluate(_FIGURE_PROBLEMS, selector)


def notebook_errors(page: Page) -> list[str]:
    """Texts of the error outputs (tracebacks) currently shown in the notebook, empty when there are none."""
    loc = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')
    return [loc.nth(i).inner_text() for i in range(loc.count())]


def cell_outputs(page: Page) -> list[str]:
    """Inner text of every output area, one string per code cell, in notebook order."""
    loc = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-OutputArea")
    return [loc.nth(i).inner_text() for i in range(loc.count())]


# ----------------------------------------------------------------------------------------------------
# Voila page helpers
# ----------------------------------------------------------------------------------------------------


def open_voila(
    page: Page, app: Server, *, selector: str = ".jupyter-widgets", timeout_ms: int = KERNEL_TIMEOUT_MS
) -> None:
    """Load the Voila app and wait until its widgets render (the notebook runs on each page load).

    Raises with the page text when Voila shows an execution error instead.
    """
    page.goto(app.url("/"), wait_until="domcontentloaded", timeout=timeout_ms)
    loc = page.locator(selector)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if loc.count() and loc.first.is_visible():
            return
        err = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'], .voila-error"
        )
        if err.count():
            raise AssertionError(f"Voila reported an error:\n{err.first.inner_text()}")
        page.wait_for_timeout(200)
    raise TimeoutError(f"no visible {selector!r} in the Voila app after {timeout_ms} ms")
