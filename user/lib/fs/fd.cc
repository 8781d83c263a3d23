// exolab: lab 5
// user/lib/fs/fd.cc: the fd tables and the shared open-file table (see fd.h).
#include "lib/fs/fd.h"

#include "lib/fs/cache.h"
#include "lib/fs/ops.h"

namespace exofs {
namespace {

Files own_files;

}  // namespace

Files* detail::current_files = &own_files;

void set_files(Files* f) { detail::current_files = f; }

void share_files_for_fork() { share_files(*files()); }

void share_files(const Files& f) {
    if (!attached()) return;
    cache::lock();
    for (int fd = 0; fd < kMaxFds; fd++) {
        if (f.fd[fd] != 0) shared()->files[f.fd[fd] - 1].refs++;
    }
    cache::unlock();
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
