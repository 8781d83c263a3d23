// exolab: lab 3
// kernel/sys/console.cc: cputs, cgetc and self.
#include "arch/x86_64/serial.h"
#include "sys/syscall.h"
#include "sys/usermem.h"

namespace {
constexpr uint64_t kMaxConsoleWrite = 64 * 1024;
}

Result<int64_t> syscall::sys_cputs(domain::Domain& self, UserPtr<const char> buf, uint64_t len) {
    if (len > kMaxConsoleWrite) return Error::InvalidArgument;
    TRY(usermem::check(self, buf, len));  // all of it, before printing any of it
    char chunk[256];
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        TRY(usermem::copy_in(self, chunk, buf + done, n));
        for (uint64_t i = 0; i < n; i++) serial::put(chunk[i]);
        done += n;
    }
    return static_cast<int64_t>(len);
}

Result<int64_t> syscall::sys_cgetc(domain::Domain&) {
    int c = serial::try_get();
    return c < 0 ? 0 : c;
}

Result<int64_t> syscall::sys_self(domain::Domain& self) { return self.id; }
