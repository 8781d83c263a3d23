# exolab: lab 4
"""Lab 4 (IPC): messages and pages between domains, and the checks of
yield, ipc_send and ipc_recv against hostile arguments.

Each test boots one program from user/bin/ as init and waits for "all
domains exited": none passes by running out of time.  The programs use the
libOS's blocking ipc_send and ipc_recv (user/lib/ipc.h)."""

import re

import pytest

from lab4 import run_domains

PRIMES_BELOW_100 = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97]


@pytest.mark.points(5)
def test_pingpong(machine):
    run = run_domains(machine, "pingpong")
    expected = ["1 sends 0 to 2"] + [
        "%d got %d from %d" % ((2, n, 1) if n % 2 == 0 else (1, n, 2)) for n in range(11)]
    assert run.lines("pingpong") == expected, "pingpong printed:\n" + run.output
    assert sorted(run.endings) == [(1, "exited"), (2, "exited")], "both must exit normally:\n" + run.output


@pytest.mark.points(5)
def test_sendpage(machine):
    run = run_domains(machine, "sendpage")
    assert run.lines("sendpage") == [
        "child got value 6, asked for no page: page not sent, nothing at 0",
        "child got value 7, page sent, perm W, mapped writable: hello through a shared page",
        "parent reads the child was here",
        "child got value 8, page sent, perm -, mapped read-only: hello through a read-only page",
        "write to 20000000 faulted (error 7)",
        "parent still reads hello through a read-only page",
    ], "a page must arrive only where the receiver asked for one; sent with PERM_W it must be shared and " \
        "writable, sent without it read-only:\n" + run.output
    assert not run.killed(), "no domain may be killed:\n" + run.output


@pytest.mark.points(5)
def test_primes(machine):
    run = run_domains(machine, "primes")
    printed = run.lines("primes")
    assert printed == [str(p) for p in PRIMES_BELOW_100] + ["done"], "the pipeline printed:\n" + run.output
    assert len(run.endings) == 1 + len(PRIMES_BELOW_100) and not run.killed(), (
        "init and one filter per prime must each exit normally:\n" + run.output)


@pytest.mark.points(5)
def test_yield_hostile(machine):
    run = run_domains(machine, "yieldhostile")
    assert run.lines("yieldhostile") == [
        "yield to a stopped child: InvalidArgument",
        "yield to id 63, no domain: NoSuchDomain",
        "yield to id 64, past the table: NoSuchDomain",
        "yield to id 2^40: NoSuchDomain",
        "set_runnable 2 on a stopped child: InvalidArgument",
        "set_runnable 2^32 + 1 on a stopped child: InvalidArgument",
        "yield to a child blocked in ipc_recv: InvalidArgument",
        "set_runnable 0 on a child blocked in ipc_recv: InvalidArgument",
        "set_runnable 1 on a child blocked in ipc_recv: InvalidArgument",
        "B yields to its sibling A: AccessDenied",
        "B yields to its sibling's child A1: AccessDenied",
        "B yields to its parent: ok",
        "B receives, then its sibling A runs: AccessDenied",
        "B receives, then its sibling's child A1 runs: AccessDenied",
        "done",
    ], "each yield, set_runnable and ipc_recv must get its documented result:\n" + run.output
    assert not run.killed(), "no domain may be killed:\n" + run.output


@pytest.mark.points(5)
def test_ipc_hostile(machine):
    run = run_domains(machine, "ipchostile")
    assert run.lines("ipchostile") == [
        "send a kernel address: InvalidArgument",
        "send the u-area: InvalidArgument",
        "send the domain table window: InvalidArgument",
        "send an unaligned address: InvalidArgument",
        "send an unmapped page: BadAddress",
        "send program text with PERM_W: AccessDenied",
        "send a copy-on-write page with PERM_W: AccessDenied",
        "send with PERM_X: InvalidArgument",
        "send to a child that is not receiving: WouldBlock",
        "send to itself: InvalidArgument",
        "send to id 63, no domain: NoSuchDomain",
        "send to id 2^40: NoSuchDomain",
        "receive at the u-area: InvalidArgument",
        "receive at a kernel address: InvalidArgument",
        "receive at an unaligned address: InvalidArgument",
        "receive, then run itself: InvalidArgument",
        "receive, then run id 63, no domain: NoSuchDomain",
        "receive, then run id 2^40: NoSuchDomain",
        "receive as the root scheduler, upcalls masked: InvalidArgument",
        "child still waiting",
        "send program text read-only: ok",
        "child got 42 from 1, perm 8000000000000000",
        "send to the child after it exited: NoSuchDomain",
        "done",
    ], "each call must get its documented error and a refused send must deliver nothing:\n" + run.output
    assert not run.killed(), "no domain may be killed:\n" + run.output


@pytest.mark.points(3)
def test_send_waits_by_yielding(machine):
    """The library's ipc_send, refused with WouldBlock, gives the CPU to
    the receiver rather than spinning until the timer preempts it."""
    run = run_domains(machine, "sendwait")
    sends = [re.match(r"(\d+) sends, (\d+) to a receiver not yet waiting; the sender was preempted (\d+) times", line)
             for line in run.lines("sendwait")]
    sends = [m for m in sends if m]
    assert len(sends) == 1 and "the receiver got 20 words, sum 210" in run.lines("sendwait"), \
        "sendwait printed:\n" + run.output
    total, busy, preempted = (int(g) for g in sends[0].groups())
    assert busy >= total - 1, "the receiver should not yet be waiting at %d of the %d sends:\n%s" % (
        total - 1, total, run.output)
    assert preempted <= 2, "ipc_send spun on WouldBlock: the timer preempted the sender %d times in %d sends " \
        "(it must yield to the receiver instead):\n%s" % (preempted, total, run.output)
    assert not run.killed() and len(run.endings) == 2, "both domains must exit normally:\n" + run.output
