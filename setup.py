"""The one build step pyproject.toml cannot express: the lessons travel in the wheel.

All metadata lives in pyproject.toml. This file only extends `build_py` so that a wheel
(and so a regular `pip install .`) carries the numbered lessons and their reference
solutions as data inside the package:

    notebooks/NN-*.ipynb          ->  backproplab/lessons/NN-*.ipynb
    notebooks/solutions/*.py      ->  backproplab/lessons/solutions/*.py

`backproplab lessons DEST` copies them from there into a folder the learner owns.
An editable install (`pip install -e .`) copies nothing: backproplab.cli finds the
repository's notebooks/ folder instead, so edits to a lesson show up at once.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
LESSON_PATTERNS = ("[0-9]*.ipynb", "solutions/*.py")


class build_py_with_lessons(build_py):
    """build_py, then copy the lessons into build_lib/backproplab/lessons/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = HERE / "notebooks"
        target = Path(self.build_lib) / "backproplab" / "lessons"
        files = sorted(path for pattern in LESSON_PATTERNS for path in source.glob(pattern))
        if not any(path.suffix == ".ipynb" for path in files):
            raise RuntimeError(
                f"build_py: no lessons found in {source} (notebooks/[0-9]*.ipynb): the wheel"
                " would have no lessons. Build from the repository or from its sdist."
            )
        shutil.rmtree(target, ignore_errors=True)  # no lesson left over from an older build
        for path in files:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


setup(cmdclass={"build_py": build_py_with_lessons})
