"""Lab 1 (boot): banner, printf, backtrace, memory map, monitor, panic, GDB."""

import os
import re
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


# Each case: the format the kernel prints, the arguments it used, and the C
# result recomputed here with Python's % (which agrees with C for these
# conversions once the l/ll/z length modifiers are dropped).
PRINTF_CASES = [
    ("%d", (0,)), ("%d", (1234,)), ("%d", (-2**31,)), ("%i", (-56789,)), ("%u", (2**32 - 1,)),
    ("%x", (0xdeadbeef,)), ("%X", (0xcafe42,)), ("%o", (8,)), ("%o", (0o755,)),
    ("%5d", (42,)), ("%-5d|", (42,)), ("%05d", (-42,)), ("%08x", (0xbeef,)), ("%-6x|", (255,)),
    ("%ld", (-2**63,)), ("%lu", (2**64 - 1,)), ("%llx", (0x123456789abcdef0,)),
    ("%lld", (-1234567890123,)), ("%zu", (4096,)), ("%p", None), ("%c%c%c", ("e", "x", "o")),
    ("%s", ("exolab",)), ("%8s|", ("exo",)), ("%-8s|", ("exo",)), ("%.3s", ("exolab",)),
    ("%s", None), ("%d%%", (100,)), ("%*d", (6, 7)), ("%x %d %s", (255, -1, "mixed")),
]
PRINTF_SPECIAL = {"%p": "0xffffffff80100000", "%s": "(null)"}


def expected_printf(fmt, args):
    if args is None:
        return PRINTF_SPECIAL[fmt]
    return re.sub(r"(ll|l|z)(?=[diuxXo])", "", fmt) % args


@pytest.mark.points(10)
def test_printf(machine):
    m = machine(cmdline="run=printf")
    m.expect(r"run=printf: done")
    got = re.findall(r"^printf (.*) => \[(.*)\]$", m.output, re.M)
    assert [f for f, _ in got] == [f for f, _ in PRINTF_CASES], "the kernel printed a different list of cases"
    wrong = ["  %-10s expected [%s], got [%s]" % (fmt, expected_printf(fmt, args), out)
             for (fmt, args), (_, out) in zip(PRINTF_CASES, got) if out != expected_printf(fmt, args)]
    assert not wrong, "%d printf cases are wrong:\n%s" % (len(wrong), "\n".join(wrong))


def backtrace_frames(machine):
    m = machine(cmdline="run=backtrace")
    m.expect(r"run=backtrace: done")
    frames = [f.groups() for f in FRAME_RE.finditer(m.output)]
    assert frames, "no backtrace frame lines ('#N rbp ... rip ... name+0xoff args ...') in the output"
    return [{"n": int(n), "rbp": int(rbp, 16), "rip": int(rip, 16), "name": name,
             "offset": int(off, 16) if off else None, "args": (int(a1, 16), int(a2, 16))}
            for n, rbp, rip, name, off, a1, a2 in frames]


@pytest.mark.points(5)
def test_backtrace_frames(machine):
    frames = backtrace_frames(machine)
    assert [f["n"] for f in frames] == list(range(len(frames))), "frames are not numbered #0, #1, ..."
    names = [f["name"] for f in frames]
    assert names[0] == "backtrace", "frame #0 should be backtrace itself, got %s" % names[0]
    assert names[1:7] == ["test_backtrace"] * 6, "frames #1-#6 should be the 6 test_backtrace calls: %s" % names
    assert names[-1] == "kmain", "the walk should end at kmain (boot.asm clears rbp), got %s" % names
    rbps = [f["rbp"] for f in frames]
    assert rbps == sorted(set(rbps)), "frame pointers must grow towards the stack's base: %s" % rbps


@pytest.mark.points(5)
def test_backtrace_args(machine):
    frames = backtrace_frames(machine)
    calls = [f for f in frames if f["name"] == "test_backtrace"]
    depths = [f["args"][0] for f in calls]
    assert depths == [0, 1, 2, 3, 4, 5], "test_backtrace depths (first stack word) should be 0..5: %s" % depths
    assert all(f["args"][1] == 0xb7ace for f in calls), "the second stack word of each call is 0xb7ace"


@pytest.mark.points(5)
def test_backtrace_symbols(machine, kernel_symbols):
    frames = backtrace_frames(machine)
    for f in frames:
        owner = [(name, f["rip"] - start) for name, (start, size) in kernel_symbols.items()
                 if start <= f["rip"] < start + size]
        assert owner, "rip %x of frame #%d is in no kernel function" % (f["rip"], f["n"])
        assert (f["name"], f["offset"]) == owner[0], \
            "frame #%d: printed %s+0x%x, but rip %x is %s+0x%x" % (
                f["n"], f["name"], f["offset"] or 0, f["rip"], owner[0][0], owner[0][1])


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


@pytest.mark.points(5)
def test_monitor_commands(machine, kernel_elf):
    m, _ = boot_to_prompt(machine)
    help_text = m.command("helx\x7fp")   # backspace must erase the x
    for name in ("help", "kerninfo", "backtrace", "mmap", "exit"):
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
