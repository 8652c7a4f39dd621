"""backproplab.setup_check: one row per requirement, with advice for what is missing."""

import shutil
import subprocess
from importlib import metadata

import pytest

from backproplab import setup_check
from backproplab.setup_check import check_setup

REQUIRED = ["python", "backproplab", "numpy", "matplotlib", "ipywidgets", "widgets front end",
            "graphviz", "ipykernel", "tqdm"]


@pytest.fixture
def fake_versions(monkeypatch):
    """Pretend that packages are installed in other versions, or not at all.

    Fill the returned dict: {name: "1.2.3"} or {name: None} (not installed).
    """
    fake = {}
    real = metadata.version

    def version(name):
        if name in fake:
            if fake[name] is None:
                raise metadata.PackageNotFoundError(name)
            return fake[name]
        return real(name)

    monkeypatch.setattr(setup_check.metadata, "version", version)
    return fake


@pytest.fixture
def no_dot(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(setup_check.shutil, "which",
                        lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))


def test_one_row_per_requirement_in_this_environment():
    report = check_setup()
    names = [row.name for row in report.rows]
    assert names[:7] == REQUIRED[:7]
    assert "dot (Graphviz program)" in names and "torch" in names
    for name in REQUIRED:  # the test environment has everything the lessons need
        assert report[name].status == "OK", report[name]
    assert report.ok
    assert report["python"].version.count(".") == 2


def test_versions_come_from_the_package_metadata():
    report = check_setup()
    assert report["numpy"].version == metadata.version("numpy")
    assert report["ipywidgets"].version == metadata.version("ipywidgets")


def test_missing_required_package_is_a_problem_with_advice(fake_versions):
    fake_versions["numpy"] = None
    report = check_setup()
    row = report["numpy"]
    assert row.status == "missing" and row.version == "-"
    assert "pip install numpy" in row.advice and "make lab" in row.advice
    assert not report.ok
    assert row in report.problems
    assert "numpy" in report.summary() and "missing" in report.summary()
    assert "numpy: " in str(report)  # the advice is in the text form too


def test_old_ipywidgets_is_too_old(fake_versions):
    fake_versions["ipywidgets"] = "7.8.1"
    report = check_setup()
    assert report["ipywidgets"].status == "too old"
    assert "ipywidgets>=8" in report["ipywidgets"].advice
    assert not report.ok


def test_ipywidgets_8_is_new_enough(fake_versions):
    fake_versions["ipywidgets"] = "8.0.0rc1"
    assert check_setup()["ipywidgets"].status == "OK"


def test_torch_is_optional(fake_versions):
    fake_versions["torch"] = None
    report = check_setup()
    row = report["torch"]
    assert row.status == "not installed (optional)" and not row.required
    assert report.ok
    assert "Ready for every lesson" in report.summary() and "torch" in report.summary()


def test_missing_dot_gives_install_commands_and_mentions_the_fallback(no_dot):
    report = check_setup()
    row = report["dot (Graphviz program)"]
    assert row.status == "missing (recommended)"
    for command in ("apt-get install graphviz", "brew install graphviz",
                    "conda install -c conda-forge graphviz"):
        assert command in row.advice
    assert "built-in layout" in row.advice
    assert report.ok  # graphs still draw without dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_version_is_read_from_dot():
    version = check_setup()["dot (Graphviz program)"].version
    assert version[0].isdigit() and "." in version


def test_a_failing_dot_does_not_raise(monkeypatch):
    monkeypatch.setattr(setup_check.shutil, "which", lambda name, *a, **k: "/no/such/dot")
    assert setup_check.check_dot().version == "?"

    def timeout(*args, **kwargs):
        raise subprocess.TimeoutExpired("dot", 10)

    monkeypatch.setattr(setup_check.subprocess, "run", timeout)
    assert setup_check.check_dot().version == "?"


def test_old_python_is_too_old():
    assert setup_check.check_python((3, 9, 18)).status == "too old"
    assert "3.10" in setup_check.check_python((3, 9, 18)).advice
    assert setup_check.check_python((3, 12, 1)).status == "OK"


@pytest.mark.parametrize("text, parts", [
    ("8.1.9", (8, 1, 9)), ("2.13.0+cpu", (2, 13, 0)), ("8.0.0rc1", (8, 0, 0)),
    ("0.21", (0, 21)), ("1.dev0", (1,)), ("", ()),
])
def test_version_tuple(text, parts):
    assert setup_check._version_tuple(text) == parts


def test_html_table_and_text(fake_versions, no_dot):
    fake_versions["matplotlib"] = None
    report = check_setup()
    page = report._repr_html_()
    assert page.startswith("<table>") and page.count("<tr>") == len(report.rows) + 1
    assert "brew install graphviz" in page and "pip install matplotlib" in page
    text = str(report)
    assert text.splitlines()[0].split() == ["requirement", "status", "version"]
    assert "matplotlib" in text and "missing" in text
    assert repr(report) == text


def test_unknown_row_name_says_which_rows_exist():
    with pytest.raises(KeyError, match="numpy"):
        check_setup()["scipy"]


def test_check_setup_is_importable_from_the_top_level():
    import backproplab

    assert backproplab.check_setup is check_setup
    assert "check_setup" in backproplab.__all__


def test_missing_ipywidgets_says_to_install_version_8(fake_versions):
    fake_versions["ipywidgets"] = None
    row = check_setup()["ipywidgets"]
    assert row.status == "missing"
    assert "pip install 'ipywidgets>=8'" in row.advice and "restart the kernel" in row.advice


def test_widget_front_end_is_found_by_either_package(fake_versions):
    fake_versions["jupyterlab_widgets"] = None
    fake_versions["widgetsnbextension"] = "4.0.16"
    row = check_setup()["widgets front end"]
    assert row.status == "OK" and row.version == "widgetsnbextension 4.0.16"


def test_missing_widget_front_end_is_a_problem_with_advice(fake_versions):
    fake_versions["jupyterlab_widgets"] = None
    fake_versions["widgetsnbextension"] = None
    report = check_setup()
    row = report["widgets front end"]
    assert row.status == "missing" and row.required
    assert "line of text" in row.advice and "'ipywidgets>=8'" in row.advice
    assert "JupyterHub" in row.advice
    assert not report.ok and "widgets front end" in report.summary()


def test_missing_tqdm_is_a_problem(fake_versions):
    fake_versions["tqdm"] = None
    report = check_setup()
    assert report["tqdm"].status == "missing" and "pip install tqdm" in report["tqdm"].advice
    assert not report.ok
