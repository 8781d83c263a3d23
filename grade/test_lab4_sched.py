# exolab: lab 4
"""Lab 4 (scheduling): preemption, the root scheduler's policies, the abort
protocol, the upcall-return critical section and user-level threads.

Each test boots one program from user/bin/ as init; the programs stop on
counts read from the exported domain table (ticks, runs, preempted,
aborted), never on the wall clock, so a slow machine only makes them
slower.
"""

import re

import pytest

from lab4 import run_alone, run_domains

MASKED_LINE = re.compile(r"^domain (\d+) \(\w+\) preempted: upcalls still masked", re.M)
SLICE_RE = re.compile(r"^slice (\d+) \d+ \d+ (\w+)$", re.M)


@pytest.mark.points(5)
def test_spin(machine):
    """A child that never yields cannot keep the CPU: the parent, which
    never yields either, gets it back by the timer and destroys it."""
    run = run_domains(machine, "spin")
    lines = run.lines("spin")
    assert len(lines) == 3 and lines[1].startswith("the child held the CPU for") and lines[2] == "destroyed the child: ok", \
        "spin printed:\n" + run.output
    assert re.search(r"^domain 2 \(spin\) destroyed by domain 1 \(spin\)$", run.output, re.M), \
        "the kernel must report the child destroyed:\n" + run.output
    assert run.endings == [(1, "exited")], "spin must exit normally:\n" + run.output


def rotation_breaks(output, children):
    """The places where the children's slices in the trace, from "rrorder:
    go" on, do not follow round-robin order: after child a the next child
    to run must be the first child still alive after a in id order."""
    alive = sorted(children)
    previous, breaks = None, []
    for dom, why in SLICE_RE.findall(output.split("rrorder: go\n", 1)[1]):
        dom = int(dom)
        if dom not in children:
            continue
        if previous is not None:
            later = [c for c in alive if c > previous] + [c for c in alive if c <= previous]
            if dom != later[0]:
                breaks.append((previous, dom))
        previous = dom
        if why in ("exit", "kill"):
            alive.remove(dom)
    return breaks


@pytest.mark.points(10)
def test_round_robin_order(machine):
    """Four spinners given the CPU by init's round-robin root scheduler run
    in rotation, as the kernel's slice trace shows."""
    run = run_domains(machine, "rrorder", "trace=1")
    resumed = [int(line.split()[0]) for line in run.lines("rrorder") if line.endswith("resumed")]
    children = set(resumed)
    assert len(children) == 4 and all(resumed.count(c) == 6 for c in children), \
        "each of the 4 spinners must notice 6 resumptions:\n" + run.output
    slices = [int(d) for d, _ in SLICE_RE.findall(run.output.split("rrorder: go\n", 1)[1]) if int(d) in children]
    assert len(slices) >= 24, "the trace (trace=1) must show every spinner's slices:\n" + run.output
    breaks = rotation_breaks(run.output, children)
    assert not breaks, "round-robin order broken at (ran, then ran) %s:\n%s" % (breaks, run.output)
    assert not run.killed(), "no domain may be killed:\n" + run.output


@pytest.mark.points(10)
def test_stride_shares(machine):
    """Under the stride policy, spinners with 1, 2 and 3 tickets get 1/6,
    2/6 and 3/6 of the ticks (within 10%)."""
    run = run_domains(machine, "stride", "hz=500")
    shares = [re.match(r"(\d) tickets: (\d+) of (\d+) ticks", line) for line in run.lines("stride")]
    assert len(shares) == 3 and all(shares), "stride printed:\n" + run.output
    for m in shares:
        tickets, ticks, total = (int(g) for g in m.groups())
        expected = total * tickets / 6
        assert abs(ticks - expected) <= 0.1 * expected, \
            "%d tickets got %d of %d ticks, expected %.0f within 10%%:\n%s" % (tickets, ticks, total, expected, run.output)
    assert run.endings[-1] == (1, "exited"), "stride must exit normally:\n" + run.output


@pytest.mark.points(10)
def test_stride_unit(machine):
    """stride_pick on made-up tables: shares and waits bounded while the
    32-bit passes wrap; a newcomer, a reused slot and a domain back from
    Blocked neither starve nor take a catch-up run; a ticket change takes
    effect at once."""
    run = run_domains(machine, "stridecheck")
    verdicts = dict(line.split(": ", 1) for line in run.lines("stridecheck") if ": " in line)
    for check in ("wrap", "newcomer", "reused", "blocked", "tickets"):
        assert verdicts.get(check) == "ok", "stride_pick failed the %s check:\n%s" % (check, run.output)
    assert run.endings == [(1, "exited")], "stridecheck must exit normally:\n" + run.output


@pytest.mark.points(10)
def test_abort_protocol(machine):
    """A domain that spins with upcalls masked gets one extra slice each
    time, then is preempted by force; the kernel says so once however many
    times it happens, and its sibling keeps running meanwhile."""
    run = run_domains(machine, "maskspin")
    masked = re.search(r"^maskspin: masked (\d+): aborted (\d+) times, preempted \d+, over (\d+) ticks, pending (\w+)",
                       run.output, re.M)
    sibling = re.search(r"^maskspin: sibling \d+ ran while (\d+) was aborted (\d+) times", run.output, re.M)
    assert masked and sibling, "maskspin printed:\n" + run.output
    dom, aborted = int(masked.group(1)), int(masked.group(2))
    assert aborted >= 10, "the masked spinner must be aborted 10 times:\n" + run.output
    assert int(masked.group(3)) >= 2 * aborted, \
        "a masked domain gets one more slice before each abort (two ticks per abort):\n" + run.output
    assert masked.group(4) == "set", "the extra slice is borrowed time: pending must say so:\n" + run.output
    assert int(sibling.group(1)) == dom and 5 <= int(sibling.group(2)) < 10, \
        "the sibling must run while the spinner is still masked:\n" + run.output
    reports = [int(d) for d in MASKED_LINE.findall(run.output)]
    assert reports.count(dom) == 1, \
        "the kernel must report domain %d's masked preemption exactly once (%d aborts):\n%s" % (dom, aborted, run.output)
    assert not run.killed() and len(run.endings) == 3, "all three domains must exit normally:\n" + run.output


@pytest.mark.points(15)
def test_upcall_return_race(machine):
    """At 20000 Hz, three domains are preempted and yield thousands of
    times in all while they check that every register keeps its value; the
    yields, at pseudo-random points, start slices at every distance from
    the next tick, so ticks land inside upcall_return too: no preemption,
    wherever it lands there, loses or corrupts one (with `masked` cleared
    before the last register is loaded, one does)."""
    run = run_domains(machine, "upcallrace", "hz=20000", timeout=60)
    results = run.lines("upcallrace")
    intact = [re.search(r"registers intact over \d+ rounds, (\d+) preemptions and (\d+) yields", line)
              for line in results]
    assert len(results) == 3 and all(intact), "every domain must keep its registers:\n" + run.output
    preemptions = sum(int(m.group(1)) for m in intact)
    switches = preemptions + sum(int(m.group(2)) for m in intact)
    assert switches >= 4500 and preemptions >= 500, \
        "only %d switches happened, %d of them preemptions:\n%s" % (switches, preemptions, run.output)
    assert not run.killed() and len(run.endings) == 3, "all three domains must exit normally:\n" + run.output


@pytest.mark.points(15)
def test_threads_mutex(machine):
    """Threads preempted by a fast timer: no increment under the mutex is
    lost, join returns and refuses bad ids, and a bounded buffer with
    condition variables passes every item once."""
    run = run_domains(machine, "threads", "hz=2000")
    lines = run.lines("threads")
    counter = re.match(r"counter (\d+), increments (\d+), preempted in the lock (\d+) times", lines[0]) if lines else None
    assert counter, "threads printed:\n" + run.output
    value, increments, interrupted = (int(g) for g in counter.groups())
    assert value == increments, "the counter lost %d increments:\n%s" % (increments - value, run.output)
    assert interrupted > 0, "no preemption landed inside the lock, so it was never contended:\n" + run.output
    assert lines[1:] == ["join self InvalidArgument, join again InvalidArgument",
                         "buffer passed 2000 items, sum 2001000 (expected 2000, 2001000)"], \
        "threads printed:\n" + run.output
    assert run.endings == [(1, "exited")], "threads must exit normally:\n" + run.output


@pytest.mark.points(10)
def test_thread_join(machine):
    """A thread starts with its argument on an ABI-aligned stack; join
    waits for a running thread and returns at once for an exited one;
    join refuses itself, unused and out-of-range ids, a second joiner and
    a second join; 40 threads in a row reuse the slots; the domain lives
    on after its first context exits, until its last thread does."""
    run_alone(machine, "threadjoin", [
        "argument 1234, stack misaligned by 0",
        "join exited ok, finished 1",
        "join running ok, finished 2",
        "join self InvalidArgument, unused InvalidArgument, past the table InvalidArgument, "
        "second joiner InvalidArgument",
        "joined twice InvalidArgument",
        "created and joined 40 threads",
        "the first context exits",
        "the last thread exits",
    ])


@pytest.mark.points(5)
def test_cond_lost_wakeup(machine):
    """A switch forced at the first moment cond_wait lets upcalls in: the
    signal sent then must still wake the waiter, 100 times in a row."""
    run_alone(machine, "condwake", ["100 wake-ups, none lost"])


@pytest.mark.points(3)
def test_init_threads_preempted(machine):
    """init is the root scheduler: its ticks arrive as Timer upcalls, and
    once the root scheduler picks init its threads get their say."""
    run_alone(machine, "initthreads", ["the other thread ran while main spun: yes"],
              "init's threads must be switched after its root scheduler picks init")


@pytest.mark.points(3)
def test_masked_without_entry(machine):
    """The abort protocol ignores `masked` in the u-area of a domain with
    no upcall entry: its ticks are ordinary preemptions.  With an entry,
    the same spin is aborted every other tick."""
    run = run_domains(machine, "noentrymask")
    counts = {}
    for line in run.lines("noentrymask"):
        m = re.match(r"masked by hand with (an|no) upcall entry: (\d+) ticks, (\d+) preemptions, (\d+) aborted$", line)
        if m:
            counts[m.group(1)] = tuple(int(g) for g in m.groups()[1:])
    assert set(counts) == {"an", "no"}, "noentrymask printed:\n" + run.output
    ticks, preempted, aborted = counts["an"]
    assert aborted == 3 and preempted == 3, "with an upcall entry, a domain spinning masked gets one borrowed tick " \
        "before each abort: %d ticks, %d preemptions, %d aborted:\n%s" % (ticks, preempted, aborted, run.output)
    ticks, preempted, aborted = counts["no"]
    assert aborted == 0 and preempted == ticks, \
        "a domain with no upcall entry has no upcall to finish: no tick may be borrowed or aborted " \
        "(%d ticks, %d preemptions, %d aborted):\n%s" % (ticks, preempted, aborted, run.output)
    assert len(MASKED_LINE.findall(run.output)) == 1, \
        "the kernel reports the masked preemption once, in the first spin:\n" + run.output
    assert run.endings == [(1, "exited")], "noentrymask must exit normally:\n" + run.output


@pytest.mark.points(5)
def test_borrowed_time_given_back(machine):
    """A tick that came while masked is borrowed time: upcall_finish, and
    the thread library's unmask, give the CPU away before going on."""
    run = run_domains(machine, "borrowed", "hz=20000", timeout=60)
    lines = run.lines("borrowed")
    assert "upcall_finish gave the CPU away after a tick while masked: yes" in lines, \
        "upcall_finish must yield when pending says the time was borrowed:\n" + run.output
    mutex = [re.match(r"(\d+) rounds of mutex_lock and mutex_unlock, (\d+) across a tick, the CPU kept past (\d+) ticks$",
                      line) for line in lines]
    mutex = [m for m in mutex if m]
    assert len(mutex) == 1, "borrowed printed:\n" + run.output
    _rounds, ticked, kept = (int(g) for g in mutex[0].groups())
    assert ticked >= 20, "too few ticks landed across the mutex calls to check them:\n" + run.output
    assert kept == 0, "unmask must give back a slice borrowed while masked: the domain kept the CPU past %d of " \
        "%d ticks:\n%s" % (kept, ticked, run.output)
    assert not run.killed() and len(run.endings) == 2, "both domains must exit normally:\n" + run.output


@pytest.mark.points(3)
def test_root_idles_when_nothing_can_run(machine):
    """With every domain waiting in ipc_recv, the root scheduler gives the
    CPU to nobody (yield(YIELD_SELF)): the kernel's trace shows the CPU
    idle at tick after tick, never init spinning masked in its upcall."""
    m = machine(cmdline="run=allblocked trace=1")
    m.expect(r"allblocked: both domains wait in ipc_recv\n")
    for _ in range(3):
        seen = m.expect(r"slice 0 \d+ \d+ idle\n|preempted: upcalls still masked[^\n]*\n|slice 1 \d+ \d+ abort\n")
        assert "idle" in seen.group(0), "with nothing to run the root scheduler must yield(YIELD_SELF), not spin " \
            "masked in its upcall:\n" + m.output[-3000:]
