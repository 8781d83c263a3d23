// exolab: lab 5
// tools/mkfs: make an exofs image (DESIGN §3.5, user/lib/fs/format.h),
// empty or holding a copy of a directory tree of the host.
//
//   mkfs [--inodes N] IMAGE SIZE_MIB [DIR]
//
// IMAGE is created (or overwritten) with SIZE_MIB MiB (1 .. 4096): block 0
// unused, the superblock at block 1, the log (its commit record, count 0,
// and kLogMax blocks), the bitmap, the inode table (N inodes, rounded up to
// a whole block; default one per 16 blocks, at least 32) and the data
// blocks.  Inode 1 is the root directory, "." and ".." naming itself.  With
// DIR, its regular files and subdirectories are copied in, recursively;
// anything else (a symbolic link, a device, a name longer than kNameMax
// bytes) is refused before IMAGE is touched.  Entries are taken in byte
// order of their names and blocks allocated in order, so the same input
// always gives the same image.  Exit status: 0 made, 1 refused or failed
// (a message `mkfs: ...` says why; no half-made image is left), 2 usage.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include "fsimage.h"

using namespace exofs;
using fsimage::Block;
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kMinMiB = 1;
constexpr uint32_t kMaxMiB = 4096;   // 2^20 blocks: a 32-block bitmap
constexpr uint32_t kBlocksPerMiB = (1u << 20) / kBlockSize;
constexpr uint32_t kBlocksPerInode = 16;

const char kUsage[] =
    "usage: mkfs [--inodes N] IMAGE SIZE_MIB [DIR]\n"
    "  makes an exofs image of SIZE_MIB MiB (1..4096) in IMAGE, holding a copy\n"
    "  of DIR's regular files and subdirectories if given; N inodes (default one\n"
    "  per 64 KiB of disk, at least 32), rounded up to a whole inode block.\n";

// A refusal or failure; main prints it after "mkfs: ".
struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A file or directory of the host tree, as scanned before anything is written.
struct Node {
    fs::path path;
    std::string name;
    bool is_dir = false;
    uint64_t size = 0;          // bytes as exofs stores them
    std::vector<Node> children; // directories: by name, byte order
};

// Blocks a file of `bytes` bytes takes: data, indirect and double-indirect.
uint64_t blocks_for(uint64_t bytes) {
    const uint64_t n = (bytes + kBlockSize - 1) / kBlockSize;
    uint64_t total = n;
    if (n > kDirect)
        total += 1;
    if (n > kDirect + kAddrsPerBlock)
        total += 1 + (n - kDirect - kAddrsPerBlock + kAddrsPerBlock - 1) / kAddrsPerBlock;
    return total;
}

// Scans `path` (a directory) into `dir`, counting into inodes and blocks
// what the copy will take.  Throws Failure for an entry exofs cannot hold.
void scan(const fs::path& path, Node& dir, uint64_t& inodes, uint64_t& blocks) {
    for (const fs::directory_entry& entry : fs::directory_iterator(path)) {
        Node node{entry.path(), entry.path().filename().string(), false, 0, {}};
        const fs::file_status st = entry.symlink_status();
        if (node.name.size() > kNameMax)
            throw Failure(node.path.string() + ": the name is " + std::to_string(node.name.size()) +
                          " bytes, longer than exofs's " + std::to_string(kNameMax));
        if (fs::is_directory(st)) {
            node.is_dir = true;
            scan(node.path, node, inodes, blocks);
        } else if (fs::is_regular_file(st)) {
            node.size = entry.file_size();
            if (node.size > kMaxFileBlocks * kBlockSize)
                throw Failure(node.path.string() + ": larger than exofs's largest file");
        } else {
            throw Failure(node.path.string() + ": " +
                          (fs::is_symlink(st) ? "a symbolic link" : "not a regular file or a directory") +
                          "; mkfs copies only regular files and directories");
        }
        dir.children.push_back(std::move(node));
    }
    std::sort(dir.children.begin(), dir.children.end(),
              [](const Node& a, const Node& b) { return a.name < b.name; });
    dir.size = sizeof(DirEntry) * (2 + dir.children.size());
    const auto subdirs = std::count_if(dir.children.begin(), dir.children.end(), [](const Node& n) { return n.is_dir; });
    if (2 + subdirs > UINT16_MAX)
        throw Failure(path.string() + ": too many subdirectories for a 16-bit link count");
    for (const Node& child : dir.children) {
        inodes += 1;
        blocks += blocks_for(child.size);
    }
}

// The image being written: the metadata in memory, data blocks straight
// to the file as they are allocated.
class Builder {
public:
    // Creates `path` with the layout of sb (already checked).
    Builder(const std::string& path, const SuperBlock& sb)
        : path_(path), sb_(sb), bitmap_(size_t(sb.bitmap_blocks) * kBlockSize),
          inodes_(sb.ninodes), next_block_(sb.data_start), next_inode_(kRootInode) {
        fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0 || ftruncate(fd_, off_t(uint64_t(sb.nblocks) * kBlockSize)) != 0)
            fail("cannot create");
        for (uint64_t b = 0; b < bitmap_.size() * 8; b++)
            if (b < sb.data_start || b >= sb.nblocks)
                fsimage::set_bit(bitmap_, b);
    }
    // Closes the image if finish() did not.
    ~Builder() {
        if (fd_ >= 0)
            close(fd_);
    }

    // The next inode number (the caller checked there are enough).
    uint32_t alloc_inode() { return next_inode_++; }
    // Inode inum of the table, written by finish().
    Inode& inode(uint32_t inum) { return inodes_[inum]; }

    // The next data block, marked in use (the caller checked there is room).
    uint32_t alloc_block() {
        fsimage::set_bit(bitmap_, next_block_);
        return next_block_++;
    }

    // Writes `bytes` bytes at the start of block b.
    void write(uint64_t b, const void* data, size_t bytes = kBlockSize) {
        if (pwrite(fd_, data, bytes, off_t(b * kBlockSize)) != ssize_t(bytes))
            fail("cannot write");
    }

    // Writes the superblock, the empty commit record, the bitmap and the
    // inode table, and closes the image.
    void finish() {
        write(kSuperBlock, &sb_, sizeof sb_);
        const CommitRecord record{kLogMagic, 0, {}};
        write(sb_.log_start, &record, sizeof record);
        for (uint32_t i = 0; i < sb_.bitmap_blocks; i++)
            write(sb_.bitmap_start + i, &bitmap_[size_t(i) * kBlockSize]);
        for (uint32_t i = 0; i < sb_.inode_blocks; i++)
            write(sb_.inode_start + i, &inodes_[size_t(i) * kInodesPerBlock]);
        if (close(fd_) != 0)
            fail("cannot write");
        fd_ = -1;
    }

private:
    // Throws the Failure "IMAGE: what: <errno's text>".
    [[noreturn]] void fail(const char* what) {
        throw Failure(path_ + ": " + what + ": " + std::strerror(errno));
    }

    std::string path_;
    SuperBlock sb_;
    std::vector<uint8_t> bitmap_;
    std::vector<Inode> inodes_;
    uint32_t next_block_;
    uint32_t next_inode_;
    int fd_ = -1;
};

// Appends a file's blocks in order, filling its direct slots, then its
// indirect block, then the double-indirect block's indirect blocks.  Each
// indirect block is allocated just before the first data block it names.
class FileWriter {
public:
    FileWriter(Builder& image, uint32_t inum) : image_(image), inum_(inum) {}

    // Writes `data` as the file's next block.
    void append(const Block& data) {
        Inode& inode = image_.inode(inum_);
        uint64_t i = next_++;
        uint32_t* slot;
        if (i < kDirect) {
            slot = &inode.direct[i];
        } else if ((i -= kDirect) < kAddrsPerBlock) {
            if (i == 0)
                inode.indirect = image_.alloc_block();
            slot = &table(indirect_)[i];
        } else {
            i -= kAddrsPerBlock;
            if (i == 0)
                inode.double_indirect = image_.alloc_block();
            if (i % kAddrsPerBlock == 0) {
                flush_second();
                second_block_ = table(double_)[i / kAddrsPerBlock] = image_.alloc_block();
            }
            slot = &table(second_)[i % kAddrsPerBlock];
        }
        *slot = image_.alloc_block();
        image_.write(*slot, data.data());
    }

    // Writes the indirect blocks the file used.
    void finish() {
        const Inode& inode = image_.inode(inum_);
        if (inode.indirect)
            image_.write(inode.indirect, indirect_.data());
        if (inode.double_indirect)
            image_.write(inode.double_indirect, double_.data());
        flush_second();
    }

private:
    // The block numbers in an indirect block.
    static uint32_t* table(Block& block) { return reinterpret_cast<uint32_t*>(block.data()); }

    // Writes the current indirect block of the double-indirect's, if any,
    // and starts the next one empty.
    void flush_second() {
        if (second_block_)
            image_.write(second_block_, second_.data());
        second_.fill(0);
    }

    Builder& image_;
    uint32_t inum_;
    uint64_t next_ = 0;
    Block indirect_{}, double_{}, second_{};
    uint32_t second_block_ = 0;
};

// Copies the host file `node` into inode inum, exactly node.size bytes.
void copy_file(Builder& image, uint32_t inum, const Node& node) {
    std::ifstream in(node.path, std::ios::binary);
    FileWriter writer(image, inum);
    Block block;
    for (uint64_t done = 0; done < node.size; done += kBlockSize) {
        block.fill(0);
        const auto want = std::streamsize(std::min<uint64_t>(kBlockSize, node.size - done));
        if (!in.read(reinterpret_cast<char*>(block.data()), want))
            throw Failure(node.path.string() + ": cannot read (did it change while mkfs ran?)");
        writer.append(block);
    }
    writer.finish();
    image.inode(inum).type = InodeType::File;
    image.inode(inum).nlink = 1;
    image.inode(inum).size = node.size;
}

// Writes directory `dir` into inode inum (its parent: parent), then its
// children: every child gets its inode before any grandchild does.
void copy_dir(Builder& image, uint32_t inum, uint32_t parent, const Node& dir) {
    std::vector<DirEntry> entries(dir.children.size() + 2);
    entries[0] = {inum, "."};
    entries[1] = {parent, ".."};
    std::vector<uint32_t> inums;
    uint16_t subdirs = 0;
    for (size_t i = 0; i < dir.children.size(); i++) {
        inums.push_back(image.alloc_inode());
        entries[i + 2].inum = inums.back();
        std::memcpy(entries[i + 2].name, dir.children[i].name.data(), dir.children[i].name.size());
        subdirs += dir.children[i].is_dir;
    }
    FileWriter writer(image, inum);
    const uint8_t* bytes = reinterpret_cast<const uint8_t*>(entries.data());
    for (size_t done = 0; done < dir.size; done += kBlockSize) {
        Block block{};
        std::memcpy(block.data(), bytes + done, std::min<size_t>(kBlockSize, dir.size - done));
        writer.append(block);
    }
    writer.finish();
    image.inode(inum).type = InodeType::Directory;
    image.inode(inum).nlink = uint16_t(2 + subdirs);
    image.inode(inum).size = dir.size;
    for (size_t i = 0; i < dir.children.size(); i++) {
        if (dir.children[i].is_dir)
            copy_dir(image, inums[i], inum, dir.children[i]);
        else
            copy_file(image, inums[i], dir.children[i]);
    }
}

// The layout of an image of nblocks blocks with at least `inodes` inodes
// (format.h's order; the log as large as a commit record allows).
SuperBlock layout(uint32_t nblocks, uint64_t inodes) {
    SuperBlock sb{};
    sb.magic = kMagic;
    sb.version = kVersion;
    sb.block_size = kBlockSize;
    sb.nblocks = nblocks;
    sb.log_start = kSuperBlock + 1;
    sb.log_blocks = 1 + kLogMax;
    sb.bitmap_start = sb.log_start + sb.log_blocks;
    sb.bitmap_blocks = (nblocks + kBlockSize * 8 - 1) / (kBlockSize * 8);
    sb.inode_start = sb.bitmap_start + sb.bitmap_blocks;
    sb.inode_blocks = uint32_t(std::min<uint64_t>((inodes + kInodesPerBlock - 1) / kInodesPerBlock, nblocks));
    sb.ninodes = sb.inode_blocks * kInodesPerBlock;
    sb.data_start = sb.inode_start + sb.inode_blocks;
    return sb;
}

// A whole decimal number in [low, high], or throws Failure naming `what`.
uint64_t number(const std::string& text, const char* what, uint64_t low, uint64_t high) {
    uint64_t n = 0;
    bool ok = !text.empty() && text.size() <= 10;
    for (char c : text)
        ok = ok && c >= '0' && c <= '9', n = n * 10 + uint64_t(c - '0');
    if (!ok || n < low || n > high)
        throw Failure(std::string(what) + " must be a whole number from " + std::to_string(low) + " to " +
                      std::to_string(high) + ", not '" + text + "'");
    return n;
}

// Makes the image `args` ask for ([--inodes N] IMAGE SIZE_MIB [DIR]).
void make_image(std::vector<std::string> args) {
    uint64_t inodes = 0;
    if (args.size() >= 2 && args[0] == "--inodes") {
        inodes = number(args[1], "--inodes", 2, UINT32_MAX / 2);
        args.erase(args.begin(), args.begin() + 2);
    }
    const std::string& image_path = args[0];
    const auto nblocks = uint32_t(number(args[1], "SIZE_MIB", kMinMiB, kMaxMiB) * kBlocksPerMiB);
    Node root{args.size() == 3 ? args[2] : "", "/", true, 2 * sizeof(DirEntry), {}};
    uint64_t want_inodes = 1, want_blocks = blocks_for(root.size);
    if (args.size() == 3) {
        if (!fs::is_directory(root.path))
            throw Failure(root.path.string() + ": not a directory");
        scan(root.path, root, want_inodes, want_blocks);
        want_blocks += blocks_for(root.size) - blocks_for(2 * sizeof(DirEntry));
    }
    if (inodes == 0)
        inodes = std::max<uint64_t>({kInodesPerBlock, nblocks / kBlocksPerInode, want_inodes + 1});
    if (inodes < want_inodes + 1)
        throw Failure("the tree needs " + std::to_string(want_inodes + 1) + " inodes (inode 0 is never used); " +
                      "--inodes " + std::to_string(inodes) + " is too few");
    const SuperBlock sb = layout(nblocks, inodes);
    const uint64_t data_blocks = sb.data_start < nblocks ? nblocks - sb.data_start : 0;
    if (!fsimage::layout_error(sb).empty() || want_blocks > data_blocks)
        throw Failure("the tree needs " + std::to_string(want_blocks) + " data blocks, " +
                      "but " + std::to_string(nblocks) + " blocks with " + std::to_string(sb.ninodes) +
                      " inodes leave " + std::to_string(data_blocks) + ": give a larger SIZE_MIB");
    try {
        Builder image(image_path, sb);
        copy_dir(image, image.alloc_inode(), kRootInode, root);
        image.finish();
    } catch (...) {
        unlink(image_path.c_str());
        throw;
    }
}

}  // namespace

// mkfs's command line (the head of this file): 0 made, 1 refused, 2 usage.
int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    const size_t words = args.size() - (!args.empty() && args[0] == "--inodes" ? 2 : 0);
    if (args.size() < 2 || words < 2 || words > 3 || args.back().starts_with("-")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    try {
        make_image(args);
    } catch (const Failure& e) {
        std::fprintf(stderr, "mkfs: %s\n", e.what());
        return 1;
    } catch (const fs::filesystem_error& e) {
        std::fprintf(stderr, "mkfs: %s: %s\n", e.path1().c_str(), e.code().message().c_str());
        return 1;
    }
    return 0;
}
