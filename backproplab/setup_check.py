"""Is everything the lessons need installed? One call answers, with advice for each gap.

    from backproplab.setup_check import check_setup
    check_setup()        # a table in Jupyter, plain text elsewhere

Each row is one requirement: Python itself, the packages the lessons import, the front
end that draws ipywidgets in JupyterLab, Graphviz's `dot` program and the optional PyTorch.
A row says OK, or what is missing and how to get it. Versions are read from the installed
package metadata, so checking does not import (and start up) matplotlib, ipywidgets or torch.

Introduced in lesson 00 (start here). Also `backproplab.check_setup()` and, in a
terminal, `backproplab check`.
"""

import html
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata

MIN_PYTHON = (3, 10)

# What the advice says for a Python package that is missing.
REINSTALL = ("install it into the environment that runs this notebook:"
             " `{python} -m pip install {spec}`, then restart the kernel (in a clone of the"
             " repository, `make lab` does it for you)")

DOT_ADVICE = (
    "install Graphviz: `sudo apt-get install graphviz` (Debian, Ubuntu),"
    " `brew install graphviz` (macOS) or `conda install -c conda-forge graphviz` (conda),"
    " then restart JupyterLab. Until then graphs still draw, with a simpler built-in layout"
)

# (distribution name, what the lessons use it for, lowest version that works, required)
PACKAGES = (
    ("numpy", "arrays: lesson 06 onwards, and every figure", None, True),
    ("matplotlib", "figures", None, True),
    ("ipywidgets", "sliders and interactive apps", (8,), True),
    ("graphviz", "the Python side of the graph drawings", None, True),
    ("ipykernel", "runs Python inside Jupyter", None, True),
    ("tqdm", "progress bars while a network trains", None, True),
    ("torch", "optional: tests that compare our gradients with PyTorch's", None, False),
)

# The JupyterLab / Notebook side of ipywidgets: without one of them a slider shows as a
# line of text. `pip install ipywidgets` brings both.
WIDGET_FRONT_ENDS = ("jupyterlab_widgets", "widgetsnbextension")
WIDGETS_ADVICE = (
    "sliders and apps will show as a line of text: run `{python} -m pip install --upgrade"
    " 'ipywidgets>=8'` (it brings jupyterlab_widgets), restart JupyterLab and reload the"
    " browser tab. On a JupyterHub, JupyterLab may run from another environment: install"
    " jupyterlab_widgets there too (ask the hub's admin)"
)

OK, MISSING, TOO_OLD = "OK", "missing", "too old"
OPTIONAL = "not installed (optional)"
RECOMMENDED = "missing (recommended)"


@dataclass
class Row:
    """One requirement: its name, status (OK, missing, ...), version and advice."""

    name: str
    status: str
    version: str
    purpose: str
    advice: str = ""
    required: bool = True

    @property
    def ok(self):
        return self.status == OK


class SetupReport:
    """The result of `check_setup`: `.rows`, `.ok` (every required row is OK), `.problems`."""

    def __init__(self, rows):
        self.rows = list(rows)

    @property
    def ok(self):
        return all(row.ok for row in self.rows if row.required)

    @property
    def problems(self):
        """The rows that are not OK, required or not."""
        return [row for row in self.rows if not row.ok]

    def summary(self):
        if not self.ok:
            names = ", ".join(row.name for row in self.problems if row.required)
            return f"Something the lessons need is missing or too old: {names}. See the advice."
        if self.problems:
            names = ", ".join(row.name for row in self.problems)
            return f"Ready for every lesson. Not found, but the lessons work without: {names}."
        return "Ready for every lesson: everything is installed."

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"check_setup: no row named {name!r}; rows: "
                       + ", ".join(row.name for row in self.rows))

    def __str__(self):
        head = ("requirement", "status", "version")
        cells = [(r.name, r.status, r.version) for r in self.rows]
        widths = [max(len(line[i]) for line in [head, *cells]) for i in range(3)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
                 for line in [head, *cells]]
        for row in self.problems:
            lines.append(f"- {row.name}: {row.advice}")
        lines.append(self.summary())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        colours = {OK: "#2e7d32", OPTIONAL: "#6d6d6d", RECOMMENDED: "#b26a00"}
        rows = []
        for r in self.rows:
            colour = colours.get(r.status, "#c62828")
            advice = html.escape(r.advice) if r.advice else html.escape(r.purpose)
            rows.append(
                f"<tr><td><code>{html.escape(r.name)}</code></td>"
                f"<td style='color:{colour};font-weight:bold'>{html.escape(r.status)}</td>"
                f"<td>{html.escape(r.version)}</td>"
                f"<td style='text-align:left'>{advice}</td></tr>"
            )
        colour = "#2e7d32" if self.ok else "#c62828"
        return (
            "<table><thead><tr><th>requirement</th><th>status</th><th>version</th>"
            "<th style='text-align:left'>what it is for / what to do</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f"<p style='color:{colour}'><b>{html.escape(self.summary())}</b></p>"
        )


def check_python(version_info=None):
    """The row for the Python interpreter (3.10 or newer)."""
    v = sys.version_info if version_info is None else version_info
    text = f"{v[0]}.{v[1]}.{v[2]}"
    if tuple(v[:2]) >= MIN_PYTHON:
        return Row("python", OK, text, "runs everything")
    return Row("python", TOO_OLD, text, "runs everything",
               f"the lessons need Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; install"
               " a newer Python, then run `make clean` and `make lab` to rebuild .venv")


def check_package(name, purpose, minimum=None, required=True):
    """The row for one Python package: installed? new enough?"""
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        if not required:
            return Row(name, OPTIONAL, "-", purpose,
                       f"not needed for the lessons; to run those tests too:"
                       f" `{sys.executable} -m pip install {name}`", required=False)
        spec = name if minimum is None else f"'{name}>={'.'.join(map(str, minimum))}'"
        return Row(name, MISSING, "-", purpose, REINSTALL.format(python=sys.executable, spec=spec))
    if minimum is not None and _version_tuple(version) < tuple(minimum):
        wanted = ".".join(str(part) for part in minimum)
        return Row(name, TOO_OLD, version, purpose,
                   f"the lessons need {name} {wanted} or newer: run"
                   f" `{sys.executable} -m pip install --upgrade '{name}>={wanted}'`"
                   " and restart JupyterLab", required)
    return Row(name, OK, version, purpose, required=required)


def check_widget_front_end():
    """The row for the front end that draws widgets (jupyterlab_widgets or widgetsnbextension)."""
    purpose = "draws the sliders and apps in JupyterLab / Notebook"
    for name in WIDGET_FRONT_ENDS:
        try:
            return Row("widgets front end", OK, f"{name} {metadata.version(name)}", purpose)
        except metadata.PackageNotFoundError:
            continue
    return Row("widgets front end", MISSING, "-", purpose,
               WIDGETS_ADVICE.format(python=sys.executable))


def check_dot():
    """The row for Graphviz's `dot` program, which draws the computation graphs."""
    purpose = "lays out the computation graphs (lesson 02 onwards)"
    path = shutil.which("dot")
    if path is None:
        return Row("dot (Graphviz program)", RECOMMENDED, "-", purpose, DOT_ADVICE,
                   required=False)
    return Row("dot (Graphviz program)", OK, _dot_version(path), purpose, required=False)


def _dot_version(path):
    """'2.43.0' from `dot -V` (which prints to stderr); '?' if that fails."""
    try:
        done = subprocess.run([path, "-V"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "?"
    words = (done.stderr + done.stdout).split()
    if "version" in words and words.index("version") + 1 < len(words):
        return words[words.index("version") + 1]
    return "?"


def _version_tuple(version):
    """'8.1.9' -> (8, 1, 9); '2.13.0+cpu' -> (2, 13, 0); stops at the first non-number."""
    parts = []
    for part in version.split("."):
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) < len(part):
            break
    return tuple(parts)


def check_setup():
    """Check Python, the packages, the widgets' front end, `dot` and the optional PyTorch.

    Returns a SetupReport (a table in Jupyter, plain text elsewhere).

    Never raises: anything that cannot be found becomes a row with advice.
    """
    rows = [check_python()]
    try:
        rows.append(Row("backproplab", OK, metadata.version("backproplab"),
                        "this course's own package"))
    except metadata.PackageNotFoundError:  # imported from a source folder, not installed
        rows.append(Row("backproplab", MISSING, "-", "this course's own package",
                        "it is imported but not installed: run `make lab` (or"
                        f" `{sys.executable} -m pip install -e .` in the repository)"))
    for name, purpose, minimum, required in PACKAGES:
        rows.append(check_package(name, purpose, minimum, required))
        if name == "ipywidgets":  # what draws the widgets, right under them
            rows.append(check_widget_front_end())
        if name == "graphviz":  # the program right under the package that calls it
            rows.append(check_dot())
    return SetupReport(rows)
