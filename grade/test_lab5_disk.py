# exolab: lab 5
"""Lab 5 (storage, part 1): I/O-port grants and the user-space disk driver.

The kernel knows no disk: init may grant any I/O port with io_grant, and a
domain that holds the IDE ports drives the disk from user mode with the
libOS's ATA PIO driver (DESIGN §3.5)."""

import re

import pytest

from lab4 import run_domains
from lab5 import patterned_image, sector_text


@pytest.mark.points(6)
def test_io_grant(machine):
    run = run_domains(machine, "iogrant")
    assert run.lines("iogrant") == [
        "before any grant reads 0x1f7: no",
        "count 0: InvalidArgument",
        "0xffff+2: InvalidArgument",
        "port 65536: InvalidArgument",
        "count wraps: InvalidArgument",
        "no such domain: NoSuchDomain",
        "domain id + 2^32: NoSuchDomain",
        "0x1f0+8: ok",
        "reads 0x1ef no, 0x1f0 yes, 0x1f7 yes, 0x1f8 no",
        "0x170+8 to the child: ok",
        "after it reads 0x177: no",
        "child without grant reads 0x1f7: no",
        "0x1f8: ok",
        "child reads 0x1f7: yes",
        "child grants 0x3f6 it does not hold: AccessDenied",
        "child grants 0x1f2+2 to itself: ok",
        "child grants 0x1f0+8 to its parent: AccessDenied",
        "child grants 0x1ef+2, half its own: AccessDenied",
        "child grants 0x1f6+3, across its parent's two grants: ok",
        "a ninth range: NoMemory",
        "after the refusal reads 0x310 no, 0x30c yes",
        "0x301 joins 0x300 and 0x302: ok",
        "a ninth range after the merge: ok",
        "reads 0x300 yes, 0x301 yes, 0x303 no, 0x310 yes, 0x1f7 yes",
        "done",
    ], "iogrant printed:\n" + run.output
    assert not run.killed(), "no iogrant domain may be killed:\n" + run.output


@pytest.mark.points(3)
def test_port_without_grant_kills(machine):
    # Provided behaviour since lab 3, kept by lab 5: a domain without the
    # ports that executes `out` is killed by the #GP, not allowed through.
    run = run_domains(machine, "privileged_outb")
    assert run.lines("privileged_outb") == ["executing outb"], run.output
    assert len(run.killed()) == 1 and "general protection" in run.killed()[0][1], run.output


@pytest.mark.points(6)
def test_disk_driver(machine, tmp_path):
    image = patterned_image(tmp_path / "disk.img", 8192)
    # QEMU's blkdebug driver between the drive and the image fails every
    # read of sector 4000 and every write of sector 4100 with EIO, which
    # the drive reports as ERR (rerror=report, werror=report): the only way
    # to make QEMU's drive fail a command the driver itself issued.
    rules = tmp_path / "blkdebug.cfg"
    rules.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "4000"\nonce = "off"\n\n'
                     '[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "4100"\nonce = "off"\n')
    drive = "file=blkdebug:%s:%s,format=raw,if=ide,index=0,media=disk,rerror=report,werror=report" % (rules, image)
    # QEMU's trace of every ATA command shows whether each write is followed
    # by FLUSH CACHE EXT (0xEA) before the driver says it is done.
    run = run_domains(machine, "diskrw", extra_args=("-drive", drive, "-trace", "ide_exec_cmd"))
    assert run.lines("diskrw") == [
        "8192 sectors",
        "read ok",
        "wrote 100",
        "past the end InvalidArgument, zero sectors InvalidArgument, 257 sectors InvalidArgument",
        "the drive refused a read past the end: ERR",
        "then read ok, write ok",
        "a read of 2 sectors left unread: DRQ",
        "then read ok, write ok",
        "a read across a sector the drive cannot read: IoError",
        "then read ok, write ok",
        "a write to a sector the drive cannot write: IoError",
        "then read ok, write ok",
    ], ("diskrw printed (a command the drive refused, or a transfer left half-done, must not make the next "
        "ones fail or return another command's data; a sector the drive reports ERR for is IoError, "
        "never the data port's garbage):\n" + run.output)
    commands = re.findall(r"^ide_exec_cmd .*; cmd (0x[0-9a-f]+)$", run.output, re.M)
    writes = [i for i, c in enumerate(commands) if c == "0x34"]
    assert writes, "diskrw's write issued no WRITE SECTORS EXT (0x34); commands: %s" % commands
    # The next-to-last write is the one the drive fails: nothing to flush.
    unflushed = [i for i in writes[:-2] + writes[-1:] if commands[i + 1:i + 2] != ["0xea"]]
    assert not unflushed, ("a write must reach the medium, not the drive's cache, before disk::write returns: "
                           "FLUSH CACHE EXT (0xea) must follow WRITE SECTORS EXT (0x34); commands: %s" % commands)
    written = [sector_text(image, n) for n in range(99, 109)]
    assert written == ["after the error"] + ["written %d" % n for n in range(100, 108)] + ["sector 108"], (
        "after diskrw the image's sectors 99-108 hold %r: each write must reach the disk, and only "
        "the sectors asked for (99 last, after the drive's error)" % written)
