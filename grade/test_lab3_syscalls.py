"""Lab 3 (syscalls): user programs in protection domains.

Each test boots run=<program>, a user program from user/bin/ that the kernel
loads from its GRUB module into domain 1.  The kernel prints

    domain 1 (<program>) started
    ... the program's output ...
    domain 1 (<program>) exited                      or
    domain 1 (<program>) killed: <exception> (vector N) at rip <16 hex>
        [, error 0x<hex> [(<decoded>)]] [, address <16 hex>]
    all domains exited

and exits QEMU with the success code: a user fault is not a kernel failure.
Fault reports are checked against the program's own binary (nm for the
function that faulted, objdump for the instruction).  Programs the kernel
must refuse (no such program, malformed ELF) end with a one-line reason and
the failure code, never a panic.
"""

import os
import re
import subprocess
import sys
import tempfile

import pytest

from gdbbatch import run_gdb
from qemu import QEMU_CPU, Outcome

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTED_RE = r"domain (\d+) \(%s\) started\n"
KILLED_RE = (r"domain (?P<id>\d+) \((?P<program>[^)\n]+)\) killed: (?P<name>[^(\n]+) \(vector (?P<vector>\d+)\) "
             r"at rip (?P<rip>[0-9a-f]{16})(?:, error 0x(?P<error>[0-9a-f]+)(?: \((?P<decoded>[^)\n]*)\))?)?"
             r"(?:, address (?P<address>[0-9a-f]{16}))?\n")
BADELF_KINDS = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkbadelf"), "--list"],
                              capture_output=True, text=True, check=True).stdout.split()
BADELF_HEADER_KINDS = ["magic", "class", "machine", "endian", "type", "phentsize", "phnum", "phoff"]  # the file header
BADELF_PROGRAM_KINDS = ["sharedpage", "samepage", "entry", "entryend"]  # no segment alone
BADELF_SEGMENT_KINDS = [k for k in BADELF_KINDS if k not in BADELF_HEADER_KINDS + BADELF_PROGRAM_KINDS]  # one segment
PHYSMAP_KERNEL_IMAGE = 0xFFFF800000100000  # PHYSMAP_BASE + KERNEL_LOAD_PHYS
USTACK_TOP = 0x7EFFFFFFF000                # kernel/abi/layout.h


class Run:
    """One program's run: its domain id, what it printed between "started"
    and the kernel's verdict, and how it ended ("exited" or a Kill)."""

    def __init__(self, domain, printed, kill):
        self.domain = domain
        self.printed = printed
        self.kill = kill

    def lines(self, prefix):
        """The program's lines that start with "<prefix>: ", without it."""
        return re.findall(r"^%s: (.*)$" % re.escape(prefix), self.printed, re.M)


class Kill:
    """The fields of a "killed:" line (numbers as int, absent parts None)."""

    def __init__(self, match):
        self.line = match.group(0).strip()
        self.name = match.group("name")
        self.vector = int(match.group("vector"))
        self.rip = int(match.group("rip"), 16)
        self.error = None if match.group("error") is None else int(match.group("error"), 16)
        self.decoded = match.group("decoded")
        self.address = None if match.group("address") is None else int(match.group("address"), 16)


def run_program(machine, program, timeout=20):
    """Boots run=<program>, waits for its domain to end and for the kernel's
    "all domains exited", checks QEMU's success code, and returns its Run."""
    m = machine(cmdline="run=" + program)
    domain = int(m.expect(STARTED_RE % re.escape(program), timeout=timeout).group(1))
    m.expect(r"domain %d \(%s\) (exited|killed: )" % (domain, re.escape(program)), timeout=timeout)
    m.expect(r"all domains exited\n")
    assert m.wait_exit() == Outcome.EXIT, "after its domains end the kernel must exit QEMU with the success code"
    prefix = "domain %d (%s) " % (domain, program)
    printed, verdict = m.output.split(prefix + "started\n", 1)[1].split(prefix, 1)
    kill = None
    if verdict.startswith("killed: "):
        match = re.match(KILLED_RE, prefix + verdict)
        assert match, "the kill line is not in the expected format:\n  %s%s\nexpected: %s" % (
            prefix, verdict.split("\n")[0], KILLED_RE)
        kill = Kill(match)
    return Run(domain, printed, kill)


def assert_exited(run, program):
    assert run.kill is None, "%s should have exited normally, but: %s" % (program, run.kill.line)


def assert_killed(run, program, name, vector):
    assert run.kill is not None, "%s should have been killed, but it exited:\n%s" % (program, run.printed)
    assert run.kill.name.startswith(name) and run.kill.vector == vector, \
        "%s: expected a %s (vector %d), got: %s" % (program, name, vector, run.kill.line)
    assert "still alive" not in run.printed, "the program ran on after its fault:\n" + run.printed


def user_binary(build_dir, program):
    return os.path.join(build_dir, "user", "bin", program)


def function_at(build_dir, program, address):
    """The name of the function of the user program that contains `address` (nm)."""
    out = subprocess.run(["nm", "-C", "-S", "--defined-only", user_binary(build_dir, program)],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tT":
            start, size = int(parts[0], 16), int(parts[1], 16)
            if start <= address < start + size:
                return parts[3].split("(")[0]
    return None


def instruction_before_and_at(build_dir, program, address):
    """(mnemonic of the instruction that ends at `address`, mnemonic of the
    one that starts there), from objdump of the program."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", user_binary(build_dir, program)],
                         capture_output=True, text=True, check=True).stdout
    listing = [(int(a, 16), m) for a, m in re.findall(r"^\s*([0-9a-f]+):\s+(\S+)", out, re.M)]
    previous = None
    for where, mnemonic in listing:
        if where == address:
            return previous, mnemonic
        previous = mnemonic
    return previous, None


def lines_split(machine, program, first_word):
    """Runs `program` to a normal exit and returns its result lines (those
    after "<program>: ") in two lists: those that start with `first_word`,
    then the others.  sysargs and authority each feed two tests this way."""
    run = run_program(machine, program)
    assert_exited(run, program)
    lines = run.lines(program)
    return [line for line in lines if line.startswith(first_word)], \
        [line for line in lines if not line.startswith(first_word)]


def assert_in_main(build_dir, program, kill):
    where = function_at(build_dir, program, kill.rip)
    assert where == "main", "the fault's rip %x should be in %s's main, not in %s" % (kill.rip, program, where)


# -- the first user programs -----------------------------------------------

@pytest.mark.points(10)
def test_hello(machine):
    run = run_program(machine, "hello")
    assert run.domain == 1, "the first domain must be domain 1"
    assert_exited(run, "hello")
    assert run.printed == "hello, world\ni am domain 1\n", "hello printed:\n" + run.printed


@pytest.mark.points(4)
def test_syscall_preserves_state(machine):
    run = run_program(machine, "syscallregs")
    assert_exited(run, "syscallregs")
    expected = ["selectors after a system call: cs 0x23 ss 0x1b",   # STAR: SYSRET's user selectors
                "registers changed by a system call: 0",            # only rax, rcx, r11 may change
                "printed with the direction flag set",              # the caller's DF does not reach the copy
                "cputs with DF set: ok"]
    assert run.printed.splitlines() == expected, "syscallregs printed:\n" + run.printed


@pytest.mark.points(5)
def test_syscall_with_trap_flag(machine, build_dir):
    # SFMASK must clear TF: the call then runs and returns, and the #DB that
    # TF asks for arrives in user mode just after SYSRET (and kills the
    # domain).  With TF left set the kernel traps at its first instruction,
    # on the user's stack, and the machine stops before the domain ends.
    run = run_program(machine, "singlestep")
    assert run.printed.splitlines() == ["singlestep: setting TF, then calling cputs",
                                        "singlestep: printed by a call made with TF set"], \
        "singlestep printed:\n" + run.printed
    assert_killed(run, "singlestep", "debug exception", 1)
    assert instruction_before_and_at(build_dir, "singlestep", run.kill.rip) == ("syscall", "nop"), \
        "the single-step trap should come right after SYSRET, at the nop after the syscall: " + run.kill.line


def gdb_session(machine, kernel_elf, log_dir, timeout_scale, request, cmdline, commands):
    """Runs `commands` in GDB against a QEMU booted with `cmdline` (stopped
    at its first instruction) and returns (GDB's output, the Machine)."""
    booted = []

    def boot(**options):
        booted.append(machine(**options))
        return booted[-1]

    out = run_gdb(boot, kernel_elf, os.path.join(log_dir, request.node.name + ".gdb-target"), commands,
                  timeout=30 * timeout_scale, cmdline=cmdline)
    return out, booted[0]


# The RFLAGS bits SFMASK must clear on entry (the lab 3 handout, §4.1).  QEMU clears DF on SYSCALL by itself.
ENTRY_FLAGS = {"TF": 1 << 8, "IF": 1 << 9, "DF": 1 << 10, "NT": 1 << 14, "AC": 1 << 18}


@pytest.mark.points(4)
def test_syscall_entry_flags(machine, kernel_elf, log_dir, timeout_scale, request):
    # GDB prints RFLAGS at syscall_entry's first instruction for every call
    # entryflags makes; one of them is made with DF, NT and AC set (and IF,
    # as always in user mode).  Each must be clear in the kernel, whatever
    # the caller left in it: test_syscall_with_trap_flag sees TF alone.
    out, m = gdb_session(machine, kernel_elf, log_dir, timeout_scale, request, "run=entryflags",
                         ['dprintf syscall_entry,"entry rflags %#x\\n",$eflags + 0', "continue"])
    assert m.wait_exit() == Outcome.EXIT, "entryflags should run to its end and the kernel exit QEMU:\n" + out[-1500:]
    printed = m.output
    assert "entryflags: self with DF, NT and AC set: ok\nentryflags: after SYSRET: IF set, DF/NT/AC set\n" in printed, \
        "entryflags did not make its call with the flags set, or SYSRET did not restore them (IF, in user mode, is " \
        "the first context's: Exercise 15):\n" + printed[-1500:]
    entries = [int(v, 16) for v in re.findall(r"^entry rflags (0x[0-9a-f]+|0)$", out, re.M)]
    assert len(entries) >= 3, "GDB saw no system call at syscall_entry:\n" + out[-1500:]
    left = sorted({name for flags in entries for name, bit in ENTRY_FLAGS.items() if flags & bit})
    assert not left, "the kernel ran with %s set on entry (SFMASK must clear TF, IF, DF, NT and AC); RFLAGS at " \
        "syscall_entry: %s" % (", ".join(left), ", ".join("%#x" % f for f in entries))


# Two GS bases GDB sets before the domain first runs: the kernel's, and the user's SWAPGS parks.
KERNEL_GS_BASE, USER_GS_BASE = 0xFFFF8000C0FFEE00, 0x5E5E00
# The words of the frame GDB prints at syscall_dispatch's first instruction (trap.h's names).
FRAME_WORDS = ("rip", "cs", "rflags", "rsp", "ss", "vector", "error_code", "rax")


@pytest.mark.points(5)
def test_syscall_frame(machine, kernel_elf, log_dir, timeout_scale, request):
    # syscall_entry must build the TrapFrame a trap from ring 3 builds: GDB
    # prints each word of the frame syscall_dispatch gets, and rsp & 15 on
    # its first instruction (8: the C++ ABI's stack, 16-byte aligned before
    # the call), and the GS base in effect there.  Before the domain first
    # runs GDB gives the kernel and the user distinct GS bases, so a
    # SWAPGS missing on entry or on exit shows (DESIGN §3.2's discipline,
    # the handout's §3.5).  syscallframe makes one call with CF and AC set
    # and prints its rip (the address after its syscall), rsp and rflags:
    # that call's frame must hold exactly those, and every frame the user
    # selectors, vector 0x100 and error code 0.
    fields = " ".join("%s %%#lx" % word for word in FRAME_WORDS)
    values = ", ".join("((TrapFrame*)$rdi)->%s" % word for word in FRAME_WORDS)
    out, m = gdb_session(machine, kernel_elf, log_dir, timeout_scale, request, "run=syscallframe",
                         ["break domain::run", "continue", "delete",
                          "set $gs_base = %#x" % KERNEL_GS_BASE, "set $k_gs_base = %#x" % USER_GS_BASE,
                          'dprintf *syscall_dispatch,"frame %s align %%ld gs %%#lx\\n",%s,(long)$rsp & 15,$gs_base'
                          % (fields, values),
                          "continue"])
    assert m.wait_exit() == Outcome.EXIT, "syscallframe should run to its end and the kernel exit QEMU:\n" + out[-1500:]
    made = re.search(r"syscallframe: self ok; rip (0x[0-9a-f]+) rsp (0x[0-9a-f]+) rflags (0x[0-9a-f]+)", m.output)
    assert made, "syscallframe did not make its call:\n" + m.output[-1500:]
    rip, rsp, rflags = (int(v, 16) for v in made.groups())
    frames = [dict(zip(FRAME_WORDS + ("align", "gs"), (int(v, 0) for v in found)))
              for found in re.findall(r"^frame " + " ".join(r"%s (0x[0-9a-f]+|0)" % w for w in FRAME_WORDS)
                                      + r" align (-?\d+) gs (0x[0-9a-f]+|0)$", out, re.M)]
    assert len(frames) >= 3, "GDB saw no system call reach syscall_dispatch:\n" + out[-1500:]
    for frame in frames:
        wrong = ["%s %#x (want %#x)" % (word, frame[word], want)
                 for word, want in (("cs", 0x23), ("ss", 0x1B), ("vector", 0x100), ("error_code", 0), ("align", 8),
                                    ("gs", KERNEL_GS_BASE))
                 if frame[word] != want]
        assert not wrong, "a system call's frame at syscall_dispatch: %s (align is rsp & 15 at its first " \
            "instruction); the frame: %s" % (", ".join(wrong), frame)
    ours = [frame for frame in frames if frame["rip"] == rip]
    assert ours, "no frame has rip %#x, the address after syscallframe's syscall; rips seen: %s" % (
        rip, ", ".join("%#x" % frame["rip"] for frame in frames))
    want = {"rsp": rsp, "rflags": rflags, "rax": 2}
    wrong = ["%s %#x (want %#x)" % (word, ours[0][word], value) for word, value in want.items() if ours[0][word] != value]
    assert not wrong, "the frame of syscallframe's call (rax is the call number, sys_self's 2): " + ", ".join(wrong)


@pytest.mark.points(5)
def test_testbss(machine):
    run = run_program(machine, "testbss")
    assert_exited(run, "testbss")
    assert run.lines("testbss")[-1:] == ["ok"], "testbss printed:\n" + run.printed


@pytest.mark.points(4)
def test_syscall_numbers(machine):
    got, _ = lines_split(machine, "sysargs", "number ")
    expected = ["number just past the table: NotImplemented", "number 255: NotImplemented",
                "number -1: NotImplemented",
                "number 2^32 + self's: NotImplemented",    # rax is 64 bits: no truncation to a call
                "number 2^63 + self's: NotImplemented", "number -2^32 + self's: NotImplemented",
                "number self's: ok"]
    assert got == expected, "system calls by number (the dispatch table):\n" + "\n".join(got)


@pytest.mark.points(4)
def test_syscall_arguments(machine):
    _, got = lines_split(machine, "sysargs", "number ")
    expected = ["argument 1 (dom) names no domain: NoSuchDomain", "argument 2 (va) unaligned: InvalidArgument",
                "argument 3 (pfn) past the frame table: InvalidArgument",
                "argument 4 (perm) an unknown bit: InvalidArgument",   # r10, not rcx (the return rip)
                "argument 4 (perm) read-only: ok", "argument 4 (perm) writable: ok",
                "argument 4 (perm) gives the rights asked for: yes",
                "cputs of this line", "argument cputs of a line: ok",
                "argument cputs of a kernel address: BadAddress"]
    assert got == expected, "each argument from its register:\n" + "\n".join(got)


def assert_kernel_check(machine, name):
    """Boots run=<name>, a kernel self-check, and fails with its reasons
    unless it prints "check <name>: ok"."""
    m = machine(cmdline="run=" + name)
    m.expect(r"run=%s: done" % name, timeout=30)
    assert m.wait_exit() == Outcome.EXIT
    verdict = re.search(r"^check %s: (ok|FAILED)$" % name, m.output, re.M)
    assert verdict, "the kernel printed no 'check %s:' line:\n%s" % (name, m.output[-600:])
    assert verdict.group(1) == "ok", "check %s failed:\n%s" % (
        name, "\n".join(re.findall(r"^  check failed at .*$", m.output, re.M)))


@pytest.mark.points(5)
def test_domain_table(machine):
    # Exercise 13 alone: the kernel fills the table, destroys part of it and
    # checks ids, entries and the tree, with no program loaded.
    assert_kernel_check(machine, "domaintable")


@pytest.mark.points(5)
def test_user_copies(machine):
    # Exercises 1 and 16: copies across the edge of two pages whose frames
    # are not neighbours, refused copies that touch nothing, ranges that wrap.
    assert_kernel_check(machine, "usermem")


@pytest.mark.points(4)
def test_destroy(machine):
    # Exercise 17: a domain whose tables are in CR3 (as when it exits) is
    # destroyed; its tables and frames come back, mapped or never mapped,
    # but not a frame another domain still maps, until that one goes too.
    assert_kernel_check(machine, "destroy")


@pytest.mark.points(4)
def test_loader_pages(machine):
    # Exercises 2 and 15: a program the ELF format allows but user.ld.S
    # never links (code 16 bytes into a page, data 16 bytes before a page's
    # end, its bss over two more pages) loads with each byte where it
    # belongs, zeros elsewhere, the segments' rights and every frame
    # counted; a load left one free frame gives back the frame of the page
    # whose table it could not have.
    assert_kernel_check(machine, "loadcheck")


@pytest.mark.points(3)
def test_domain_info(machine):
    run = run_program(machine, "domaininfo")
    assert_exited(run, "domaininfo")
    lines = run.lines("domaininfo")
    runs = re.fullmatch(r"id 1, parent 0, state 3, runs (\d+)", lines[0]) if lines else None   # 3: Running
    assert runs and int(runs.group(1)) >= 1, "domain 1's id, parent, state and runs:\n" + run.printed
    expected = ["root_pfn is its own page table", "its PML4's entry count agrees with its present entries",
                "frames agrees with the frame table",
                "after frame_alloc, frames 1 more and agrees with the frame table",
                "after frame_free (ok), frames 0 more and agrees with the frame table", "%d other slots free" % (64 - 2)]
    assert lines[1:] == expected, "domain 1's exported entry:\n" + run.printed


@pytest.mark.points(5)
def test_first_context(machine):
    # Exercise 15: the user stack and the context a program starts from.
    run = run_program(machine, "firstcontext")
    assert not (run.kill and run.kill.address == USTACK_TOP), "firstcontext read argv at USTACK_TOP: the first " \
        "rsp was below USTACK_TOP, so crt0 took what lay there for argc and argv (%s)" % run.kill.line
    assert_exited(run, "firstcontext")
    expected = ["cs 0x23 ss 0x1b", "interrupts on, IOPL/TF/DF/NT/AC clear",
                "rsp within the top page of the stack: yes", "top page: user rw nx", "bottom page: user rw nx",
                "guard page: unmapped", "arguments: argc 0, argv[0] null"]
    assert run.lines("firstcontext") == expected, "the program's first context and stack:\n" + run.printed


# -- exceptions in user mode kill the domain, not the kernel ----------------

@pytest.mark.points(5)
def test_divzero(machine, build_dir):
    run = run_program(machine, "divzero")
    assert_killed(run, "divzero", "divide error", 0)
    assert_in_main(build_dir, "divzero", run.kill)
    _, at = instruction_before_and_at(build_dir, "divzero", run.kill.rip)
    assert at == "div", "a divide error is a fault: rip should point at the div, not at %s" % at
    assert run.kill.error is None and run.kill.address is None, "#DE has no error code: " + run.kill.line


@pytest.mark.points(5)
def test_breakpoint(machine, build_dir):
    run = run_program(machine, "breakpoint")
    assert_killed(run, "breakpoint", "breakpoint", 3)
    assert_in_main(build_dir, "breakpoint", run.kill)
    before, _ = instruction_before_and_at(build_dir, "breakpoint", run.kill.rip)
    assert before == "int3", "int3 is a trap: rip should point just after it"


# program: (address, decoded error code)
PAGE_FAULTS = {
    "faultread": (0, "read, not present, user"),
    "faultwrite": (0, "write, not present, user"),
    "faultreadkernel": (PHYSMAP_KERNEL_IMAGE, "read, present, user"),
    "faultwritekernel": (PHYSMAP_KERNEL_IMAGE, "write, present, user"),
}


@pytest.mark.points(3)
@pytest.mark.parametrize("program", list(PAGE_FAULTS))
def test_page_fault(machine, build_dir, program):
    address, decoded = PAGE_FAULTS[program]
    run = run_program(machine, program)
    assert_killed(run, program, "page fault", 14)
    assert run.kill.address == address, "the fault address (CR2) should be %016x: %s" % (address, run.kill.line)
    assert run.kill.decoded is not None and run.kill.decoded.startswith(decoded), \
        "expected the error code to read '%s': %s" % (decoded, run.kill.line)
    assert_in_main(build_dir, program, run.kill)


@pytest.mark.points(2)
@pytest.mark.parametrize("instruction", ["hlt", "cli", "outb"])
def test_privileged(machine, build_dir, instruction):
    program = "privileged_" + instruction
    run = run_program(machine, program)
    assert_killed(run, program, "general protection", 13)
    _, at = instruction_before_and_at(build_dir, program, run.kill.rip)
    assert at is not None and at.startswith(instruction[:3]), \
        "rip should point at the %s, not at %s" % (instruction, at)


# -- what the CPU refuses user code (and the kernel) -------------------------

@pytest.mark.points(2)
def test_cpu_protections_reported(machine):
    m = machine()
    line = m.expect(r"cpu: protections: ([^\n]*)\n").group(1)
    assert line == "nx wp smep smap umip, ldt null", \
        "under QEMU's %s every protection should be on, and LDTR null; the kernel printed: %s" % (QEMU_CPU, line)


@pytest.mark.points(2)
def test_ldtselector(machine, build_dir):
    run = run_program(machine, "ldtselector")
    assert_killed(run, "ldtselector", "general protection", 13)
    assert run.kill.error == 0x4 and run.kill.decoded == "LDT selector 0x0", \
        "loading selector 0x7 must be refused because there is no LDT (LDTR null): " + run.kill.line
    _, at = instruction_before_and_at(build_dir, "ldtselector", run.kill.rip)
    assert at == "mov", "rip should point at the mov to fs, not at %s" % at


@pytest.mark.points(2)
def test_sgdt(machine, build_dir):
    run = run_program(machine, "sgdt")
    assert_killed(run, "sgdt", "general protection", 13)
    _, at = instruction_before_and_at(build_dir, "sgdt", run.kill.rip)
    assert at == "sgdt", "with UMIP on, sgdt itself faults: rip should point at it, not at %s" % at


KERNEL_FAULT_RE = (r"kernel fault: page fault \(vector 14\) at rip (?P<rip>[0-9a-f]{16}) <(?P<symbol>[^>]*)>, "
                   r"error 0x(?P<error>[0-9a-f]+) \((?P<decoded>[^)]*)\), address (?P<address>[0-9a-f]{16})\n")


def user_page_fault(machine, test):
    """Boots run=<test> (a self-test that maps a user page at USER_BASE in
    the kernel's space and touches it from ring 0) and returns the kernel
    fault line's match; QEMU must stop with the failure code."""
    m = machine(cmdline="run=" + test)
    fault = m.expect(KERNEL_FAULT_RE)
    assert m.wait_exit() == Outcome.FAILURE, "a kernel fault stops QEMU with the failure code"
    assert "is off" not in m.output, "the kernel touched the user page and ran on"
    assert int(fault.group("address"), 16) == 0x400000, "the fault should be at USER_BASE: " + fault.group(0)
    return fault


@pytest.mark.points(2)
def test_smap_kernel_reads_user_page(machine):
    fault = user_page_fault(machine, "kernel_reads_user_page")
    assert fault.group("symbol").startswith("selftest::kernel_reads_user_page+"), fault.group(0)
    assert (fault.group("error"), fault.group("decoded")) == ("1", "read, present, kernel"), \
        "SMAP: a kernel read of a present user page is a protection fault: " + fault.group(0)


@pytest.mark.points(2)
def test_smep_kernel_runs_user_page(machine):
    fault = user_page_fault(machine, "kernel_runs_user_page")
    assert int(fault.group("rip"), 16) == 0x400000, "the fetch at the user page itself faults: " + fault.group(0)
    assert (fault.group("error"), fault.group("decoded")) == ("11", "instruction fetch, present, kernel"), \
        "SMEP: ring 0 fetching from a present user page is a protection fault: " + fault.group(0)


# -- system calls check every argument ----------------------------------------

@pytest.mark.points(5)
def test_buggyhello(machine):
    run = run_program(machine, "buggyhello")
    assert_exited(run, "buggyhello")
    assert run.printed == "buggyhello: sys_cputs(0x1, 1) returned -3 (BadAddress)\n", \
        "sys_cputs of an unmapped pointer must return BadAddress and print nothing; got:\n" + run.printed


@pytest.mark.points(6)
def test_evilhello(machine):
    run = run_program(machine, "evilhello")
    assert_exited(run, "evilhello")
    results = run.lines("evilhello")
    assert len(results) == 4 and all(r.endswith("returned -3 (BadAddress)") for r in results), \
        "each sys_cputs of kernel memory must return BadAddress:\n" + run.printed
    others = [line for line in run.printed.splitlines() if not line.startswith("evilhello: ")]
    assert not others, "kernel memory reached the console:\n%r" % "\n".join(others)


@pytest.mark.points(5)
def test_bigcputs(machine):
    run = run_program(machine, "bigcputs")
    assert_exited(run, "bigcputs")
    lines = run.lines("bigcputs")
    assert lines[-3:] == ["32000 bytes: ok (32000)", "64 KiB + 1: InvalidArgument", "into an unmapped page: BadAddress"], \
        "sys_cputs results:\n" + "\n".join(lines[-3:])
    printed = [line for line in lines if line.startswith("line ")]
    assert printed == ["line %03d %s" % (n, "".join(chr(97 + i % 26) for i in range(19, 79))) for n in range(400)], \
        "the 32000 bytes did not reach the console whole (%d of 400 lines)" % len(printed)
    assert "#" not in run.printed, "a buffer refused with BadAddress must print nothing:\n" + run.printed[-400:]


@pytest.mark.points(6)
def test_mapunowned(machine):
    run = run_program(machine, "mapunowned")
    assert_exited(run, "mapunowned")
    got = dict(re.findall(r"^map (.+?) \(frame [0-9a-f]+\): (\w+)$", "\n".join(run.lines("mapunowned")), re.M))
    expected = {"kernel image": "AccessDenied", "frame table": "AccessDenied", "free frame": "AccessDenied",
                "own page table": "AccessDenied", "beyond the table": "InvalidArgument", "own frame": "ok"}
    assert got == expected, "sys_map results:\n" + run.printed


@pytest.mark.points(6)
def test_mapkernel(machine):
    run = run_program(machine, "mapkernel")
    assert_exited(run, "mapkernel")
    got = re.findall(r"^map at ([0-9a-f]{16}) \[(.+)\]: (\w+)$", "\n".join(run.lines("mapkernel")), re.M)
    assert len(got) == 10 and got[-1][1:] == ("user", "ok"), "mapkernel printed:\n" + run.printed
    wrong = ["  %s [%s]: %s" % g for g in got[:-1] if g[2] != "InvalidArgument"]
    assert not wrong, "sys_map outside [USER_BASE, USER_TOP) must fail with InvalidArgument:\n" + "\n".join(wrong)


MAPCOMMIT_REFUSALS = [
    ("map over it, unknown perm bit", "InvalidArgument"), ("map over it into no domain", "NoSuchDomain"),
    ("map over it, a frame past the table", "InvalidArgument"), ("map over it, the kernel's frame", "AccessDenied"),
    ("map at it plus 8", "InvalidArgument"), ("map far away, unknown perm bit", "InvalidArgument"),
    ("map far away, a frame past the table", "InvalidArgument"), ("map far away into no domain", "NoSuchDomain"),
    ("map at the null page", "InvalidArgument"), ("map at USER_TOP", "InvalidArgument"),
    ("map over UVPT", "InvalidArgument"), ("map in the kernel half", "InvalidArgument"),
    ("unmap it plus 8", "InvalidArgument"), ("unmap it in no domain", "NoSuchDomain"),
    ("unmap far away", "NotMapped"), ("unmap UVPT", "InvalidArgument"), ("unmap UFRAMES", "InvalidArgument"),
    ("unmap the kernel half", "InvalidArgument"),
]


@pytest.mark.points(6)
def test_map_validates_then_commits(machine):
    # Exercise 14: each refused map or unmap leaves the mapping already at
    # the page, and the domain's page tables, exactly as they were.
    run = run_program(machine, "mapcommit")
    assert_exited(run, "mapcommit")
    expected = ["%s: %s, nothing changed" % r for r in MAPCOMMIT_REFUSALS] + ["page tables: as many as before"]
    assert run.lines("mapcommit") == expected, "refused calls of map and unmap:\n" + run.printed


# -- frames and the exported windows ------------------------------------------

@pytest.mark.points(5)
def test_framewant(machine):
    run = run_program(machine, "framewant")
    assert_exited(run, "framewant")
    expected = ["a free frame: ok", "got exactly the frame asked for, owned by this domain",
                "the same frame again: Busy", "a kernel frame: Busy",
                "beyond the table: InvalidArgument", "a free frame's number plus 2^32: InvalidArgument",
                "map it: ok", "free it while mapped: ok",
                "ask for it while still mapped: Busy",   # released, but a mapping still refers to it
                "unmap it: ok", "ask for it once unmapped: ok", "map it again: ok",
                "it came back zeroed", "unmap it: ok", "free it: ok"]
    assert run.lines("framewant") == expected, "framewant printed:\n" + run.printed


@pytest.mark.points(5)
def test_frame_free_authority(machine):
    got, _ = lines_split(machine, "authority", "free ")
    expected = ["free kernel image: AccessDenied", "free frame table: AccessDenied", "free free frame: AccessDenied",
                "free own page table: AccessDenied",   # the domain's, but a page table: freed, it is still in use
                "free beyond the table: InvalidArgument", "free own frame: ok",
                "free it again: AccessDenied"]         # released already: a double free
    assert got == expected, "sys_frame_free results:\n" + "\n".join(got)


@pytest.mark.points(4)
def test_domain_argument(machine):
    _, got = lines_split(machine, "authority", "free ")
    expected = ["map into an unused id: NoSuchDomain", "map into an id past the table: NoSuchDomain",
                "map into own id plus 2^32: NoSuchDomain", "unmap in an unused id: NoSuchDomain",
                "destroy an unused id: NoSuchDomain", "map into own id: ok", "unmap in own id: ok"]
    assert got == expected, "the memory calls' domain argument:\n" + "\n".join(got)


@pytest.mark.points(6)
def test_frameexhaust(machine):
    m = machine(cmdline="run=frameexhaust")
    boot_free = int(m.expect(r"mm: kernel address space ready; (\d+) of \d+ frames free").group(1))
    m.expect(r"domain \d+ \(frameexhaust\) (exited|killed)", timeout=60)
    m.expect(r"all domains exited\n")
    assert m.wait_exit() == Outcome.EXIT
    out = m.output
    assert "domain 1 (frameexhaust) exited" in out, "frameexhaust did not exit normally"
    before = int(re.search(r"^frameexhaust: (\d+) frames free before$", out, re.M).group(1))
    got = re.search(r"^frameexhaust: allocated (\d+) frames until (\w+); (\d+) free then$", out, re.M)
    assert got, "frameexhaust did not report its allocations:\n" + out
    allocated, error, free_then = int(got.group(1)), got.group(2), int(got.group(3))
    after = int(re.search(r"^frameexhaust: freed \d+ frames; (\d+) free after$", out, re.M).group(1))
    assert error == "NoMemory", "sys_frame_alloc should end with NoMemory, not " + error
    assert allocated == before and free_then == 0, \
        "every free frame should be allocatable: %d free, %d allocated, %d left" % (before, allocated, free_then)
    assert before > boot_free - 1024, "%d frames free at boot, only %d for the program" % (boot_free, before)
    assert after == before, "frames lost: %d free before, %d after freeing them all" % (before, after)
    assert re.search(r"^frameexhaust: allocating once more: ok$", out, re.M), "memory did not come back"


@pytest.mark.points(6)
def test_readwindows(machine):
    run = run_program(machine, "readwindows")
    for page in ("text", "data"):
        read = re.search(r"^%s page [0-9a-f]{16}: pte [0-9a-f]+, frame [0-9a-f]+, owner (\d+), kind (\d+)" % page,
                         "\n".join(run.lines("readwindows")), re.M)
        assert read, "readwindows did not read its %s page:\n%s" % (page, run.printed)
        assert read.groups() == (str(run.domain), "3"), "UFRAMES: the %s frame should be this domain's, kind User" % page
    assert "reads ok" in run.lines("readwindows"), "the reads through UVPT/UFRAMES failed:\n" + run.printed
    target = int(re.search(r"^readwindows: writing to UVPT at ([0-9a-f]{16})$", run.printed, re.M).group(1), 16)
    assert_killed(run, "readwindows", "page fault", 14)
    assert run.kill.address == target, "the fault should be at the UVPT address written: " + run.kill.line
    assert run.kill.decoded.startswith("write, present, user"), "UVPT must be mapped read-only: " + run.kill.line


@pytest.mark.points(6)
def test_mapself(machine):
    run = run_program(machine, "mapself")
    expected = ["map first frame: ok", "map second frame over it: ok", "unmap: ok", "unmap again: NotMapped",
                "ok; touching the unmapped page at 0000000010000000"]
    assert run.lines("mapself") == expected, "mapself printed:\n" + run.printed
    assert_killed(run, "mapself", "page fault", 14)
    assert run.kill.address == 0x10000000 and run.kill.decoded.startswith("read, not present, user"), \
        "after sys_unmap the page must be gone (and out of the TLB): " + run.kill.line


# -- programs the kernel must refuse ------------------------------------------

def assert_refused(machine, kind):
    program = "badelf_" + kind
    m = machine(cmdline="run=" + program)
    verdict = m.expect(r"run=%s: cannot load: ([^\n]*)\n|domain \d+ \(%s\) started\n" % (program, program))
    assert verdict.group(1) is not None, "the kernel started %s: the rule tools/mkbadelf's kind '%s' breaks " \
        "went unchecked (the lab 3 handout's table of kinds says which)" % (program, kind)
    reason = verdict.group(1)
    assert reason.strip(), "the kernel should say what is wrong with the ELF file"
    assert m.wait_exit() == Outcome.FAILURE, "a program that cannot be loaded ends the boot with the failure code"
    assert "started" not in m.output, "the kernel started a malformed program"


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", BADELF_HEADER_KINDS)
def test_badelf_header(machine, kind):
    assert_refused(machine, kind)


@pytest.mark.points(1)
@pytest.mark.parametrize("kind", BADELF_SEGMENT_KINDS)
def test_badelf_segment(machine, kind):
    assert_refused(machine, kind)


@pytest.mark.points(2)
@pytest.mark.parametrize("kind", BADELF_PROGRAM_KINDS)
def test_badelf_program(machine, kind):
    assert_refused(machine, kind)


@pytest.mark.points(3)
def test_badelf_reads_only_the_image(machine, kernel_elf, log_dir, timeout_scale, request):
    # badelf_phoff's e_phoff is 2^64 - 8: phoff + phnum * 56 wraps to a
    # small number, and a check that tests that sum accepts a table
    # 8 bytes before the image.  The file is refused later either way (the
    # bytes there are no valid table), so GDB watches those 8 bytes from
    # loader::load's first instruction (rsi: the image) until QEMU exits.
    out, m = gdb_session(machine, kernel_elf, log_dir, timeout_scale, request, "run=badelf_phoff",
                         ["break *loader::load", "continue", 'printf "image at %#lx\\n", $rsi',
                          'eval "rwatch *(long *)%lu", $rsi - 8', "continue"])
    assert re.search(r"^image at 0x[0-9a-f]+$", out, re.M), "GDB did not stop in loader::load:\n" + out[-1500:]
    hit = out.split("Value = ", 1)
    assert len(hit) == 1, "the kernel read the 8 bytes before badelf_phoff's image: check_program accepted a " \
        "program header table outside the file (phoff + phnum * 56 wrapped past 2^64); GDB stopped at:\n" + \
        "Value = " + "\n".join(hit[-1].splitlines()[:3])
    m.expect(r"run=badelf_phoff: cannot load: ")
    assert m.wait_exit() == Outcome.FAILURE, "a program that cannot be loaded ends the boot with the failure code"


@pytest.mark.points(3)
def test_refused_program_leaves_no_domain(machine, kernel_elf, log_dir, timeout_scale, request):
    # A program refused by the loader ends the boot, so nothing in it can
    # see what the refusal left behind: GDB looks at the domain table when
    # the kernel exits QEMU.  badelf_entry passes every check but the last
    # one, so its domain (id 1) exists when it is refused.
    out, m = gdb_session(machine, kernel_elf, log_dir, timeout_scale, request, "run=badelf_entry",
                         ["break qemu_exit", "continue", 'printf "slot 1: id %u, exported id %u, frames %lu\\n", '
                          "domain::detail::table[1].id, domain::detail::exported[1].id, "
                          "domain::detail::exported[1].frames", "kill"])
    slot = re.search(r"^slot 1: id (\d+), exported id (\d+), frames (\d+)$", out, re.M)
    assert slot, "GDB did not stop at qemu_exit:\n" + out[-1500:]
    m.expect(r"run=badelf_entry: cannot load: ")
    assert slot.groups() == ("0", "0", "0"), "after `cannot load` the refused program's domain is still in the " \
        "table (%s): start_program must destroy it before giving up" % slot.group(0)


@pytest.mark.points(3)
def test_unknown_program(machine):
    m = machine(cmdline="run=nosuchprogram")
    m.expect(r"run=nosuchprogram: no such program\n")
    assert m.wait_exit() == Outcome.FAILURE


# -- debugging user code ---------------------------------------------------------

@pytest.mark.points(2)
def test_gdb_breaks_in_user_main(machine, kernel_elf, log_dir, timeout_scale, request):
    out = run_gdb(machine, kernel_elf, os.path.join(log_dir, request.node.name + ".gdb-target"),
                  ["user-symbols hello", "break main", "continue", "bt", "print $cs"],
                  timeout=30 * timeout_scale, cmdline="run=hello")
    assert re.search(r"Breakpoint 1, main \(\) at user/bin/hello\.cc:\d+", out), \
        ".gdbinit's user-symbols should let GDB stop in hello's main:\n" + out
    assert re.search(r"^\$1 = 35$", out, re.M), "main runs in ring 3: cs should be 0x23 (35):\n" + out


# -- the reference handout -----------------------------------------------------

@pytest.mark.points(3)
def test_abi_reference_up_to_date():
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "abi.md")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen-abi-md"), "-o", fresh], check=True)
        with open(fresh) as f, open(os.path.join(ROOT, "handouts", "abi.md")) as g:
            assert f.read() == g.read(), "handouts/abi.md is out of date with kernel/abi/: run `make abi`"
