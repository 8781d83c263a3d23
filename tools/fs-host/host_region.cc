// exolab: lab 5
// tools/fs-host/host_region.cc: region.h on the host: the region is
// anonymous shared memory at kFsRegion (mapped there, so the library's
// fixed address holds), which a fork()ed host process shares as a forked
// domain does; a process that finds the lock taken yields the CPU.
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "host.h"
#include "lib/fs/fd.h"
#include "lib/fs/region.h"
#include "lib/fs/shared.h"

namespace exofs {

Result<uint8_t*> region_attach(uint64_t pages) {
    static bool mapped;
    if (!mapped) {
        void* at = mmap(reinterpret_cast<void*>(kFsRegion), pages * 4096, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (at != reinterpret_cast<void*>(kFsRegion)) return Error::NoMemory;
        mapped = true;
    }
    return reinterpret_cast<uint8_t*>(kFsRegion);
}

void region_yield() { sched_yield(); }

uint32_t region_self() { return static_cast<uint32_t>(getpid()); }

bool region_alive(uint32_t who) { return kill(static_cast<pid_t>(who), 0) == 0 || errno == EPERM; }

Files* region_fd_table() { return nullptr; }  // a process keeps its fds (or set_files's) private

}  // namespace exofs

void host_region_reset() {
    uint8_t* region = exofs::region_attach(exofs::kRegionPages).value();
    memset(region, 0, exofs::kRegionPages * 4096);
}

// The libOS's panic, on the host: report and abort (a test failure).
void panic_at(const char* file, int line, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panic at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}
