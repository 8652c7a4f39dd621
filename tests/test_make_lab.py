"""`make lab` starts a JupyterLab server on the learner's working copy of the lessons.

The test runs the Makefile's own `lab` target, adding only the options a headless test
needs (no browser, a free loopback port, a known token) through LAB_ARGS, and a working
copy folder in tmp_path through LAB_DIR (the default is lab/ in the repository), and
always stops the server again.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STARTUP_TIMEOUT = 90  # seconds; JupyterLab usually answers within 10
LEARNERS_WORK = '{"cells": [], "note": "the learner changed this lesson"}'

pytestmark = [
    pytest.mark.skipif(
        not (VENV / "bin" / "jupyter").exists(),
        reason="no .venv/bin/jupyter: `make test` creates .venv, then this test can run",
    ),
    pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed"),
]

# Requests go straight to the loopback server, never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with OPENER.open(url, timeout=10) as response:
        return response.status, response.read()


def stop(process):
    """Stop make and the server it started (they share a process group)."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def lab_server(tmp_path):
    lab_dir = tmp_path / "lab"
    lab_dir.mkdir()
    (lab_dir / "00-start-here.ipynb").write_text(LEARNERS_WORK)  # must survive `make lab`
    port, token = free_port(), secrets.token_hex(16)
    lab_args = (
        f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
        f"--ServerApp.port_retries=0 --IdentityProvider.token={token}"
    )
    # A nested make must not inherit the outer `make test`'s flags; the server keeps its
    # runtime files and config in tmp_path. `-o .venv/.installed`: never reinstall here.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "config")
    log_path = tmp_path / "lab.log"
    command = ["make", "-s", "-o", ".venv/.installed", "lab", f"LAB_ARGS={lab_args}",
               f"LAB_DIR={lab_dir}"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}", token, process, log_path, lab_dir
    finally:
        stop(process)


def wait_until_ready(base, token, process, log_path):
    """Poll /api/status until it answers 200; return its JSON."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make lab` exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            status, body = get(f"{base}/api/status?token={token}")
            if status == 200:
                return json.loads(body)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"no answer from JupyterLab in {STARTUP_TIMEOUT} s:\n{log_path.read_text()}")


def test_make_lab_serves_a_working_copy_of_the_lessons(lab_server):
    base, token, process, log_path, lab_dir = lab_server
    status = wait_until_ready(base, token, process, log_path)
    assert {"started", "last_activity", "connections", "kernels"} <= set(status), status
    assert status["kernels"] == 0

    # The file browser's root is the working copy: every lesson and solutions/, but not
    # notebooks/ (whose stored outputs nbval checks) and nothing else of the repository.
    code, body = get(f"{base}/api/contents?token={token}")
    listing = json.loads(body)
    names = {item["name"] for item in listing["content"]}
    assert code == 200 and listing["type"] == "directory"
    expected = {p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")} | {"solutions"}
    assert names == expected, names
    assert "conftest.py" not in names and "pyproject.toml" not in names
    lessons = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert (lab_dir / lessons[-1].name).read_bytes() == lessons[-1].read_bytes()
    solutions = {p.name for p in (ROOT / "notebooks" / "solutions").glob("*.py")}
    assert {p.name for p in (lab_dir / "solutions").glob("*.py")} == solutions

    # The learner's changed lesson was kept, and the copy said so.
    assert (lab_dir / "00-start-here.ipynb").read_text() == LEARNERS_WORK
    log = log_path.read_text()
    assert "1 kept" in log and "00-start-here.ipynb" in log, log

    code, body = get(f"{base}/lab?token={token}")
    assert code == 200 and b"jupyter-config-data" in body
