// exolab: lab 5
// tools/fsck: check an exofs image (DESIGN §3.5, user/lib/fs/format.h).
//
//   fsck [-n] [-v] IMAGE
//
// fsck never writes the image.  If the commit record holds committed blocks
// (count > 0), it checks the image as mount would leave it, the log replayed
// in memory, and says so in one line; -n checks the blocks as they are on
// the disk instead.  -v lists the tree as it is walked, one line a name:
// `dir|file INODE SIZE PATH`.
//
// Each problem is one line, `fsck: <what>: <detail>` (the first 200 are
// printed, then how many more), and the last line sums up.  A leaked block
// (in use in the bitmap, named by no inode) is a problem like any other,
// though its line says "leaked" and the summary counts leaks apart:
// exofs's journal makes every change atomic, so even a crash leaks nothing.
// An invalid commit record (bad magic, a count past the log, a home block
// outside the disk or not past the log) is a problem, and the log is then
// not replayed.
//
// Exit status: 0 consistent; 1 problems found; 2 the image is unusable (not
// exofs, truncated, unreadable, a superblock whose layout is impossible) or
// the command line is wrong.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "fsck.h"

using namespace exofs;
using fsimage::Block;

namespace fsck {

Checker::Checker(fsimage::Image& image, const SuperBlock& sb, bool verbose, bool replay)
    : image_(image), sb_(sb), verbose_(verbose), replay_(replay) {}

void Checker::problem(const std::string& what, const std::string& detail) {
    if (++problems_ <= kShown)
        std::printf("fsck: %s: %s\n", what.c_str(), detail.c_str());
}

void Checker::note(const std::string& what, const std::string& detail) const {
    std::printf("fsck: %s: %s\n", what.c_str(), detail.c_str());
}

void Checker::read_log() {
    CommitRecord record;
    std::memcpy(&record, read(sb_.log_start).data(), sizeof record);
    const uint64_t log_end = uint64_t(sb_.log_start) + sb_.log_blocks;
    if (record.magic != kLogMagic) {
        char magic[64];
        std::snprintf(magic, sizeof magic, "bad magic 0x%08x, not 0x%08x", record.magic, kLogMagic);
        problem("commit record", std::string(magic) + "; the log is not replayed");
        return;
    }
    const uint32_t room = std::min(kLogMax, sb_.log_blocks - 1);
    if (record.count > room) {
        problem("commit record", "count " + std::to_string(record.count) + " is more than the log's " +
                std::to_string(room) + " blocks; the log is not replayed");
        return;
    }
    bool valid = true;
    for (uint32_t i = 0; i < record.count; i++) {
        const uint32_t home = record.home[i];
        if (home >= log_end && home < sb_.nblocks)
            continue;
        problem("commit record", "home[" + std::to_string(i) + "] is block " + std::to_string(home) + ", " +
                (home >= sb_.nblocks ? "outside the disk" : "not past the log (blocks " +
                 std::to_string(sb_.log_start) + ".." + std::to_string(log_end - 1) + ")") +
                "; the log is not replayed");
        valid = false;
    }
    if (!valid || record.count == 0)
        return;
    if (!replay_) {
        note("log", std::to_string(record.count) +
             " committed blocks not replayed (-n): checking the image as it is on the disk");
        return;
    }
    for (uint32_t i = 0; i < record.count; i++)
        image_.overlay(record.home[i], read(sb_.log_start + 1 + i));
    note("log", "replayed " + std::to_string(record.count) +
         " committed blocks in memory: checking the image as mount would leave it");
}

}  // namespace fsck

namespace {

const char kUsage[] =
    "usage: fsck [-n] [-v] IMAGE\n"
    "  checks the exofs image IMAGE (never writes it); -n: do not replay a\n"
    "  committed log, check the disk as it is; -v: list the tree.\n"
    "  exit status: 0 consistent, 1 problems found, 2 unusable image or usage\n";

// Reads and checks the superblock of `image` (named path): false, having
// printed why, when the image is not a usable exofs image.
bool read_superblock(const fsimage::Image& image, const std::string& path, SuperBlock& sb) {
    Block block;
    if (!image.read(kSuperBlock, block)) {
        std::printf("fsck: %s: not an exofs image: %llu bytes, too short to hold the superblock (block 1)\n",
                    path.c_str(), (unsigned long long)image.bytes());
        return false;
    }
    std::memcpy(&sb, block.data(), sizeof sb);
    if (sb.magic != kMagic) {
        std::printf("fsck: %s: not an exofs image: bad magic 0x%016llx in the superblock\n", path.c_str(),
                    (unsigned long long)sb.magic);
        return false;
    }
    if (const std::string error = fsimage::layout_error(sb); !error.empty()) {
        std::printf("fsck: %s: unusable superblock: %s\n", path.c_str(), error.c_str());
        return false;
    }
    if (!image.has_block(sb.nblocks - 1)) {
        std::printf("fsck: %s: truncated: the superblock says %u blocks (%llu bytes), the image has %llu bytes\n",
                    path.c_str(), sb.nblocks, (unsigned long long)sb.nblocks * kBlockSize,
                    (unsigned long long)image.bytes());
        return false;
    }
    return true;
}

}  // namespace

// fsck's command line (the head of this file): 0 consistent, 1 problems,
// 2 unusable image or usage.
int main(int argc, char** argv) {
    bool verbose = false, replay = true;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    while (args.size() > 1 && (args[0] == "-n" || args[0] == "-v")) {
        if (args[0] == "-n")
            replay = false;
        else
            verbose = true;
        args.erase(args.begin());
    }
    if (args.size() != 1 || args[0].starts_with("-")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string& path = args[0];
    fsimage::Image image;
    std::string error;
    SuperBlock sb;
    if (!image.open(path, error)) {
        std::printf("fsck: %s: cannot open: %s\n", path.c_str(), error.c_str());
        return 2;
    }
    if (!read_superblock(image, path, sb))
        return 2;
    fsck::Checker checker(image, sb, verbose, replay);
    try {
        checker.read_log();
        checker.load();
        checker.check_inodes();
        checker.check_bitmap();
        checker.check_tree();
    } catch (const fsck::Unusable& e) {
        std::printf("fsck: %s: unreadable: %s\n", path.c_str(), e.what());
        return 2;
    } catch (const std::bad_alloc&) {      // a sparse file of absurd size
        std::printf("fsck: %s: unusable: not enough memory to check %u blocks\n", path.c_str(), sb.nblocks);
        return 2;
    }
    if (checker.hidden())
        std::printf("fsck: more problems: %llu not shown\n", (unsigned long long)checker.hidden());
    if (checker.problems() == 0) {
        std::printf("fsck: %s: consistent: %llu inodes and %llu of %u blocks in use\n", path.c_str(),
                    (unsigned long long)checker.inodes_in_use(), (unsigned long long)checker.blocks_in_use(),
                    sb.nblocks);
        return 0;
    }
    std::printf("fsck: %s: %llu problems, %llu blocks leaked\n", path.c_str(),
                (unsigned long long)checker.problems(), (unsigned long long)checker.leaked());
    return 1;
}
