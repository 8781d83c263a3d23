# .gdbinit: GDB set-up for exolab (DESIGN §7).  Run as `make gdb`
# (gdb -n -x .gdbinit) while `make qemu-gdb` waits in another terminal.
#
# It reads build/gdb-target (written by `make qemu-gdb`; another file with
# EXOLAB_GDB_TARGET), loads the kernel's symbols and connects.
#
# The 32-to-64-bit switch: QEMU's x86-64 stub always sends 64-bit registers,
# so GDB stays in i386:x86-64 from the first instruction.  Only the
# disassembly of boot.asm's 32-bit part needs the other mode: `boot32`
# shows it, `boot64` returns to normal.
#
# Commands added here:
#   user-symbols PROGRAM   load build/.../user/bin/PROGRAM's symbols (lab 3 on)
#   boot32 / boot64        disassemble as 32-bit (boot.asm before long mode) / 64-bit

set confirm off
set pagination off
set disassembly-flavor intel
set architecture i386:x86-64

python
import os

def exolab_read_target():
    path = os.environ.get("EXOLAB_GDB_TARGET", "build/gdb-target")
    try:
        with open(path) as f:
            return dict(line.split(None, 1) for line in f.read().split("\n") if line.strip())
    except OSError:
        raise gdb.GdbError("no %s: start `make qemu-gdb` first" % path)

exolab_target = {k: v.strip() for k, v in exolab_read_target().items()}
gdb.execute("symbol-file " + exolab_target["kernel"])
gdb.execute("target remote 127.0.0.1:" + exolab_target["port"])


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


UserSymbols()
end

define boot32
  set architecture i386
  echo Disassembling as 32-bit code (boot.asm before long mode). 'boot64' switches back.\n
end

define boot64
  set architecture i386:x86-64
end
