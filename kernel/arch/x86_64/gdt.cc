// exolab: lab 2
// kernel/arch/x86_64/gdt.cc: the GDT, the TSS and loading them (see gdt.h).
//
// A code or data segment descriptor (8 bytes; Intel SDM vol. 3A §3.4.5):
//
//   63       56 55 54  53 52 51     48 47 46 45 44 43    40 39       32
//  +-----------+--+---+--+--+---------+--+-----+--+--------+-----------+
//  | base 31:24| G|D/B| L|AV|lim 19:16| P| DPL | S|  type  | base 23:16|
//  +-----------+--+---+--+--+---------+--+-----+--+--------+-----------+
//   31                               16 15                             0
//  +-----------------------------------+-------------------------------+
//  |            base 15:0              |          limit 15:0           |
//  +-----------------------------------+-------------------------------+
//
//   P present; DPL privilege level; S 1 = code/data (0 = system);
//   type: bit 3 executable, bit 1 readable (code) / writable (data),
//   bit 0 accessed; G limit in 4 KiB units; D/B 32-bit default size
//   (must be 0 when L = 1); L 64-bit code.  In 64-bit mode the CPU ignores
//   base and limit of CS, DS, ES and SS: the segments are flat.
//
// The TSS descriptor is a 16-byte system descriptor (SDM vol. 3A §8.2.3):
//
//   bytes 0-7   the shape above with S = 0, type 1001 (available 64-bit TSS;
//               LTR changes it to 1011, busy), G = 0 (limit in bytes)
//   bytes 8-11  base 63:32
//   bytes 12-15 reserved, zero
//
// The TSS itself (SDM vol. 3A §8.7), followed in memory by its I/O bitmap:
//
//   offset   0  reserved         4  rsp0     12  rsp1     20  rsp2
//           28  reserved        36  ist1 .. ist7 (8 bytes each, to 92)
//           92  reserved       100  reserved (2)          102  I/O map base
//          104  I/O bitmap: 8192 bytes, one bit per port (1 = denied)
//         8296  0xFF: the CPU reads the two bytes covering a port, so the
//               byte after the last port's must exist and deny
//
// The TSS limit covers all of it, so io_grant can allow any port later.
#include "arch/x86_64/gdt.h"

#include <cstddef>

#include "lib/panic.h"
#include "lib/string.h"

// The boot kernel stack (boot.asm).
extern "C" char boot_stack_top[];

namespace gdt {
namespace {

// Access byte (descriptor bits 47:40).
constexpr uint8_t kPresent = 0x80;
constexpr uint8_t kDpl3 = 0x60;
constexpr uint8_t kCodeOrData = 0x10;    // S
constexpr uint8_t kExecutable = 0x08;
constexpr uint8_t kReadWrite = 0x02;     // code: readable; data: writable
constexpr uint8_t kAccessed = 0x01;      // set ahead so the CPU never writes it
constexpr uint8_t kTypeTss64 = 0x09;     // S = 0, available 64-bit TSS

// Flags nibble (descriptor bits 55:52).
constexpr uint8_t kGranularity4K = 0x8;
constexpr uint8_t kDefaultSize32 = 0x4;  // D/B
constexpr uint8_t kLongMode = 0x2;       // L

// Packs the fields of the descriptor drawn above.  Returns the low 8 bytes.
constexpr uint64_t descriptor(uint64_t base, uint32_t limit, uint8_t access, uint8_t flags) {
    return (limit & 0xFFFFull) | ((base & 0xFFFFFFull) << 16) | (uint64_t{access} << 40) |
           (uint64_t{(limit >> 16) & 0xF} << 48) | (uint64_t{flags & 0xFu} << 52) | (((base >> 24) & 0xFF) << 56);
}

constexpr uint8_t kCode = kPresent | kCodeOrData | kExecutable | kReadWrite | kAccessed;
constexpr uint8_t kData = kPresent | kCodeOrData | kReadWrite | kAccessed;
constexpr uint64_t kFlatCode = descriptor(0, 0xFFFFF, kCode, kGranularity4K | kLongMode);
constexpr uint64_t kFlatData = descriptor(0, 0xFFFFF, kData, kGranularity4K | kDefaultSize32);
static_assert(kFlatCode == 0x00AF9B000000FFFF && kFlatData == 0x00CF93000000FFFF);

constexpr size_t kEntries = 7;  // five segments, then the TSS's two slots

// Writable: LTR marks the TSS descriptor busy.
alignas(16) constinit uint64_t table[kEntries] = {
    0,
    kFlatCode,                                                                         // 0x08
    kFlatData,                                                                         // 0x10
    descriptor(0, 0xFFFFF, kData | kDpl3, kGranularity4K | kDefaultSize32),            // 0x18
    descriptor(0, 0xFFFFF, kCode | kDpl3, kGranularity4K | kLongMode),                 // 0x20
    0,                                                                                 // 0x28: TSS,
    0,                                                                                 // set by init
};
static_assert(kUserData >> 3 == 3 && kUserCode >> 3 == 4 && kTss >> 3 == 5 && kEntries == 7);

}  // namespace

}  // namespace gdt

namespace tss {
namespace {

struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];    // stacks for traps from CPL 3 (and 1, 2) to CPL 0 (1, 2)
    uint64_t reserved1;
    uint64_t ist[7];    // interrupt-stack table: ist[0] is IST1
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_bitmap_offset;  // from the TSS base
};
static_assert(sizeof(Tss) == 104);

struct TssWithIoBitmap {
    Tss tss;
    uint8_t io_bitmap[kIoBitmapBytes];
    uint8_t io_bitmap_end;  // always 0xFF
};
static_assert(offsetof(TssWithIoBitmap, io_bitmap) == 104);
static_assert(sizeof(TssWithIoBitmap) == 104 + kIoBitmapBytes + 1);

constexpr size_t kDoubleFaultStackBytes = 16384;

alignas(64) constinit TssWithIoBitmap region = {};
alignas(16) constinit uint8_t double_fault_stack[kDoubleFaultStackBytes] = {};

}  // namespace

void set_kernel_stack(uint64_t stack_top) { region.tss.rsp[0] = stack_top; }

void set_ports(uint32_t first, uint32_t count, bool allow) {
    kassert(first <= kIoPorts && count <= kIoPorts - first);
    uint32_t port = first, end = first + count;
    auto set_one = [allow](uint32_t p) {
        uint8_t bit = uint8_t(1u << p % 8);
        region.io_bitmap[p / 8] = allow ? region.io_bitmap[p / 8] & ~bit : region.io_bitmap[p / 8] | bit;
    };
    for (; port < end && port % 8 != 0; port++) set_one(port);
    uint32_t whole_bytes = (end - port) / 8;  // then a byte at a time
    memset(region.io_bitmap + port / 8, allow ? 0x00 : 0xFF, whole_bytes);
    for (port += whole_bytes * 8; port < end; port++) set_one(port);
}

}  // namespace tss

namespace gdt {

void init() {
    using tss::region;
    memset(region.io_bitmap, 0xFF, sizeof(region.io_bitmap));
    region.io_bitmap_end = 0xFF;
    region.tss.io_bitmap_offset = offsetof(tss::TssWithIoBitmap, io_bitmap);
    region.tss.ist[0] = reinterpret_cast<uint64_t>(tss::double_fault_stack + sizeof(tss::double_fault_stack));
    region.tss.rsp[0] = reinterpret_cast<uint64_t>(boot_stack_top);

    auto base = reinterpret_cast<uint64_t>(&region);
    table[kTss >> 3] = descriptor(base, sizeof(region) - 1, kPresent | kTypeTss64, 0);
    table[(kTss >> 3) + 1] = base >> 32;

    const TablePointer pointer = {sizeof(table) - 1, reinterpret_cast<uint64_t>(table)};
    // CS can only be reloaded by a far transfer: push the new CS and the
    // address of label 1, and "return" there.
    asm volatile(
        "lgdt %[pointer]\n\t"
        "pushq %[code]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w[data], %%ds\n\t"
        "movw %w[data], %%es\n\t"
        "movw %w[data], %%ss\n\t"
        "movw %w[null], %%fs\n\t"
        "movw %w[null], %%gs\n\t"
        "ltr %w[tss]\n\t"
        "lldt %w[null]"
        :
        : [pointer] "m"(pointer), [code] "i"(kKernelCode), [data] "r"(uint32_t{kKernelData}),
          [null] "r"(0u), [tss] "r"(uint32_t{kTss})
        : "rax", "memory");
}

}  // namespace gdt
