# exolab: lab 4
"""Helpers shared by the lab 4 tests (grade/test_lab4_*.py).

run_domains boots one program as init and collects what every domain
printed, how each ended and the kernel's lines, until "all domains exited"
and QEMU's exit."""

import re

from qemu import Outcome

STARTED_RE = r"domain (\d+) \(%s\) started\n"
ENDED_RE = re.compile(r"^domain (\d+) \(([^)\n]+)\) (exited|killed: .*)$", re.M)
MASKED_RE = re.compile(r"^domain (\d+) \(([^)\n]+)\): fault while upcalls were masked$", re.M)


class Domains:
    """One boot: `output` (everything after init started), `endings` [(id,
    "exited" or "killed: ...")] in order (ids are reused), `masked` the ids
    killed by a fault with upcalls masked, and the lines each program
    printed with a given prefix."""

    def __init__(self, output):
        self.output = output
        self.endings = [(int(i), how) for i, _name, how in ENDED_RE.findall(output)]
        self.masked = [int(i) for i, _name in MASKED_RE.findall(output)]

    def lines(self, prefix):
        """The lines that start with "<prefix>: ", without it, in order."""
        return re.findall(r"^%s: (.*)$" % re.escape(prefix), self.output, re.M)

    def killed(self):
        """[(id, "killed: ...")] in order."""
        return [(i, how) for i, how in self.endings if how.startswith("killed")]


def run_domains(machine, program, cmdline="", timeout=30, extra_args=()):
    """Boots run=<program> (plus `cmdline`, and QEMU's `extra_args`), waits
    for "all domains exited" and QEMU's success code, and returns its
    Domains."""
    m = machine(cmdline=("run=%s %s" % (program, cmdline)).strip(), extra_args=extra_args)
    m.expect(STARTED_RE % re.escape(program), timeout=timeout)
    m.expect(r"all domains exited\n", timeout=timeout)
    assert m.wait_exit() == Outcome.EXIT, "after its domains end the kernel must exit QEMU with the success code"
    assert "kernel panic" not in m.output and "kernel fault" not in m.output, "the kernel failed:\n" + m.output
    return Domains(m.output.split("(%s) started\n" % program, 1)[1])


def run_alone(machine, program, expected, why=None, cmdline=""):
    """Boots `program` as init (run_domains), checks that the lines it
    printed with its own prefix are `expected`, in order (failing with
    `why`, or "<program> printed"), and that it exited normally, the only
    domain of the run; returns its Domains."""
    run = run_domains(machine, program, cmdline)
    assert run.lines(program) == expected, "%s:\n%s" % (why or program + " printed", run.output)
    assert run.endings == [(1, "exited")], "%s must exit normally:\n%s" % (program, run.output)
    return run
