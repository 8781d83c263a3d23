"""labs/test_harness.py: the grading plugin scores and reports honestly (DESIGN §6).

Each check grades labs/planted_grade_tests.py (tests that pass, fail, skip,
error in set-up and teardown, kill their xdist worker, fail a check after a
boot, hang in GDB, hang until interrupted) with the real grade/ plugin in a
scratch kit, in a pytest subprocess, and reads what it printed and wrote in
--results.  Staff only: the plugin ships to students, its proofs do not.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT

PLANTED = os.path.join(ROOT, "labs", "planted_grade_tests.py")
GRADE_FILES = ["conftest.py", "labinfo.py", "qemu.py", "report.py", "gdbbatch.py", "pytest.ini"]
ALL_BUT_HANGS = 255            # the planted points without test_hangs (256)
RESULT_LINE_RE = re.compile(r"^(.*?)(OK|FAIL|SKIP|ERROR|CRASH|UNFINISHED)\s+lab1 (test_\w+)\s.*\s(\d+)/(\d+)$", re.M)
LABS_TOML = """[[lab]]
number = 1
branch = "lab1"
title = "planted"
handout = "handouts/lab1-planted.md"
exercises = []
points = 511
"""


def make_kit(path):
    """A scratch kit at `path`: grade/ (links to the real plugin, the planted
    tests), .gdbinit, a labs.toml for them, an empty ISO QEMU boots nothing from."""
    os.makedirs(path / "grade")
    os.makedirs(path / "labs")
    os.makedirs(path / "build" / "lab1")
    for name in GRADE_FILES:
        os.symlink(os.path.join(ROOT, "grade", name), path / "grade" / name)
    os.symlink(os.path.join(ROOT, ".gdbinit"), path / ".gdbinit")
    os.symlink(PLANTED, path / "grade" / "test_lab1_planted.py")
    (path / "labs" / "labs.toml").write_text(LABS_TOML)
    (path / "build" / "lab1" / "exolab.iso").write_bytes(b"")
    return path


def grade_command(*args):
    """What `make grade` runs for the scratch kit, plus `args`."""
    return [sys.executable, "-m", "pytest", "-c", "grade/pytest.ini", "--rootdir=.", "grade",
            "--build-dir=build/lab1", "--lab=1", *args]


def grade(kit, *args, env=None):
    """Grades the scratch kit with `args`; returns the finished process."""
    return subprocess.run(grade_command(*args), cwd=kit, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def result_lines(stdout):
    """{test name: (text before the word, word, points got)} of the result lines."""
    return {name: (before, word, int(got)) for before, word, name, got, _ in RESULT_LINE_RE.findall(stdout)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The scratch kit graded with two xdist workers and --results, every
    planted test but test_hangs: (finished process, results JSON, kit path)."""
    kit = make_kit(tmp_path_factory.mktemp("kit"))
    done = grade(kit, "-n", "2", "-k", "not test_hangs", "--results", "results.json")
    with open(kit / "results.json") as f:
        return done, json.load(f), kit


def test_points_only_from_a_passed_call(graded):
    done, results, _ = graded
    scores = {t["name"]: t["score"] for t in results["tests"]}
    assert scores == {"lab1: " + name: int(name == "test_passes") for name in [
        "test_check_after_boot", "test_fails", "test_gdb_hangs", "test_passes", "test_setup_error", "test_skips",
        "test_teardown_error", "test_worker_dies"]}, "results.json scores:\n%s\n%s" % (scores, done.stdout)
    assert results["score"] == 1 and "Score: 1/%d" % ALL_BUT_HANGS in done.stdout, done.stdout
    assert done.returncode == 1, "below full marks the run must fail:\n" + done.stdout
    words = {name: word for name, (_, word, _) in result_lines(done.stdout).items()}
    assert words == {"test_passes": "OK", "test_fails": "FAIL", "test_skips": "SKIP", "test_setup_error": "ERROR",
                     "test_teardown_error": "ERROR", "test_worker_dies": "CRASH", "test_check_after_boot": "FAIL",
                     "test_gdb_hangs": "FAIL"}, done.stdout


def test_result_lines_start_clean(graded):
    done, _, _ = graded
    lines = [line for line in done.stdout.splitlines() if RESULT_LINE_RE.match(line)]
    assert len(lines) == 2 * 8, "each test's line as it finished and in the summary:\n" + done.stdout
    unclean = [line for line in lines if not line.startswith("  ") or line[2] == " "]
    assert not unclean, "result lines must start with two spaces and the word:\n" + "\n".join(unclean)


def test_every_failure_shows_the_serial_tail(graded):
    done, results, kit = graded
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    boot = outputs["lab1: test_check_after_boot"]
    assert "planted check after a boot" in boot and "lines of serial output:" in boot, boot
    assert "full log: build/grade/lab1/test_check_after_boot.log" in done.stdout, done.stdout
    assert "lines of serial output:" in outputs["lab1: test_gdb_hangs"], outputs["lab1: test_gdb_hangs"]


def test_results_output_is_clean(graded):
    _, results, kit = graded
    for test in results["tests"]:
        for noise in ("[gw", "Python 3", "full log", str(kit), ROOT):
            assert noise not in test["output"], "%s's output holds %r:\n%s" % (test["name"], noise, test["output"])
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    assert "planted failure" in outputs["lab1: test_fails"], outputs
    assert "planted skip" in outputs["lab1: test_skips"], outputs
    assert "error in setup" in outputs["lab1: test_setup_error"], outputs
    assert "crashed" in outputs["lab1: test_worker_dies"], outputs


def test_gdb_timeout_is_one_line(graded):
    done, results, _ = graded
    output = {t["name"]: t["output"] for t in results["tests"]}["lab1: test_gdb_hangs"]
    assert output.startswith("GDB did not finish within 2s (commands: continue)\n"), output
    assert "Traceback" not in done.stdout and "TimeoutExpired" not in done.stdout, done.stdout


@pytest.mark.parametrize("workers", ["0", "2"])
def test_interrupted_run_says_incomplete(tmp_path, workers):
    """Ctrl-C (SIGINT to the run's process group) while test_hangs hangs."""
    kit = make_kit(tmp_path)
    run = subprocess.Popen(grade_command("-n", workers, "-k", "test_passes or test_hangs",
                                         "--results", "results.json"),
                           cwd=kit, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True)
    hanging = kit / "build" / "grade" / "lab1" / "hanging"
    deadline = time.monotonic() + 60
    while not hanging.exists() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.1)
    time.sleep(0.5)
    os.killpg(run.pid, signal.SIGINT)
    stdout, _ = run.communicate(timeout=60)
    with open(kit / "results.json") as f:
        results = json.load(f)
    assert "INCOMPLETE: the run was interrupted" in stdout and "INCOMPLETE" in stdout.split("Score:")[-1], stdout
    assert results.get("extra_data") == {"incomplete": True}, results
    assert "interrupted" in results.get("output", ""), results
    scores = {t["name"]: t["score"] for t in results["tests"]}
    assert scores.get("lab1: test_hangs", 0) == 0 and results["score"] <= 1, results
    assert run.returncode != 0, stdout


def test_bad_timeout_scale_is_one_line(tmp_path):
    done = grade(make_kit(tmp_path), "-n", "0", env={"EXOLAB_TIMEOUT_SCALE": "abc"})
    text = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, text
    assert "EXOLAB_TIMEOUT_SCALE=abc: the timeout scale must be a positive number" in text, text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text


def test_no_match_names_the_tests(tmp_path):
    done = grade(make_kit(tmp_path), "-n", "2", "-k", "nosuch")
    assert done.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, done.stdout
    assert "no test of --lab=1 matched TEST (-k) 'nosuch'" in done.stdout, done.stdout
    assert "test_passes" in done.stdout and "test_worker_dies" in done.stdout, done.stdout


def test_stale_gdb_target_is_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]       # free, and nothing listens once closed
    target = tmp_path / "gdb-target"
    target.write_text("port %d\nkernel %s\n" % (port, sys.executable))
    started = time.monotonic()
    gdb = subprocess.run(["gdb", "-n", "-batch", "-x", ".gdbinit"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, EXOLAB_GDB_TARGET=str(target)))
    took = time.monotonic() - started
    text = gdb.stdout + gdb.stderr
    assert "nothing listens on port %d" % port in text, text
    assert "Traceback" not in text and "Python Exception" not in text, text
    assert took < 5, "GDB took %.1fs to give up on a stale target file" % took
