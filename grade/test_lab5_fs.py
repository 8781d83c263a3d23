# exolab: lab 5
"""Lab 5 (file system): exofs in QEMU, on an image made by tools/mkfs.

Each test boots a program of user/bin/ as init with a fresh image as the IDE
disk; the program takes the disk's ports, mounts, and reports.  After the
boot, tools/fsck must find the image consistent."""

import pytest

from lab4 import run_domains
from lab5 import assert_fsck_clean, disk_args, fresh_image, tools  # noqa: F401 (tools: a fixture)

FSOPS_CHECKS = ["create", "write_read", "seek", "append", "truncate", "unlink", "mkdir_rmdir", "paths",
                "rename", "readdir", "dup"]

# One boot of fsops serves every check (per test process): {check: line}.
_fsops = {}


def fsops_results(machine, tools, tmp_path):
    if not _fsops:
        image = fresh_image(tools, tmp_path / "fsops.img")
        run = run_domains(machine, "fsops", extra_args=disk_args(image))
        for line in run.lines("fsops"):
            name, _, verdict = line.partition(": ")
            _fsops[name] = verdict
        _fsops["(output)"] = run.output
        _fsops["(image)"] = image
    return _fsops


@pytest.mark.points(2)
@pytest.mark.parametrize("check", FSOPS_CHECKS)
def test_fs_operation(machine, tools, tmp_path, check):
    results = fsops_results(machine, tools, tmp_path)
    assert results.get(check) == "ok", "fsops %s: %s\nfsops printed:\n%s" % (
        check, results.get(check, "never reported"), results["(output)"])


@pytest.mark.points(3)
def test_fs_operations_leave_a_consistent_disk(machine, tools, tmp_path):
    results = fsops_results(machine, tools, tmp_path)
    assert results.get("done") is not None or "done" in results["(output)"], (
        "fsops did not finish:\n" + results["(output)"])
    assert_fsck_clean(tools, results["(image)"], "fsops and its sync")
