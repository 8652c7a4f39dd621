"""Checks that the project files agree with each other.

pyproject.toml is the source of truth for dependencies; environment.yml (conda, Binder)
must list the same packages: the runtime dependencies plus the `test` and `lab` extras.
The `ui` extra (playwright) and the `site` extra (Sphinx) are for the browser tests and
the website only and are not in environment.yml. The license, the Binder link and the
Makefile's targets are checked here too; tests/test_packaging.py checks what the sdist
and the wheel hold.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None

ROOT = Path(__file__).resolve().parents[1]
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"

# Extras of pyproject.toml that environment.yml mirrors, besides the runtime dependencies.
MIRRORED_EXTRAS = ("test", "lab")
# The one Binder link (README.md and the website's docs/ carry it): lesson 00 in JupyterLab.
BINDER_URL = ("https://mybinder.org/v2/gh/backproplab/backproplab/HEAD"
              "?urlpath=lab/tree/notebooks/00-start-here.ipynb")
# conda-forge names that differ from the PyPI names.
CONDA_TO_PYPI = {"python-graphviz": "graphviz", "python-build": "build"}
# conda packages that are not Python dependencies: the interpreter, the installer and
# graphviz's `dot` program (the Python package is `python-graphviz`).
CONDA_ONLY = {"python", "pip", "graphviz"}


# --- reading the files -------------------------------------------------------------


def normalize_name(requirement):
    """'ipywidgets>=8' -> 'ipywidgets', 'Foo_Bar[x]; python_version<"3.11"' -> 'foo-bar'.

    Works for PyPI requirements and conda specs ('python=3.12', 'numpy >=1.26').
    """
    name = re.split(r"[\s\[;<>=!~]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_environment_yml(text):
    """Read the small subset of YAML that environment.yml uses.

    Supported: top-level `key: value`, top-level `key:` followed by `- item` lines, and one
    `- pip:` item inside a list, followed by its own more deeply indented `- item` lines.
    Returns a dict; the pip items are under the key "pip".
    """
    result = {}
    list_key = None  # the top-level key whose list we are reading
    pip_indent = None  # indentation of the `- pip:` line while we read its items
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if indent == 0:
            match = re.fullmatch(r"([A-Za-z_][\w-]*):\s*(.*)", stripped)
            if match is None:
                raise ValueError(f"environment.yml line {number}: cannot read {raw!r}")
            key, value = match.groups()
            if value:
                result[key] = value
                list_key = None
            else:
                result[key] = []
                list_key = key
            pip_indent = None
        elif stripped.startswith("- ") and list_key is not None:
            item = stripped[2:].strip()
            if pip_indent is not None and indent > pip_indent:
                result["pip"].append(item)
            elif item == "pip:":
                pip_indent = indent
                result["pip"] = []
            else:
                pip_indent = None
                result[list_key].append(item)
        else:
            raise ValueError(
                f"environment.yml line {number}: cannot read {raw!r} "
                "(only `key: value`, `key:` with `- item` lists and a `- pip:` list are supported)"
            )
    return result


def pyproject_dependencies(pyproject):
    """Normalised names of the runtime dependencies and the mirrored extras."""
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    for extra in MIRRORED_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    return {normalize_name(r) for r in requirements}


def environment_dependencies(environment):
    """Normalised PyPI names of the Python packages that environment.yml installs."""
    names = set()
    for spec in environment.get("dependencies", []):
        name = normalize_name(spec)
        if name not in CONDA_ONLY:
            names.add(CONDA_TO_PYPI.get(name, name))
    for spec in environment.get("pip", []):
        if spec.startswith("-e"):  # the package itself, installed in development mode
            continue
        names.add(normalize_name(spec))
    return names


def dependency_differences(from_pyproject, from_environment):
    """Lines describing how the two name sets differ; empty when they agree."""
    lines = []
    if only_pyproject := sorted(from_pyproject - from_environment):
        lines.append(f"in pyproject.toml but not in environment.yml: {', '.join(only_pyproject)}")
    if only_environment := sorted(from_environment - from_pyproject):
        lines.append(f"in environment.yml but not in pyproject.toml: {', '.join(only_environment)}")
    return lines


@pytest.fixture(scope="module")
def pyproject():
    if tomllib is None:
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11+)")
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def environment():
    return parse_environment_yml((ROOT / "environment.yml").read_text())


# --- the helpers themselves --------------------------------------------------------


def test_normalize_name():
    assert normalize_name("ipywidgets>=8") == "ipywidgets"
    assert normalize_name("JupyterLab >=4") == "jupyterlab"
    assert normalize_name("python=3.12") == "python"
    assert normalize_name('Foo_Bar.baz[extra]; python_version < "3.11"') == "foo-bar-baz"


def test_parse_environment_yml_reads_lists_and_pip_section():
    text = """\
# comment
name: demo
channels:
  - conda-forge
dependencies:
  - python=3.12
  - python-graphviz  # trailing comment
  - pip:
      - -e .
      - extra-thing
  - after-pip
"""
    assert parse_environment_yml(text) == {
        "name": "demo",
        "channels": ["conda-forge"],
        "dependencies": ["python=3.12", "python-graphviz", "after-pip"],
        "pip": ["-e .", "extra-thing"],
    }


def test_parse_environment_yml_rejects_what_it_cannot_read():
    with pytest.raises(ValueError, match="line 2"):
        parse_environment_yml("name: demo\n  stray: mapping\n")


def test_dependency_differences_names_both_sides():
    pyproject_side = {"numpy", "graphviz", "tqdm"}
    conda_side = environment_dependencies(
        {"dependencies": ["numpy>=2", "python-graphviz", "graphviz", "scipy"], "pip": ["-e ."]}
    )
    assert conda_side == {"numpy", "graphviz", "scipy"}
    assert dependency_differences(pyproject_side, conda_side) == [
        "in pyproject.toml but not in environment.yml: tqdm",
        "in environment.yml but not in pyproject.toml: scipy",
    ]
    assert dependency_differences(pyproject_side, set(pyproject_side)) == []


# --- pyproject.toml and environment.yml --------------------------------------------


def test_pyproject_declares_the_package(pyproject):
    project = pyproject["project"]
    assert project["name"] == "backproplab"
    assert project["requires-python"] == ">=3.10"
    assert set(project["optional-dependencies"]) >= {"test", "lab", "ui", "site"}
    assert (ROOT / "backproplab" / "__init__.py").is_file()
    assert project["scripts"] == {"backproplab": "backproplab.cli:main"}


def test_pyproject_has_the_licenses_and_classifiers(pyproject):
    project = pyproject["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert project["license-files"] == ["LICENSE", "LICENSE-CONTENT"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    content = (ROOT / "LICENSE-CONTENT").read_text()
    assert "CC BY 4.0" in content and "creativecommons.org/licenses/by/4.0" in content
    classifiers = set(project["classifiers"])
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert {"Intended Audience :: Education", "Topic :: Education"} <= classifiers
    # a License :: classifier next to an SPDX `license` is an error for setuptools
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_jupyterlab_is_an_extra_not_a_base_dependency(pyproject):
    project = pyproject["project"]
    base = {normalize_name(r) for r in project["dependencies"]}
    assert "jupyterlab" not in base and "notebook" not in base
    assert "jupyterlab" in {normalize_name(r) for r in project["optional-dependencies"]["lab"]}
    makefile = (ROOT / "Makefile").read_text()
    assert "-e '.[test,lab]'" in makefile  # `make lab` and `make test` get JupyterLab


def test_pyproject_has_no_upper_pins(pyproject):
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    pinned = [r for r in requirements if re.search(r"<|==|~=", r)]
    assert not pinned, f"upper or exact pins in pyproject.toml: {pinned}"


def test_environment_yml_matches_pyproject(pyproject, environment):
    differences = dependency_differences(
        pyproject_dependencies(pyproject), environment_dependencies(environment)
    )
    assert not differences, (
        "environment.yml must list the runtime dependencies and the "
        f"{'/'.join(MIRRORED_EXTRAS)} extra of pyproject.toml (conda-forge names):\n"
        + "\n".join(differences)
    )


def test_environment_yml_is_complete_for_binder(pyproject, environment):
    assert environment.get("name") == "backproplab", "README says `conda activate backproplab`"
    assert "conda-forge" in environment.get("channels", [])
    conda_names = [normalize_name(spec) for spec in environment["dependencies"]]
    assert "graphviz" in conda_names, "the `dot` program (conda-forge `graphviz`) is missing"
    assert "pip" in conda_names
    assert "-e ." in environment.get("pip", []), "Binder installs the package only via `-e .`"

    python_spec = next(s for s in environment["dependencies"] if normalize_name(s) == "python")
    env_version = tuple(int(p) for p in re.search(r"(\d+)\.(\d+)", python_spec).groups())
    min_version = re.fullmatch(r">=(\d+)\.(\d+)", pyproject["project"]["requires-python"])
    assert env_version >= tuple(int(p) for p in min_version.groups()), python_spec


# --- README and Makefile -----------------------------------------------------------


def makefile_targets(text):
    """Names of the targets that have rules in a Makefile's text."""
    targets = set()
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.%/-]+(?:\s+[A-Za-z0-9_.%/-]+)*)\s*:(?![=:])", line)
        if match:
            targets.update(match.group(1).split())
    return targets


def test_readme_names_the_quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    commands = ("make lab", "make test", "make notebooks", "conda env create -f environment.yml",
                "make lab-refresh", "make site", "backproplab lessons", "pip install")
    for command in commands:
        assert command in readme, f"README.md does not mention `{command}`"


def test_makefile_has_the_documented_targets():
    targets = makefile_targets((ROOT / "Makefile").read_text())
    missing = {"venv", "lab", "lab-refresh", "test", "test-ui", "site", "test-site",
               "notebooks", "bench", "lint", "clean"} - targets
    assert not missing, f"Makefile lacks targets: {sorted(missing)}"


def test_binder_link_opens_lesson_00_in_readme_and_on_the_site():
    for name in ("README.md", "docs/conf.py", "docs/index.md"):
        text = (ROOT / name).read_text()
        links = set(re.findall(r"https://mybinder\.org/[^\s)\"'>]+", text))
        assert links == {BINDER_URL}, (name, links)
    assert (ROOT / "notebooks" / "00-start-here.ipynb").is_file()


def test_learners_copies_and_generated_files_are_git_ignored():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in ("/lab/", "/docs/lessons/", "build/"):
        assert entry in ignored, entry


def test_ci_builds_and_checks_the_site():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test-site" in ci


def test_torch_version_agrees_between_readme_and_ci():
    pins = {
        name: set(re.findall(r"torch==([\w.]+)", (ROOT / name).read_text()))
        for name in ("README.md", ".ci/run")
    }
    assert len(pins["README.md"]) == 1 and pins["README.md"] == pins[".ci/run"], pins


# --- nbval settings ----------------------------------------------------------------


def sanitize(text):
    for regex, replace in get_sanitize_patterns(SANITIZE_FILE.read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_sanitize_file_hides_addresses_and_figure_sizes():
    assert len(get_sanitize_patterns(SANITIZE_FILE.read_text())) >= 2
    assert sanitize("<Value object at 0x7f3a1c2b9d50>") == sanitize("<Value object at 0x55d0e1>")
    assert sanitize("<Figure size 640x480 with 1 Axes>") == sanitize(
        "<Figure size 800x600 with 1 Axes>"
    )
    for unchanged in ("an image of 640x480 pixels", "Value(data=0.5, grad=1.0)"):
        assert sanitize(unchanged) == unchanged


def svg_notebook(stored_svg, new_svg):
    """A one-cell notebook that displays `new_svg` but has `stored_svg` as its output."""
    source = (
        "from IPython.display import SVG, display\n"
        f"display(SVG({new_svg!r}))\n"
        "print(object())"
    )
    outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/svg+xml": stored_svg, "text/plain": "<IPython.core.display.SVG object>"},
        ),
        nbformat.v4.new_output("stream", name="stdout", text="<object object at 0x7f00deadbeef>\n"),
    ]
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(source, execution_count=1, outputs=outputs))
    return notebook


def test_nbval_skips_svg_only_next_to_the_notebooks_conftest(tmp_path):
    """Runs nbval on the same notebook twice: beside notebooks/conftest.py, where SVG is not
    compared and the cell passes, and in a folder without it, where the cell fails."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><!-- {} --></svg>'
    notebook = svg_notebook(svg.format("dot 2.43"), svg.format("dot 12.2"))
    for folder in ("with_conftest", "without_conftest"):
        (tmp_path / folder).mkdir()
        nbformat.write(notebook, tmp_path / folder / f"{folder}.ipynb")
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "with_conftest" / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
         "--nbval", "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE_FILE),
         "with_conftest", "without_conftest"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    log = result.stdout + result.stderr
    # (nbval reports a cell by its notebook's name, hence the folder name in the file name)
    assert re.search(r"^PASSED \S*\bwith_conftest\.ipynb::Cell 0", log, re.M), log
    assert re.search(r"^FAILED \S*\bwithout_conftest\.ipynb::Cell 0", log, re.M), log
    assert "image/svg+xml" in log, log  # it failed on the SVG, not on the address
    assert result.returncode == 1, log
