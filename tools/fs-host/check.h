// exolab: lab 5
// tools/fs-host/check.h: the host tests' own consistency check of an exofs
// image, read raw through disk.h (the real one is tools/fsck).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct CheckReport {
    std::vector<std::string> problems;  // empty: consistent
    uint32_t used_blocks = 0;           // data blocks marked in the bitmap
    uint32_t used_inodes = 0;           // inodes not Free
};

// Checks the disk's file system: the layout, every block owned at most once
// and marked in the bitmap, no marked block or allocated inode unreachable
// (no leaks), no block past a file's end, directories well formed ("." and
// ".." right, names valid and unique), every nlink equal to the entries
// naming the inode.  The volume must not have a transaction pending in the
// journal (mount replays it first).
CheckReport check_image();
