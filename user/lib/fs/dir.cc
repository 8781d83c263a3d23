// exolab: lab 5
// user/lib/fs/dir.cc: directory entries (see dir.h).  A directory is a file
// of 64-byte DirEntry records; its size is a multiple of 64.
#include "lib/fs/cache.h"
#include "lib/fs/dir.h"
#include "lib/fs/inode.h"

namespace exofs {
#if SOL >= 5
namespace {

// Whether entry e holds `name`.
bool same_name(const DirEntry& e, Name name) {
    for (uint32_t i = 0; i < name.len; i++) {
        if (e.name[i] != name.p[i]) return false;
    }
    return e.name[name.len] == 0;
}

// Calls visit(entry) on each entry of directory dir, in order, one
// block per epoch, until visit returns true; returns the offset it stopped
// at, or dir's size if it never did.  Errors: NotDirectory; Corrupt; IoError.
template <typename Visit>
Result<uint64_t> scan(uint32_t dir, Visit visit) {
    Inode* node = TRY(inode_get(dir));
    if (node->type != InodeType::Directory) return Error::NotDirectory;
    uint64_t size = node->size;
    for (uint64_t off = 0; off < size; off += kBlockSize) {
        if (off != 0) {
            cache::next_epoch();
            node = TRY(inode_get(dir));
        }
        uint32_t b = TRY(bmap(node, off / kBlockSize, Holes::Keep));
        if (b == 0) return Error::Corrupt;  // directories have no holes
        auto* entries = reinterpret_cast<DirEntry*>(TRY(cache::get(b)));
        uint64_t n = size - off < kBlockSize ? (size - off) / sizeof(DirEntry) : kEntriesPerBlock;
        for (uint64_t k = 0; k < n; k++) {
            if (visit(entries[k])) return off + k * sizeof(DirEntry);
        }
    }
    return size;
}

}  // namespace
#endif

bool is_dot_or_dotdot(Name name) {
    return (name.len == 1 && name.p[0] == '.') || (name.len == 2 && name.p[0] == '.' && name.p[1] == '.');
}

Result<DirHit> dir_lookup(uint32_t dir, Name name) {
#if SOL >= 5
    uint32_t inum = 0;
    uint64_t off = TRY(scan(dir, [&](const DirEntry& e) {
        if (e.inum == 0 || !same_name(e, name)) return false;
        inum = e.inum;
        return true;
    }));
    if (inum == 0) return Error::NotFound;
    return DirHit{inum, off};
#else
    // LAB 5: Exercise 5 (part 1). Contract in dir.h, as for parts 2 and 3:
    // the three read a directory the same way, and how they share that
    // is yours to design.  Threats: a directory's blocks come from its
    // block map, and a directory never has holes: one there is a damaged
    // disk (Corrupt), not an empty block; its size need not fill the last
    // block, and the slots past the size are not entries, whatever they
    // hold; a free entry (inum 0) may still hold the name it had; "file5"
    // is not "file57", nor "file57" "file5"; a directory may have more
    // blocks than the cache has slots, and a cache pointer lives one
    // epoch (cache.h).
    (void)dir, (void)name;
    return Error::NotImplemented;
#endif
}

Result<uint64_t> dir_free_slot(uint32_t dir) {
#if SOL >= 5
    return scan(dir, [](const DirEntry& e) { return e.inum == 0; });
#else
    // LAB 5: Exercise 5 (part 2). Contract in dir.h.
    (void)dir;
    return Error::NotImplemented;
#endif
}

Result<void> dir_put(uint32_t dir, uint64_t off, Name name, uint32_t inum) {
    DirEntry e;
    zero_bytes(&e, sizeof e);
    e.inum = inum;
    copy_bytes(e.name, name.p, name.len);
    uint64_t written = TRY(inode_write(dir, off, &e, sizeof e));
    kassert(written == sizeof e);
    return {};
}

Result<void> dir_set(uint32_t dir, uint64_t off, uint32_t inum) {
    Inode* ip = TRY(inode_get(dir));
    uint32_t b = TRY(bmap(ip, off / kBlockSize, Holes::Keep));
    if (b == 0 || off >= ip->size) return Error::Corrupt;
    auto* e = reinterpret_cast<DirEntry*>(TRY(cache::get(b)) + off % kBlockSize);
    e->inum = inum;
    cache::mark_dirty(e);
    return {};
}

Result<bool> dir_is_empty(uint32_t dir) {
#if SOL >= 5
    uint64_t size = TRY(inode_get(dir))->size;
    uint64_t off = TRY(scan(dir, [](const DirEntry& e) {
        if (e.inum == 0) return false;
        Name held{e.name, static_cast<uint32_t>(e.name[1] == 0 ? 1 : e.name[2] == 0 ? 2 : 3)};
        return !is_dot_or_dotdot(held);
    }));
    return off == size;
#else
    // LAB 5: Exercise 5 (part 3). Contract in dir.h.  Threat: rmdir
    // trusts the answer: a directory that still holds an entry must never
    // be called empty, though its name start with a dot.
    (void)dir;
    return Error::NotImplemented;
#endif
}

}  // namespace exofs
