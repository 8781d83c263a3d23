// exolab: lab 5
// user/lib/pipe.cc: pipes (see pipe.h).
#include "lib/pipe.h"

#include "abi/domain.h"
#include "lib/fdtable.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/fs/ops.h"
#include "lib/syscall.h"

namespace io {
namespace {

using exofs::FileKind;
using exofs::kPipeBytes;
using exofs::PipeRing;

// Pipe `index` in the shared region.
PipeRing& ring(uint32_t index) { return exofs::shared()->pipes[index]; }

// Whether open file `file` is still pipe `index`'s end of `kind` with an
// fd naming it somewhere.  An end whose refs fell to 0 may have been
// reused by another open file since, hence the kind and index checks;
// while the pipe is in use no other pipe has its index.
bool end_open(uint32_t file, FileKind kind, uint32_t index) {
    const exofs::OpenFile& f = exofs::shared()->files[file];
    return f.refs != 0 && f.kind == kind && f.inum == index;
}

// Gives the CPU away while waiting for domain `other` (0: unknown): to it
// directly when the kernel allows (an ancestor or a descendant), else to
// the root scheduler.  First closes the fds of domains that died with
// theirs open: the other end's last holder may be one of them.
void wait_for(uint16_t other) {
    reclaim_dead_files();
    if (other != 0 && other != static_cast<uint64_t>(sys_self()) && sys_yield(other) >= 0) return;
    (void)sys_yield(YIELD_ANY);
}

// The pipe end fd names, if it is of `kind`.  Under the lock.
Result<uint32_t> end_of(int fd, FileKind kind) {
    exofs::OpenFile* f = TRY(exofs::fd_get(fd));
    if (f->kind != kind) return Error::BadDescriptor;
    return f->inum;
}

}  // namespace

Result<void> pipe(int fds[2]) {
    exofs::Op op;
    TRY(op.check());
    uint32_t index = exofs::kPipes;
    for (uint32_t i = 0; i < exofs::kPipes; i++) {
        if (!ring(i).used) {
            index = i;
            break;
        }
    }
    if (index == exofs::kPipes) return Error::NoMemory;
    // Both ends' fds and open files are found before either is installed.
    exofs::FdSlot rd = TRY(exofs::fd_reserve());
    exofs::shared()->files[rd.file].refs = 1;  // held while the second is found
    exofs::files()->fd[rd.fd] = static_cast<uint16_t>(rd.file + 1);
    Result<exofs::FdSlot> wr = exofs::fd_reserve();
    exofs::files()->fd[rd.fd] = 0;
    exofs::shared()->files[rd.file].refs = 0;
    if (!wr) return wr.error();
    PipeRing& fresh = ring(index);
    fresh.used = 1;
    fresh.rd_file = rd.file;
    fresh.wr_file = wr.value().file;
    fresh.reader = fresh.writer = 0;
    fresh.head = fresh.tail = 0;
    exofs::fd_install(rd, FileKind::PipeRead, index, exofs::kRead);
    exofs::fd_install(wr.value(), FileKind::PipeWrite, index, exofs::kWrite);
    fds[0] = rd.fd;
    fds[1] = wr.value().fd;
    return {};
}

Result<uint64_t> pipe_read(int fd, void* buf, uint64_t n) {
#if SOL >= 5
    auto* into = static_cast<uint8_t*>(buf);
    for (;;) {
        uint16_t writer;
        {
            exofs::Op op;
            TRY(op.check());
            uint32_t index = TRY(end_of(fd, FileKind::PipeRead));
            PipeRing& p = ring(index);
            p.reader = static_cast<uint16_t>(sys_self());
            uint64_t queued = p.tail - p.head;
            if (n == 0) return 0;
            if (queued != 0) {
                uint64_t take = queued < n ? queued : n;
                for (uint64_t moved = 0; moved < take;) {
                    uint64_t slot = (p.head + moved) % kPipeBytes;
                    uint64_t run = kPipeBytes - slot < take - moved ? kPipeBytes - slot : take - moved;
                    exofs::copy_bytes(into + moved, p.data + slot, run);
                    moved += run;
                }
                p.head += take;
                return take;
            }
            if (!end_open(p.wr_file, FileKind::PipeWrite, index)) return 0;
            writer = p.writer;
        }
        wait_for(writer);
    }
#else
    // LAB 5: Exercise 10 (part 1).  Contract in pipe.h; the ring's fields
    // in lib/fs/shared.h (PipeRing).  Threats: the ring wraps (a transfer
    // may straddle its end); head and tail only ever grow, past 2^32 too;
    // the other end is another domain, which changes the ring only under
    // the lock, so nothing read before a wait is true after it; a reader
    // must not spin out its slice while it waits, nor hold the lock; and
    // EOF is "no writer and nothing left", never "no writer".
    (void)buf, (void)n, (void)fd, (void)wait_for, (void)end_of;
    return Error::NotImplemented;
#endif
}

Result<uint64_t> pipe_write(int fd, const void* buf, uint64_t n) {
#if SOL >= 5
    const auto* from = static_cast<const uint8_t*>(buf);
    uint64_t sent = 0;
    for (;;) {
        uint16_t reader;
        {
            exofs::Op op;
            TRY(op.check());
            uint32_t index = TRY(end_of(fd, FileKind::PipeWrite));
            PipeRing& p = ring(index);
            p.writer = static_cast<uint16_t>(sys_self());
            if (!end_open(p.rd_file, FileKind::PipeRead, index)) {
                if (sent == 0) return Error::BrokenPipe;
                return sent;
            }
            uint64_t free_bytes = kPipeBytes - (p.tail - p.head);
            uint64_t give = n - sent < free_bytes ? n - sent : free_bytes;
            for (uint64_t moved = 0; moved < give;) {
                uint64_t slot = (p.tail + moved) % kPipeBytes;
                uint64_t run = kPipeBytes - slot < give - moved ? kPipeBytes - slot : give - moved;
                exofs::copy_bytes(p.data + slot, from + sent + moved, run);
                moved += run;
            }
            p.tail += give;
            sent += give;
            if (sent == n) return n;
            reader = p.reader;
        }
        wait_for(reader);
    }
#else
    // LAB 5: Exercise 10 (part 2).  Contract in pipe.h.  Threats: n may be
    // far larger than the ring; the ring wraps; the reader may be this
    // very domain (then only what fits now can go in before a read); the
    // last reader may close while the writer waits, and a writer that
    // never looks again waits for ever; waiting must give the CPU away
    // and not hold the lock.
    (void)buf, (void)n, (void)fd;
    return Error::NotImplemented;
#endif
}

void pipe_release(uint32_t index) {
    PipeRing& ends = ring(index);
    if (!end_open(ends.rd_file, FileKind::PipeRead, index) && !end_open(ends.wr_file, FileKind::PipeWrite, index)) {
        ends.used = 0;
    }
}

}  // namespace io
