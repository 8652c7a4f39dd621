"""The lessons' website (`make site`, build/site/) in a real headless browser.

`make test-site` (and .ci/run) builds the site, then runs this file; `make test-ui` and
`make test` leave it out. It serves build/site/ from a local HTTP server, opens the home
page, every lesson page (one per notebooks/[0-9]*.ipynb, so new lessons are checked
without editing this file) and the search page in Chromium with Playwright, and checks:

- the page loads without console errors, and every request stays on the local server
  (the theme, its fonts and MathJax ship with the site: nothing from a CDN);
- every picture loads (naturalWidth > 0), and a lesson shows at least as many pictures as
  its notebook has stored figure outputs;
- every link inside the site resolves, including its #anchor;
- previous/next links chain the lessons in order, the Binder link opens lesson 00, the
  formulas are typeset by MathJax and search finds a lesson.

Screenshots go to build/site-screenshots/: the top of each page and its first figure.
BACKPROPLAB_SITE_DIR builds the same checks against another built site.
"""

import functools
import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: run `make test-site`"
)

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("BACKPROPLAB_SITE_DIR") or ROOT / "build" / "site").resolve()
SHOTS = ROOT / "build" / "site-screenshots"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
BINDER = "https://mybinder.org/v2/gh/"
BINDER_LESSON_00 = "urlpath=lab/tree/notebooks/00-start-here.ipynb"

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT = 30_000  # ms for one page load or wait

pytestmark = pytest.mark.skipif(
    not (SITE / "index.html").is_file(),
    reason=f"no built site in {SITE}: run `make site` (or `make test-site`)",
)


def figure_outputs(notebook):
    """How many stored outputs of a notebook are pictures (PNG or SVG without HTML)."""
    cells = json.loads(notebook.read_text())["cells"]
    count = 0
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if ({"image/png", "image/svg+xml"} & set(data)) and "text/html" not in data:
                count += 1
    return count


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if executable is None:
        pytest.skip("no Chromium or Chrome on PATH: `apt-get install chromium`")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page opened in a fresh browser context, with what went wrong while loading."""

    def __init__(self, browser, base_url, path):
        self.base_url = base_url
        self.context = browser.new_context(viewport=VIEWPORT)
        self.errors, self.outside, self.failed = [], [], []
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(
            f"{r.status} {r.url}"))
        self.page.goto(base_url + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def _only_local(self, route):
        if route.request.url.startswith(self.base_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def problems(self):
        return ([f"console: {e}" for e in self.errors]
                + [f"request outside the site: {u}" for u in self.outside]
                + [f"failed: {f}" for f in self.failed])

    def images(self):
        """(src, naturalWidth) of every <img> in the page's article."""
        return self.page.eval_on_selector_all(
            "article img", "els => els.map(e => [e.currentSrc || e.src, e.naturalWidth])")

    def links(self):
        return self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")

    def screenshot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"{name}.png")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def open_page(path):
        page = Visit(browser, base_url, path)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def lesson_path(notebook):
    return f"lessons/{notebook.stem}.html"


def test_every_lesson_has_a_page():
    assert LESSONS, "no notebooks/[0-9]*.ipynb"
    missing = [lesson_path(n) for n in LESSONS if not (SITE / lesson_path(n)).is_file()]
    assert not missing, f"lessons without a page (rebuild with `make site`): {missing}"


def test_home_page_lists_every_lesson_and_links_to_binder(visit):
    home = visit("index.html")
    home.screenshot("index")
    assert home.problems() == []
    links = home.links()
    for notebook in LESSONS:
        assert any(link.endswith(lesson_path(notebook)) for link in links), notebook.name
    binder = [link for link in links if link.startswith(BINDER)]
    assert binder and all(BINDER_LESSON_00 in link for link in binder), binder


@pytest.mark.parametrize("notebook", LESSONS, ids=[n.stem[:2] for n in LESSONS])
def test_lesson_page_loads_with_its_figures(visit, notebook):
    lesson = visit(lesson_path(notebook))
    lesson.screenshot(notebook.stem[:2] + "-top")
    assert lesson.problems() == []
    title = json.loads(notebook.read_text())["cells"][0]["source"]
    heading = "".join(title).splitlines()[0].lstrip("# ").strip()
    assert lesson.page.locator("article h1").first.inner_text().strip().startswith(
        heading[:2]), heading

    images = lesson.images()
    broken = [src for src, width in images if width == 0]
    assert not broken, f"pictures that did not load: {broken}"
    assert len(images) >= figure_outputs(notebook), (
        f"{len(images)} pictures on the page, {figure_outputs(notebook)} in the notebook")
    if images:
        lesson.page.locator("article img").first.scroll_into_view_if_needed()
        lesson.screenshot(notebook.stem[:2] + "-figure")

    assert any(link.startswith(BINDER) and BINDER_LESSON_00 in link for link in lesson.links())


def test_previous_and_next_chain_the_lessons_in_order(visit, base_url):
    for before, after in zip(LESSONS, LESSONS[1:]):
        page = visit(lesson_path(before))
        next_link = page.page.locator("a.next-page").get_attribute("href")
        assert next_link == f"{after.stem}.html", (before.name, next_link)
        page.close()
    last = visit(lesson_path(LESSONS[-1]))
    prev_link = last.page.locator("a.prev-page").get_attribute("href")
    assert prev_link == (f"{LESSONS[-2].stem}.html" if len(LESSONS) > 1 else "../index.html")


def test_every_internal_link_resolves(visit, base_url):
    pages = ["index.html", "search.html"] + [lesson_path(n) for n in LESSONS]
    targets = set()
    for path in pages:
        page = visit(path)
        targets |= {link for link in page.links() if link.startswith(base_url)}
        page.close()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    bodies, broken = {}, []
    for link in sorted(targets):
        address, _, anchor = link.partition("#")
        if address not in bodies:
            try:
                with opener.open(address, timeout=10) as response:
                    bodies[address] = response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                bodies[address] = None
                broken.append(f"{link}: HTTP {error.code}")
                continue
        body = bodies[address]
        if anchor and body is not None and address.endswith(".html"):
            name = urllib.parse.unquote(anchor)
            if not re.search(rf'\bid="{re.escape(name)}"', body):
                broken.append(f"{link}: no element with id {name!r}")
    assert len(targets) > 2 * len(LESSONS)
    assert not broken, "\n".join(broken)


def test_formulas_are_typeset_by_the_local_mathjax(visit):
    lesson = visit(lesson_path(LESSONS[0]))
    lesson.page.wait_for_selector("article .MathJax_Display")
    lesson.page.locator("article .MathJax_Display").first.scroll_into_view_if_needed()
    lesson.screenshot("mathjax")
    assert lesson.page.locator("article .MathJax_Display").count() >= 1
    assert lesson.problems() == []


def test_search_finds_a_lesson(visit):
    search = visit("search.html?q=backpropagation")
    search.page.wait_for_selector("ul.search li a")
    search.screenshot("search")
    hits = search.page.eval_on_selector_all("ul.search li a", "els => els.map(e => e.href)")
    assert any("/lessons/" in hit for hit in hits), hits
    assert search.problems() == []
