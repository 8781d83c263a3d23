# exolab: lab 4
"""Lab 4 (upcalls): faults handled in user space, copy-on-write fork.

Each test boots one program from user/bin/ as init (domain 1).  Its libOS
installs an upcall entry before main; a program that sets a fault handler
gets its exceptions as Fault upcalls, and fork makes children whose
writable pages are copy-on-write, repaired by the libOS's fault handler.
"""

import re

import pytest

from lab4 import run_alone, run_domains


@pytest.mark.points(5)
def test_faultalloc(machine):
    run_alone(machine, "faultalloc", [
        "fault at 10deadbe",
        "this string was faulted in at 10deadbe",
        "fault at 1cafef00",
        "this string was faulted in at 1cafef00",
    ])


@pytest.mark.points(3)
def test_passon(machine):
    # check_passed_on (Exercise 8): a child passes on what it maps itself,
    # at the same address, with no more rights; nothing else of its parent's.
    run = run_domains(machine, "passon")
    assert run.lines("passon") == [
        "shared, same address, copy-on-write: ok",
        "shared, same address, writable: AccessDenied",
        "shared, same address, executable: AccessDenied",
        "shared, another address: AccessDenied",
        "hidden, mapped nowhere here: AccessDenied",
        "hidden, where shared is mapped: AccessDenied",
        "child reads: the parent's page",
        "parent done",
    ], "passon printed (the child's map calls of its parent's frames):\n" + run.output
    assert not run.killed(), "no passon domain may be killed:\n" + run.output


@pytest.mark.points(2)
def test_faultallocbad(machine):
    # Provided behaviour: usermem checks a buffer before the kernel touches
    # it, so a bad pointer passed to a call is an error, never a Fault upcall.
    run_alone(machine, "faultallocbad", ["cputs of an unmapped buffer: BadAddress", "handler calls: 0"])


@pytest.mark.points(5)
def test_forktree(machine):
    run = run_domains(machine, "forktree")
    names = sorted(line.split(" is ")[1].strip("'") for line in run.lines("forktree"))
    expected = sorted(["", "0", "1", "00", "01", "10", "11", "000", "001", "010", "011", "100", "101", "110", "111"])
    assert names == expected, "forktree's domains named themselves:\n" + run.output
    assert len(run.endings) == 15 and not run.killed(), "every forktree domain must exit normally:\n" + run.output


KILL_RE = re.compile(r"^killed: (?P<name>[^(]+) \(vector (?P<vector>\d+)\) at rip (?P<rip>[0-9a-f]{16})"
                     r"(?:, error 0x(?P<error>[0-9a-f]+)(?: \([^)]*\))?)?(?:, address (?P<address>[0-9a-f]{16}))?$")


def kill_of(run, domain):
    """The one "killed:" line of `domain` as a match of KILL_RE (fails unless
    the run has exactly one ending for it and that is a kill)."""
    endings = [how for i, how in run.endings if i == domain]
    assert len(endings) == 1, "domain %d should end exactly once, not %d times:\n%s" % (
        domain, len(endings), run.output)
    match = KILL_RE.match(endings[0])
    assert match, "domain %d should have been killed, but: %s\n%s" % (domain, endings[0], run.output)
    return match


def assert_page_fault(kill, address, error, run):
    """`kill` is a page fault at `address` with error code `error`."""
    assert int(kill.group("vector")) == 14, "expected a page fault, got: " + kill.group(0)
    assert int(kill.group("address"), 16) == address and int(kill.group("error"), 16) == error, \
        "expected the page fault at %x with error 0x%x, got: %s\n%s" % (address, error, kill.group(0), run.output)


@pytest.mark.points(2)
def test_faultdie(machine):
    run = run_domains(machine, "faultdie")
    assert run.lines("faultdie") == ["fault at deadbeef, vector 14, error 6"], \
        "the handler must see the write fault's vector, error code and address:\n" + run.output
    assert run.endings == [(1, "exited")] and not run.masked, \
        "a handler that exits ends its domain normally:\n" + run.output


@pytest.mark.points(4)
def test_faultregs(machine):
    run_alone(machine, "faultregs", ["2 faults, 0 differences"],
              "every register, rsp and the arithmetic flags must survive a fault upcall")


@pytest.mark.points(2)
def test_faultnostack(machine):
    run = run_domains(machine, "faultnostack")
    assert run.lines("faultnostack") == ["upcall stack at 50000000, then a fault"], \
        "domain_set_upcall accepts any user stack; the fault must not resume main:\n" + run.output
    assert run.masked == [1], "the push on the unmapped upcall stack is a fault while masked:\n" + run.output
    assert_page_fault(kill_of(run, 1), 0x50000000 - 8, 0x6, run)


@pytest.mark.points(3)
def test_faultbadhandler(machine):
    run = run_domains(machine, "faultbadhandler")
    children = [line.split()[1].rstrip(":") for line in run.lines("faultbadhandler") if line.startswith("child ")]
    entries = [line.split("entry at ")[1].split()[0] for line in run.lines("faultbadhandler")
               if "entry at" in line]
    assert len(children) == 2 and run.lines("faultbadhandler")[-1] == "parent done", \
        "faultbadhandler's two children must run and its parent finish:\n" + run.output
    assert run.masked == [int(c) for c in children], \
        "entering an unusable upcall entry is a fault while masked, once per child:\n" + run.output
    kills = run.killed()
    assert len(kills) == 2 and (1, "exited") in run.endings, "only the children die:\n" + run.output
    for (_, how), entry, error in zip(kills, entries, (0x14, 0x15)):
        kill = KILL_RE.match(how)
        assert kill and int(kill.group("rip"), 16) == int(entry, 16), \
            "the child must die fetching its entry %s, got: %s\n%s" % (entry, how, run.output)
        assert_page_fault(kill, int(entry, 16), error, run)


@pytest.mark.points(2)
def test_faultevilhandler(machine):
    run = run_domains(machine, "faultevilhandler")
    assert run.lines("faultevilhandler") == [
        "remove the entry: ok", "entry in the kernel: InvalidArgument", "has an upcall entry: no"], \
        "domain_set_upcall must refuse an entry in the kernel half and change nothing:\n" + run.output
    assert not run.masked, "with no upcall entry there is no upcall to mask:\n" + run.output
    assert_page_fault(kill_of(run, 1), 0x30000000, 0x6, run)


@pytest.mark.points(3)
def test_faultmasked(machine):
    run = run_domains(machine, "faultmasked")
    assert run.lines("faultmasked") == ["handler entered for 30000000"], \
        "the handler runs once and its own fault must not be delivered:\n" + run.output
    assert run.masked == [1], "the kernel prints the masked line exactly once:\n" + run.output
    assert_page_fault(kill_of(run, 1), 0x40000000, 0x6, run)


def free_frames(line):
    """The two numbers of a "... before N ... after M" line, as ints."""
    match = re.search(r"before[^\d]*(\d+)[^\d]+after[^\d]*(\d+)$", line)
    assert match, "no frame counts in: " + line
    return int(match.group(1)), int(match.group(2))


@pytest.mark.points(4)
def test_forkcow(machine):
    run = run_domains(machine, "forkcow")
    lines = run.lines("forkcow")
    assert lines[:3] == ['child first reads "before"', 'child then reads "child"', 'parent reads "parent"'], \
        "after fork, parent and child must each see only their own writes to a page:\n" + run.output
    before, after = free_frames(lines[3])
    assert before == after, "fork, copy-on-write and exit must free every frame they took: %d free before, " \
        "%d after the child exited (%d lost)\n%s" % (before, after, before - after, run.output)
    assert not run.killed(), "no forkcow domain may be killed:\n" + run.output


@pytest.mark.points(3)
def test_forkstress(machine):
    run = run_domains(machine, "forkstress", timeout=120)
    lines = run.lines("forkstress")
    assert len(lines) == 1 and lines[0].startswith("300 forks"), "forkstress must finish its rounds:\n" + run.output
    before, after = free_frames(lines[0])
    assert before == after, "300 forks and exits must lose no frame: %d free before, %d after (%d lost, " \
        "%.1f a fork)" % (before, after, before - after, (before - after) / 300)
    assert len(run.endings) == 302 and not run.killed(), \
        "all 301 children and the parent must exit normally: %d endings, kills %s" % (
            len(run.endings), run.killed()[:3])


def assert_results(run, program, expected):
    """`program` printed "<what>: <result>" for each (what, result) of
    `expected`, in order, and exited normally."""
    got = run.lines(program)[:len(expected)]
    wanted = ["%s: %s" % pair for pair in expected]
    wrong = ["  %s, expected %s" % (g, w.split(": ")[-1]) for g, w in zip(got, wanted) if g != w]
    assert got == wanted, "%s's calls did not get their documented errors:\n%s\n%s" % (
        program, "\n".join(wrong), run.output)
    assert (1, "exited") in run.endings and not run.killed(), "%s must exit normally:\n%s" % (program, run.output)


@pytest.mark.points(3)
def test_hostile_set_context(machine):
    run = run_domains(machine, "hostilecontext")
    assert_results(run, "hostilecontext", [
        ("self (0)", "AccessDenied"), ("own id", "AccessDenied"), ("no such domain", "NoSuchDomain"),
        ("kernel rip", "InvalidArgument"), ("non-canonical rip", "InvalidArgument"),
        ("rip at USER_TOP", "InvalidArgument"), ("null rip", "InvalidArgument"),
        ("kernel rsp", "InvalidArgument"), ("non-canonical rsp", "InvalidArgument"),
        ("ctx in the kernel", "BadAddress"), ("ctx unmapped", "BadAddress"), ("a good context", "ok")])


@pytest.mark.points(3)
def test_hostile_context_flags(machine):
    run = run_domains(machine, "contextflags")
    lines = run.lines("contextflags")
    assert "cli ran: IOPL=3 reached the CPU" not in lines, \
        "domain_set_context must clear IOPL: the child ran cli:\n" + run.output
    assert "tf_probe ran without a debug exception" in lines, \
        "domain_set_context must clear TF: the child must run without a #DB:\n" + run.output
    kills = run.killed()
    assert len(kills) == 1 and "general protection fault (vector 13)" in kills[0][1], \
        "the IOPL child, and only it, must be killed by #GP at its cli:\n" + run.output
    assert "IF-clear child preempted, destroyed: ok" in lines, \
        "domain_set_context must set IF: the timer must still preempt the child:\n" + run.output
    assert "flags_probe: AC and NT clear" in lines, \
        "domain_set_context must clear AC and NT (and RF, VM): flags_probe must see them clear:\n" + run.output
    assert len([line for line in lines if line.endswith(": ok")]) == 5 and (1, "exited") in run.endings, \
        "both contexts must be accepted (sanitised, not refused), and the parent exit:\n" + run.output


@pytest.mark.points(2)
def test_hostile_set_upcall(machine):
    run = run_domains(machine, "hostileupcall")
    assert_results(run, "hostileupcall", [
        ("kernel entry", "InvalidArgument"), ("physmap entry", "InvalidArgument"),
        ("non-canonical entry", "InvalidArgument"), ("null-page entry", "InvalidArgument"),
        ("kernel stack", "InvalidArgument"), ("non-canonical stack", "InvalidArgument"),
        ("no such domain", "NoSuchDomain")])
    assert run.lines("hostileupcall")[-2:] == ["fault at 30000000 handled", "main resumed"], \
        "refused calls must leave the libOS's upcall entry working:\n" + run.output


@pytest.mark.points(2)
def test_hostile_domain_name(machine):
    # domain_name is provided (spawn calls it), but the test needs lab 4's
    # domain_create.  A name could forge a kernel line; refused names
    # change nothing.
    run = run_domains(machine, "hostilename")
    assert_results(run, "hostilename", [
        ("a newline", "InvalidArgument"), ("a parenthesis", "InvalidArgument"),
        ("a control byte", "InvalidArgument"), ("a byte above 0x7e", "InvalidArgument"),
        ("length 0", "InvalidArgument"), ("length 32", "InvalidArgument"),
        ("a kernel pointer", "BadAddress"), ("an unmapped pointer", "BadAddress"),
        ("no such domain", "NoSuchDomain"), ("length 31", "ok"), ("the child", "ok"), ("self", "ok"),
        ("destroying the child", "ok")])
    named = [line for line in run.output.split("\n") if line.startswith("domain ")]
    assert named == ["domain 2 (kid) destroyed by domain 1 (renamed)", "domain 1 (renamed) exited"], \
        "the kernel's lines must carry the names given:\n" + run.output


@pytest.mark.points(2)
def test_hostile_uarea(machine):
    run = run_domains(machine, "hostileuarea")
    assert_results(run, "hostileuarea", [
        ("map at UAREA", "InvalidArgument"), ("map at the child's UAREA", "InvalidArgument"),
        ("unmap UAREA", "InvalidArgument"), ("unmap the child's UAREA", "InvalidArgument"),
        ("free the u-area's frame", "AccessDenied"), ("still mapped at UAREA", "yes")])
    assert run.lines("hostileuarea")[-2:] == ["fault at 30000000 handled", "main resumed"], \
        "the u-area must still carry upcalls:\n" + run.output


@pytest.mark.points(2)
def test_hostile_map_runs(machine):
    # Provided code (the batched map of DESIGN §3.2): every page checked as
    # map checks it, all before any is mapped.
    run = run_domains(machine, "maprunshostile")
    assert_results(run, "maprunshostile", [
        ("a kernel frame", "AccessDenied"), ("mapped after the kernel frame", "ok"),
        ("a run past the caller's frames", "AccessDenied"), ("a kernel-half address", "InvalidArgument"),
        ("UAREA", "InvalidArgument"),
        ("unknown perm bits", "InvalidArgument"), ("a run of 0 pages", "InvalidArgument"),
        ("over 1024 pages", "InvalidArgument"), ("over 32 runs", "InvalidArgument"),
        ("runs in the kernel", "BadAddress"), ("runs unmapped", "BadAddress"),
        ("no such domain", "NoSuchDomain"), ("mapped after all", "ok")])
    assert "a good batch: 2 pages, each where it was asked" in run.lines("maprunshostile"), \
        "a good batch must map every page:\n" + run.output


@pytest.mark.points(2)
def test_fault_routed_without_handler(machine):
    run = run_domains(machine, "faultunrouted")
    assert run.lines("libos") == ["fault upcall for vector 0 with no handler"] and not run.lines("faultunrouted"), \
        "a vector routed by hand with no handler must end the domain with the libOS's message:\n" + run.output
    assert run.endings == [(1, "exited")] and not run.masked, \
        "the libOS must exit, not jump through a null handler (a fault while masked):\n" + run.output


@pytest.mark.points(3)
def test_fork_keeps_rights(machine):
    """fork.h: a PERM_SHARE page stays shared, and a read-only page is
    shared read-only, never made copy-on-write (a write to it faults)."""
    run = run_domains(machine, "forkrights")
    lines = run.lines("forkrights")
    assert "the shared page after the child's write: child" in lines, \
        "a PERM_SHARE page must stay shared across fork: the parent must see the child's write:\n" + run.output
    assert "the child wrote its rodata" not in lines, \
        "a read-only page must not become copy-on-write: the child's write to .rodata must fault:\n" + run.output
    rodata = [line.split(" at ")[1] for line in lines if line.startswith("rodata at ")]
    assert rodata and re.search(r"^domain \d+: page fault at 0*%s \(rip [0-9a-f]+, error 7\), not copy-on-write$"
                                % rodata[0], run.output, re.M), \
        "fork's fault handler must report the child's write to .rodata as not copy-on-write:\n" + run.output
    assert lines[-1] == "rodata after the child's write: constant" and not run.killed(), \
        "forkrights printed:\n" + run.output
