"""Every lesson, opened and run in JupyterLab in a real (headless) browser.

`make test-ui` runs this file and `make test` leaves it out: it needs a Chromium and takes a
few minutes. nbval (in `make test`) runs each cell without a front end, so it cannot see what
only a browser shows: a widget that fails to render, a button whose click does nothing, a
plot that never redraws. This test can. It

- starts JupyterLab from .venv on a free loopback port with a token, with fresh settings in
  a temporary folder: no news pop-up or update check, and notebook windowing mode `none`,
  so every cell is rendered and not only the visible ones;
- drives Debian's Chromium (or any Chromium or Chrome on PATH) with Playwright; no browser
  is downloaded;
- for every notebooks/[0-9]*.ipynb: opens it, runs all cells, waits until the kernel is idle
  and every code cell has run, checks that no cell shows an error and that the lesson's
  widgets are on the page (EXPECTED_WIDGETS), then uses its apps (INTERACTIONS, further
  down: step the backward stepper, tick an optimizer in the race, train in the playground
  with its new controls) and checks that both apps stay readable and sharp in a 1000-px
  and a 1600-px window (check_any_width);
- saves screenshots to build/ui-screenshots/: each lesson after running it, and each app
  before and after it is used, and at each window width (…-width-1000.png, …-width-1600.png).

Options (environment variables):
    BACKPROPLAB_UI_ROOT      folder of notebooks to serve and test instead of notebooks/,
                             e.g. a temporary folder with a scratch notebook
    BACKPROPLAB_UI_BUDGET    seconds for the whole run (default 600): every wait is cut to
                             what is left, later lessons fail at once, and a watchdog
                             kills the server 60 s after the deadline
"""

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: run `make test-ui`"
)
expect = playwright_api.expect

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
NOTEBOOK_ROOT = Path(os.environ.get("BACKPROPLAB_UI_ROOT") or ROOT / "notebooks").resolve()
SHOTS = ROOT / "build" / "ui-screenshots"
BUDGET = float(os.environ.get("BACKPROPLAB_UI_BUDGET", "600"))  # seconds, the whole run

STARTUP_TIMEOUT = 90  # s until the server answers /api/status
RUN_ALL_TIMEOUT = 240  # s for one lesson's run-all (also bounded by the budget)
ACTION_TIMEOUT = 30_000  # ms for one Playwright action or wait
APP_TIMEOUT = 90_000  # ms for an app to answer a click (training in the playground)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
MAX_SHOT_HEIGHT = 16_000  # px; a longer notebook is cut off in its screenshot

# What each lesson must show once all its cells have run: (what, CSS selector) pairs,
# keyed by the lesson number at the start of the file name. A lesson that is not listed
# only has to run without errors. Labels are the widgets' descriptions.
EXPECTED_WIDGETS = {
    "00": [
        ("a slider (the set-up check)", ".widget-slider"),
    ],
    "03": [
        ("the backward stepper's slider", ".widget-slider:has(label:text-is('step'))"),
        ("the backward stepper's Step button", "button.jupyter-button:text-is('Step ▶')"),
        ("the backward stepper's Back button", "button.jupyter-button:text-is('◀ Back')"),
        ("the backward stepper's Start button", "button.jupyter-button:text-is('|◀ Start')"),
    ],
    "05": [
        ("the learning-rate slider of lesson 05",
         ".widget-slider:has(label:text-is('learning rate'))"),
        ("the slider's picture", ".widget-box img"),
    ],
    "08": [
        ("the race's optimizer checkboxes", ".widget-checkbox:has-text('Nesterov') input"),
        ("the race's surface dropdown", ".widget-dropdown:has(label:text-is('surface'))"),
        ("the race's start sliders", ".widget-slider:has(label:text-is('start x'))"),
        ("a learning-rate slider of the race", ".widget-slider:has(label:text-matches('^lr '))"),
        ("the race's plot", ".widget-box img"),
    ],
    "09": [
        ("the playground's Train button", "button.jupyter-button:text-is('Train')"),
        ("the playground's Step button", "button.jupyter-button:text-is('Step')"),
        ("the playground's Reset button", "button.jupyter-button:text-is('Reset')"),
        ("the playground's Stop button", "button.jupyter-button:text-is('Stop')"),
        ("the playground's Same start button", "button.jupyter-button:text-is('Same start')"),
        ("the playground's feature checkboxes", ".widget-checkbox:has-text('x₁x₂') input"),
        ("the playground's weight decay", ".widget-slider:has(label:text-is('L2 decay'))"),
        ("the playground's optimizer dropdown",
         ".widget-dropdown:has(label:text-is('optimizer')) select"),
        ("the playground's dataset dropdown",
         ".widget-dropdown:has(label:text-is('dataset')) select"),
        ("the playground's learning-rate slider",
         ".widget-slider:has(label:text-is('learning rate'))"),
        ("the playground's plot", ".widget-box img"),
    ],
}

# Settings for the fresh JupyterLab: JUPYTERLAB_SETTINGS_DIR/<plugin>.jupyterlab-settings.
LAB_SETTINGS = {
    # No "would you like news?" toast, no news fetched, no update check.
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # JupyterLab 4 attaches only the cells in view by default; "none" renders them all.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # Never write the run's outputs back into the lessons (autosave is every 120 s).
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}
# Server side (JUPYTER_CONFIG_DIR/jupyter_server_config.json): no news feed, no update check.
SERVER_CONFIG = {
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
}

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback


def lesson_notebooks():
    return sorted(NOTEBOOK_ROOT.glob("[0-9]*.ipynb"))


def lesson_number(path):
    return re.match(r"\d+", path.name).group().zfill(2)


# ---- the time budget -----------------------------------------------------------------


class Budget:
    """The whole run's deadline; every wait is cut to what is left of it."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self):
        return self.deadline - time.monotonic()

    def check(self, doing):
        if self.left() <= 0:
            pytest.fail(f"the UI test ran out of its {self.seconds:.0f} s budget before {doing}"
                        " (BACKPROPLAB_UI_BUDGET sets it)")

    def ms(self, timeout_ms):
        """A Playwright timeout (ms), cut to the time left (at least 1 s)."""
        return max(1000, min(timeout_ms, self.left() * 1000))


# ---- the JupyterLab server -----------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=10):
    with OPENER.open(url, timeout=timeout) as response:
        return response.status, response.read()


def request(method, url):
    with OPENER.open(urllib.request.Request(url, method=method), timeout=10) as response:
        return response.status


def write_fresh_settings(home):
    """Config, settings and runtime folders under `home`; returns the server's environment."""
    dirs = {name: home / name for name in ("config", "data", "settings", "runtime")}
    for path in dirs.values():
        path.mkdir(parents=True)
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    for plugin_id, settings in LAB_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        path = dirs["settings"] / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env = dict(os.environ)
    env["JUPYTER_CONFIG_DIR"] = str(dirs["config"])
    env["JUPYTER_DATA_DIR"] = str(dirs["data"])  # e.g. the trusted-notebooks database
    env["JUPYTERLAB_SETTINGS_DIR"] = str(dirs["settings"])
    env["JUPYTER_RUNTIME_DIR"] = str(dirs["runtime"])
    env.pop("JUPYTER_TOKEN", None)
    return env


def stop_group(process, grace=10):
    """Stop a process and its process group: SIGTERM (the server shuts its kernels down),
    then SIGKILL. Kernels run in sessions of their own, but exit when the server is gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


class Lab:
    """A running JupyterLab: its base URL, token and log."""

    def __init__(self, base, token, process, log_path):
        self.base, self.token, self.process, self.log_path = base, token, process, log_path

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}"

    def log_tail(self, n=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def json(self, path):
        return json.loads(get(self.url(path))[1])

    def shut_down_kernels(self):
        """Delete every session (and so its kernel): a finished lesson frees the CPU."""
        try:
            for session in self.json("/api/sessions"):
                request("DELETE", self.url(f"/api/sessions/{session['id']}"))
        except (urllib.error.URLError, OSError) as e:  # the server is gone: nothing to free
            print(f"could not shut down the kernels: {e}")


@pytest.fixture(scope="module")
def budget():
    return Budget(BUDGET)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, budget):
    jupyter = VENV_BIN / "jupyter"
    if not jupyter.exists():
        pytest.fail(f"{jupyter} is missing: run `make test-ui`, which creates .venv")
    home = tmp_path_factory.mktemp("lab")
    env = write_fresh_settings(home)
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={NOTEBOOK_ROOT}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log_path = home / "lab.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=NOTEBOOK_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    # Last resort if a step hangs past the budget: kill the server, so every wait fails.
    watchdog = threading.Timer(budget.left() + 60, stop_group, args=(process, 5))
    watchdog.daemon = True
    watchdog.start()
    try:
        server = Lab(f"http://127.0.0.1:{port}", token, process, log_path)
        wait_until_ready(server)
        yield server
        server.shut_down_kernels()
    finally:
        watchdog.cancel()
        stop_group(process)


def wait_until_ready(server):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {server.process.returncode}:\n"
                        f"{server.log_tail()}")
        try:
            if get(server.url("/api/status"))[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"no answer from JupyterLab in {STARTUP_TIMEOUT} s:\n{server.log_tail()}")


# ---- the browser ---------------------------------------------------------------------


def find_browser():
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.fail("no Chromium or Chrome on PATH (looked for " + ", ".join(BROWSERS) + "):"
                " install one, e.g. `apt-get install chromium` on Debian or Ubuntu")


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    """One headless Chromium with a fresh profile, for all lessons."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=find_browser(), headless=True, args=BROWSER_ARGS,
            viewport=VIEWPORT)
        context.set_default_timeout(ACTION_TIMEOUT)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def shots():
    """build/ui-screenshots/, emptied of the previous run's pictures."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


# ---- talking to JupyterLab in the page ---------------------------------------------------

# The notebook panel whose file is `path` (JupyterLab's own objects, exposed as
# window.jupyterapp by --LabApp.expose_app_in_browser).
FIND_PANEL = """
const findPanel = (path) => {
    for (const w of window.jupyterapp.shell.widgets('main')) {
        if (w.context && w.context.path === path && w.content && w.sessionContext) return w;
    }
    return null;
};
"""

JS_STATE = FIND_PANEL + """
(path) => {
    const panel = findPanel(path);
    const dialog = document.querySelector('.jp-Dialog');
    const state = {
        panel: !!panel, dialog: dialog ? dialog.innerText.slice(0, 500) : null,
        runAll: window.__bplRunAll || null,
    };
    if (!panel) return state;
    const session = panel.sessionContext.session;
    state.ready = panel.context.isReady && panel.sessionContext.isReady;
    state.kernel = session && session.kernel ? session.kernel.status : null;
    state.cells = panel.content.widgets.length;
    state.notRun = panel.content.widgets
        .map((cell, i) => [cell, i])
        .filter(([cell]) => cell.model.type === 'code' && cell.model.executionCount === null)
        .map(([cell, i]) => i);
    return state;
}
"""

JS_RUN_ALL = FIND_PANEL + """
(path) => {
    const panel = findPanel(path);
    window.jupyterapp.shell.activateById(panel.id);
    window.__bplRunAll = {done: false, result: null, error: null};
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        (result) => { window.__bplRunAll = {done: true, result: result, error: null}; },
        (error) => { window.__bplRunAll = {done: true, result: null, error: String(error)}; });
}
"""

# Every cell as the model and the page have it: execution count, outputs, rendered text.
JS_CELLS = FIND_PANEL + """
(path) => findPanel(path).content.widgets.map((cell, index) => {
    const info = {index: index, type: cell.model.type, count: null, outputs: [], shown: []};
    if (cell.model.type !== 'code') return info;
    info.count = cell.model.executionCount;
    info.outputs = cell.model.outputs.toJSON().map((o) => ({
        type: o.output_type, ename: o.ename || null, evalue: o.evalue || null,
        name: o.name || null,
    }));
    info.shown = [...cell.node.querySelectorAll('.jp-OutputArea-output')].map((el) => ({
        mime: el.getAttribute('data-mime-type'),
        text: el.innerText.slice(0, 3000),
        rendered: [...el.querySelectorAll('.jp-RenderedText')]
            .map((r) => r.innerText.slice(0, 3000)),
    }));
    return info;
})
"""

# Scroll the notebook to its top; return how much taller its cells are than its view (px).
JS_TO_TOP = """
() => {
    const outer = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    const cells = outer ? outer.querySelectorAll('.jp-Cell') : [];
    if (!cells.length) return 0;
    outer.scrollTop = 0;
    const bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
    const top = outer.getBoundingClientRect().top;
    return Math.max(0, bottom - top + 40 - outer.clientHeight);
}
"""


def open_lesson(context, lab, path, budget):
    """A new page showing the notebook, its kernel started and idle."""
    page = context.new_page()
    workspace = f"ui-{path.stem}-{secrets.token_hex(3)}"  # nothing restored from other runs
    page.goto(lab.url(f"/lab/workspaces/{workspace}/tree/{path.name}"),
              timeout=budget.ms(60_000))
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=budget.ms(60_000))
    wait_for_state(page, path, budget, 120, "the notebook to open with an idle kernel",
                   lambda s: s["panel"] and s.get("ready") and s.get("kernel") == "idle")
    return page


def wait_for_state(page, path, budget, seconds, what, done):
    """Poll the notebook's state until `done(state)`; fail with the state on timeout, or
    at once if a dialog shows up or the kernel dies."""
    limit = min(seconds, max(1.0, budget.left()))
    deadline = time.monotonic() + limit
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(JS_STATE, path.name)
        if state.get("dialog"):
            pytest.fail(f"{path.name}: a dialog came up while waiting for {what}:\n"
                        f"{state['dialog']}")
        if state.get("kernel") == "dead":
            pytest.fail(f"{path.name}: the kernel is {state['kernel']} (waiting for {what})")
        if done(state):
            return state
        time.sleep(0.5)
    cut = " (the rest of the run's budget)" if limit < seconds else ""
    pytest.fail(f"{path.name}: gave up waiting {limit:.0f} s{cut} for {what};"
                f" last state: {state}")


def run_all_cells(page, path, budget):
    """Run every cell; wait until run-all is done, the kernel idle, and no cell pending."""
    page.evaluate(JS_RUN_ALL, path.name)

    def finished(state):
        run_all = state.get("runAll") or {}
        return run_all.get("done") and state.get("kernel") == "idle"

    state = wait_for_state(page, path, budget, RUN_ALL_TIMEOUT, "run-all to finish", finished)
    if state["runAll"]["error"]:
        pytest.fail(f"{path.name}: notebook:run-all-cells failed: {state['runAll']['error']}")
    # Idle twice, half a second apart: late widget messages have arrived.
    time.sleep(0.5)
    wait_for_state(page, path, budget, 30, "the kernel to stay idle",
                   lambda s: s.get("kernel") == "idle")


def expected_error_cells(path):
    """Cells allowed to show an error: tagged raises-exception or marked for nbval."""
    cells = json.loads(path.read_text())["cells"]
    allowed = set()
    for i, cell in enumerate(cells):
        source = "".join(cell.get("source", ""))
        tags = cell.get("metadata", {}).get("tags", [])
        if "raises-exception" in tags or "NBVAL_RAISES_EXCEPTION" in source:
            allowed.add(i)
    return allowed, cells


def cell_problems(path, cells_shown):
    """What is wrong in the run notebook, one line per problem (empty if nothing)."""
    allowed, cells = expected_error_cells(path)
    problems = []
    for cell in cells_shown:
        i = cell["index"]
        if cell["type"] != "code":
            continue
        source = "".join(cells[i].get("source", "")) if i < len(cells) else ""
        first = source.strip().splitlines()[0][:80] if source.strip() else "(empty)"
        where = f"cell {i} ({first!r})"
        if cell["count"] is None:
            problems.append(f"{where} did not run")
            if any(j < i for j in allowed):
                problems.append("  (JupyterLab's run-all stops at an error unless the cell"
                                " has the raises-exception tag; # NBVAL_RAISES_EXCEPTION"
                                " is not enough)")
        if i in allowed:
            continue
        for out in cell["outputs"]:
            if out["type"] == "error":
                problems.append(f"{where} raised {out['ename']}: {out['evalue']}")
        for shown in cell["shown"]:
            texts = [shown["text"], *shown["rendered"]]
            if shown["mime"] == "application/vnd.jupyter.stderr" and any(
                    "Traceback" in t for t in texts):
                problems.append(f"{where} shows a traceback on stderr:\n{shown['text'][:1500]}")
            elif any("Traceback" in t for t in shown["rendered"]):
                problems.append(f"{where} shows a traceback:\n{shown['text'][:1500]}")
            if "Error displaying widget" in shown["text"]:
                problems.append(f"{where}: a widget failed to render in the browser:"
                                f" {shown['text'][:300]}")
    return problems


def screenshot_notebook(page, file):
    """The whole notebook in one picture: the viewport is made as tall as the notebook."""
    hidden = page.evaluate(JS_TO_TOP)
    height = int(min(MAX_SHOT_HEIGHT, VIEWPORT["height"] + hidden))
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    try:
        page.wait_for_timeout(500)  # let the widgets lay themselves out again
        page.evaluate(JS_TO_TOP)
        page.screenshot(path=str(file), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)


# ---- the apps ------------------------------------------------------------------------


def button(scope, label):
    return scope.locator("button.jupyter-button").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def labelled(scope, kind, label):
    """The ipywidget of a kind (dropdown, slider, ...) whose description is `label`."""
    return scope.locator(f".widget-{kind}").filter(
        has=scope.page.locator(f"label.widget-label:text-is('{label}')"))


def app_with(page, *inner_selectors):
    """The outermost widget box holding all of `inner_selectors` (the first such app)."""
    boxes = page.locator(".jp-OutputArea-output .widget-box")
    for selector in inner_selectors:
        boxes = boxes.filter(has=page.locator(selector))
    return boxes.first


def picture(app):
    """The src of the app's plot (a data: URL from an Output, a blob: URL from an Image)."""
    return app.locator("img").first.get_attribute("src")


def fingerprint(src):
    return f"{len(src or '')} characters, md5 {hashlib.md5((src or '').encode()).hexdigest()[:10]}"


def wait_for_new_picture(page, app, old_src, seconds, after):
    """Wait until the app's plot is another picture than `old_src`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if picture(app) != old_src:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the plot did not change within {seconds:.0f} s after {after}"
                         f" (still {fingerprint(old_src)})")


def wait_until_settled(page, locator, old_text, seconds, also=lambda: True):
    """Wait until `locator`'s text differs from `old_text` and then stays put for 1 s
    (and `also()` holds); returns that text."""
    deadline = time.monotonic() + seconds
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if text != last:
            last, since = text, time.monotonic()
        elif text != old_text and time.monotonic() - since >= 1 and also():
            return text
        page.wait_for_timeout(200)
    raise AssertionError(f"waited {seconds:.0f} s for a new, steady text instead of"
                         f" {old_text!r}; last seen: {last!r}")


def step_the_stepper(page, shoot, budget):
    """Lesson 03: the stepper opens on its last frame; Start goes back to step 0; Step moves
    the slider on, shows the next chain-rule line, redraws."""
    app = app_with(page, "button.jupyter-button:text-is('Step ▶')", ".widget-html code")
    text = app.locator(".widget-html code").first
    readout = labelled(app, "slider", "step").locator(".widget-readout")
    graph = app.locator(".widget-html svg").first
    expect(text).to_contain_text("step 9 of 9", timeout=budget.ms(ACTION_TIMEOUT))
    shoot(app, "last-frame")
    button(app, "|◀ Start").click(timeout=budget.ms(ACTION_TIMEOUT))
    expect(text).to_contain_text("step 0 of", timeout=budget.ms(ACTION_TIMEOUT))
    page.wait_for_timeout(300)
    before, graph_before = text.inner_text(), graph.inner_html()
    shoot(app, "before-step")
    try:
        button(app, "Step ▶").click(timeout=budget.ms(ACTION_TIMEOUT))
        expect(text).to_contain_text("step 1 of", timeout=budget.ms(ACTION_TIMEOUT))
        assert text.inner_text() != before
        expect(readout).to_have_text("1", timeout=budget.ms(ACTION_TIMEOUT))
        page.wait_for_timeout(300)
        assert graph.inner_html() != graph_before, "the stepper's graph did not change after Step"
        button(app, "Step ▶").click(timeout=budget.ms(ACTION_TIMEOUT))
        expect(text).to_contain_text("step 2 of", timeout=budget.ms(ACTION_TIMEOUT))
        expect(readout).to_have_text("2", timeout=budget.ms(ACTION_TIMEOUT))
    finally:
        shoot(app, "after-step")


def checkbox(scope, name):
    """The checkbox input of the ipywidgets Checkbox whose description is `name`."""
    return scope.locator(".widget-checkbox").get_by_role("checkbox", name=name, exact=True)


def change_the_race(page, shoot, budget):
    """Lesson 08: ticking an optimizer's box adds it to the race; it reruns and redraws."""
    app = app_with(page, ".widget-checkbox input", "img")
    boxes = app.locator(".widget-checkbox")
    names = [t.strip() for t in boxes.all_inner_texts()]
    unticked = [n for n in names if not checkbox(app, n).is_checked()]
    assert unticked, f"every optimizer is already in the race: {names}"
    new = unticked[0]
    src = picture(app)
    shoot(app, "before-select")
    try:
        checkbox(app, new).check(timeout=budget.ms(ACTION_TIMEOUT))
        # The kernel reruns the race: a learning-rate slider for the newcomer, a new picture.
        expect(labelled(app, "slider", f"lr {new}")).to_be_visible(
            timeout=budget.ms(APP_TIMEOUT))
        wait_for_new_picture(page, app, src, min(15, budget.left()), f"adding {new} to the race")
        page.wait_for_timeout(500)
    finally:
        shoot(app, "after-select")
    check_any_width(page, app, shoot, budget)


# Window widths at which the apps must stay readable (issue 17): the narrow one with the
# file browser open beside the notebook, and a wide one.
WIDTHS = (1000, 1600)
MIN_PICTURE_WIDTH = 460  # CSS px: the pictures' minimum width (480) less rounding and borders


JS_LAYOUT = """
(app) => {
    const img = app.querySelector('img');
    const controls = app.querySelector('.widget-vbox');
    const r = img.getBoundingClientRect(), c = controls.getBoundingClientRect();
    return {width: r.width, natural: img.naturalWidth, left: r.left, top: r.top,
            controlsRight: c.right, controlsBottom: c.bottom,
            overflow: app.scrollWidth - app.clientWidth};
}
"""


def check_any_width(page, app, shoot, budget):
    """At each of WIDTHS: the picture keeps its minimum width, sits beside or below the
    controls (never under them), is drawn at 2 device pixels per CSS pixel or more, and
    nothing needs a horizontal scroll bar. Screenshots: <app>-width-<px>.png."""
    viewport = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
            page.wait_for_timeout(800)  # the box wraps again
            app.scroll_into_view_if_needed(timeout=budget.ms(ACTION_TIMEOUT))
            box = app.evaluate(JS_LAYOUT)
            shoot(app, f"width-{width}")
            assert box["width"] >= MIN_PICTURE_WIDTH, \
                f"at {width} px the picture shrank to {box['width']:.0f} px: {box}"
            beside = box["left"] >= box["controlsRight"] - 1
            below = box["top"] >= box["controlsBottom"] - 1
            assert beside or below, f"at {width} px the picture overlaps the controls: {box}"
            assert box["natural"] >= 1.9 * box["width"], \
                f"at {width} px the picture is not sharp (fewer than 2 pixels per CSS px): {box}"
            assert box["overflow"] <= 2, f"at {width} px the app needs a scroll bar: {box}"
    finally:
        page.set_viewport_size(viewport)


# What the status line says after Train: the step and the loss, or, when the larger learning
# rate makes the run blow up (it continues from the lesson's weights), the divergence message
# that names the step; both are the app doing its job.
TRAINED = re.compile(r"step [1-9]\d* · loss|training diverged at step [1-9]\d*")


def train_the_playground(page, shoot, budget):
    """Lesson 09: another optimizer, a larger learning rate, Train: status and plot change."""
    app = app_with(page, "button.jupyter-button:text-is('Train')", "img")
    optimizer = labelled(app, "dropdown", "optimizer").locator("select")
    current = optimizer.input_value()
    other = next(n for n in optimizer.locator("option").all_inner_texts() if n != current)
    optimizer.select_option(label=other, timeout=budget.ms(ACTION_TIMEOUT))
    assert optimizer.input_value() != current, f"the optimizer dropdown stayed at {current}"

    lr = labelled(app, "slider", "learning rate")
    readout = lr.locator(".widget-readout")
    lr_before = readout.inner_text()
    handle = lr.locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    expect(readout).not_to_have_text(lr_before, timeout=budget.ms(ACTION_TIMEOUT))

    status = app.locator(".widget-html").filter(has_text=re.compile(r"\bstep \d+"))
    expect(status).to_have_count(1, timeout=budget.ms(ACTION_TIMEOUT))
    status_before, src = status.inner_text(), picture(app)
    shoot(app, "before-train")
    train = button(app, "Train")
    try:
        train.click(timeout=budget.ms(ACTION_TIMEOUT))
        # Training runs as a task (Train is disabled meanwhile): wait for its last status line.
        final = wait_until_settled(page, status, status_before, budget.ms(APP_TIMEOUT) / 1000,
                                   also=train.is_enabled)
        assert TRAINED.search(final), f"unexpected status after Train: {final!r}"
        wait_for_new_picture(page, app, src, min(15, budget.left()),
                             f"Train (the status line did change, to {final!r})")
        page.wait_for_timeout(500)
    finally:
        shoot(app, "after-train")

    # The new controls: a feature (x₁x₂), L2 weight decay, then Same start and Train again.
    checkbox(app, "x₁x₂").check(timeout=budget.ms(ACTION_TIMEOUT))
    decay = labelled(app, "slider", "L2 decay")
    decay_handle = decay.locator(".noUi-handle").first
    decay_handle.focus()
    decay_handle.press("ArrowRight")
    expect(decay.locator(".widget-readout")).to_have_text("0.0001",
                                                          timeout=budget.ms(ACTION_TIMEOUT))
    status_before, src = status.inner_text(), picture(app)
    train.click(timeout=budget.ms(ACTION_TIMEOUT))
    final = wait_until_settled(page, status, status_before, budget.ms(APP_TIMEOUT) / 1000,
                               also=train.is_enabled)
    assert TRAINED.search(final), f"status after Train: {final!r}"
    wait_for_new_picture(page, app, src, min(15, budget.left()), "Train with feature x₁x₂")
    shoot(app, "after-features-train")
    button(app, "Same start").click(timeout=budget.ms(ACTION_TIMEOUT))
    expect(status).to_contain_text("step 0", timeout=budget.ms(APP_TIMEOUT))
    shoot(app, "after-same-start")
    units = app.locator("img").nth(1)  # the tiles of the hidden units
    expect(units).to_be_visible(timeout=budget.ms(ACTION_TIMEOUT))
    check_any_width(page, app, shoot, budget)


# The apps each lesson's test uses after the run, by lesson number.
INTERACTIONS = {
    "03": [step_the_stepper],
    "08": [change_the_race],
    "09": [train_the_playground],
}


# ---- the test ------------------------------------------------------------------------


def test_the_fresh_settings_took_effect(lab):
    """The server hands the page our temporary settings, not the user's own."""
    for plugin_id, wanted in LAB_SETTINGS.items():
        settings = lab.json(f"/lab/api/settings/{plugin_id}")["settings"]
        for key, value in wanted.items():
            assert settings.get(key) == value, f"{plugin_id}: {key} is {settings.get(key)!r}"


@pytest.mark.parametrize("path", lesson_notebooks(), ids=lambda p: p.stem)
def test_lesson_runs_in_the_browser(path, lab, browser, shots, budget):
    budget.check(f"opening {path.name}")
    number = lesson_number(path)
    page = open_lesson(browser, lab, path, budget)
    try:
        def shoot(app, step):
            """A picture of an app; one that fails is reported, not raised (it is not a test)."""
            try:
                app.screenshot(path=str(shots / f"{path.stem}-{step}.png"),
                               timeout=budget.ms(ACTION_TIMEOUT))
            except playwright_api.Error as e:
                print(f"no screenshot {step} of {path.name}: {e}")

        run_all_cells(page, path, budget)
        cells_shown = page.evaluate(JS_CELLS, path.name)
        screenshot_notebook(page, shots / f"{path.stem}-run-all.png")
        problems = cell_problems(path, cells_shown)
        if problems:
            pytest.fail(f"{path.name} in JupyterLab:\n" + "\n".join(problems), pytrace=False)

        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not [t for t in toasts if "news" in t.lower()], f"a news pop-up: {toasts}"

        for what, selector in EXPECTED_WIDGETS.get(number, []):
            budget.check(f"looking for {what} in {path.name}")
            expect(page.locator(selector).first, f"{path.name}: {what} ({selector})").to_be_visible(
                timeout=budget.ms(ACTION_TIMEOUT))

        for use in INTERACTIONS.get(number, []):
            budget.check(f"{use.__name__} in {path.name}")
            use(page, lambda app, step, n=use.__name__: shoot(app, f"{n}-{step}"), budget)
    finally:
        page.close()
        lab.shut_down_kernels()
    # The page must never save the run's outputs into the lesson (the server logs saves).
    saves = [line for line in lab.log_tail(10**6).splitlines() if "Saving file at" in line]
    assert not saves, f"JupyterLab saved a notebook during the test: {saves}"
