// exolab: lab 5
// user/bin/kill.cc: kill ID...: destroys each domain (and its
// descendants).  The kernel allows it only for this program's own
// descendants: the shell's built-in kill, run by the parent of what the
// shell started, is the one that stops a job.
#include "lib/cmdline.h"
#include "lib/libos.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: kill ID...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        uint64_t id = 0;
        int64_t r = cmdline::number(argv[i], &id) && id != 0 ? sys_domain_destroy(id)
                                                            : -static_cast<int64_t>(Error::NoSuchDomain);
        if (r < 0) {
            printf("kill: %s: %s\n", argv[i], result_name(r));
            status = 1;
        }
    }
    return status;
}
