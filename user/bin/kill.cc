// exolab: lab 5
// user/bin/kill.cc: kill ID...: destroys each domain (and its
// descendants).  The kernel allows it only for this program's own
// descendants: the shell's built-in kill, run by the parent of what the
// shell started, is the one that stops a job.
#include "lib/libos.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: kill ID...\n");
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        uint64_t id = 0;
        for (const char* d = argv[i]; *d >= '0' && *d <= '9'; d++) id = id * 10 + static_cast<uint64_t>(*d - '0');
        int64_t r = id == 0 ? -static_cast<int64_t>(Error::NoSuchDomain) : sys_domain_destroy(id);
        if (r < 0) {
            printf("kill: %s: %s\n", argv[i], result_name(r));
            status = 1;
        }
    }
    return status;
}
