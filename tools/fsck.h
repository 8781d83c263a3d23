// exolab: lab 5
// tools/fsck.h: the checker behind tools/fsck (fsck.cc: the command, the
// superblock and the log; fsck_blocks.cc: inodes, block maps, bitmap;
// fsck_tree.cc: directories, reachability, link counts).
//
// Every number read from the image is range-checked before it is used, and
// every walk is bounded: a block is read as an inode's only after that
// inode has claimed it (so no block is read twice as metadata), and a
// directory is entered only once.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fsimage.h"

namespace fsck {

// The image cannot be checked (a read failed); main exits with status 2.
struct Unusable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Who holds a data block: an inode and the place in its block map.
struct Owner {
    uint32_t inum = 0;          // 0: nobody
    uint32_t where = 0;         // a file block number, or one of kIndirect...
};
constexpr uint32_t kIndirect = 0xffffffff;         // the inode's indirect block
constexpr uint32_t kDoubleIndirect = 0xfffffffe;   // its double-indirect block
constexpr uint32_t kSecondLevel = 0x80000000;      // | j: indirect block j of the double-indirect

class Checker {
public:
    // Checks the image whose (sane) superblock is sb; the log is not yet
    // read.  verbose: -v lists the tree; replay: false for -n.
    Checker(fsimage::Image& image, const exofs::SuperBlock& sb, bool verbose, bool replay);

    // fsck.cc: validates the commit record and, if it holds committed
    // blocks, overlays them on the image (or says why not).
    void read_log();
    // fsck_blocks.cc: reads the inode table and the bitmap.
    void load();
    // fsck_blocks.cc: inode types and sizes, every block map, ownership.
    void check_inodes();
    // fsck_blocks.cc: the bitmap against the owners.
    void check_bitmap();
    // fsck_tree.cc: directory contents, reachability, link counts.
    void check_tree();

    uint64_t problems() const { return problems_; }
    uint64_t leaked() const { return leaked_; }
    // For the summary: inodes that are files or directories, blocks set
    // in the bitmap (below nblocks).
    uint64_t inodes_in_use() const;
    uint64_t blocks_in_use() const;

    // Prints `fsck: what: detail` (the first kShown of them) and counts it.
    void problem(const std::string& what, const std::string& detail);
    // Prints `fsck: what: detail`, not a problem.
    void note(const std::string& what, const std::string& detail) const;
    // The number of problems not printed (past kShown).
    uint64_t hidden() const { return problems_ > kShown ? problems_ - kShown : 0; }

private:
    static constexpr uint64_t kShown = 200;

    // A directory or file the tree walk has reached: its inode, the
    // directory it was reached from, its path.
    struct Visit {
        uint32_t inum;
        uint32_t parent;
        std::string path;
    };

    // Block b of the image (b checked by the caller); throws Unusable if
    // the read fails.
    fsimage::Block read(uint32_t b) const;
    // Whether inode inum (< ninodes) is a file or a directory.
    bool allocated(uint32_t inum) const;
    // fsck_blocks.cc; their contracts are there.
    std::string describe(Owner owner) const;
    bool claim(uint32_t inum, uint32_t b, uint32_t where, uint64_t first, uint64_t used, bool report_past);
    void claim_data(uint32_t inum, uint32_t b, uint64_t fb, uint64_t used, bool report_past);
    void walk(uint32_t inum);
    void report_run(uint64_t first, uint64_t end, const char* what, const char* detail);
    // fsck_tree.cc; their contracts are there.
    std::vector<exofs::DirEntry> dir_entries(uint32_t inum, const std::string& path);
    bool is_ancestor(uint32_t dir, uint32_t of) const;
    std::vector<Visit> check_dir(const Visit& at);

    fsimage::Image& image_;
    exofs::SuperBlock sb_;
    bool verbose_;
    bool replay_;
    uint64_t problems_ = 0;
    uint64_t leaked_ = 0;

    std::vector<exofs::Inode> inodes_;      // the inode table, ninodes
    std::vector<uint8_t> bitmap_;           // bitmap_blocks whole blocks
    std::vector<Owner> owners_;             // one a block, nblocks
    // Per directory inode: (file block, disk block) of each block it
    // claimed, in file-block order: what the tree check reads.
    std::vector<std::vector<std::pair<uint64_t, uint32_t>>> dir_blocks_;
    // The tree walk's, per inode: entries naming it, the directory it was
    // first reached from (directories), the path it was first reached by
    // (empty: not reached).
    std::vector<uint32_t> refs_;
    std::vector<uint32_t> tree_parent_;
    std::vector<std::string> paths_;
};

}  // namespace fsck
