// exolab: lab 5
// user/lib/fs/fd.cc: the fd tables and the shared open-file table (see fd.h).
#include "lib/fs/fd.h"

#include "lib/fs/cache.h"
#include "lib/fs/ops.h"

namespace exofs {

Files* detail::current_files = nullptr;

Files* detail::own_files() {
    static Files private_files;  // before the region is attached, or without one
    Files* in_region = attached() ? region_fd_table() : nullptr;
    return in_region != nullptr ? in_region : &private_files;
}

void set_files(Files* f) { detail::current_files = f; }

void share_files(const Files& f) {
#if SOL >= 5
    if (!attached()) return;
    cache::lock();
    for (uint16_t entry : f.fd) {
        if (entry != 0) shared()->files[entry - 1].refs++;
    }
    cache::unlock();
#else
    // LAB 5: Exercise 9 (part 1).  Contract in fd.h.  Threats: a count
    // raised too late lets the parent's close free an entry the child still
    // names; one raised without the lock loses an update to another domain
    // closing an fd at the same moment; fds that are closed count nothing.
    (void)f;
#endif
}

void unshare_files(const Files& f) {
#if SOL >= 5
    if (!attached()) return;
    cache::lock();
    for (uint16_t entry : f.fd) {
        if (entry == 0) continue;
        kassert(shared()->files[entry - 1].refs > 1);
        shared()->files[entry - 1].refs--;
    }
    cache::unlock();
#else
    // LAB 5: Exercise 9 (part 2).  Contract in fd.h.  Threat: a failed
    // fork or spawn that leaves the counts raised leaks every file it
    // shared: an unlinked file is never freed, a pipe never reaches EOF.
    (void)f;
#endif
}

Result<int> fd_lowest_free() {
    for (int fd = 0; fd < kMaxFds; fd++) {
        if (files()->fd[fd] == 0) return fd;
    }
    return Error::NoMemory;
}

Result<FdSlot> fd_reserve() {
    int fd = TRY(fd_lowest_free());
    for (uint32_t i = 0; i < kOpenFiles; i++) {
        if (shared()->files[i].refs == 0) return FdSlot{fd, i};
    }
    return Error::NoMemory;
}

void fd_install(FdSlot slot, FileKind kind, uint32_t inum, uint32_t mode) {
    shared()->files[slot.file] = OpenFile{kind, 1, inum, mode, 0};
    files()->fd[slot.fd] = static_cast<uint16_t>(slot.file + 1);
}

void fd_attach(int to, int from) {
    kassert(files()->fd[from] != 0 && files()->fd[to] == 0);
    files()->fd[to] = files()->fd[from];
    shared()->files[files()->fd[from] - 1].refs++;
}

OpenFile* fd_detach(int fd) {
    OpenFile* file = &shared()->files[files()->fd[fd] - 1];
    files()->fd[fd] = 0;
    kassert(file->refs > 0);
    return --file->refs == 0 ? file : nullptr;
}

bool inode_is_open(uint32_t inum) {
    for (uint32_t i = 0; i < kOpenFiles; i++) {
        const OpenFile& f = shared()->files[i];
        if (f.refs != 0 && f.kind == FileKind::Inode && f.inum == inum) return true;
    }
    return false;
}

}  // namespace exofs
