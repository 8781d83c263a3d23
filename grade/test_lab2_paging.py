"""Lab 2 (paging): frame table, page tables, kernel address space, exported windows."""

import os
import re
import subprocess

import pytest

from qemu import Outcome


def run_check(machine, name, memory="128M"):
    """Boots with run=<name> and returns the output once the kernel is done."""
    m = machine(cmdline="run=" + name, memory=memory)
    m.expect(r"run=%s: done" % name, timeout=30)
    assert m.wait_exit() == Outcome.EXIT
    return m.output


def module_frames(build_dir):
    """The frames of the GRUB modules on the ISO (lab 3's user programs): the
    build's generated grub.cfg names each (`module2 /boot/bin/NAME`), built
    as user/bin/NAME.  Before lab 3 there is no such grub.cfg and no module."""
    grub_cfg = os.path.join(build_dir, "grub.cfg")
    if not os.path.exists(grub_cfg):
        return 0
    with open(grub_cfg) as f:
        names = re.findall(r"^\s*module2 /boot/bin/(\S+)", f.read(), re.M)
    return sum(-(-os.path.getsize(os.path.join(build_dir, "user", "bin", name)) // 4096) for name in names)


def most_of_memory(usable_kib, build_dir):
    """Fewer frames than are free after boot: all usable frames less the
    frame table (16 bytes a frame), 2 MiB for the kernel and boot data, and
    the frames of the GRUB modules, which the kernel keeps."""
    frames = usable_kib // 4
    return frames - frames * 16 // 4096 - 512 - module_frames(build_dir)


def assert_check_ok(output, name):
    verdict = re.search(r"^check %s: (ok|FAILED)$" % name, output, re.M)
    assert verdict, "the kernel printed no 'check %s:' line" % name
    if verdict.group(1) != "ok":
        reasons = re.findall(r"^  check failed at .*$", output, re.M) or re.findall(r"^mm: .*$", output, re.M)
        raise AssertionError("check %s failed:\n%s" % (name, "\n".join(reasons)))


def section_rights(kernel_elf):
    """{section name: (address, "W-" style rights)} of the allocated sections
    of the kernel linked at or above KERNEL_BASE, from `readelf -S`: the
    least rights each one's flags ask for."""
    out = subprocess.run(["readelf", "-SW", kernel_elf], capture_output=True, text=True, check=True).stdout
    sections = {}
    for name, address, flags in re.findall(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]{16})\s+[0-9a-f]+\s+[0-9a-f]+"
                                           r"\s+[0-9a-f]+\s+([A-Z]*)\s", out, re.M):
        if "A" in flags and int(address, 16) >= 0xFFFFFFFF80000000:
            sections[name] = (int(address, 16), ("W" if "W" in flags else "-") + ("X" if "X" in flags else "-"))
    return sections


@pytest.mark.points(10)
def test_frame_allocator(machine, build_dir):
    # Exercise 1: the free list is consistent in both directions, any frame
    # and a particular frame (from the middle of the list) come zeroed.
    out = run_check(machine, "frames")
    assert_check_ok(out, "frames")
    counts = re.search(r"frames: (\d+) in the table, (\d+) free", out)
    usable_kib = int(re.search(r"memory: (\d+) KiB usable", out).group(1))
    assert counts, "no 'frames: N in the table, M free' line"
    total, free = int(counts.group(1)), int(counts.group(2))
    assert total * 4 >= usable_kib, "the table (%d frames) must cover all usable memory (%d KiB)" % (total, usable_kib)
    assert most_of_memory(usable_kib, build_dir) < free < usable_kib // 4, \
        "%d frames free of %d KiB usable: the kernel should reserve little more than itself" % (free, usable_kib)


@pytest.mark.points(5)
def test_release_and_deferred_free(machine):
    # Exercise 2: a released frame is free at once only if nothing maps it.
    assert_check_ok(run_check(machine, "release"), "release")


@pytest.mark.points(10)
def test_page_table_walk(machine):
    # Exercise 3: walk with and without create, counts, rights of
    # intermediate entries, large pages (map_large is built on walk).
    assert_check_ok(run_check(machine, "walk"), "walk")


@pytest.mark.points(10)
def test_page_table_operations(machine):
    # Exercise 4: map (replace, counts, a released frame remapped, the TLB
    # after a replace) and protect.
    assert_check_ok(run_check(machine, "pagetable"), "pagetable")


@pytest.mark.points(5)
@pytest.mark.parametrize("how", ["protect", "map"])
def test_protect_revokes_write(machine, how):
    # Exercise 4: a page made read-only faults on the next write, although
    # the TLB held a writable entry for it: by protect, and by map of the
    # same frame again with fewer rights.
    m = machine(cmdline="run=%swrite" % how)
    started = m.expect(r"(?m)%s: (\w+); writing to the page at 0x([0-9a-f]{16})|^check mm ready: FAILED$"
                       r"|^could not map the test page$" % how)
    assert started.group(1) is not None, "the write was never tried: %s\n%s" % (
        started.group(0), "\n".join(re.findall(r"^  check failed at .*$", m.output, re.M)))
    assert started.group(1) == "ok", "%s returned %s instead of revoking write" % (how, started.group(1))
    target = started.group(2)
    report = m.expect(r"(kernel fault: page fault \(vector 14\) .*, error 0x[0-9a-f]+ \(([^)]*)\), address ([0-9a-f]{16})"
                      r"|the write to a page made read-only did not fault)")
    assert report.group(2) is not None, "the write went through: %s left the old, writable entry in the TLB" % how
    assert report.group(3) == target, "the fault address %s is not the page written (%s)" % (report.group(3), target)
    assert report.group(2).startswith("write, present, kernel"), "decoded error code: " + report.group(2)
    assert m.wait_exit() == Outcome.FAILURE


@pytest.mark.points(10)
def test_unmap(machine):
    # Exercise 5: unmap validates first, frees emptied tables (not the
    # root), keeps the counts, and leaves no stale TLB entry for va.
    assert_check_ok(run_check(machine, "unmap"), "unmap")


@pytest.mark.points(10)
def test_lookup_effective_rights(machine):
    # Exercise 10: offsets in 4 KiB, 2 MiB and 1 GiB pages, and the rights
    # that take effect when an upper level takes one away.
    out = run_check(machine, "lookup")
    assert_check_ok(out, "lookup")


@pytest.mark.points(10)
def test_kernel_address_space(machine, kernel_elf):
    # Exercise 6: each section of the image with the rights its ELF flags
    # ask for, nothing else of the image mapped, no page W and X.
    out = run_check(machine, "kspace")
    assert_check_ok(out, "kspace")
    nm = subprocess.run(["nm", kernel_elf], capture_output=True, text=True, check=True).stdout
    sym = {name: int(addr, 16) for addr, _, name in (line.split() for line in nm.splitlines())}
    sections = section_rights(kernel_elf)
    expected = {".text": (sym["text_start"], sym["text_end"], sections[".text"][1]),
                ".rodata": (sym["rodata_start"], sym["rodata_end"], sections[".rodata"][1]),
                ".data": (sym["data_start"], sym["data_end"], sections[".data"][1]),
                ".bss": (sym["bss_start"], sym["bss_end"], sections[".bss"][1]),
                "stack": (sym["kernel_stack_bottom"], sym["kernel_stack_top"], sections[".kstack"][1])}
    for name, (start, end, rights) in expected.items():
        line = re.search(r"^  %s\s+([0-9a-f]{16})-([0-9a-f]{16}) (..)$" % re.escape(name), out, re.M)
        assert line, "no line for %s in the kspace check" % name
        assert (int(line.group(1), 16), int(line.group(2), 16), line.group(3)) == (start, end, rights), \
            "%s: printed %s, expected %x-%x %s (its ELF flags)" % (name, line.group(0).strip(), start, end, rights)
    guard = re.search(r"guard\s+([0-9a-f]{16}) not mapped", out)
    assert guard and int(guard.group(1), 16) == sym["kernel_stack_guard"], "the guard page must be unmapped"
    assert re.search(r"W\^X: none of \d+ kernel-half leaf entries", out), "the W^X sweep did not run"


@pytest.mark.points(10)
def test_exported_windows(machine):
    # Exercise 7: slots 254 and 255, read-only for user code, shared and
    # counted.
    out = run_check(machine, "windows")
    assert_check_ok(out, "windows")
    assert re.search(r"UFRAMES 00007f0000000000: \d+ frames, read-only", out)
    assert re.search(r"UVPT    00007f8000000000: PML4 slot 255 -> the PML4, read-only", out)


@pytest.mark.points(5)
def test_uvpt_reader(machine):
    # Exercise 8: every level read through UVPT as the tables hold it, and
    # no fault where a table does not exist.
    out = run_check(machine, "uvptread")
    assert_check_ok(out, "uvptread")


@pytest.mark.points(5)
def test_freed_table_not_visible_through_uvpt(machine):
    # A freed page table, reused by a new owner, must not stay readable
    # through a TLB entry of its UVPT alias (unmap's TLB flush, Exercise 5).
    out = run_check(machine, "uvptalias")
    assert_check_ok(out, "uvptalias")
    assert "UVPT after a page table was freed and reused: the new PTE, not the new owner's data" in out


@pytest.mark.points(10)
@pytest.mark.parametrize("megabytes", [128, 512])
def test_exhaust_and_recover(machine, build_dir, megabytes):
    # Exercises 1 and 3: every frame can be had and comes back; a walk
    # that runs out of frames builds nothing.
    out = run_check(machine, "exhaust", memory="%dM" % megabytes)
    assert_check_ok(out, "exhaust")
    got = re.search(r"exhausted memory after (\d+) frames; all (\d+) free again", out)
    assert got and got.group(1) == got.group(2), "every allocated frame must come back"
    usable_kib = int(re.search(r"memory: (\d+) KiB usable", out).group(1))
    assert int(got.group(1)) > most_of_memory(usable_kib, build_dir), \
        "exhaustion stopped early: %s frames" % got.group(1)


@pytest.mark.points(10)
def test_no_frame_lost(machine):
    out = run_check(machine, "mmcheck")
    summary = re.search(r"free frames: (\d+) before the checks, (\d+) after \((.*)\)", out)
    assert summary, "the checks did not finish (no 'free frames:' summary line)"
    assert summary.group(3) == "all checks ok", "some checks failed:\n" + "\n".join(
        re.findall(r"^(?:check .*FAILED|  check failed at .*)$", out, re.M))
    assert summary.group(1) == summary.group(2), "frames lost: %s free before, %s after" % summary.group(1, 2)


@pytest.mark.points(5)
def test_write_to_kernel_text_faults(machine, kernel_elf):
    m = machine(cmdline="run=writetext")
    target = m.expect(r"writing to kernel text at 0x([0-9a-f]{16})").group(1)
    report = m.expect(r"kernel fault: page fault \(vector 14\) at rip [0-9a-f]{16} <([^>]+)>, "
                      r"error 0x([0-9a-f]+) \(([^)]*)\), address ([0-9a-f]{16})")
    where, error, decoded, address = report.groups()
    assert address == target, "the fault address %s is not the text address written (%s)" % (address, target)
    assert where.startswith("selftest::write_kernel_text+"), "the fault should be in write_kernel_text, not " + where
    assert decoded.startswith("write, present, kernel"), "decoded error code: " + decoded
    assert m.wait_exit() == Outcome.FAILURE, "a kernel fault must stop the machine with the failure code"


@pytest.mark.points(5)
def test_monitor_memory_commands(machine):
    # Exercise 9 (showmappings); `frames` is provided.
    m = machine()
    m.expect(r"K> ")
    out = m.command("frames")
    counts = re.search(r"^(\d+) frames \(\d+ KiB\), (\d+) free$", out, re.M)
    assert counts, "frames: no summary line in:\n" + out
    kinds = {k: int(v) for k, v in re.findall(r"^  (\D+?)\s+(\d+)$", out, re.M)}
    assert set(kinds) == {"free", "kernel", "page table", "user", "reserved", "module"}, kinds
    assert sum(kinds.values()) == int(counts.group(1)), "the kinds must add up to the frame count"
    assert kinds["free"] == int(counts.group(2))
    physmap = m.command("showmappings ffff800000001000 ffff8000003fffff")
    assert physmap.split("\n") == ["  ffff800000001000  -> 0000000000001000  2M  RW- K",
                                   "  ffff800000200000  -> 0000000000200000  2M  RW- K"], physmap
    inside = m.command("showmappings ffff800000001234 ffff800000001fff")
    assert inside == "  ffff800000001000  -> 0000000000001000  2M  RW- K", \
        "the first line names `first` rounded down to 4 KiB (ffff800000001000), inside a 2 MiB page too: " + inside
    inside = m.command("showmappings 1234 1234")
    assert inside == "  0000000000001000  not mapped", "the first line names `first` rounded down to 4 KiB: " + inside
    low = m.command("showmappings 0 1fff")
    assert low.split("\n") == ["  0000000000000000  not mapped", "  0000000000001000  not mapped"], low
    low = m.command("showmappings 0 1000")
    assert low.split("\n") == ["  0000000000000000  not mapped", "  0000000000001000  not mapped"], \
        "last (1000) is the first byte of the second page, which must be shown too: " + low
    window = m.command("showmappings 7f0000000000 7f0000000000")
    assert re.fullmatch(r"  00007f0000000000  -> [0-9a-f]{16}  4K  R-- U", window), window
    hole = m.command("showmappings 800000000000 800000000fff")
    assert hole == "  0000800000000000  not canonical", hole
    top = m.command("showmappings fffffffffffff000 ffffffffffffffff")
    assert top == "  fffffffffffff000  not mapped", "the last page of the address space, once: " + top
    many = m.command("showmappings 0 ffffffffffffffff").split("\n")
    assert len(many) == 257 and many[-1] == "  ... (stopped after 256 lines)", many[-3:]
    assert m.command("showmappings zz 10").startswith("usage: showmappings")
