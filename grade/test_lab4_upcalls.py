# exolab: lab 4
"""Lab 4 (upcalls): faults handled in user space, copy-on-write fork.

Each test boots one program from user/bin/ as init (domain 1).  Its libOS
installs an upcall entry before main; a program that sets a fault handler
gets its exceptions as Fault upcalls, and fork makes children whose
writable pages are copy-on-write, repaired by the libOS's fault handler.
"""

import pytest

from lab4 import run_domains


@pytest.mark.points(5)
def test_faultalloc(machine):
    run = run_domains(machine, "faultalloc")
    assert run.lines("faultalloc") == [
        "fault at 10deadbe",
        "this string was faulted in at 10deadbe",
        "fault at 1cafef00",
        "this string was faulted in at 1cafef00",
    ], "faultalloc printed:\n" + run.output
    assert run.endings == [(1, "exited")], "faultalloc must exit normally:\n" + run.output


@pytest.mark.points(5)
def test_forktree(machine):
    run = run_domains(machine, "forktree")
    names = sorted(line.split(" is ")[1].strip("'") for line in run.lines("forktree"))
    expected = sorted(["", "0", "1", "00", "01", "10", "11", "000", "001", "010", "011", "100", "101", "110", "111"])
    assert names == expected, "forktree's domains named themselves:\n" + run.output
    assert len(run.endings) == 15 and not run.killed(), "every forktree domain must exit normally:\n" + run.output
