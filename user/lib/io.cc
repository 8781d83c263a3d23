// exolab: lab 5
// user/lib/io.cc: the fd interface over files, pipes and the console (see
// io.h).
#include "lib/io.h"

#include "abi/domain.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/fs/ops.h"
#include "lib/pipe.h"
#include "lib/syscall.h"

namespace io {
namespace {

using exofs::FileKind;

// sys_cputs takes at most 64 KiB at a time.
constexpr uint64_t kCputsMax = 65536;

// Whether fds 0, 1 and 2 are standard here (open_console or inherited).
bool standard_fds;

// Reads at least one console byte (waiting for it) and then whatever else
// is waiting, up to n.  No interrupt says a byte arrived, so the wait
// polls; between polls the CPU idles until the next interrupt (the clock:
// at most a tick) rather than bouncing through the root scheduler, so a
// machine sitting at the prompt leaves its host CPU alone.
uint64_t console_read(void* buf, uint64_t n) {
    auto* out = static_cast<char*>(buf);
    uint64_t got = 0;
    while (got < n) {
        int64_t c = sys_cgetc();
        if (c > 0) {
            out[got++] = static_cast<char>(c);
            continue;
        }
        if (got > 0) break;
        (void)sys_yield(YIELD_SELF);
    }
    return got;
}

// Writes n bytes to the console.
uint64_t console_write(const void* buf, uint64_t n) {
    const auto* in = static_cast<const char*>(buf);
    for (uint64_t done = 0; done < n;) {
        uint64_t len = n - done < kCputsMax ? n - done : kCputsMax;
        (void)sys_cputs(in + done, len);
        done += len;
    }
    return n;
}

// The kind of fd's open file when the region is here; Console for fds 0-2
// of a domain without it (io.h).
Result<FileKind> kind_of(int fd) {
    if (!exofs::attached()) {
        if (fd >= 0 && fd <= 2) return FileKind::Console;
        return Error::BadDescriptor;
    }
    exofs::Op op;
    TRY(op.check());
    return TRY(exofs::fd_get(fd))->kind;
}

}  // namespace

Result<FileKind> kind(int fd) { return kind_of(fd); }

Result<uint64_t> read(int fd, void* buf, uint64_t n) {
    switch (TRY(kind_of(fd))) {
    case FileKind::Inode: return exofs::read(fd, buf, n);
    case FileKind::Console: return n == 0 ? 0 : console_read(buf, n);
    case FileKind::PipeRead: return pipe_read(fd, buf, n);
    default: return Error::BadDescriptor;
    }
}

Result<uint64_t> write(int fd, const void* buf, uint64_t n) {
    switch (TRY(kind_of(fd))) {
    case FileKind::Inode: return exofs::write(fd, buf, n);
    case FileKind::Console: return console_write(buf, n);
    case FileKind::PipeWrite: return pipe_write(fd, buf, n);
    default: return Error::BadDescriptor;
    }
}

Result<void> close(int fd) {
#if SOL >= 5
    FileKind what = TRY(kind_of(fd));
    if (!exofs::attached()) return Error::BadDescriptor;  // fds 0-2 of a domain without the region
    if (what == FileKind::Inode) return exofs::close(fd);
    exofs::Op op;
    TRY(op.check());
    TRY(exofs::fd_get(fd));
    const exofs::OpenFile* gone = exofs::fd_detach(fd);
    bool pipe_end = gone != nullptr && (gone->kind == FileKind::PipeRead || gone->kind == FileKind::PipeWrite);
    if (pipe_end) pipe_release(gone->inum);
    return {};
#else
    // LAB 5: Exercise 9 (part 3).  Contract in io.h.  Threats: the fd
    // may name its open file in other domains too (refs counts them all):
    // only the last ref ends it, and ending it depends on its kind (an
    // unlinked file is freed by exofs::close; a pipe's ring is free once
    // neither end is open anywhere: pipe_release); a domain without the
    // region has an implicit console it can never close.  The region's
    // lock (exofs::Op) is not re-entrant: while this domain holds it, a
    // call that takes it again (exofs::close, say) waits for ever.
    (void)fd;
    return Error::NotImplemented;
#endif
}

Result<int> dup2(int fd, int to) {
#if SOL >= 5
    TRY(kind_of(fd));
    if (to < 0 || to >= exofs::kMaxFds) return Error::BadDescriptor;
    if (to == fd) return to;
    if (exofs::files()->fd[to] != 0) TRY(close(to));
    TRY(exofs::dup_into(fd, to));
    return to;
#else
    // LAB 5: Exercise 9 (part 4).  Contract in io.h.  Threats: to == fd
    // (closing `to` first would close the only fd naming the file); an fd
    // that is not open, or a `to` out of range, must change nothing, not
    // close `to` and then fail; `to` may be a pipe's end, whose close is
    // not exofs's.
    (void)fd, (void)to;
    return Error::NotImplemented;
#endif
}

Result<int> dup(int fd) { return exofs::dup(fd); }

Result<void> open_console() {
    exofs::Op op;
    TRY(op.check());
    for (int fd = 0; fd < 3; fd++) {
        if (exofs::files()->fd[fd] != 0) return Error::Busy;
    }
    exofs::FdSlot slot = TRY(exofs::fd_reserve());
    if (slot.fd != 0) return Error::Busy;
    exofs::fd_install(slot, FileKind::Console, 0, exofs::kRead | exofs::kWrite);
    exofs::fd_attach(1, 0);
    exofs::fd_attach(2, 0);
    standard_fds = true;
    return {};
}

void use_standard_fds() { standard_fds = true; }

void close_all_at_exit() {
    if (!exofs::attached() || exofs::cache::held_here()) return;
    for (int fd = 0; fd < exofs::kMaxFds; fd++) {
        if (exofs::files()->fd[fd] != 0) (void)close(fd);
    }
}

void write_stdout(const char* bytes, uint64_t n) {
    if (standard_fds && exofs::attached() && !exofs::cache::held_here()) {
        if (exofs::files()->fd[1] != 0) (void)write(1, bytes, n);  // an error loses the output, as in Unix
        return;
    }
    (void)sys_cputs(bytes, n);
}

}  // namespace io
