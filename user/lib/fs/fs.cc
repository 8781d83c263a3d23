// exolab: lab 5
// user/lib/fs/fs.cc: the volume and the file operations of exofs (fs.h);
// names.cc has the namespace operations, mkfs.cc format.
#include "lib/fs/fs.h"

#include "lib/fs/dir.h"
#include "lib/fs/disk.h"
#include "lib/fs/fd.h"
#include "lib/fs/inode.h"
#include "lib/fs/ops.h"

namespace exofs {
namespace {

bool region_attached;

// The most blocks one piece of a write touches (write_pieces).
constexpr uint32_t kMaxPieceBlocks = 32;

// Whether the superblock's regions lie in format.h's order, without
// overlapping, inside a disk of `sectors`.
bool layout_ok(const SuperBlock& sb, uint64_t sectors) {
    uint64_t log_end = uint64_t(sb.log_start) + sb.log_blocks;
    uint64_t bitmap_end = uint64_t(sb.bitmap_start) + sb.bitmap_blocks;
    uint64_t inode_end = uint64_t(sb.inode_start) + sb.inode_blocks;
    return sb.magic == kMagic && sb.version == kVersion && sb.block_size == kBlockSize &&
           uint64_t(sb.nblocks) * kSectorsPerBlock <= sectors && sb.log_start > kSuperBlock &&
           sb.log_blocks >= 2 && sb.bitmap_start >= log_end &&
           uint64_t(sb.bitmap_blocks) * kBlockSize * 8 >= sb.nblocks && sb.inode_start >= bitmap_end &&
           sb.ninodes == uint64_t(sb.inode_blocks) * kInodesPerBlock && sb.ninodes > kRootInode &&
           sb.data_start >= inode_end && sb.data_start < sb.nblocks;
}

// Reads and checks the superblock, replays the journal, readies the shared
// state and frees the orphans of a crash.  The lock is held; the cache is
// not in use yet, so slot 0 serves as the scratch buffer.
Result<void> mount_locked(Shared* s) {
    uint64_t sectors = TRY(disk::sectors());
    uint8_t* scratch = block_data(0);
    TRY(disk::read(uint64_t(kSuperBlock) * kSectorsPerBlock, 1, scratch));
    SuperBlock sb;
    copy_bytes(&sb, scratch, sizeof sb);
    if (!layout_ok(sb, sectors)) return Error::Corrupt;
    uint32_t log_cap = sb.log_blocks - 1 < kLogMax ? sb.log_blocks - 1 : kLogMax;
    if (log_cap < op_reserve(sb) || log_cap < write_reserve(1)) return Error::Corrupt;
    TRY(journal::replay(sb, scratch));
    s->sb = sb;
    s->log_cap = log_cap;
    s->op_reserve = op_reserve(sb);
    uint32_t piece = (log_cap - write_reserve(0)) / 2;
    s->piece_blocks = piece < kMaxPieceBlocks ? piece : kMaxPieceBlocks;
    s->block_hint = sb.data_start;
    s->inode_hint = kRootInode + 1;
    cache::reset();
    TRY(reclaim_orphans());
    s->mounted = 1;
    return {};
}

// The inode-backed open file fd names, checked for `mode` (kRead/kWrite).
Result<OpenFile*> file_for(int fd, uint32_t mode) {
    OpenFile* f = TRY(fd_get(fd));
    if (f->kind != FileKind::Inode || (f->mode & mode) != mode) return Error::BadDescriptor;
    return f;
}

// The open file fd names, open for reading and not a directory.
Result<OpenFile*> readable(int fd) {
    OpenFile* f = TRY(file_for(fd, kRead));
    if (f->mode & kModeDirectory) return Error::IsDirectory;
    return f;
}

// Writes n bytes from buf at off of file inum, in pieces of at most
// piece_blocks blocks, each its own journal operation (so the log never
// overflows).  Returns n, or the bytes written before an error (the error
// if none).
Result<uint64_t> write_pieces(const Op& op, uint32_t inum, uint64_t off, const void* buf, uint64_t n) {
    const auto* in = static_cast<const uint8_t*>(buf);
    uint64_t done = 0, piece_bytes = uint64_t(shared()->piece_blocks) * kBlockSize;
    while (done < n) {
        uint64_t in_block = (off + done) % kBlockSize;
        uint64_t len = n - done < piece_bytes - in_block ? n - done : piece_bytes - in_block;
        uint32_t blocks = static_cast<uint32_t>((in_block + len + kBlockSize - 1) / kBlockSize);
        Result<void> begun = op.begin(write_reserve(blocks));
        Result<uint64_t> wrote = begun ? inode_write(inum, off + done, in + done, len) : begun.error();
        if (!wrote) {
            if (done == 0) return wrote.error();
            break;
        }
        done += wrote.value();
        if (wrote.value() < len) break;
    }
    return done;
}

// What stat reports of inode inum, whose contents are ino.
Stat stat_of(uint32_t inum, const Inode& ino) { return Stat{ino.type, ino.nlink, inum, ino.size}; }

// Closes open fd: the open file goes with its last fd, and with it an
// unlinked file's inode.  In an operation begun with op_reserve.
Result<void> close_locked(int fd) {
    OpenFile* last = fd_detach(fd);
    if (last == nullptr || last->kind != FileKind::Inode) return {};
    last->kind = FileKind::None;
    return release_if_unused(last->inum);
}

}  // namespace

bool attached() { return region_attached; }

Result<void> mount() {
    Shared* s = reinterpret_cast<Shared*>(TRY(region_attach(kRegionPages)));
    region_attached = true;
    Op op;
    if (s->magic != kRegionMagic) {
        for (uint32_t i = 0; i < kOpenFiles; i++) s->files[i] = OpenFile{FileKind::None, 0, 0, 0, 0};
        s->magic = kRegionMagic;
    }
    if (s->mounted) return {};
    return mount_locked(s);
}

Result<void> unmount() {
    Op op;
    TRY(op.begin(0));
    TRY(journal::commit());
    shared()->mounted = 0;
    return {};
}

Result<void> sync() {
    Op op;
    TRY(op.begin(0));
    return journal::commit();
}

Result<int> open(const char* path, uint32_t flags) {
    constexpr uint32_t kAll = kRead | kWrite | kCreate | kTruncate | kAppend | kExclusive;
    if ((flags & ~kAll) || !(flags & (kRead | kWrite)) || ((flags & (kTruncate | kAppend)) && !(flags & kWrite)))
        return Error::InvalidArgument;
    Op op;
    TRY(op.begin());
    FdSlot slot = TRY(fd_reserve());
    uint32_t cwd = files()->cwd, inum;
    if (flags & kCreate) {
        PathParent parent = TRY(path_parent(path, cwd));
        if (parent.last.len == 0) return Error::IsDirectory;
        Result<DirHit> hit = dir_lookup(parent.dir, parent.last);
        if (hit) {
            if (flags & kExclusive) return Error::Exists;
            inum = hit.value().inum;
        } else if (hit.error() != Error::NotFound) {
            return hit.error();
        } else {
            uint64_t off = TRY(dir_free_slot(parent.dir));
            inum = TRY(inode_alloc(InodeType::File));
            TRY(inode_get(inum))->nlink = 1;
            Result<void> put = dir_put(parent.dir, off, parent.last, inum);
            if (!put) {
                TRY(inode_free(inum));
                return put.error();
            }
        }
    } else {
        inum = TRY(path_walk(path, cwd));
    }
    Inode* ip = TRY(inode_get(inum));
    bool is_dir = ip->type == InodeType::Directory;
    if (is_dir && (flags & kWrite)) return Error::IsDirectory;
    if ((flags & kTruncate) && ip->size != 0) TRY(inode_truncate(inum, 0));
    fd_install(slot, FileKind::Inode, inum, (flags & (kRead | kWrite | kAppend)) | (is_dir ? kModeDirectory : 0));
    return slot.fd;
}

Result<void> close(int fd) {
    Op op;
    TRY(op.begin());
    TRY(fd_get(fd));
    return close_locked(fd);
}

Result<uint64_t> read(int fd, void* buf, uint64_t n) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(readable(fd));
    uint64_t got = TRY(inode_read(f->inum, f->offset, buf, n));
    f->offset += got;
    return got;
}

Result<uint64_t> pread(int fd, void* buf, uint64_t n, uint64_t off) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(readable(fd));
    return inode_read(f->inum, off, buf, n);
}

Result<uint64_t> write(int fd, const void* buf, uint64_t n) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(file_for(fd, kWrite));  // never a directory (open refuses)
    if (f->mode & kAppend) f->offset = TRY(inode_get(f->inum))->size;
    uint64_t done = TRY(write_pieces(op, f->inum, f->offset, buf, n));
    f->offset += done;
    return done;
}

Result<uint64_t> pwrite(int fd, const void* buf, uint64_t n, uint64_t off) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(file_for(fd, kWrite));
    return write_pieces(op, f->inum, off, buf, n);
}

Result<uint64_t> seek(int fd, int64_t off, Whence whence) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(file_for(fd, 0));
    int64_t base = 0;
    if (whence == Whence::Cur) base = static_cast<int64_t>(f->offset);
    if (whence == Whence::End) base = static_cast<int64_t>(TRY(inode_get(f->inum))->size);
    if ((off < 0 && base + off < 0) || (off > 0 && base > INT64_MAX - off)) return Error::InvalidArgument;
    f->offset = static_cast<uint64_t>(base + off);
    return f->offset;
}

Result<void> truncate(const char* path, uint64_t size) {
    Op op;
    TRY(op.begin());
    uint32_t inum = TRY(path_walk(path, files()->cwd));
    if (TRY(inode_get(inum))->type != InodeType::File) return Error::IsDirectory;
    return inode_truncate(inum, size);
}

Result<void> ftruncate(int fd, uint64_t size) {
    Op op;
    TRY(op.begin());
    OpenFile* f = TRY(file_for(fd, kWrite));
    return inode_truncate(f->inum, size);
}

Result<int> dup(int fd) {
    Op op;
    TRY(op.check());
    TRY(fd_get(fd));
    int to = TRY(fd_lowest_free());
    fd_attach(to, fd);
    return to;
}

Result<void> dup_into(int fd, int to) {
    Op op;
    TRY(op.check());
    TRY(fd_get(fd));
    if (to < 0 || to >= kMaxFds) return Error::BadDescriptor;
    if (files()->fd[to] != 0) return Error::Busy;
    fd_attach(to, fd);
    return {};
}

Result<void> close_all() {
    Op op;
    TRY(op.check());
    for (int fd = 0; fd < kMaxFds; fd++) {
        if (files()->fd[fd] == 0) continue;
        TRY(op.begin());
        TRY(close_locked(fd));
    }
    return {};
}

void close_all_at_exit() {
    if (!cache::held_here()) (void)close_all();
}

Result<void> chdir(const char* path) {
    Op op;
    TRY(op.check());
    uint32_t inum = TRY(path_walk(path, files()->cwd));
    if (TRY(inode_get(inum))->type != InodeType::Directory) return Error::NotDirectory;
    files()->cwd = inum;
    return {};
}

Result<Stat> stat(const char* path) {
    Op op;
    TRY(op.check());
    uint32_t inum = TRY(path_walk(path, files()->cwd));
    return stat_of(inum, *TRY(inode_get(inum)));
}

Result<Stat> fstat(int fd) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(file_for(fd, 0));
    return stat_of(f->inum, *TRY(inode_get(f->inum)));
}

Result<bool> readdir(int fd, DirEntry* entry) {
    Op op;
    TRY(op.check());
    OpenFile* f = TRY(file_for(fd, kRead));
    if (!(f->mode & kModeDirectory)) return Error::NotDirectory;
    for (;;) {
        cache::next_epoch();
        DirEntry e;
        uint64_t got = TRY(inode_read(f->inum, f->offset, &e, sizeof e));
        if (got < sizeof e) return false;
        f->offset += sizeof e;
        if (e.inum == 0) continue;
        copy_bytes(entry, &e, sizeof e);
        return true;
    }
}

}  // namespace exofs
