# .gdbinit: GDB set-up for exolab (DESIGN §7).  Run as `make gdb`
# (gdb -n -x .gdbinit) while `make qemu-gdb` waits in another terminal.
#
# It reads build/gdb-target (written by `make qemu-gdb`; another file with
# EXOLAB_GDB_TARGET), loads the kernel's symbols and connects.
#
# The 32-to-64-bit switch: QEMU's x86-64 stub always sends 64-bit registers,
# so GDB stays in i386:x86-64 from the first instruction (GDB 13 refuses to
# switch to i386 against QEMU's 64-bit target description).  Breakpoints and
# stepping work in boot.asm's 32-bit part too; only GDB's disassembly is
# wrong there, so `disas32` asks QEMU, which decodes in the CPU's current mode.
#
# Commands added here:
#   exolab-connect         what this file does on start: read the target file, load
#                          the kernel's symbols, connect (again, after a new qemu-gdb)
#   user-symbols PROGRAM   load build/.../user/bin/PROGRAM's symbols (lab 3 on)
#   disas32 [N]            the next N (default 8) instructions at $pc, decoded by
#                          QEMU in the CPU's current mode (use it in boot.asm)

set confirm off
set pagination off
set disassembly-flavor intel
set architecture i386:x86-64

python
import os
import socket

exolab_target = {}


def exolab_read_target():
    """{"port": ..., "kernel": ...} from the target file; a GdbError (one
    line, no traceback, as raised inside a command) if there is none."""
    path = os.environ.get("EXOLAB_GDB_TARGET", "build/gdb-target")
    try:
        with open(path) as f:
            return {k: v.strip() for k, v in (line.split(None, 1) for line in f.read().split("\n") if line.strip())}
    except OSError:
        raise gdb.GdbError("no %s: start `make qemu-gdb` first" % path)


class ExolabConnect(gdb.Command):
    """exolab-connect: read the target file, load the kernel's symbols and
    connect to QEMU's stub.  Fails in one line at once when nothing listens
    on the recorded port (GDB itself would retry for seconds)."""

    def __init__(self):
        super().__init__("exolab-connect", gdb.COMMAND_RUNNING)

    def invoke(self, argument, from_tty):
        exolab_target.update(exolab_read_target())
        port = exolab_target["port"]
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
        except OSError:
            raise gdb.GdbError("nothing listens on port %s: the target file is left over from a QEMU "
                               "that has exited; start `make qemu-gdb` again" % port)
        gdb.execute("symbol-file " + exolab_target["kernel"])
        gdb.execute("target remote 127.0.0.1:" + port)



class UserSymbols(gdb.Command):
    """user-symbols PROGRAM: load the symbols of user program PROGRAM."""

    def __init__(self):
        super().__init__("user-symbols", gdb.COMMAND_FILES)

    def invoke(self, argument, from_tty):
        build = os.path.dirname(exolab_target["kernel"])
        path = os.path.join(build, "user", "bin", argument.strip())
        if not os.path.exists(path):
            raise gdb.GdbError("no user program %s" % path)
        gdb.execute("add-symbol-file " + path)


ExolabConnect()
UserSymbols()
end

exolab-connect

define disas32
  if $argc == 0
    monitor x/8i $pc
  else
    eval "monitor x/%di $pc", $arg0
  end
end
