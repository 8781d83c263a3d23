// exolab: lab 2
// kernel/abi/frame.h: one entry of the frame table, as the kernel keeps it
// and every domain reads it at UFRAMES (DESIGN §3: exposed physical names,
// no hidden state).  Entry n describes physical frame n.
//
//   +-------+------+-------+-----------+------+------+
//   | owner | kind | links | map_count | prev | next |   16 bytes per frame
//   +-------+------+-------+-----------+------+------+
//   |  u16  |  u8  |  u8   |    u32    | u32  | u32  |
#ifndef EXOLAB_ABI_FRAME_H
#define EXOLAB_ABI_FRAME_H

#include <cstdint>

enum class FrameKind : uint8_t {
    Free = 0,       // on the free list
    Kernel = 1,     // kernel image, boot information, the frame table, kernel allocations
    PageTable = 2,  // a page-table page (map_count = its present entries)
    User = 3,       // owned by a domain
    Reserved = 4,   // not RAM, or RAM that must not be used (firmware, frame 0)
    Module = 5,     // a boot module (user programs, lab 3)
};

inline constexpr uint16_t kFrameOwnerKernel = 0;    // domain ids start at 1
inline constexpr uint16_t kFrameNoOwner = 0xFFFF;   // free, or released and waiting for its last mapping

struct FrameInfo {
    uint16_t owner;
    FrameKind kind;
    uint8_t links;       // PageTable: how many more address spaces link it (share_tables, lab 5); else 0
    uint32_t map_count;  // User/Module/Kernel: PTEs that map it; PageTable: present entries
    uint32_t prev;       // free-list links, valid while kind == Free
    uint32_t next;
};
static_assert(sizeof(FrameInfo) == 16, "the frame table layout is ABI (UFRAMES)");

#endif
