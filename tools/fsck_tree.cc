// exolab: lab 5
// tools/fsck_tree.cc: fsck's checks of the directory tree.  From the root,
// each directory is entered once (an explicit stack, so no depth of tree
// can overflow the host's): its size and blocks, its entries' names and
// inode numbers, "." and "..", then its subdirectories.  A directory
// reached a second time is a cycle or a hard link to a directory, and is not
// entered again.  Afterwards every inode in use must have been reached,
// and its nlink must equal the entries that name it (format.h).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "fsck.h"

using namespace exofs;

namespace fsck {

namespace {

const uint64_t kMaxFileBytes = kMaxFileBlocks * kBlockSize;

// A directory entry's name up to its NUL; terminated is false when name[]
// holds none.
std::string entry_name(const DirEntry& entry, bool& terminated) {
    const void* nul = std::memchr(entry.name, 0, sizeof entry.name);
    terminated = nul != nullptr;
    return std::string(entry.name, terminated ? static_cast<const char*>(nul) - entry.name : sizeof entry.name);
}

// `name` fit for a message: bytes outside printable ASCII as \xNN.
std::string printable(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += c >= 0x20 && c < 0x7f && c != '\\' ? std::string(1, char(c)) : hex;
    }
    return out;
}

// The path of `name` in the directory whose path is dir.
std::string join(const std::string& dir, const std::string& name) {
    return (dir == "/" ? dir : dir + "/") + printable(name);
}

}  // namespace

// The used entries (inum != 0) of directory inum (at `path`), read from
// the blocks it claimed, up to its size.  Reports a size that is not a
// whole number of entries, and file blocks within the size that have no
// block of its own (holes, or blocks another inode owns).
std::vector<DirEntry> Checker::dir_entries(uint32_t inum, const std::string& path) {
    const Inode& dir = inodes_[inum];
    const std::string who = path + " (inode " + std::to_string(inum) + ")";
    if (dir.size % sizeof(DirEntry) != 0)
        problem("directory size", who + " has size " + std::to_string(dir.size) + ", not a multiple of " +
                std::to_string(sizeof(DirEntry)));
    const uint64_t size = std::min(dir.size, kMaxFileBytes);
    const uint64_t used = (size + kBlockSize - 1) / kBlockSize;
    const uint64_t count = size / sizeof(DirEntry);
    std::vector<DirEntry> entries;
    uint64_t next = 0, holes = 0;
    for (const auto& [fb, b] : dir_blocks_[inum]) {
        if (fb >= used)
            break;
        holes += fb - next;
        next = fb + 1;
        const fsimage::Block block = read(b);
        const uint64_t n = std::min<uint64_t>(kEntriesPerBlock, count - fb * kEntriesPerBlock);
        for (uint64_t i = 0; i < n; i++) {
            DirEntry entry;
            std::memcpy(&entry, block.data() + i * sizeof entry, sizeof entry);
            if (entry.inum != 0)
                entries.push_back(entry);
        }
    }
    holes += used - std::min(used, next);
    if (holes)
        problem("directory hole", who + ": " + std::to_string(holes) + " of the " + std::to_string(used) +
                " blocks of its size have no block of its own");
    return entries;
}

// Whether directory `dir` is `of` or above it in the tree walked so far
// (tree_parent_; at most ninodes steps, though that tree has no cycle).
bool Checker::is_ancestor(uint32_t dir, uint32_t of) const {
    for (uint32_t x = of, steps = 0; steps < sb_.ninodes; x = tree_parent_[x], steps++) {
        if (x == dir)
            return true;
        if (x == kRootInode)
            return false;
    }
    return false;
}

// Checks the entries of the directory `at` and counts the links they make;
// returns the files and the not yet reached directories they name, by path,
// to visit next (their paths_ and tree_parent_ set).
std::vector<Checker::Visit> Checker::check_dir(const Visit& at) {
    std::vector<Visit> children;
    std::map<std::string, int> names;
    for (const DirEntry& entry : dir_entries(at.inum, at.path)) {
        bool terminated;
        const std::string name = entry_name(entry, terminated);
        const std::string path = join(at.path, name), inum = std::to_string(entry.inum);
        if (!terminated || name.empty() || name.find('/') != std::string::npos)
            problem("bad name", path + " (inode " + inum + "): " +
                    (!terminated ? "no NUL in the name's 60 bytes" : name.empty() ? "an empty name" : "a '/' in the name"));
        if (names[name]++ == 1)
            problem("duplicate name", at.path + " (inode " + std::to_string(at.inum) + ") has two entries named '" +
                    printable(name) + "'");
        if (entry.inum >= sb_.ninodes) {
            problem("bad inode number", path + " names inode " + inum + "; the last inode is " +
                    std::to_string(sb_.ninodes - 1));
            continue;
        }
        if (!allocated(entry.inum)) {
            problem("dangling entry", path + " names inode " + inum + ", which is not in use");
            continue;
        }
        refs_[entry.inum]++;
        const uint32_t want = name == "." ? at.inum : at.parent;
        if (name == "." || name == "..") {
            if (entry.inum != want)
                problem("bad '" + name + "'", at.path + " (inode " + std::to_string(at.inum) + "): '" + name +
                        "' names inode " + inum + ", not " + std::to_string(want));
            continue;
        }
        const bool is_dir = inodes_[entry.inum].type == InodeType::Directory;
        if (is_dir && !paths_[entry.inum].empty()) {
            if (is_ancestor(entry.inum, at.inum))
                problem("directory cycle", path + " names inode " + inum + ", the directory " + paths_[entry.inum] +
                        " that holds it");
            else
                problem("directory linked twice", path + " names directory inode " + inum + ", already reached as " +
                        paths_[entry.inum]);
            continue;
        }
        if (paths_[entry.inum].empty())
            paths_[entry.inum] = path;
        if (is_dir)
            tree_parent_[entry.inum] = at.inum;
        children.push_back({entry.inum, at.inum, path});
    }
    for (const char* name : {".", ".."})
        if (names.count(name) == 0)
            problem("missing '" + std::string(name) + "'", at.path + " (inode " + std::to_string(at.inum) +
                    ") has no '" + name + "' entry");
    std::sort(children.begin(), children.end(), [](const Visit& a, const Visit& b) { return a.path < b.path; });
    return children;
}

void Checker::check_tree() {
    if (inodes_[kRootInode].type != InodeType::Directory) {
        problem("root", "inode 1 has type " + std::to_string(unsigned(inodes_[kRootInode].type)) +
                ", not a directory: the tree cannot be checked");
        return;
    }
    refs_.assign(sb_.ninodes, 0);
    tree_parent_.assign(sb_.ninodes, 0);
    paths_.assign(sb_.ninodes, "");
    paths_[kRootInode] = "/";
    tree_parent_[kRootInode] = kRootInode;
    std::vector<Visit> stack{{kRootInode, kRootInode, "/"}};
    while (!stack.empty()) {
        const Visit at = stack.back();
        stack.pop_back();
        const Inode& inode = inodes_[at.inum];
        const bool is_dir = inode.type == InodeType::Directory;
        if (verbose_)
            std::printf("%-4s %7u %12llu %s\n", is_dir ? "dir" : "file", at.inum, (unsigned long long)inode.size,
                        at.path.c_str());
        if (is_dir) {
            const std::vector<Visit> children = check_dir(at);
            stack.insert(stack.end(), children.rbegin(), children.rend());
        }
    }
    for (uint32_t inum = 1; inum < sb_.ninodes; inum++) {
        const Inode& inode = inodes_[inum];
        if (!allocated(inum))
            continue;
        const std::string what = (inode.type == InodeType::Directory ? "directory, " : "file, ") +
                                 std::to_string(inode.size) + " bytes, nlink " + std::to_string(inode.nlink);
        if (paths_[inum].empty())
            problem("unreachable inode", "inode " + std::to_string(inum) + " (" + what +
                    ") is in use, but no directory reachable from the root names it");
        else if (refs_[inum] != inode.nlink)
            problem("link count", paths_[inum] + " (inode " + std::to_string(inum) + "): nlink is " +
                    std::to_string(inode.nlink) + ", but " + std::to_string(refs_[inum]) + " entries name it");
    }
}

}  // namespace fsck
