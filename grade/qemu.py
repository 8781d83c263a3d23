"""grade/qemu.py: one QEMU machine on a serial line, driven with pexpect.

A Machine boots the exolab ISO with a chosen kernel command line and lets a
test talk to its serial console:

    m = Machine(iso, log_path, cmdline="run=printf")
    m.expect(r"printf (\\S+) => \\[(.*)\\]")
    m.send("help\\r")
    m.wait_exit()                # -> Outcome.EXIT

Every wait ends as soon as its outcome is known: the pattern matched, the
kernel panicked, QEMU exited (isa-debug-exit, or a reset/triple fault under
-no-reboot), or the timeout passed.  Anything but a match fails the test with
what was expected, the tail of the serial output and the log's path.
"""

import ctypes
import enum
import os
import re
import signal

import pexpect
import pytest

# The kernel writes these to isa-debug-exit; QEMU exits with (code << 1) | 1.
EXIT_SUCCESS_STATUS = (0x10 << 1) | 1
EXIT_FAILURE_STATUS = (0x11 << 1) | 1
PANIC_RE = re.compile(rb"kernel panic at [^\n]*\n")
# The CPU every boot emulates, here and in the Makefile (which reads this
# line): QEMU's default model, qemu64, plus SMEP, SMAP and UMIP, which
# QEMU's TCG implements and the kernel turns on when CPUID offers them.
QEMU_CPU = "qemu64,+smep,+smap,+umip"
TAIL_LINES = 25


class Outcome(enum.Enum):
    EXIT = "the kernel exited QEMU successfully"
    FAILURE = "the kernel exited QEMU with its failure code (panic or boot error)"
    RESET = "the machine reset (a triple fault; -no-reboot stopped QEMU)"
    QEMU_ERROR = "QEMU itself failed"


def _die_with_parent():
    """Runs in the QEMU child before exec: SIGKILL it when the harness dies,
    so that no QEMU outlives an interrupted (Ctrl-C) or killed test run."""
    PR_SET_PDEATHSIG = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class _SerialSpawn(pexpect.spawn):
    """pexpect.spawn without carriage returns: the kernel ends lines with
    CR LF for terminals, tests match them with \\n alone.  (The log keeps
    the raw bytes.)"""

    def read_nonblocking(self, size=1, timeout=-1):
        return super().read_nonblocking(size, timeout).replace(b"\r", b"")


class Machine:
    """A QEMU guest whose serial port is this object's stdin/stdout."""

    def __init__(self, iso, log_path, cmdline="", memory="128M", cpu=QEMU_CPU, timeout_scale=1.0, extra_args=(),
                 count_instructions=True):
        self.log_path = log_path
        # The log as failures name it: relative to the directory the run started in.
        self.log_name = os.path.relpath(log_path)
        self.timeout_scale = timeout_scale
        self.outcome = None
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        self._log = open(log_path, "wb")
        args = [
            "-m", memory, "-cpu", cpu, "-no-reboot", "-nodefaults", "-display", "none",
            "-serial", "stdio", "-monitor", "none",
            "-cdrom", iso, "-boot", "d",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        ]
        if count_instructions:
            # Guest time counts instructions (4 ns each), not the host's
            # clock: a host that pauses QEMU cannot cut a slice short.  It
            # doubles the cost of a boot, so a kernel without a clock
            # (before lab 4) goes without.
            args += ["-icount", "shift=2,sleep=off"]
        if cmdline:
            # grub.cfg reads the kernel command line from the first OEM string.
            args += ["-smbios", "type=11,value=" + cmdline.replace(",", ",,")]
        args += list(extra_args)
        self.qemu_command = "qemu-system-x86_64 " + " ".join(args)
        self._log.write(("# " + self.qemu_command + "\n").encode())
        self._log.flush()
        self.child = _SerialSpawn("qemu-system-x86_64", args, timeout=None, echo=False,
                                   preexec_fn=_die_with_parent)
        self.child.logfile_read = self._log

    # -- reading ------------------------------------------------------------

    @property
    def output(self):
        """Everything the machine has printed so far, with CR removed."""
        self._log.flush()
        with open(self.log_path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8", "replace").replace("\r", "")
        return text.split("\n", 1)[1] if text.startswith("# ") else text

    def expect(self, pattern, timeout=10):
        """Waits until `pattern` (a regex string) appears in the output after
        the previous match.  Returns the match (groups are str).  Fails the
        test at once on a panic, an exit of QEMU or the timeout."""
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        what = "/%s/" % regex.pattern.decode()
        index = self.child.expect([regex, PANIC_RE, pexpect.EOF, pexpect.TIMEOUT],
                                  timeout=timeout * self.timeout_scale)
        if index == 0:
            return _StrMatch(self.child.match)
        if index == 1:
            self._finish_after_panic()
            self.fail("expected %s, but the kernel panicked" % what)
        if index == 2:
            self._reap()
            self.fail("expected %s, but %s" % (what, self.outcome.value))
        self.fail("expected %s within %gs, but it did not appear" % (what, timeout * self.timeout_scale))

    def send(self, text):
        """Types `text` on the serial line."""
        self.child.send(text.encode())

    def command(self, line, prompt="K> ", timeout=10):
        """Types `line` and Enter at a command prompt (the kernel monitor's by
        default) and returns what was printed between the echoed line and
        the next prompt."""
        self.send(line + "\r")
        return self.expect(r"(?s)\n(.*?)\n" + re.escape(prompt), timeout).group(1)

    def wait_exit(self, timeout=10):
        """Waits for QEMU to exit and returns its Outcome (never fails on a
        panic: a test that expects one checks the outcome itself)."""
        index = self.child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=timeout * self.timeout_scale)
        if index == 1:
            self.fail("expected the machine to exit within %gs, but it is still running"
                      % (timeout * self.timeout_scale))
        self._reap()
        return self.outcome

    # -- failing and cleaning up -----------------------------------------

    def tail(self):
        """The last TAIL_LINES lines of serial output and the log's path, as
        every failure shows them."""
        lines = self.output.rstrip("\n").split("\n")
        return "  last %d lines of serial output:\n%s\n  full log: %s" % (
            min(len(lines), TAIL_LINES), "\n".join("    | " + line for line in lines[-TAIL_LINES:]), self.log_name)

    def fail(self, reason):
        """Fails the test with `reason`, the tail of the output and the log path."""
        tail = self.tail()
        self.close()
        pytest.fail("%s\n%s" % (reason, tail), pytrace=False)

    def close(self):
        """Stops QEMU if it still runs; safe to call twice."""
        if self.child.isalive():
            self.child.terminate(force=True)
        self._reap()
        if not self._log.closed:
            self._log.close()

    def _finish_after_panic(self):
        # The panic line is followed by a backtrace and an exit: collect them.
        try:
            self.child.expect(pexpect.EOF, timeout=5 * self.timeout_scale)
        except pexpect.TIMEOUT:
            pass
        self._reap()

    def _reap(self):
        if self.outcome is not None:
            return
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        status = self.child.exitstatus
        self.outcome = {
            EXIT_SUCCESS_STATUS: Outcome.EXIT,
            EXIT_FAILURE_STATUS: Outcome.FAILURE,
            0: Outcome.RESET,
        }.get(status, Outcome.QEMU_ERROR)


class _StrMatch:
    """A pexpect byte-match with str groups, carriage returns removed."""

    def __init__(self, match):
        self._match = match

    def group(self, *n):
        g = self._match.group(*n)
        return tuple(_text(x) for x in g) if isinstance(g, tuple) else _text(g)

    def groups(self):
        return tuple(_text(x) for x in self._match.groups())


def _text(data):
    return None if data is None else data.decode("utf-8", "replace").replace("\r", "")
