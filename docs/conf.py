"""Sphinx configuration of the lessons' website: `make site` builds it into build/site/.

Every page is a lesson notebook shown with its stored outputs (nothing is executed):
figures, graph drawings and the apps' static pictures. Each build first copies
notebooks/[0-9]*.ipynb and notebooks/solutions/ into docs/lessons/ (git-ignored; the same
copy code as `backproplab lessons`), and index.md lists `lessons/[0-9]*` by pattern, so a
new lesson appears on the site without touching this folder. The theme (furo) and MathJax (from the
jupyter-server-mathjax wheel) are copied into the site, which loads nothing from
elsewhere; tests/ui/test_site.py checks that in a headless Chromium.
"""

import shutil
from pathlib import Path

import jupyter_server_mathjax

from backproplab.cli import copy_lessons

ROOT = Path(__file__).resolve().parents[1]
LESSONS = Path(__file__).resolve().parent / "lessons"
# The one Binder link of the project (README.md has the same; tests/test_project_files.py checks).
BINDER_URL = "https://mybinder.org/v2/gh/backproplab/backproplab/HEAD?urlpath=lab/tree/notebooks/00-start-here.ipynb"  # noqa: E501

project = "backproplab"
author = "the backproplab authors"
copyright = "2026, the backproplab authors; code MIT, lessons CC BY 4.0"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "lessons/solutions"]
suppress_warnings = ["myst.header"]  # lessons start sections at ## and ### as they need

# Notebooks: show the stored outputs; run nothing.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
# No widget manager from a CDN: an app shows its stored picture (image/png) instead of
# the live widget, and a plain widget its text.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]

html_theme = "furo"
html_title = "backproplab: learn backpropagation by building it"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
html_copy_source = False
html_theme_options = {
    "announcement": f'<a href="{BINDER_URL}">Launch on Binder</a>: run the lessons in'
                    " JupyterLab in your browser, nothing to install.",
}

# MathJax 2 from the jupyter-server-mathjax wheel, copied into _static/mathjax/.
MATHJAX_DIR = Path(jupyter_server_mathjax.__file__).parent / "static"
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax3_config = None
mathjax2_config = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": True,
                # myst-nb marks pages tex2jax_ignore and its math with these classes
                "processClass": "tex2jax_process|mathjax_process|math|output_area"},
    # The wheel ships only the STIX-Web fonts (as Jupyter's classic notebook uses them).
    # Its stand-in font `MathJax_Blank` is url('about:blank'), which Chromium reports as a
    # console error; a local() name that does not exist fails the same way, silently.
    "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None,
                 "preferredFont": None,
                 "styles": {"@font-face": {"font-family": "MathJax_Blank",
                                           "src": "local('MathJax_Blank')"}}},
    # HTML-CSS everywhere: Chromium's own MathML (NativeMML) would ask for TeX fonts that
    # the wheel does not ship.
    "MMLorHTML": {"prefer": "HTML"},
    # The hidden MathML for screen readers gets NativeMML's styles, whose double-struck
    # letters (\mathbb) ask for a TeX font that is not shipped: STIX has them.
    "NativeMML": {"styles": {'[mathvariant="double-struck"]': {
        "font-family": "STIXMathJax_DoubleStruck, STIXGeneral, serif"}}},
    "showMathMenu": False,
    "messageStyle": "none",
}


def copy_lesson_notebooks():
    """A fresh docs/lessons/: no page is left over from a lesson that was renamed."""
    shutil.rmtree(LESSONS, ignore_errors=True)
    copy_lessons(LESSONS, source=ROOT / "notebooks")


copy_lesson_notebooks()


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(MATHJAX_DIR, Path(app.outdir) / "_static" / "mathjax",
                        dirs_exist_ok=True)


def setup(app):
    app.connect("build-finished", copy_mathjax)
