// exolab: lab 5
// tools/fsimage.cc: the layout rules and the careful image reader of the
// host tools (fsimage.h).
#include "fsimage.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace exofs;

namespace fsimage {

std::string layout_error(const SuperBlock& sb) {
    if (sb.version != kVersion)
        return "version " + std::to_string(sb.version) + ", expected " + std::to_string(kVersion);
    if (sb.block_size != kBlockSize)
        return "block size " + std::to_string(sb.block_size) + ", expected " + std::to_string(kBlockSize);
    // 64-bit sums: no field can overflow another's check.
    const uint64_t log_end = uint64_t(sb.log_start) + sb.log_blocks;
    const uint64_t bitmap_end = uint64_t(sb.bitmap_start) + sb.bitmap_blocks;
    const uint64_t inode_end = uint64_t(sb.inode_start) + sb.inode_blocks;
    const auto region = [](const char* name, uint64_t start, uint64_t end) {
        return std::string(name) + " at blocks " + std::to_string(start) + ".." + std::to_string(end);
    };
    if (sb.log_start <= kSuperBlock)
        return "the log starts at block " + std::to_string(sb.log_start) + ", before block 2";
    if (sb.log_blocks < 2 || sb.log_blocks > 1 + kLogMax)
        return "the log has " + std::to_string(sb.log_blocks) + " blocks, not 2.." + std::to_string(1 + kLogMax);
    if (sb.bitmap_blocks == 0 || sb.inode_blocks == 0)
        return "an empty bitmap or inode table";
    if (sb.bitmap_start < log_end)
        return region("the bitmap", sb.bitmap_start, bitmap_end) + " overlaps " + region("the log", sb.log_start, log_end);
    if (sb.inode_start < bitmap_end)
        return region("the inode table", sb.inode_start, inode_end) + " overlaps " +
               region("the bitmap", sb.bitmap_start, bitmap_end);
    if (sb.data_start < inode_end)
        return "the data region at block " + std::to_string(sb.data_start) + " overlaps " +
               region("the inode table", sb.inode_start, inode_end);
    if (sb.data_start >= sb.nblocks)
        return "no data blocks: data starts at block " + std::to_string(sb.data_start) + " of " +
               std::to_string(sb.nblocks);
    if (uint64_t(sb.bitmap_blocks) * kBlockSize * 8 < sb.nblocks)
        return std::to_string(sb.bitmap_blocks) + " bitmap blocks are too few for " + std::to_string(sb.nblocks) +
               " blocks";
    if (uint64_t(sb.inode_blocks) * kInodesPerBlock != sb.ninodes)
        return "ninodes is " + std::to_string(sb.ninodes) + ", but " + std::to_string(sb.inode_blocks) +
               " inode blocks hold " + std::to_string(uint64_t(sb.inode_blocks) * kInodesPerBlock);
    return "";
}

bool Image::open(const std::string& path, std::string& error) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd_ < 0 || fstat(fd_, &st) != 0) {
        error = std::strerror(errno);
        return false;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        error = "not a regular file";
        return false;
    }
    const off_t end = lseek(fd_, 0, SEEK_END);   // a block device's size too
    if (end < 0) {
        error = std::strerror(errno);
        return false;
    }
    bytes_ = uint64_t(end);
    return true;
}

Image::~Image() {
    if (fd_ >= 0)
        close(fd_);
}

bool Image::read(uint64_t b, Block& out) const {
    out.fill(0);
    if (const auto it = overlay_.find(uint32_t(b)); it != overlay_.end() && it->first == b) {
        out = it->second;
        return true;
    }
    if (!has_block(b))
        return false;
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = pread(fd_, out.data() + done, out.size() - done, off_t(b * kBlockSize + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            out.fill(0);
            return false;
        }
        done += size_t(n);
    }
    return true;
}

}  // namespace fsimage
