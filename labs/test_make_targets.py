"""labs/test_make_targets.py: Makefile targets a student relies on, on a copy of this tree.

  - the ISO is built atomically: several makes of one tree build it at once
    and all succeed (two `make grade` in a fresh tree);
  - make handin lists untracked files as a warning and still writes the
    tarball of the last commit, and refuses uncommitted changes to tracked files;
  - compile_commands.json covers kernel and user code with their own flags,
    and clangd (with .clangd) finds no error in either;
  - .vscode/launch.json attaches GDB through .gdbinit to what make qemu-gdb records;
  - make qemu's kept disk takes the programs just built (fsput) and keeps the
    user's files.
"""

import json
import os
import re
import subprocess
import tarfile

from conftest import ROOT


def make(tree, *args):
    """Runs make in `tree`; returns the finished process (stdout and stderr together)."""
    return subprocess.run(["make", *args], cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)


def test_iso_build_is_atomic(source_copy):
    built = make(source_copy, "-j2", "LAB=1")
    assert built.returncode == 0, built.stdout
    iso = "build/lab1/exolab.iso"
    os.utime(source_copy / "build" / "lab1" / "kernel.elf")     # every make below rebuilds the ISO
    makes = [subprocess.Popen(["make", "LAB=1", iso], cwd=source_copy, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(4)]
    outputs = [(p.communicate(timeout=300)[0], p.returncode) for p in makes]
    failed = [out for out, status in outputs if status != 0]
    assert not failed, "a make of the ISO failed while others ran:\n" + "\n".join(failed)
    with open(source_copy / iso, "rb") as f:
        f.seek(0x8001)
        assert f.read(5) == b"CD001", "%s is not an ISO 9660 image" % iso
    left = [name for name in os.listdir(source_copy / "build" / "lab1") if name.startswith("iso.tmp")]
    assert not left, "temporary ISO directories left behind: %s" % left


def test_handin_warns_of_untracked_files(source_copy):
    (source_copy / "notes.txt").write_text("not handed in\n")
    done = make(source_copy, "handin", "LAB=1")
    assert done.returncode == 0, done.stdout
    assert "notes.txt" in done.stdout and "warning: these untracked files are not in the tarball" in done.stdout, \
        done.stdout
    with tarfile.open(source_copy / "build" / "handin-lab1.tar.gz") as tar:
        names = tar.getnames()
    assert "lab1/Makefile" in names and "lab1/notes.txt" not in names, names


def test_handin_refuses_uncommitted_changes(source_copy):
    with open(source_copy / "README.md", "a") as f:
        f.write("a change not committed\n")
    done = make(source_copy, "handin", "LAB=1")
    assert done.returncode != 0, "make handin must refuse:\n" + done.stdout
    assert "README.md" in done.stdout and "not the ones you tested" in done.stdout, done.stdout


def test_compile_commands_cover_kernel_and_user(source_copy):
    done = make(source_copy, "LAB=3", "compile_commands.json")
    assert done.returncode == 0, done.stdout
    with open(source_copy / "compile_commands.json") as f:
        entries = {}
        for entry in json.load(f):
            entries.setdefault(entry["file"], []).append(entry["command"])
    kernel, = entries["kernel/main.cc"]
    user, = entries["user/bin/hello.cc"]
    assert "-mcmodel=kernel" in kernel and "-Ikernel" in kernel, kernel
    assert "-mcmodel=small" in user and "-Iuser" in user and "-Ikernel" not in user, user
    include = re.search(r"-I(\S*/user/include)", user).group(1)
    assert os.path.isdir(source_copy / include / "abi"), "the user include folder %s is not made" % include
    assert len(entries["kernel/lib/format.cc"]) == 2, "format.cc is built for the kernel and for the libOS"
    for path in ("kernel/main.cc", "user/bin/hello.cc"):
        check = subprocess.run(["clangd", "--check=" + path], cwd=source_copy, capture_output=True, text=True,
                               timeout=300)
        errors = [line for line in check.stderr.splitlines() if line.startswith("E[")]
        assert check.returncode == 0 and not errors, "clangd finds errors in %s:\n%s" % (path, "\n".join(errors))


def test_vscode_launch_uses_gdbinit():
    with open(os.path.join(ROOT, ".vscode", "launch.json")) as f:
        text = re.sub(r"^\s*//.*$", "", f.read(), flags=re.M)
    config, = json.loads(text)["configurations"]
    assert config["program"] == "${workspaceFolder}/build/gdb-kernel.elf", config
    assert [c["text"] for c in config["customLaunchSetupCommands"]] == ["source ${workspaceFolder}/.gdbinit"], config
    assert config["miDebuggerArgs"] == "-n" and config["launchCompleteCommand"] == "None", config
    recipe = make(ROOT, "-n", "qemu-gdb").stdout
    assert re.search(r"ln -sfn \S+/kernel\.elf build/gdb-kernel\.elf", recipe), \
        "make qemu-gdb must link build/gdb-kernel.elf to its kernel:\n" + recipe


def test_kept_disk_takes_new_programs_and_keeps_files(source_copy, tmp_path):
    made = make(source_copy, "-j2", "LAB=5", "build/lab5/disk.img.updated")
    assert made.returncode == 0 and "brought up to date" not in made.stdout, made.stdout
    image = "build/lab5/disk.img"
    fsput = str(source_copy / "build" / "lab5" / "tools" / "fsput")
    mine = tmp_path / "mine" / "notes"
    mine.mkdir(parents=True)
    (mine / "todo").write_text("a file of the user's\n")
    put = subprocess.run([fsput, image, str(mine.parent)], cwd=source_copy, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    assert put.returncode == 0 and "1 file brought up to date" in put.stdout, put.stdout
    echo = source_copy / "user" / "bin" / "echo.cc"
    echo.write_text(echo.read_text().replace('printf("\\n");', 'printf(".\\n");'))
    updated = make(source_copy, "-j2", "LAB=5", "build/lab5/disk.img.updated")
    assert updated.returncode == 0 and "disk.img: 1 file brought up to date" in updated.stdout, (
        "a changed program must reach the kept disk, and only it:\n" + updated.stdout)
    for tree, what in ((source_copy / "build" / "lab5" / "disk-root", "the programs just built"),
                       (mine.parent, "the user's file")):
        again = subprocess.run([fsput, image, str(tree)], cwd=source_copy, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        assert again.returncode == 0 and again.stdout == "", "the image must hold %s:\n%s" % (what, again.stdout)
    checked = subprocess.run(["build/lab5/tools/fsck", image], cwd=source_copy, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    assert checked.returncode == 0, checked.stdout
