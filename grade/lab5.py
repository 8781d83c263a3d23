# exolab: lab 5
"""Helpers shared by the lab 5 tests (grade/test_lab5_*.py): disk images.

QEMU's IDE disk is the master of the primary channel (ports 0x1F0-0x1F7,
0x3F6), where the libOS's ATA driver looks for it; the ISO is the
secondary channel's CD-ROM."""

import os
import types

import pytest

from exofs import run_tool

SECTOR = 512


@pytest.fixture(scope="session")
def tools(build_dir):
    """The host tools of the build: tools.mkfs, tools.fsck (paths)."""
    paths = {name: os.path.join(build_dir, "tools", name) for name in ("mkfs", "fsck")}
    for path in paths.values():
        if not os.access(path, os.X_OK):
            pytest.fail("no %s: build it first (make LAB=5)" % os.path.relpath(path), pytrace=False)
    return types.SimpleNamespace(**paths)


def fresh_image(tools, path, mib=16, tree=None, inodes=None):
    """Makes an exofs image of `mib` MiB at path with tools/mkfs (copying the
    host directory `tree` in, if given; `inodes` inodes if given); returns
    the path as a string."""
    options = ["--inodes", inodes] if inodes else []
    status, out = run_tool(tools.mkfs, *options, path, mib, *([tree] if tree else []), timeout=60)
    assert status == 0, "mkfs %s %d exited with %d:\n%s" % (path, mib, status, out)
    return str(path)


def assert_fsck_clean(tools, image, after):
    """tools/fsck must find `image` consistent (after replaying its log)."""
    status, out = run_tool(tools.fsck, image)
    assert status == 0, "after %s, fsck %s exited with %d:\n%s" % (after, image, status, out)


def disk_args(image):
    """QEMU arguments that attach the raw file `image` as the IDE disk."""
    return ("-drive", "file=%s,format=raw,if=ide,index=0,media=disk" % image)


def patterned_image(path, sectors):
    """Writes a raw image of `sectors` sectors, sector n starting with the
    text "sector <n>" (NUL, then zeros); returns its path as a string."""
    with open(path, "wb") as f:
        for n in range(sectors):
            text = b"sector %d" % n
            f.write(text + bytes(SECTOR - len(text)))
    return str(path)


def sector_text(image, n):
    """The text at the start of sector n of `image` (up to the first NUL)."""
    with open(image, "rb") as f:
        f.seek(n * SECTOR)
        return f.read(SECTOR).split(b"\0", 1)[0].decode("ascii", "replace")
