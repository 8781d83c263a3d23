// exolab: lab 5
// user/bin/init.cc: the first domain of the finished system (DESIGN §3.5).
//
// Booted as init (run=init, with the disk attached), it is the root
// scheduler (every init's libOS is), takes the disk's ports, mounts exofs,
// makes fds 0, 1 and 2 the console and spawns /bin/sh.  When the shell
// exits, init commits the file system and ends, and with it the machine.
#include "lib/fork.h"
#include "lib/fs/disk.h"
#include "lib/fs/fs.h"
#include "lib/fs/shared.h"
#include "lib/io.h"
#include "lib/libos.h"
#include "lib/spawn.h"

namespace {

// Prints what failed and ends init (and the machine with it).
void must(Result<void> r, const char* what) {
    if (!r) {
        printf("init: %s: %s\n", what, error_name(r.error()));
        exit();
    }
}

}  // namespace

int main() {
    must(disk::claim_ports(), "claiming the disk's ports");
    must(exofs::mount(), "mounting the disk");
    must(io::open_console(), "opening the console");
    memcpy(exofs::shared()->names[sys_self()], "init", 5);
    const char* argv[] = {"sh", nullptr};
    const char* why = "";
    Result<uint64_t> sh = spawn("/bin/sh", argv, nullptr, &why);
    if (!sh) {
        printf("init: /bin/sh: %s %s\n", error_name(sh.error()), why);
    } else {
        (void)wait(sh.value());
    }
    must(exofs::sync(), "sync");
    printf("init: the shell exited; the file system is synced\n");
    return 0;
}
