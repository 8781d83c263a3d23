"""Lab 1 (boot): banner, printf, backtrace, memory map, monitor, panic, GDB."""

import os
import re
import struct
import subprocess

import pytest

from gdbbatch import run_gdb
from qemu import Outcome

FRAME_RE = re.compile(r"#(\d+)\s+rbp ([0-9a-f]{16})\s+rip ([0-9a-f]{16})\s+(?:(.+?)\+0x([0-9a-f]+)|<unknown>)"
                      r"\s+args ([0-9a-f]+) ([0-9a-f]+)")
REGION_RE = re.compile(r"^\s*\[([0-9a-f]+)-([0-9a-f]+)\)\s+\d+ KiB\s+(.+)$", re.M)
MEMORY_RE = re.compile(r"memory: (\d+) KiB usable in (\d+) regions \((\d+) MiB\)")
PROMPT = "K> "


def boot_to_prompt(machine, **kw):
    """Boots and waits for the monitor's first prompt; returns (machine, boot output)."""
    m = machine(**kw)
    m.expect(r"exolab: x86-64 exokernel")
    m.expect(PROMPT)
    return m, m.output


def search(pattern, text, what):
    """re.search that fails the test with `what` and the text it searched."""
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, re.M)
    found = regex.search(text)
    assert found, "%s: no match for /%s/ in:\n%s" % (what, regex.pattern, text)
    return found


@pytest.mark.points(5)
def test_banner(machine):
    _, boot = boot_to_prompt(machine)
    assert "cmdline: \n" in boot, "with no command line the kernel should print an empty one"


@pytest.mark.points(3)
def test_long_mode_required(machine):
    m = machine(cpu="qemu32")
    m.expect(r"exolab boot: this CPU does not support x86-64 long mode")
    assert m.wait_exit() == Outcome.FAILURE


# Each case: the format the kernel prints, its arguments, and the exercise
# it grades (None: provided code).  The expected result is C's, recomputed
# here with Python's % (which agrees with C for these conversions once the
# length modifiers are dropped), except where EXPECTED_PRINTF gives it: C
# types that Python's integers do not have, and the '0' flag of a string.
PRINTF_CASES = [
    ("%d", (0,), None), ("%d", (1234,), None), ("%u", (4000000000,), None), ("%x", (0xdeadbeef,), None),
    ("%X", (0xcafe42,), None), ("%o", (8,), None), ("%o", (0o755,), None), ("%c%c%c", ("e", "x", "o"), None),
    ("%s", ("exolab",), None), ("%.3s", ("exolab",), None), ("%s", None, None), ("%d%%", (100,), None),
    ("%x %d %s", (255, 7, "mixed"), None),
    ("%5d", (42,), 1), ("%-5d|", (42,), 1), ("%05ld", (-42,), 1), ("%-05d|", (42,), 1), ("%-4ld|", (-7,), 1),
    ("%2d", (12345,), 1), ("%08x", (0xbeef,), 1), ("%-6x|", (255,), 1), ("%p", None, 1), ("%3c|", ("x",), 1),
    ("%8s|", ("exo",), 1), ("%-8s|", ("exo",), 1), ("%08s|", None, 1), ("%*d", (6, 7), 1),
    ("%d", (-2**31,), 2), ("%i", (-56789,), 2), ("%d", (-1,), 2), ("%u", None, 2), ("%x", None, 2),
    ("%ld", (-2**63,), 2), ("%lu", (2**64 - 1,), 2), ("%llx", (0x123456789abcdef0,), 2),
    ("%lld", (-1234567890123,), 2), ("%zu", (4096,), 2), ("%zx", (0x123456789ab,), 2),
    ("%zd", (-5000000000,), 2),
    ("%hd", None, 2), ("%hu", None, 2), ("%hx", None, 2),
    ("%hhd", None, 2), ("%hhu", None, 2), ("%hhx", None, 2), ("%hu|", None, 2), ("%hx|", None, 2),
    ("%u|", None, 2), ("%d|", None, 2), ("%x|", None, 2),
]
EXPECTED_PRINTF = {  # (format, exercise) -> C's result
    ("%s", None): "(null)", ("%p", 1): "0xffffffff80100000", ("%08s|", 1): "     exo|",
    ("%u", 2): "4294967295", ("%x", 2): "ffffffff", ("%hd", 2): "-1234", ("%hu", 2): "4464", ("%hx", 2): "2345",
    ("%hhd", 2): "-56", ("%hhu", 2): "44", ("%hhx", 2): "ff",
    ("%hu|", 2): "40000|", ("%hx|", 2): "8001|",  # bit 15 set: an unsigned short is not sign-extended
    # an int whose register holds junk above bit 31 (printf_test.cc): read only the int
    ("%u|", 2): "42|", ("%d|", 2): "-1|", ("%x|", 2): "beef|",
}


def expected_printf(fmt, args, exercise):
    if args is None:
        return EXPECTED_PRINTF[(fmt, exercise)]
    return re.sub(r"(ll|l|z)(?=[diuxXo])", "", fmt) % args


def check_printf(machine, exercise, what):
    """Boots run=printf and checks the cases of `exercise` (None: provided code)."""
    m = machine(cmdline="run=printf")
    m.expect(r"run=printf: done")
    got = re.findall(r"^printf (.*) => \[(.*)\]$", m.output, re.M)
    assert [f for f, _ in got] == [c[0] for c in PRINTF_CASES], "the kernel printed a different list of cases"
    wrong = ["  %-10s expected [%s], got [%s]" % (fmt, expected_printf(fmt, args, ex), out)
             for (fmt, args, ex), (_, out) in zip(PRINTF_CASES, got)
             if ex == exercise and out != expected_printf(fmt, args, ex)]
    assert not wrong, "%d printf cases of %s are wrong:\n%s" % (len(wrong), what, "\n".join(wrong))


@pytest.mark.points(3)
def test_printf(machine):
    check_printf(machine, None, "the conversions (provided code)")


@pytest.mark.points(5)
def test_printf_fields(machine):
    check_printf(machine, 1, "field layout (Exercise 1, put_field)")


@pytest.mark.points(5)
def test_printf_lengths(machine):
    check_printf(machine, 2, "lengths and signedness (Exercise 2, next_integer)")


def parse_frames(text):
    return [{"n": int(n), "rbp": int(rbp, 16), "rip": int(rip, 16), "name": name,
             "offset": int(off, 16) if off else None, "args": (int(a1, 16), int(a2, 16))}
            for n, rbp, rip, name, off, a1, a2 in (f.groups() for f in FRAME_RE.finditer(text))]


def backtrace_frames(machine, kernel_symbols):
    """The frames of run=backtrace, each with "owner": the function (from nm) that holds its rip."""
    m = machine(cmdline="run=backtrace")
    m.expect(r"run=backtrace: done")
    frames = parse_frames(m.output)
    assert frames, ("no frame lines ('#N rbp ... rip ... name+0xoff args ...') after 'Stack backtrace:': "
                    "backtrace_from (Exercise 3) printed no frame")
    for f in frames:
        f["owner"] = function_at(kernel_symbols, f["rip"] if f["n"] == 0 else f["rip"] - 1)
    return frames


def function_at(kernel_symbols, address):
    """(name, start) of the kernel function holding address, or (None, None)."""
    for name, (start, size) in kernel_symbols.items():
        if start <= address < start + size:
            return name, start
    return None, None


@pytest.mark.points(5)
def test_backtrace_walk(machine, kernel_symbols):
    frames = backtrace_frames(machine, kernel_symbols)
    assert [f["n"] for f in frames] == list(range(len(frames))), "frames are not numbered #0, #1, ..."
    owners = [f["owner"][0] for f in frames]
    assert owners[0] == "backtrace", "frame #0's rip should be in backtrace, it is in %s" % owners[0]
    assert owners[1:7] == ["test_backtrace"] * 6, \
        "the rips of frames #1-#6 should be in the 6 test_backtrace calls: %s" % owners
    assert owners[-1] == "kmain", "the walk should end at kmain (boot.asm clears rbp): %s" % owners
    rbps = [f["rbp"] for f in frames]
    assert rbps == sorted(set(rbps)), "frame pointers must grow towards the stack's base: %s" % rbps


@pytest.mark.points(5)
def test_backtrace_args(machine, kernel_symbols):
    frames = backtrace_frames(machine, kernel_symbols)
    calls = [f for f in frames if f["owner"][0] == "test_backtrace"]
    depths = [f["args"][0] for f in calls]
    assert depths == [0, 1, 2, 3, 4, 5], "test_backtrace depths (first stack word) should be 0..5: %s" % depths
    assert all(f["args"][1] == 0xb7ace for f in calls), "the second stack word of each call is 0xb7ace"


@pytest.mark.points(5)
def test_backtrace_corrupt_chain(machine):
    m = machine(cmdline="run=badframes")
    m.expect(r"run=badframes: done")
    cases = dict(re.findall(r"^badframes (\w+):\n(.*?)(?=^badframes )", m.output, re.M | re.S))
    counts = {case: len(parse_frames(text)) for case, text in cases.items()}
    # A frame whose saved rbp is itself: a walk may stop once the chain does
    # not move up the stack, or at kMaxFrames; it may not go on past that.
    assert counts.get("loop") is not None and 1 <= counts["loop"] <= 64, \
        "a frame whose saved rbp is itself: the walk should print that frame, then stop " \
        "(at the latest after kMaxFrames, 64), printed %s" % counts.get("loop")
    assert counts.get("misaligned") == 1, \
        "a frame whose saved rbp is misaligned: one frame, then stop; printed %s" % counts.get("misaligned")
    assert counts.get("low") == 0, \
        "an rbp below the kernel half (0x100000) is no frame: printed %s frames" % counts.get("low")
    assert counts.get("wild") == 0, \
        "an rbp that is not canonical (0x8000000000000000) is no frame: printed %s frames" % counts.get("wild")


def mangled_names(kernel_elf):
    """{start address: mangled name} of the kernel's functions, from nm."""
    out = subprocess.run(["nm", "--defined-only", kernel_elf], check=True, capture_output=True, text=True).stdout
    return {int(a, 16): name for a, kind, name in (line.split() for line in out.splitlines()) if kind in "tTwW"}


@pytest.mark.points(5)
def test_backtrace_symbols(machine, kernel_symbols, kernel_elf):
    mangled = mangled_names(kernel_elf)
    for f in backtrace_frames(machine, kernel_symbols):
        owner, start = f["owner"]
        assert owner, "rip %x of frame #%d is in no kernel function" % (f["rip"], f["n"])
        assert f["name"] is not None, (
            "frame #%d prints <unknown>, but rip %x is in %s: symbols::lookup_in (Exercise 4) found no function"
            % (f["n"], f["rip"], owner))
        # The name may still be mangled: demangling is Exercise 5's, graded by test_demangle.
        assert f["name"] in (owner, mangled.get(start)) and f["offset"] == f["rip"] - start, \
            "frame #%d: printed %s+0x%x, but rip %x is %s+0x%x" % (
                f["n"], f["name"], f["offset"], f["rip"], owner, f["rip"] - start)


SYMBOL_CASES = """\
symbol 1000 => [alpha]+0x0
symbol 1004 => [alpha]+0x4
symbol 100f => [alpha]+0xf
symbol 1010 => none (untouched)
symbol 1020 => none (untouched)
symbol 1030 => [beta]+0x0
symbol 104f => [beta]+0x1f
symbol 1050 => none (untouched)
symbol 1064 => none (untouched)
symbol 1074 => none (untouched)
symbol 0 => none (untouched)
symbol 5 => none (untouched)
symbol 2004 => []+0x4
symbol fffffffffffffff0 => [top]+0x0
symbol fffffffffffffffc => [top]+0xc
symbol ffffffffffffffef => none (untouched)
"""
SYMBOL_WHY = {  # why a case is there, keyed by its address
    "1010": "a data object is not a function", "1020": "a function of size 0 holds nothing",
    "0": "the null symbol holds nothing", "2004": "a name offset outside .strtab gives the name ''",
    "fffffffffffffffc": "top ends at 2^64, where value + size wraps to 0",
    "1050": "one past the end of beta", "1064": "a symbol of no type (NOTYPE) is not a function",
    "1074": "a thread-local (TLS) symbol is not a function", "100f": "the last byte of alpha",
    "1004": "alpha and its alias gamma both hold it: the first in the table wins",
}


def check_lines(machine, test, prefix, expected, why):
    """Boots run=<test> and compares its lines that start with `prefix` to `expected`."""
    m = machine(cmdline="run=" + test)
    m.expect(r"run=%s: done" % test)
    got = [line for line in m.output.splitlines() if line.startswith(prefix + " ") or line.startswith(prefix + "/")]
    want = expected.splitlines()
    assert len(got) == len(want), "run=%s printed %d cases, expected %d" % (test, len(got), len(want))
    wrong = ["  expected %s\n       got %s%s" % (w, g, why(w)) for w, g in zip(want, got) if w != g]
    assert not wrong, "%d of %d cases are wrong:\n%s" % (len(wrong), len(want), "\n".join(wrong))


@pytest.mark.points(5)
def test_symbol_lookup(machine):
    check_lines(machine, "symbols", "symbol", SYMBOL_CASES,
                lambda w: "   (%s)" % SYMBOL_WHY[w.split()[1]] if w.split()[1] in SYMBOL_WHY else "")


DEMANGLE_CASES = """\
demangle _Z9backtracev => [backtrace]
demangle _ZN7monitor3runEv => [monitor::run]
demangle _ZN7monitor12_GLOBAL__N_113cmd_backtraceEiPPc => [monitor::(anonymous namespace)::cmd_backtrace]
demangle _ZNK6frames4sizeEv => [frames::size]
demangle _ZN3FooC2Ev => [Foo::<ctor>]
demangle _Z3abcdef => [abc]
demangle kmain => [kmain]
demangle _Z => [_Z]
demangle _Z9back => [_Z9back]
demangle _ZN3abc => [_ZN3abc]
demangle _Z18446744073709551617x => [_Z18446744073709551617x]
demangle _Z10 => [_Z10]
demangle _Z18446744073709551615x => [_Z18446744073709551615x]
demangle/8 _ZN7monitor3runEv => [monitor] in bounds
demangle/5 _ZN7monitor3runEv => [moni] in bounds
demangle/1 _ZN7monitor3runEv => [] in bounds
"""
DEMANGLE_WHY = {
    "_Z9back": "the length runs past the end of the name", "_Z10": "a length with no characters after it",
    "_Z18446744073709551617x": "a length that overflows 64 bits (2^64 + 1) is malformed, not 1",
    "_Z18446744073709551615x": "a length of 2^64 - 1 fits in 64 bits but runs past the name (a pointer plus it wraps)",
    "_ZN3abc": "a nested name with no E", "_Z": "no <source-name> at all",
}


@pytest.mark.points(5)
def test_demangle(machine):
    check_lines(machine, "demangle", "demangle", DEMANGLE_CASES,
                lambda w: ("   (buf holds only that many bytes)" if w.startswith("demangle/") else
                           "   (%s: print it unchanged)" % DEMANGLE_WHY[w.split()[1]]
                           if w.split()[1] in DEMANGLE_WHY else ""))


@pytest.mark.points(5)
@pytest.mark.parametrize("megabytes", [128, 512])
def test_memory_map(machine, megabytes):
    _, boot = boot_to_prompt(machine, memory="%dM" % megabytes)
    total = search(MEMORY_RE, boot, "memory summary line")
    regions = [(int(b, 16), int(e, 16), kind) for b, e, kind in REGION_RE.findall(boot)]
    assert regions, "the kernel printed no memory-map regions"
    usable = [(b, e) for b, e, kind in regions if kind == "available"]
    usable_bytes = sum(e - b for b, e in usable)
    kib, count, mib = (int(x) for x in total.groups())
    assert count == len(usable), "%d available regions listed, summary says %d" % (len(usable), count)
    assert kib == usable_bytes // 1024, "available regions add up to %d KiB, summary says %d" % (
        usable_bytes // 1024, kib)
    assert mib == megabytes, "QEMU has %d MiB (-m), the kernel reports %d MiB" % (megabytes, mib)


MEMSUMMARY_CASES = """\
memsummary unsorted: bytes 47f7fc00 regions 3 top 140000000
memsummary other-types: bytes 9fc00 regions 1 top 9fc00
memsummary empty: bytes 0 regions 0 top 0
"""
MEMSUMMARY_WHY = {
    "unsorted:": "the region above 4 GiB is listed before lower ones: top is the highest end, not the last one",
    "other-types:": "only Available counts (not ACPI reclaimable, not bad RAM), and a region of length 0 is none",
}


@pytest.mark.points(5)
def test_memory_summary(machine):
    check_lines(machine, "memsummary", "memsummary", MEMSUMMARY_CASES,
                lambda w: "   (%s)" % MEMSUMMARY_WHY.get(w.split()[1], ""))


CMDLINE_CASES = """\
cmdline [run=printf] run/32 => found [printf]
cmdline [a=1 run=x b=2] run/32 => found [x]
cmdline [xrun=1 run=2] run/32 => found [2]
cmdline [runner=1 run=3] run/32 => found [3]
cmdline [run] run/32 => none []
cmdline [run= x=1] run/32 => found []
cmdline [  run=first  run=second  ] run/32 => found [first]
cmdline [run=0123456789abcdef] run/8 => found [0123456]
cmdline [] run/32 => none []
cmdline [a=1 b=2] run/32 => none []
cmdline [b=2 a=1] a/32 => found [1]
cmdline [run=r] run/1 => found []
cmdline [run=r] run/0 => found [junk]
cmdline [a=1] run/0 => none [junk]
"""
CMDLINE_WHY = {"0 =>": "size 0: buf holds no byte, so nothing may be written to it"}


@pytest.mark.points(5)
def test_cmdline(machine):
    check_lines(machine, "cmdline", "cmdline", CMDLINE_CASES,
                lambda w: "   (%s)" % CMDLINE_WHY["0 =>"] if "/0 =>" in w else "")


def elf_bytes(path, address, count):
    """`count` bytes of the kernel image at virtual `address`, read from the ELF file's PT_LOAD segments."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        kind, _, offset, vaddr, _, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if kind == 1 and vaddr <= address and address + count <= vaddr + filesz:
            return data[offset + address - vaddr:offset + address - vaddr + count]
    raise AssertionError("address %x is in no loaded part of %s" % (address, path))


@pytest.mark.points(5)
def test_monitor_examine(machine, kernel_elf):
    nm = subprocess.run(["nm", kernel_elf], capture_output=True, text=True, check=True).stdout
    sym = {name: int(addr, 16) for addr, _, name in (line.split() for line in nm.splitlines())}
    m, _ = boot_to_prompt(machine)
    # any alignment: an odd address inside .rodata is read as it stands
    for address, count in ((sym["text_start"], 2), (sym["rodata_end"] - 8, 1), (sym["rodata_start"] + 3, 2)):
        out = m.command("x %x %x" % (address, count))
        want = ["%016x: %016x" % (address + 8 * i, struct.unpack("<Q", elf_bytes(kernel_elf, address + 8 * i, 8))[0])
                for i in range(count)]
        assert out.splitlines() == want, "x %x %x should print the image's bytes:\n%s\ngot:\n%s" % (
            address, count, "\n".join(want), out)
    # .bss belongs to the data section; its bytes are not in the file, so
    # only the addresses of the lines are checked
    first = sym["bss_end"] - 16
    out = m.command("x %x 2" % first)
    assert [line.split(":")[0] for line in out.splitlines()] == ["%016x" % first, "%016x" % (first + 8)], \
        "x %x 2 lies inside .bss (the data section runs to bss_end) and must print two lines, got:\n%s" % (
            first, out)
    # .data and .bss are one section for x: a range may run from one into the other
    first = sym["bss_start"] - 8
    out = m.command("x %x 2" % first)
    assert [line.split(":")[0] for line in out.splitlines()] == ["%016x" % first, "%016x" % (first + 8)], \
        "x %x 2 runs from the end of .data into .bss, one section for x, and must print two lines, got:\n%s" % (
            first, out)
    # the largest count, 0x40 quadwords, is allowed
    out = m.command("x %x 40" % sym["text_start"])
    assert len(out.splitlines()) == 0x40 and out.splitlines()[-1].startswith("%016x:" % (sym["text_start"] + 8 * 0x3f)), \
        "x %x 40 (the largest count) must print 0x40 lines, got:\n%s" % (sym["text_start"], out)
    refused = {
        "x %x 2" % (sym["rodata_end"] - 8): "it runs 8 bytes past the end of .rodata",
        "x %x" % sym["bss_end"]: "it is past .bss (the stack's guard page; unmapped from lab 2 on)",
        "x %x" % (sym["text_start"] - 8): "it is just below .text",
        "x 100000": "it is no kernel section (the boot code, at 1 MiB)",
        "x ffffffffffffff00 40": "its end wraps past 2^64",
    }
    for line, why in refused.items():
        out = m.command(line)
        assert out.startswith("x: refused"), "'%s' must be refused (%s), got:\n%s" % (line, why, out)
    for line in ("x", "x zz", "x %x 0" % sym["text_start"], "x %x 41" % sym["text_start"], "x 1 2 3"):
        out = m.command(line)
        assert out.startswith("usage: x"), "'%s' should print the usage line, got:\n%s" % (line, out)
    search(r"^  help\s", m.command("help"), "the monitor still answers after the refusals")


@pytest.mark.points(5)
def test_monitor_commands(machine, kernel_elf):
    m, _ = boot_to_prompt(machine)
    help_text = m.command("helx\x7fp")   # backspace must erase the x
    for name in ("help", "kerninfo", "backtrace", "mmap", "x", "exit"):
        search(r"^  %s\s+\S" % name, help_text, "help lists '%s'" % name)

    info = m.command("kerninfo")
    text = search(r"\.text\s+([0-9a-f]{16})-([0-9a-f]{16})", info, "kerninfo's .text line")
    nm = subprocess.run(["nm", kernel_elf], capture_output=True, text=True, check=True).stdout
    symbols = {name: int(addr, 16) for addr, _, name in (line.split() for line in nm.splitlines())}
    assert (int(text.group(1), 16), int(text.group(2), 16)) == (symbols["text_start"], symbols["text_end"]), \
        "kerninfo's .text range differs from the linker's text_start/text_end"
    search(r"Kernel memory footprint: \d+ KiB", info, "kerninfo's footprint line")

    search(r"available$", m.command("mmap"), "mmap lists the available regions")
    search(r"^Stack backtrace:", m.command("backtrace"), "backtrace's header")
    search(r"^unknown command 'frobnicate'", m.command("frobnicate now"), "an unknown command")
    m.send("exit\r")
    assert m.wait_exit() == Outcome.EXIT, "exit should leave QEMU with the success code"


@pytest.mark.points(3)
def test_panic(machine):
    m = machine(cmdline="run=panic")
    m.expect(r"kernel panic at kernel/selftest/selftest\.cc:\d+: self-test panic 42")
    m.expect(r"Stack backtrace:")
    assert m.wait_exit() == Outcome.FAILURE, "panic must stop QEMU with the failure code"


@pytest.mark.points(4)
def test_gdb_breaks_in_kmain(machine, kernel_elf, log_dir, timeout_scale, request):
    out = run_gdb(machine, kernel_elf, os.path.join(log_dir, request.node.name + ".gdb-target"),
                  ["break kmain", "continue", "bt", "info registers rip"], timeout=30 * timeout_scale)
    assert re.search(r"Breakpoint 1, kmain \(magic=920085129, info_phys=\d+\)", out), \
        "GDB did not stop in kmain with its multiboot2 arguments:\n" + out
    assert re.search(r"^#0\s+kmain", out, re.M), "the backtrace should start at kmain:\n" + out
    assert "Backtrace stopped" not in out, "GDB should see kmain as the outermost frame:\n" + out
