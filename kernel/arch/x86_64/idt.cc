// exolab: lab 2
// kernel/arch/x86_64/idt.cc: building and loading the IDT (see idt.h).
//
// A 64-bit gate descriptor (16 bytes; Intel SDM vol. 3A §6.14.1):
//
//   127                               96 95                               64
//  +-----------------------------------+-----------------------------------+
//  |             reserved              |           offset 63:32            |
//  +-----------------------------------+-----------------------------------+
//   63              48 47 46  45 44 43  40 39   35 34 32 31       16 15     0
//  +------------------+--+-----+--+------+-------+-----+-----------+--------+
//  |   offset 31:16   | P| DPL | 0| type | 00000 | IST | selector  | offset |
//  |                  |  |     |  |      |       |     |           |  15:0  |
//  +------------------+--+-----+--+------+-------+-----+-----------+--------+
//
//   offset: the entry point; selector: the code segment to run it in
//   (kernel code); IST: 0, or the interrupt-stack-table slot to switch to;
//   type 1110: interrupt gate (clears IF), 1111: trap gate (leaves IF);
//   DPL: the lowest privilege allowed to raise the vector with INT n;
//   P: present (INT n on a gate that is not raises #NP).
#include "arch/x86_64/idt.h"

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"

// trap.asm: the entry stubs of vectors 0..47, in order, and of vector 255.
extern "C" const uint64_t trap_stub_table[trap::kIrqBase + trap::kIrqCount];
extern "C" char trap_stub_spurious[];

namespace idt {
namespace {

struct Gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;          // bits 2:0; the rest zero
    uint8_t attributes;   // P, DPL, 0, type
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);

constexpr uint8_t kPresent = 0x80;
constexpr uint8_t kInterruptGate64 = 0x0E;
constexpr int kDplShift = 5;
constexpr int kVectors = 256;

alignas(16) constinit Gate table[kVectors] = {};

}  // namespace

void set_gate(uint8_t vector, uint64_t entry, Dpl dpl, uint8_t ist) {
    table[vector] = Gate{
        .offset_low = static_cast<uint16_t>(entry),
        .selector = gdt::kKernelCode,
        .ist = static_cast<uint8_t>(ist & 7),
        .attributes = static_cast<uint8_t>(kPresent | (static_cast<uint8_t>(dpl) << kDplShift) | kInterruptGate64),
        .offset_mid = static_cast<uint16_t>(entry >> 16),
        .offset_high = static_cast<uint32_t>(entry >> 32),
        .reserved = 0,
    };
}

void init() {
    for (uint8_t vector = 0; vector < trap::kIrqBase + trap::kIrqCount; vector++) {
        Dpl dpl = vector == trap::kBreakpoint ? Dpl::User : Dpl::Kernel;
        uint8_t ist = vector == trap::kDoubleFault ? kDoubleFaultIst : kNoIst;
        set_gate(vector, trap_stub_table[vector], dpl, ist);
    }
    set_gate(trap::kSpuriousVector, reinterpret_cast<uint64_t>(trap_stub_spurious), Dpl::Kernel);

    const gdt::TablePointer pointer = {sizeof(table) - 1, reinterpret_cast<uint64_t>(table)};
    asm volatile("lidt %0" : : "m"(pointer) : "memory");
}

}  // namespace idt
