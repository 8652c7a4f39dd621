"""What the sdist and the wheel hold: the lessons travel, the tests do not.

Builds both from a copy of the repository's files the way `python -m build` does
(sdist first, then the wheel from the unpacked sdist, in isolated build environments),
then checks:

- the sdist has the package, the licenses, every lesson and solution, and no tests
  (they need the repository around them), no notebooks/conftest.py, no docs or CI;
- the wheel carries every notebooks/[0-9]*.ipynb and solution byte for byte in
  backproplab/lessons/, the `backproplab` command, and the license metadata;
- `backproplab lessons DEST`, run from the unpacked wheel, copies the wheel's lessons.
"""

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTIONS = sorted(p.name for p in (ROOT / "notebooks" / "solutions").glob("*.py"))

pytest.importorskip("build", reason="`pip install build` (the `test` extra has it)")


def repository_files():
    """The files git knows (tracked, or new and not ignored), relative to ROOT."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files belong to the repository")
    done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return [Path(name) for name in done.stdout.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """(sdist names, wheel path) built from a copy of the repository."""
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    for relative in repository_files():
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, source / relative)
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp / "dist"),
                           str(source)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,) = (tmp / "dist").glob("*.tar.gz")
    (wheel,) = (tmp / "dist").glob("*.whl")
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(top + "/") for name in archive.getnames()}
    return names, wheel


def test_sdist_holds_the_package_licenses_and_lessons(dists):
    names, _ = dists
    expected = {"pyproject.toml", "setup.py", "README.md", "LICENSE", "LICENSE-CONTENT",
                "environment.yml", "backproplab/__init__.py", "backproplab/cli.py",
                "backproplab/__main__.py", "backproplab/exercises/__init__.py"}
    expected |= {f"notebooks/{name}" for name in LESSONS}
    expected |= {f"notebooks/solutions/{name}" for name in SOLUTIONS}
    assert expected <= names, sorted(expected - names)


def test_sdist_ships_no_tests_and_no_repository_tooling(dists):
    names, _ = dists
    unwanted = [name for name in names
                if name.split("/")[0] in {"tests", "benchmarks", "docs", ".ci", "build", "lab"}
                or name in {"notebooks/conftest.py", "Makefile"}
                or "__pycache__" in name or name.endswith(".pyc")]
    assert not unwanted, unwanted


def test_wheel_carries_every_lesson_byte_for_byte(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name in LESSONS:
            data = archive.read(f"backproplab/lessons/{name}")
            assert data == (ROOT / "notebooks" / name).read_bytes(), name
        for name in SOLUTIONS:
            data = archive.read(f"backproplab/lessons/solutions/{name}")
            assert data == (ROOT / "notebooks" / "solutions" / name).read_bytes(), name
    lessons = {n for n in names if n.startswith("backproplab/lessons/")}
    assert len(lessons) == len(LESSONS) + len(SOLUTIONS), sorted(lessons)
    assert not [n for n in names if n.startswith(("tests/", "notebooks/"))]


def test_wheel_metadata_has_licenses_command_and_light_dependencies(dists):
    _, wheel = dists
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
        licenses = {n.rsplit("/", 1)[-1] for n in archive.namelist() if "/licenses/" in n}
    assert metadata["License-Expression"] == "MIT AND CC-BY-4.0"
    assert set(metadata.get_all("License-File")) == {"LICENSE", "LICENSE-CONTENT"}
    assert licenses == {"LICENSE", "LICENSE-CONTENT"}
    assert "Programming Language :: Python :: 3.13" in metadata.get_all("Classifier")
    assert "backproplab = backproplab.cli:main" in entry_points
    requires = metadata.get_all("Requires-Dist")
    base = [r for r in requires if "extra ==" not in r]
    assert not [r for r in base if r.startswith("jupyterlab")], base  # JupyterLab is an extra
    assert any(r.startswith("jupyterlab") and 'extra == "lab"' in r for r in requires)


def test_lessons_command_copies_from_the_installed_wheel(dists, tmp_path):
    _, wheel = dists
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    dest = tmp_path / "my lessons"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import backproplab.cli as cli;"
            " print(cli.lessons_source()); sys.exit(cli.main(['lessons', sys.argv[2]]))")
    done = subprocess.run([sys.executable, "-c", code, str(installed), str(dest)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == str(installed / "backproplab" / "lessons")
    assert f"{len(LESSONS) + len(SOLUTIONS)} copied" in done.stdout
    assert sorted(p.name for p in dest.glob("*.ipynb")) == LESSONS
    assert sorted(p.name for p in (dest / "solutions").glob("*.py")) == SOLUTIONS
