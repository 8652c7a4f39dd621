"""The `backproplab` command: get your own copy of the lessons, check your set-up.

    backproplab lessons [DEST]           copy every lesson into DEST (default: backproplab-lessons)
    backproplab lessons DEST --force     also replace the lessons you changed
    backproplab lessons DEST --force --only 03   a fresh copy of lesson 03 only
    backproplab check                    the table of check_setup()

`python -m backproplab ...` does the same. The lessons come from the installed package
(a wheel carries them in backproplab/lessons/, see setup.py) or, for an editable install,
from the repository's notebooks/ folder. A copy never overwrites a file you changed unless
you say `--force`; it always says which files it kept. `make lab` uses the same code for
its working copy in lab/, so running a lesson never changes the tracked notebooks.
"""

import argparse
import filecmp
import importlib.util
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DEST = "backproplab-lessons"
FIRST_LESSON = "00-start-here.ipynb"
# What a copy of the lessons holds, relative to the lessons folder.
LESSON_PATTERNS = ("[0-9]*.ipynb", "solutions/*.py")


class LessonsError(Exception):
    """A problem the learner can fix (bad DEST, unknown lesson); the message says how."""


def lessons_source():
    """The folder the lessons are copied from.

    A regular install has them in backproplab/lessons/ (setup.py puts them there);
    an editable install or a source checkout uses the repository's notebooks/.
    """
    for folder in (PACKAGE_DIR / "lessons", PACKAGE_DIR.parent / "notebooks"):
        if any(folder.glob("[0-9]*.ipynb")):
            return folder
    raise LessonsError(
        f"backproplab lessons: this installation has no lessons (looked in"
        f" {PACKAGE_DIR / 'lessons'} and {PACKAGE_DIR.parent / 'notebooks'}). Reinstall"
        " with `pip install --force-reinstall backproplab`, or install from the repository."
    )


def lesson_files(source, only=None):
    """Paths, relative to `source`, of the lessons and their solutions, sorted.

    `only`: lesson numbers ("03", "3") to restrict the list to; an unknown number raises
    LessonsError naming the numbers there are.
    """
    files = sorted(path.relative_to(source)
                   for pattern in LESSON_PATTERNS for path in source.glob(pattern))
    if not only:
        return files
    numbers = sorted({path.name[:2] for path in files if path.suffix == ".ipynb"})
    wanted = set()
    for text in only:
        number = text.strip().zfill(2)
        if number not in numbers:
            raise LessonsError(f"backproplab lessons: there is no lesson {text!r}; the lessons"
                               f" are {', '.join(numbers)} (e.g. `--only 03`)")
        wanted.add(number)
    return [path for path in files
            if path.name[:2] in wanted or path.name in {f"lesson{n}.py" for n in wanted}]


@dataclass
class CopyReport:
    """What `copy_lessons` did to each file (paths relative to `dest`)."""

    dest: Path
    copied: list = field(default_factory=list)  # new in dest
    unchanged: list = field(default_factory=list)  # already there, identical
    kept: list = field(default_factory=list)  # changed by the learner, left alone
    replaced: list = field(default_factory=list)  # changed by the learner, replaced (--force)

    def summary(self):
        """A few lines for the terminal: counts, then the kept or replaced files by name."""
        lines = [f"{len(self.copied)} copied, {len(self.unchanged)} already up to date,"
                 f" {len(self.kept)} kept, {len(self.replaced)} replaced, in {self.dest}"]
        if self.kept:
            lines.append("Kept your changed version of (use --force to replace them; "
                         "--force --only NN for one lesson):")
            lines += [f"  {path}" for path in self.kept]
        if self.replaced:
            lines.append("Replaced with a fresh copy (your changes there are gone):")
            lines += [f"  {path}" for path in self.replaced]
        return "\n".join(lines)


def _check_dest(dest):
    """Make sure `dest` is (or can become) a writable folder; raise LessonsError if not."""
    if dest.exists() and not dest.is_dir():
        raise LessonsError(f"backproplab lessons: {dest} is a file, not a folder. Give the"
                           " name of a folder (it is created if it does not exist).")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LessonsError(f"backproplab lessons: cannot create the folder {dest}"
                           f" ({error.strerror or error}). Choose a folder you own, e.g."
                           f" ~/{DEFAULT_DEST}.") from error


def copy_lessons(dest, force=False, only=None, source=None):
    """Copy the lessons and solutions into `dest`; returns a CopyReport.

    A file that is missing in `dest` is copied; one that is identical is left as it is;
    one that differs (the learner's work) is kept unless `force`, then replaced.
    `only` restricts the copy to some lesson numbers (see `lesson_files`).
    """
    dest = Path(dest).expanduser()
    source = lessons_source() if source is None else Path(source)
    files = lesson_files(source, only)
    _check_dest(dest)
    report = CopyReport(dest)
    for relative in files:
        src, dst = source / relative, dest / relative
        if dst.is_dir():
            raise LessonsError(f"backproplab lessons: {dst} is a folder, where the lesson file"
                               f" {relative} goes. Rename it, then run the command again.")
        if dst.exists() and filecmp.cmp(src, dst, shallow=False):
            report.unchanged.append(relative)
            continue
        if dst.exists() and not force:
            report.kept.append(relative)
            continue
        (report.replaced if dst.exists() else report.copied).append(relative)
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        except OSError as error:
            raise LessonsError(f"backproplab lessons: cannot write {dst}"
                               f" ({error.strerror or error}). Choose a folder you own, e.g."
                               f" ~/{DEFAULT_DEST}.") from error
    return report


def next_steps(dest):
    """What to run after copying: open lesson 00 in JupyterLab (and how to get one)."""
    lines = ["Next: open the first lesson in JupyterLab:",
             f"    jupyter lab {Path(dest) / FIRST_LESSON}"]
    if importlib.util.find_spec("jupyterlab") is None:
        lines += ["JupyterLab is not installed in this environment: install it with",
                  f"    {sys.executable} -m pip install 'backproplab[lab]'",
                  "or, on a JupyterHub, Colab or in VS Code, open that file there."]
    lines.append("In lesson 00, check_setup() tells you whether anything else is missing.")
    return "\n".join(lines)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="backproplab",
        description="backproplab: learn backpropagation by building it, in Jupyter lessons.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    lessons = commands.add_parser(
        "lessons", help="copy the lessons into a folder you own",
        description="Copy the lessons (and their solutions/) into DEST. Files you changed"
                    " are kept unless you give --force.")
    lessons.add_argument("dest", nargs="?", default=DEFAULT_DEST, metavar="DEST",
                         help=f"the folder to copy into (default: ./{DEFAULT_DEST})")
    lessons.add_argument("--force", action="store_true",
                         help="replace the lessons you changed with fresh copies")
    lessons.add_argument("--only", action="append", metavar="NN",
                         help="copy only lesson NN and its solution (repeatable)")
    lessons.add_argument("--quiet", action="store_true",
                         help="print only what was copied and kept, not what to run next")
    commands.add_parser("check", help="check that everything the lessons need is installed")
    return parser


def main(argv=None):
    """Entry point of the `backproplab` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "check":
        from .setup_check import check_setup

        report = check_setup()
        print(report)
        return 0 if report.ok else 1
    try:
        report = copy_lessons(args.dest, force=args.force, only=args.only)
    except LessonsError as error:
        print(error, file=sys.stderr)
        return 2
    print(report.summary())
    if not args.quiet:
        print(next_steps(args.dest))
    return 0
