"""backproplab.cli: `backproplab lessons DEST` copies the lessons, never over the learner's work."""

import subprocess
import sys
from pathlib import Path

import pytest

from backproplab import cli

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture
def source(tmp_path):
    """A small lessons folder: two lessons, their solutions, and files that must not travel."""
    folder = tmp_path / "source"
    (folder / "solutions").mkdir(parents=True)
    (folder / "00-start-here.ipynb").write_text('{"lesson": 0}')
    (folder / "03-backprop-by-hand.ipynb").write_text('{"lesson": 3}')
    (folder / "solutions" / "lesson00.py").write_text("answer = 0\n")
    (folder / "solutions" / "lesson03.py").write_text("answer = 3\n")
    (folder / "conftest.py").write_text("# nbval settings, not a lesson\n")
    (folder / "scratch.ipynb").write_text("{}")
    return folder


def names(paths):
    return [str(path) for path in paths]


def test_copy_gives_every_lesson_and_solution_and_nothing_else(source, tmp_path):
    report = cli.copy_lessons(tmp_path / "mine", source=source)
    assert names(report.copied) == ["00-start-here.ipynb", "03-backprop-by-hand.ipynb",
                                    "solutions/lesson00.py", "solutions/lesson03.py"]
    copied = sorted(str(p.relative_to(tmp_path / "mine"))
                    for p in (tmp_path / "mine").rglob("*") if p.is_file())
    assert copied == names(report.copied)
    assert (tmp_path / "mine" / "03-backprop-by-hand.ipynb").read_text() == '{"lesson": 3}'


def test_second_copy_keeps_the_learners_changes(source, tmp_path):
    dest = tmp_path / "mine"
    cli.copy_lessons(dest, source=source)
    (dest / "03-backprop-by-hand.ipynb").write_text("my work")
    (dest / "00-start-here.ipynb").unlink()  # deleted: the next copy brings it back

    report = cli.copy_lessons(dest, source=source)
    assert names(report.kept) == ["03-backprop-by-hand.ipynb"]
    assert names(report.copied) == ["00-start-here.ipynb"]
    assert len(report.unchanged) == 2 and report.replaced == []
    assert (dest / "03-backprop-by-hand.ipynb").read_text() == "my work"
    summary = report.summary()
    assert "1 copied, 2 already up to date, 1 kept, 0 replaced" in summary
    assert "Kept your changed version of" in summary and "03-backprop-by-hand.ipynb" in summary
    assert "--force" in summary


def test_force_replaces_and_says_which(source, tmp_path):
    dest = tmp_path / "mine"
    cli.copy_lessons(dest, source=source)
    (dest / "03-backprop-by-hand.ipynb").write_text("my work")
    report = cli.copy_lessons(dest, force=True, source=source)
    assert names(report.replaced) == ["03-backprop-by-hand.ipynb"]
    assert (dest / "03-backprop-by-hand.ipynb").read_text() == '{"lesson": 3}'
    assert "Replaced with a fresh copy" in report.summary()


def test_only_one_lesson_refreshes_that_lesson_and_its_solution(source, tmp_path):
    dest = tmp_path / "mine"
    cli.copy_lessons(dest, source=source)
    for name in ("00-start-here.ipynb", "03-backprop-by-hand.ipynb", "solutions/lesson03.py"):
        (dest / name).write_text("my work")
    report = cli.copy_lessons(dest, force=True, only=["3"], source=source)
    assert names(report.replaced) == ["03-backprop-by-hand.ipynb", "solutions/lesson03.py"]
    assert (dest / "00-start-here.ipynb").read_text() == "my work"  # not asked for


def test_unknown_lesson_number_names_the_lessons_there_are(source, tmp_path):
    with pytest.raises(cli.LessonsError, match=r"no lesson '42'; the lessons are 00, 03"):
        cli.copy_lessons(tmp_path / "mine", only=["42"], source=source)
    assert not (tmp_path / "mine").exists()


def test_dest_that_is_a_file_is_refused(source, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    with pytest.raises(cli.LessonsError, match="is a file, not a folder"):
        cli.copy_lessons(target, source=source)
    assert target.read_text() == "keep me"


def test_dest_below_a_file_cannot_be_created(source, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(cli.LessonsError, match="cannot create the folder .*folder you own"):
        cli.copy_lessons(tmp_path / "notes.txt" / "lessons", source=source)


def test_unwritable_dest_says_so(source, tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(cli.shutil, "copyfile", refuse)
    with pytest.raises(cli.LessonsError, match=r"cannot write .*00-start-here.ipynb "
                                               r"\(Permission denied\)"):
        cli.copy_lessons(tmp_path / "mine", source=source)


def test_a_folder_in_the_way_of_a_lesson_is_named(source, tmp_path):
    (tmp_path / "mine" / "00-start-here.ipynb").mkdir(parents=True)
    with pytest.raises(cli.LessonsError, match="is a folder, where the lesson file"):
        cli.copy_lessons(tmp_path / "mine", source=source)


def test_no_lessons_anywhere_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "PACKAGE_DIR", tmp_path / "site-packages" / "backproplab")
    with pytest.raises(cli.LessonsError, match="has no lessons"):
        cli.lessons_source()


def test_this_install_finds_every_numbered_lesson():
    source = cli.lessons_source()
    lessons = {path.name for path in cli.lesson_files(source) if path.suffix == ".ipynb"}
    assert lessons == {path.name for path in NOTEBOOKS.glob("[0-9]*.ipynb")}
    assert "00-start-here.ipynb" in lessons
    solutions = {path.name for path in cli.lesson_files(source) if path.suffix == ".py"}
    assert solutions == {path.name for path in (NOTEBOOKS / "solutions").glob("*.py")}


# --- the command line ----------------------------------------------------------------


def test_main_copies_and_prints_what_to_run_next(source, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "lessons_source", lambda: source)
    dest = tmp_path / "mine"
    assert cli.main(["lessons", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "4 copied, 0 already up to date, 0 kept, 0 replaced" in out
    assert f"jupyter lab {dest / '00-start-here.ipynb'}" in out
    assert "check_setup()" in out

    (dest / "00-start-here.ipynb").write_text("my work")
    assert cli.main(["lessons", str(dest)]) == 0
    assert "1 kept" in capsys.readouterr().out
    assert (dest / "00-start-here.ipynb").read_text() == "my work"


def test_next_steps_say_how_to_get_jupyterlab_when_it_is_missing(monkeypatch):
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None)
    text = cli.next_steps("here")
    assert "pip install 'backproplab[lab]'" in text and "JupyterHub" in text


def test_main_reports_errors_on_stderr_with_exit_status_2(source, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.setattr(cli, "lessons_source", lambda: source)
    (tmp_path / "file").write_text("x")
    assert cli.main(["lessons", str(tmp_path / "file")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "is a file, not a folder" in captured.err


def test_unknown_subcommand_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["lesons"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'lesons'" in err and "lessons" in err


def test_no_subcommand_prints_help(capsys):
    assert cli.main([]) == 2
    assert "lessons" in capsys.readouterr().out


def test_python_dash_m_backproplab_runs_the_same_command(tmp_path):
    dest = tmp_path / "lessons"
    done = subprocess.run([sys.executable, "-m", "backproplab", "lessons", str(dest),
                           "--only", "00"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in dest.rglob("*") if p.is_file()) == [
        "00-start-here.ipynb", "lesson00.py"]
    assert "2 copied" in done.stdout and "Next:" in done.stdout


def test_check_subcommand_prints_the_table(capsys):
    status = cli.main(["check"])
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["requirement", "status", "version"]
    assert status == (0 if "Ready for every lesson" in out else 1)


def test_quiet_prints_only_the_summary(source, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "lessons_source", lambda: source)
    assert cli.main(["lessons", str(tmp_path / "mine"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 copied") and "Next:" not in out
