"""labs/test_fs_host.py: exofs, the libOS's file system, passes its host
tests (`make fs-host-test`: tools/fs-host/) in the shipped tree: every
operation, a file through double-indirect blocks, two domains over one
cache, two host processes at once, remount, the crash sweep (a power
cut after each of 238 sector counts, each remounted and checked for
consistency and synced data), and the I/O-error sweep (a commit failing
at each of its sectors, then the next commit cut at every other one)."""

import subprocess


def test_fs_host(source):
    done = subprocess.run(["make", "-j2", "--no-print-directory", "fs-host-test"], cwd=source, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)
    assert done.returncode == 0, done.stdout
    assert "fs-host-test: all passed" in done.stdout, done.stdout
