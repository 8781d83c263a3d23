"""labs/planted_grade_tests.py: lab tests that end every way a test can end.

labs/test_harness.py copies this file into a scratch kit as
grade/test_lab1_planted.py and grades it with the real plugin
(grade/conftest.py), then checks what the harness scored and printed.  Only
test_passes earns its point; the scratch labs.toml gives lab 1 the sum of
the points below.  test_hangs waits to be interrupted: the runs that do not
interrupt leave it out with -k.
"""

import os
import signal
import sys
import time

import pytest

from gdbbatch import run_gdb

POINTS = {"test_passes": 1, "test_fails": 2, "test_skips": 4, "test_setup_error": 8, "test_teardown_error": 16,
          "test_worker_dies": 32, "test_check_after_boot": 64, "test_gdb_hangs": 128, "test_hangs": 256}


@pytest.fixture
def broken_setup():
    raise RuntimeError("planted set-up error")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("planted teardown error")


@pytest.mark.points(POINTS["test_passes"])
def test_passes():
    pass


@pytest.mark.points(POINTS["test_fails"])
def test_fails():
    assert False, "planted failure"


@pytest.mark.points(POINTS["test_skips"])
def test_skips():
    pytest.skip("planted skip")


@pytest.mark.points(POINTS["test_setup_error"])
def test_setup_error(broken_setup):
    pass


@pytest.mark.points(POINTS["test_teardown_error"])
def test_teardown_error(broken_teardown):
    pass


@pytest.mark.points(POINTS["test_worker_dies"])
def test_worker_dies():
    if "PYTEST_XDIST_WORKER" in os.environ:
        os.kill(os.getpid(), signal.SIGKILL)
    assert False, "planted: no xdist worker to kill"


@pytest.mark.points(POINTS["test_check_after_boot"])
def test_check_after_boot(machine):
    machine()
    assert False, "planted check after a boot"


@pytest.mark.points(POINTS["test_gdb_hangs"])
def test_gdb_hangs(machine, log_dir):
    # `continue` without a breakpoint never returns; GDB gets 2 s.
    run_gdb(machine, sys.executable, os.path.join(log_dir, "gdb-target"), ["continue"], timeout=2)


@pytest.mark.points(POINTS["test_hangs"])
def test_hangs(log_dir):
    open(os.path.join(log_dir, "hanging"), "w").close()
    time.sleep(60)
