"""grade/gdbbatch.py: GDB in batch mode against a QEMU the test started.

    output = run_gdb(machine, kernel_elf, target_path, ["break kmain", "continue", "bt"])

boots nothing itself: `machine` is the harness's factory, which run_gdb asks
for a QEMU stopped at its first instruction with a GDB stub on a free port
(extra QEMU arguments and a kernel command line may be passed).  GDB reads
the repository's .gdbinit, as `make gdb` does, through a target file of the
test's own (EXOLAB_GDB_TARGET), so parallel tests never share one.
"""

import os
import socket
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_listener(port, seconds):
    """Returns once something accepts connections on 127.0.0.1:`port`, or
    after `seconds`.  QEMU opens its GDB stub a moment after it starts, and
    .gdbinit refuses a port nobody listens on (a stale target file), so GDB
    must not start before the stub does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)


def run_gdb(machine, kernel_elf, target_path, commands, timeout, cmdline=""):
    """Starts a stopped QEMU (cmdline as for machine()), runs `commands` in
    GDB with .gdbinit, and returns GDB's output (stdout and stderr).  GDB
    still running after `timeout` seconds fails the test in one line."""
    port = free_port()
    machine(cmdline=cmdline, extra_args=["-S", "-gdb", "tcp:127.0.0.1:%d" % port])
    wait_for_listener(port, timeout)
    with open(target_path, "w") as f:
        f.write("port %d\nkernel %s\n" % (port, kernel_elf))
    args = ["gdb", "-n", "-batch", "-x", ".gdbinit"]
    for command in commands:
        args += ["-ex", command]
    try:
        gdb = subprocess.run(args, cwd=ROOT, env=dict(os.environ, EXOLAB_GDB_TARGET=target_path),
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        gdb = None      # failed below, outside the handler, so that no exception chain is shown
    if gdb is None:
        pytest.fail("GDB did not finish within %gs (commands: %s)" % (timeout, "; ".join(commands)), pytrace=False)
    return gdb.stdout + gdb.stderr
