// exolab: lab 5
// user/lib/fs/names.cc: the namespace operations of exofs (fs.h): unlink,
// mkdir, rmdir, rename.  Link counts follow format.h: a file's nlink counts
// its entries; a directory's its parent's entry, its "." and the ".." of
// each subdirectory.
#include "lib/fs/dir.h"
#include "lib/fs/fd.h"
#include "lib/fs/fs.h"
#include "lib/fs/inode.h"
#include "lib/fs/ops.h"

namespace exofs {
namespace {

constexpr uint16_t kMaxLinks = 0xFFFF;

// Adds delta to inode inum's nlink.
Result<void> add_links(uint32_t inum, int delta) {
    Inode* ip = TRY(inode_get(inum));
    ip->nlink = static_cast<uint16_t>(ip->nlink + delta);
    inode_dirty(ip);
    return {};
}

// Frees an inode that was allocated in this operation and never linked.
Result<void> abandon(uint32_t inum) {
    TRY(inode_truncate(inum, 0));
    return inode_free(inum);
}

// Looks name up in dir; NotFound is a success with inum 0.
Result<DirHit> lookup_maybe(uint32_t dir, Name name) {
    Result<DirHit> hit = dir_lookup(dir, name);
    if (!hit && hit.error() == Error::NotFound) return DirHit{0, 0};
    return hit;
}

// Whether directory `dir` is `ancestor` or lies below it: climbs "..".
Result<bool> is_within(uint32_t dir, uint32_t ancestor) {
    constexpr Name kDotDot{"..", 2};
    for (uint32_t steps = 0; steps < shared()->sb.ninodes; steps++) {
        if (dir == ancestor) return true;
        if (dir == kRootInode) return false;
        dir = TRY(dir_lookup(dir, kDotDot)).inum;
    }
    return Error::Corrupt;  // a cycle of ".." entries
}

}  // namespace

Result<void> release_if_unused(uint32_t inum) {
    Inode* ip = TRY(inode_get(inum));
    if (ip->nlink != 0 || inode_is_open(inum)) return {};
    TRY(inode_truncate(inum, 0));
    return inode_free(inum);
}

Result<void> reclaim_orphans() {
    Shared* s = shared();
    for (uint32_t inum = kRootInode + 1; inum < s->sb.ninodes; inum++) {
        cache::next_epoch();
        Inode* ip = TRY(inode_get(inum));
        if (ip->type == InodeType::Free || ip->nlink != 0) continue;
        TRY(journal::begin_op(s->op_reserve));
        TRY(release_if_unused(inum));
    }
    return journal::commit();
}

Result<void> unlink(const char* path) {
    Op op;
    TRY(op.begin());
    PathParent p = TRY(path_parent(path, files()->cwd));
    if (p.last.len == 0 || is_dot_or_dotdot(p.last)) return Error::IsDirectory;
    DirHit hit = TRY(dir_lookup(p.dir, p.last));
    if (TRY(inode_get(hit.inum))->type == InodeType::Directory) return Error::IsDirectory;
    TRY(dir_set(p.dir, hit.offset, 0));
    TRY(add_links(hit.inum, -1));
    return release_if_unused(hit.inum);
}

Result<void> mkdir(const char* path) {
    Op op;
    TRY(op.begin());
    PathParent p = TRY(path_parent(path, files()->cwd));
    if (p.last.len == 0 || is_dot_or_dotdot(p.last)) return Error::Exists;
    if (TRY(lookup_maybe(p.dir, p.last)).inum != 0) return Error::Exists;
    if (TRY(inode_get(p.dir))->nlink == kMaxLinks) return Error::NoSpace;
    uint64_t off = TRY(dir_free_slot(p.dir));
    uint32_t inum = TRY(inode_alloc(InodeType::Directory));
    Result<void> made = dir_put(inum, 0, Name{".", 1}, inum);
    if (made) made = dir_put(inum, sizeof(DirEntry), Name{"..", 2}, p.dir);
    if (made) made = dir_put(p.dir, off, p.last, inum);
    if (!made) {
        TRY(abandon(inum));
        return made.error();
    }
    TRY(add_links(inum, 2));
    return add_links(p.dir, 1);
}

Result<void> rmdir(const char* path) {
    Op op;
    TRY(op.begin());
    PathParent p = TRY(path_parent(path, files()->cwd));
    if (p.last.len == 0) return Error::Busy;
    if (is_dot_or_dotdot(p.last)) return Error::InvalidArgument;
    DirHit hit = TRY(dir_lookup(p.dir, p.last));
    if (TRY(inode_get(hit.inum))->type != InodeType::Directory) return Error::NotDirectory;
    if (!TRY(dir_is_empty(hit.inum))) return Error::NotEmpty;
    TRY(dir_set(p.dir, hit.offset, 0));
    TRY(add_links(p.dir, -1));
    Inode* ip = TRY(inode_get(hit.inum));
    ip->nlink = 0;
    inode_dirty(ip);
    return release_if_unused(hit.inum);
}

Result<void> rename(const char* from, const char* to) {
    Op op;
    TRY(op.begin());
    PathParent f = TRY(path_parent(from, files()->cwd));
    PathParent t = TRY(path_parent(to, files()->cwd));
    if (f.last.len == 0 || t.last.len == 0 || is_dot_or_dotdot(f.last) || is_dot_or_dotdot(t.last))
        return Error::InvalidArgument;
    DirHit src = TRY(dir_lookup(f.dir, f.last));
    DirHit dst = TRY(lookup_maybe(t.dir, t.last));
    bool src_is_dir = TRY(inode_get(src.inum))->type == InodeType::Directory;
    if (dst.inum == src.inum) return {};
    if (dst.inum != 0) {
        bool dst_is_dir = TRY(inode_get(dst.inum))->type == InodeType::Directory;
        if (dst_is_dir) return src_is_dir ? Error::Exists : Error::IsDirectory;
        if (src_is_dir) return Error::NotDirectory;
    }
    bool moves_dir = src_is_dir && f.dir != t.dir;
    if (moves_dir) {
        if (TRY(is_within(t.dir, src.inum))) return Error::InvalidArgument;
        if (TRY(inode_get(t.dir))->nlink == kMaxLinks) return Error::NoSpace;
    }
    // The new name first: if the directory cannot grow, nothing has changed.
    if (dst.inum != 0) {
        TRY(dir_set(t.dir, dst.offset, src.inum));
        TRY(add_links(dst.inum, -1));
        TRY(release_if_unused(dst.inum));
    } else {
        uint64_t off = TRY(dir_free_slot(t.dir));
        TRY(dir_put(t.dir, off, t.last, src.inum));
    }
    TRY(dir_set(f.dir, src.offset, 0));
    if (moves_dir) {
        DirHit dotdot = TRY(dir_lookup(src.inum, Name{"..", 2}));
        TRY(dir_set(src.inum, dotdot.offset, t.dir));
        TRY(add_links(f.dir, -1));
        TRY(add_links(t.dir, 1));
    }
    return {};
}

}  // namespace exofs
