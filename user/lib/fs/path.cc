// exolab: lab 5
// user/lib/fs/path.cc: path names (see dir.h).
#include "lib/fs/dir.h"
#include "lib/fs/inode.h"

namespace exofs {
namespace {

// The next component of *path (skipping slashes before it), advancing
// *path past it; len 0 at the end of the path.  Errors: NameTooLong.
Result<Name> next_component(const char** path) {
    const char* p = *path;
    while (*p == '/') p++;
    const char* start = p;
    while (*p != 0 && *p != '/') p++;
    *path = p;
    uint64_t len = static_cast<uint64_t>(p - start);
    if (len > kNameMax) return Error::NameTooLong;
    return Name{start, static_cast<uint32_t>(len)};
}

// Whether only slashes remain in path.
bool at_end(const char* path) {
    while (*path == '/') path++;
    return *path == 0;
}

// Where a walk starts: the root for an absolute path, else cwd.  Errors:
// NotFound for the empty path.
Result<uint32_t> start_of(const char* path, uint32_t cwd) {
    if (path[0] == 0) return Error::NotFound;
    return path[0] == '/' || cwd == 0 ? kRootInode : cwd;
}

// The inode `name` names in directory dir ("." is dir itself).
Result<uint32_t> step(uint32_t dir, Name name) {
    if (name.len == 1 && name.p[0] == '.') {
        if (TRY(inode_get(dir))->type != InodeType::Directory) return Error::NotDirectory;
        return dir;
    }
    return TRY(dir_lookup(dir, name)).inum;
}

}  // namespace

Result<uint32_t> path_walk(const char* path, uint32_t cwd) {
    uint32_t inum = TRY(start_of(path, cwd));
    for (;;) {
        Name name = TRY(next_component(&path));
        if (name.len == 0) return inum;
        inum = TRY(step(inum, name));
    }
}

Result<PathParent> path_parent(const char* path, uint32_t cwd) {
    uint32_t dir = TRY(start_of(path, cwd));
    for (;;) {
        Name name = TRY(next_component(&path));
        if (name.len == 0 || at_end(path)) {
            if (TRY(inode_get(dir))->type != InodeType::Directory) return Error::NotDirectory;
            return PathParent{dir, name};
        }
        dir = TRY(step(dir, name));
    }
}

}  // namespace exofs
