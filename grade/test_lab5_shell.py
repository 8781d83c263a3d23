# exolab: lab 5
"""Lab 5 (spawn, fds, pipes, the shell): the finished system, driven at its
prompt, and the unit checks of the part's exercises.

Most tests boot run=init with a disk made by tools/mkfs from a directory
holding every built user program in /bin (stripped, as `make disk` does),
plus the malformed ELF files of tools/mkbadelf; init mounts it and spawns
/bin/sh on the console, and the test types at "exolab$ ".  The unit
checks boot their program as init: argstack (Exercise 8) with no disk,
fdunit (9) and pipeunit (10) on the same disk."""

import os
import re
import shutil
import subprocess

import pytest

from lab4 import run_domains
from lab5 import assert_fsck_clean, disk_args, fresh_image, tools  # noqa: F401 (tools: a fixture)
from qemu import Outcome

PROMPT = r"exolab\$ "
# What the kernel prints about domains (started, exited, killed,
# destroyed): interleaved with the programs' output on
# the one console, even inside a line the shell is echoing, and left out of
# what a command printed.
KERNEL_LINE = re.compile(r"domain \d+ \([^)\n]*\) (started|exited|killed[^\n]*|destroyed by domain [^\n]*)\n")
BADELF = ["magic", "class", "machine", "kernelseg", "windowseg", "wrapseg", "wrapoffset", "filesz", "pasteof", "phnum", "phoff"]


@pytest.fixture(scope="session")
def programs(build_dir, tmp_path_factory):
    """A directory whose bin/ holds every built user program, stripped."""
    root = tmp_path_factory.mktemp("disk-root")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    src = os.path.join(build_dir, "user", "bin")
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.startswith("badelf_") and name[len("badelf_"):] not in BADELF:
            continue  # unstripped, 400 KiB each: only the kinds spawn is tried on
        if os.path.isfile(path) and "." not in name:
            shutil.copy(path, bin_dir / name)
    for name in ("init", "sh", "echo", "cat", "args", "fdshare", "pipetest", "pipekill", "primespipe", "ps", "forever",
                 "spawncheck", "fdunit", "pipeunit"):
        if not (bin_dir / name).exists():
            pytest.fail("no %s among the built programs: build it first (make LAB=5)" % name, pytrace=False)
    # The malformed files are left as mkbadelf wrote them (strip refuses them).
    subprocess.run(["strip", "--strip-debug"] + [str(p) for p in bin_dir.iterdir() if not p.name.startswith("badelf_")],
                   check=True)
    return str(root)


class Shell:
    """The shell of one boot: run(line) types a line and returns what the
    commands printed (kernel lines left out) as a list of lines."""

    def __init__(self, machine, image, name=None):
        self.m = machine(cmdline="run=init", extra_args=disk_args(image), name=name)
        self.m.expect(PROMPT, timeout=30)

    def run(self, line, timeout=30):
        self.m.send(line + "\r")
        text = KERNEL_LINE.sub("", self.m.expect(r"(?s)(.*?)" + PROMPT, timeout=timeout).group(1))
        lines = text.split("\n")
        assert lines[0] == line, "the shell must echo what is typed: typed %r, saw %r" % (line, lines[0])
        return lines[1:-1] + ([lines[-1]] if lines[-1] else [])

    def exit(self):
        """Types exit; init then syncs and the machine ends."""
        self.m.send("exit\r")
        self.m.expect(r"init: the shell exited; the file system is synced\n", timeout=30)
        assert self.m.wait_exit(timeout=30) == Outcome.EXIT, "after the shell exits the machine must end cleanly"
        assert "kernel panic" not in self.m.output and "kernel fault" not in self.m.output, self.m.output


def boot(machine, tools, programs, tmp_path, name="disk.img", boot_name=None):
    image = fresh_image(tools, tmp_path / name, 16, programs)
    return Shell(machine, image, boot_name), image


@pytest.mark.points(3)
def test_spawn(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("echo spawned from /bin") == ["spawned from /bin"]
    assert sh.run("/bin/echo by its path") == ["by its path"]
    assert sh.run("nosuch") == ["sh: nosuch: command not found"], "a missing program has a clear message"
    assert sh.run("bin") == ["sh: bin: command not found"]
    assert sh.run("/bin") == ["sh: /bin: is a directory"]
    assert sh.run("echo still here") == ["still here"]
    out = [x for x in sh.run("spawncheck") if x != "-"]
    assert out == [
        "spawncheck: missing program: NotFound",
        "spawncheck: a directory: IsDirectory",
        "spawncheck: empty path: NotFound",
        "spawncheck: 65 arguments: InvalidArgument",
        "spawncheck: 3074 bytes of arguments: InvalidArgument",
        "spawncheck: a closed fd: BadDescriptor",
        "spawncheck: an fd out of range: BadDescriptor",
        "spawncheck: badelf_wrapseg: InvalidArgument (segment outside user program space)",
        "spawncheck: fds after the refusals: as before",
        "spawncheck: after 10 spawns: frames conserved (0)",
        "spawncheck: fds after the spawns: as before",
    ], "spawn's refusals leave nothing behind, and a spawned child's frames are freed with it"
    sh.exit()
    assert "killed" not in sh.m.output, sh.m.output
    assert_fsck_clean(tools, image, "a shell session")


@pytest.mark.points(3)
def test_spawn_refuses_malformed_programs(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    for kind in BADELF:
        out = sh.run("badelf_" + kind)
        assert len(out) == 1 and out[0].startswith("sh: badelf_%s: not a program: " % kind), (
            "spawn must refuse a malformed ELF (%s) with a clear reason, as the kernel's loader does: %r" % (kind, out))
    assert sh.run("echo survived") == ["survived"]
    sh.exit()
    assert "killed" not in sh.m.output and "fault" not in sh.m.output, sh.m.output


@pytest.mark.points(3)
def test_spawn_with_arguments(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    assert sh.run("args one 'two words' \"\" x\\ y") == [
        "args: argc=5 [args] [one] [two words] [] [x y] argv[argc]=null", "args: stack aligned"]
    assert sh.run("args") == ["args: argc=1 [args] argv[argc]=null", "args: stack aligned"]
    long_args = " ".join("a%d" % i for i in range(30))
    assert sh.run("echo " + long_args) == [long_args]
    assert sh.run("echo " + long_args + " a30 a31") == ["sh: too many words in one command"]
    sh.exit()


@pytest.mark.points(4)
def test_fd_sharing_across_fork_and_spawn(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("fdshare") == ["fdshare: parent,child,spawned,|inherited,end"], (
        "one open file (one offset) shared by a forked child, a spawned program given it as fd 1 and "
        "one spawned with the whole fd table")
    sh.exit()
    assert_fsck_clean(tools, image, "fdshare")


@pytest.mark.points(4)
def test_pipe_megabyte_then_eof(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    out = sh.run("pipetest", timeout=120)
    assert out[:3] == [
        "pipetest: 1048576 bytes intact, then EOF",
        "pipetest: write with no reader: BrokenPipe",
        "pipetest: more than 256 reads",
    ], out
    assert len(out) == 4 and out[3].startswith(
        "pipetest: the reader lost a slice to the clock in fewer than half of its reads: yes"), (
        "a reader waiting on an empty pipe must give the CPU away, not spin out its slice: %r" % out)
    sh.exit()


@pytest.mark.points(3)
def test_pipe_writer_killed(machine, tools, programs, tmp_path):
    # A writer killed with its end open: its fds are closed for it
    # (lib/fdtable.h), by the waiting reader or before its id's next child
    # gets an fd table; either way the reader sees EOF.
    sh, _ = boot(machine, tools, programs, tmp_path)
    assert sh.run("pipekill", timeout=30) == [
        'pipekill: a waiting reader: read "written, then killed", then EOF',
        "pipekill: the id reused: a new child takes the id: yes",
        'pipekill: the id reused: read "written, then killed", then EOF',
    ]
    sh.exit()


@pytest.mark.points(5)
def test_shell_script_at_the_prompt(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("mkdir /work; cd /work; echo alpha > notes; echo beta >> notes; echo gamma >> notes") == []
    assert sh.run("cat notes") == ["alpha", "beta", "gamma"]
    assert sh.run("cat < notes | grep mm | wc") == ["1 1 6"]
    assert sh.run("cat notes | grep a | grep e | cat | wc") == ["1 1 5"]
    assert sh.run("grep a < notes > found; wc found") == ["3 3 17 found"]
    assert sh.run("echo 'echo from a script' > s; echo 'ls | wc' >> s; echo 'cat < nothere' >> s; sh s") == [
        "from a script", "3 3 14", "sh: nothere: no such file or directory"]
    assert sorted(sh.run("ls /work")) == ["found", "notes", "s"]
    assert sorted(sh.run("mv found lost; rm s; ls")) == ["lost", "notes"]
    assert sh.run("cat nothere") == ["cat: nothere: no such file or directory"]
    long = sh.run("touch empty; mkdir sub; ls -l")
    fields = {x.split()[-1]: x.split() for x in long}
    assert set(fields) == {"empty", "lost", "notes", "sub"}, long
    assert fields["empty"][0] == "-" and fields["empty"][3] == "0" and fields["notes"][3] == "17", long
    assert fields["sub"][0] == "d" and fields["sub"][1] == "2", "ls -l: type, links, inode, size, name: %r" % long
    assert sh.run("cat notes |") == ["sh: '|' with no command after it"]
    sh.exit()
    assert_fsck_clean(tools, image, "the shell session")


@pytest.mark.points(4)
def test_primespipe(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    primes = [n for n in range(2, 101) if all(n % d for d in range(2, n))]
    assert sh.run("primespipe 100", timeout=120) == ["prime %d" % p for p in primes], (
        "a sieve of 25 spawned filters joined by pipes")
    sh.exit()


@pytest.mark.points(4)
def test_file_written_from_the_shell_survives_a_reboot(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path, boot_name="first-boot")
    assert sh.run("echo these bytes outlive the machine > keep; mkdir d; echo x > d/y") == []
    sh.exit()
    assert_fsck_clean(tools, image, "the first boot")
    again = Shell(machine, image, "second-boot")
    assert again.run("cat keep") == ["these bytes outlive the machine"]
    assert again.run("ls d") == ["y"]
    again.exit()


def ps_rows(lines):
    """ps's rows as {id: (parent, state, name)}."""
    assert lines and lines[0].split() == ["ID", "PARENT", "STATE", "FRAMES", "RUNS", "TICKS", "NAME"], lines
    rows = {}
    for line in lines[1:]:
        f = line.split()
        rows[int(f[0])] = (int(f[1]), f[2], f[6])
    return rows


@pytest.mark.points(3)
def test_ps(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    rows = ps_rows(sh.run("ps"))
    by_name = {name: (i, parent, state) for i, (parent, state, name) in rows.items()}
    assert set(by_name) == {"init", "sh", "ps"}, rows
    assert by_name["init"][1] == 0 and by_name["sh"][1] == by_name["init"][0] and by_name["ps"][1] == by_name["sh"][0]
    assert by_name["ps"][2] == "running", "ps runs while it reads the table: %r" % rows
    sh.exit()


@pytest.mark.points(3)
def test_kill(machine, tools, programs, tmp_path):
    sh, _ = boot(machine, tools, programs, tmp_path)
    started = sh.run("forever &")
    assert len(started) == 1 and re.fullmatch(r"\[\d+\]", started[0]), started
    job = int(started[0][1:-1])
    rows = ps_rows(sh.run("ps"))
    assert rows.get(job, (0, "", ""))[2] == "forever", rows
    assert sh.run("kill %d" % job) == []
    rows = ps_rows(sh.run("ps"))
    assert "forever" not in [name for _parent, _state, name in rows.values()], (
        "killed, yet still in the domain table: %r" % rows)
    assert sh.run("kill %d" % job) == ["sh: kill: %d: NoSuchDomain" % job]
    assert sh.run("kill 1") == ["sh: kill: 1: AccessDenied"], "init is not the shell's to kill"
    assert sh.run("echo alive") == ["alive"]
    sh.exit()


@pytest.mark.points(4)
def test_share_tables(machine):
    # Provided (spawn relies on it): one PML4 slot's page tables linked into
    # a child, frozen for both sides while linked, kept for the parent when
    # the child is destroyed, and free to change again once it is gone.
    run = run_domains(machine, "sharetables")
    refused = [("self", "InvalidArgument"), ("own id", "InvalidArgument"), ("unaligned", "InvalidArgument"),
               ("slot 0, below USER_BASE", "InvalidArgument"), ("the u-area's slot", "InvalidArgument"),
               ("USER_TOP", "InvalidArgument"), ("kernel half", "InvalidArgument"), ("no such domain", "NoSuchDomain"),
               ("nothing mapped", "NotMapped"), ("the child maps there", "Busy")]
    assert run.lines("sharetables") == (
        ["child unmaps 1: ok", "child unmaps 2: ok"] + ["%s: %s" % r for r in refused] + [
            "links before 0",
            "link: ok",
            "links after 1",
            "link again: Busy",
            "map in the linked slot: Busy",
            "map_runs into the linked slot: Busy",
            "map_runs mapped nothing: ok",
            "unmap in the linked slot: Busy",
            "map into the child's linked slot: Busy",
            "map elsewhere: ok",
            "child reads 1111 and 2222",
            "child maps in the linked slot: Busy",
            "child unmaps in the linked slot: Busy",
            "child links its parent: AccessDenied",
            "parent reads c41d",
            "links once the child is gone 0",
            "parent reads c41d and 2222",
            "map in the slot again: ok",
            "unmap in the slot again: ok",
            "done",
        ]), "sharetables printed:\n" + run.output
    assert not run.killed(), "no sharetables domain may be killed:\n" + run.output


@pytest.mark.points(4)
def test_spawn_argument_page(machine):
    run = run_domains(machine, "argstack")
    checks = ["layout", "no arguments", "alignment", "limits", "child addresses", "page bounds"]
    assert run.lines("argstack") == ["%s: ok" % c for c in checks], (
        "Exercise 8 (lay_out_arguments): argc, argv and the strings on the child's top stack page, rsp a "
        "16-aligned child address, the limits refused before the page changes:\n" + run.output)


@pytest.mark.points(4)
def test_fd_sharing_unit(machine, tools, programs, tmp_path):
    image = fresh_image(tools, tmp_path / "fd.img", 16, programs)
    # hz=2000: thousands of slices end while fdunit's closer holds the lock
    # and changes refs (at hz=20000 the root scheduler's share of each slice
    # left the domains too little time to meet inside that window).
    run = run_domains(machine, "fdunit", cmdline="hz=2000", extra_args=disk_args(image), timeout=60)
    checks = ["dup2 onto itself", "dup2 refusals", "close the last reference", "failed pipe", "fork counts",
              "failed fork and spawn", "fork counts while another domain closes"]
    assert run.lines("fdunit") == ["%s: ok" % c for c in checks] + ["done"], (
        "Exercise 9 (share_files, unshare_files, io::close, io::dup2):\n" + run.output)
    assert_fsck_clean(tools, image, "fdunit (an unlinked file must be freed with its last fd)")


@pytest.mark.points(5)
def test_pipe_ring(machine, tools, programs, tmp_path):
    image = fresh_image(tools, tmp_path / "pipe.img", 16, programs)
    run = run_domains(machine, "pipeunit", extra_args=disk_args(image), timeout=60)
    assert run.lines("pipeunit") == [
        "one domain: ok", "wrap-around: ok", "counters past 32 bits: ok", "EOF after the data: ok", "no reader: ok",
        "the writer: ok", "two domains: ok", "the reader leaves: ok", "the writer leaves: ok", "done",
    ], "Exercise 10 (pipe_read, pipe_write):\n" + run.output


def write_script(sh, name, lines):
    """Appends `lines` to the file `name` with echo, a few a typed line."""
    for first in range(0, len(lines), 6):
        typed = "; ".join("echo '%s' >> %s" % (line, name) for line in lines[first:first + 6])
        assert sh.run(typed) == [], typed


@pytest.mark.points(4)
def test_shell_redirection(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("echo one > f; echo two >> f; cat < f") == ["one", "two"]
    assert sh.run("echo three > f; cat f") == ["three"], "> truncates"
    assert sh.run("cat < f > g; cat g") == ["three"], "< and > on one command"
    assert sh.run("echo last > a > b; cat b; wc a") == ["last", "0 0 0 a"], "the last > wins; each is created"
    assert sh.run("wc < nothere") == ["sh: nothere: no such file or directory"]
    assert sh.run("cat > made < nothere") == ["sh: nothere: no such file or directory"]
    # A failed redirection must leave the shell's fds as they were: a
    # script shell that leaked one per line would run out of its 32.
    write_script(sh, "s", ["cat > o%d < nothere" % (i % 5) for i in range(40)])
    out = sh.run("echo 'echo still fine > h' >> s; echo 'cat h' >> s; sh s")
    assert out == ["sh: nothere: no such file or directory"] * 40 + ["still fine"], (
        "a failed redirection must close what the command opened before it: %r" % out)
    # Two redirections of one kind: the first file is opened (and created),
    # then replaced; its fd must be closed too, or 40 lines use up 32 fds.
    write_script(sh, "t", ["echo %d > a%d > b" % (i, i % 3) for i in range(40)])
    out = sh.run("echo 'cat b' >> t; sh t")
    assert out == ["39"], "`cmd > a > b` must close a's fd as well as b's: %r" % out
    sh.exit()
    assert_fsck_clean(tools, image, "the redirections")


@pytest.mark.points(5)
def test_shell_pipelines(machine, tools, programs, tmp_path):
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("echo a b c | wc", timeout=20) == ["1 3 6"], "a pipe's reader must see EOF"
    assert sh.run("echo x y | cat | cat | cat | cat | cat | cat | wc", timeout=30) == ["1 2 4"], (
        "eight commands: every write end closed in the shell, or a reader waits for ever")
    assert sh.run("nosuch | wc", timeout=20) == ["sh: nosuch: command not found", "0 0 0"], (
        "a command that does not start leaves its pipe's reader EOF")
    assert sh.run("echo hi | nosuch | wc", timeout=20) == ["sh: nosuch: command not found", "0 0 0"]
    assert sh.run("echo hi | cat > f | wc; cat f", timeout=20) == ["0 0 0", "hi"], (
        "a redirection replaces the pipe's end, which must still be closed")
    assert sh.run("cat < f | wc > n; cat n", timeout=20) == ["1 1 3"]
    assert sh.run("exitstatus 3 | exitstatus 4; echo $?", timeout=20) == ["4"], "a pipeline's status is its last command's"
    assert sh.run("echo hi | grep zzz; echo $?", timeout=20) == ["1"]
    assert sh.run("echo hi | nosuch; echo $?", timeout=20) == ["sh: nosuch: command not found", "127"], (
        "a last command that did not start: 127")
    # Twenty pipelines run by a script shell: leaked pipes (32 in the
    # machine) or fds (32 in the shell) would run out half-way.
    write_script(sh, "s", ["echo p%d | cat | wc" % i for i in range(20)])
    out = sh.run("sh s", timeout=60)
    assert out == ["1 1 %d" % len("p%d\n" % i) for i in range(20)], (
        "every pipeline must leave the shell's fds and the machine's pipes as they were: %r" % out)
    assert sh.run("echo after | wc", timeout=20) == ["1 1 6"]
    sh.exit()
    assert "killed" not in sh.m.output, sh.m.output
    assert_fsck_clean(tools, image, "the pipelines")


@pytest.mark.points(2)
def test_failed_fork_counts_no_fds(machine, tools, programs, tmp_path):
    # A fork that runs out of frames after domain_create must not count its
    # child's copy of the fd table: closing the parent's fd frees the file.
    sh, image = boot(machine, tools, programs, tmp_path)
    assert sh.run("forkfail") == [
        "forkfail: fork: NoMemory",
        "forkfail: refs 1 before the fork, 1 after",
        "forkfail: closed: yes",
    ], "a failed fork must leave the open file's refs as they were"
    sh.exit()


@pytest.mark.points(4)
def test_exit_status(machine, tools, programs, tmp_path):
    # The kernel keeps no status: a child's exit code reaches its parent
    # through the region (lib/exits.h), after the child is gone, in the
    # order the parent made its children, and the shell shows it as $?.
    sh, image = boot(machine, tools, programs, tmp_path)
    out = [re.sub(r"exitstatus\.cc:\d+", "exitstatus.cc:N", x) for x in sh.run("exitstatus", timeout=60)]
    assert out == [
        "exitstatus: exit 3, waited for after it ended: 3",
        "exitstatus: exit 300: 44",
        "exitstatus: spawned, main returns 7: 7",
        "user panic at user/bin/exitstatus.cc:N: on purpose",
        "exitstatus: panicked: 255",
        "exitstatus: killed by its parent: 256",
        "exitstatus: waited for: 4",
        "exitstatus: waited for again: NoSuchDomain",
        "exitstatus: init, not a child: NoSuchDomain",
        "exitstatus: one id given twice: yes",
        "exitstatus: its first child: 5",
        "exitstatus: its second child: 6",
        "from the script",
        "exitstatus: sh status.sh: 9",
        "exitstatus: over 100 children never waited for, then fork: NoMemory",
        "exitstatus: their statuses, in order: yes",
        "exitstatus: fork once they are collected: 0",
    ], "wait returns the status a child gave exit (or main), 255 for a panic, 256 when killed:\n%s" % "\n".join(out)
    assert sh.run("echo $?") == ["0"]
    assert sh.run("cat nothere; echo $?") == ["cat: nothere: no such file or directory", "1"]
    assert sh.run("grep zzz nothere; echo $?") == ["grep: nothere: no such file or directory", "2"]
    assert sh.run("nosuch; echo $?; echo $?") == ["sh: nosuch: command not found", "127", "0"]
    assert sh.run("cd nowhere; echo $?") == ["sh: cd: nowhere: no such file or directory", "1"]
    assert sh.run("exitstatus 42; echo '$?' \"$?\" \\$? x$?y") == ["$? 42 $? x42y"], "$? is not expanded inside '...'"
    started = sh.run("forever &")
    assert len(started) == 1 and re.fullmatch(r"\[\d+\]", started[0]), started
    assert sh.run("kill %s; echo $?; exitstatus 5; echo $?" % started[0][1:-1]) == ["0", "5"], (
        "the shell must not take the killed background child's status for the next child given its id")
    sh.exit()
    assert_fsck_clean(tools, image, "exit statuses")
