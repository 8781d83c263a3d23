// exolab: lab 3
// kernel/arch/x86_64/protections.cc: SMEP, SMAP and UMIP, and the boot
// line that lists every protection (see protections.h).
#include "arch/x86_64/protections.h"

#include <cstdint>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "lib/kprintf.h"

namespace protections {
namespace {

// CPUID leaf 7, subleaf 0: the structured extended feature flags (Intel
// SDM vol. 2A, CPUID).  Leaf 0 returns the highest basic leaf in EAX.
constexpr uint32_t kCpuidExtendedFeatures = 7;
constexpr uint32_t kLeaf7EbxSmep = 1u << 7;
constexpr uint32_t kLeaf7EbxSmap = 1u << 20;
constexpr uint32_t kLeaf7EcxUmip = 1u << 2;

// The CR4 bits among SMEP, SMAP and UMIP that this CPU has.
uint64_t offered_cr4_bits() {
    if (cpu::cpuid(0, 0).eax < kCpuidExtendedFeatures) return 0;  // no leaf 7, none of the three
    cpu::CpuidResult leaf = cpu::cpuid(kCpuidExtendedFeatures, 0);
    uint64_t bits = 0;
    if (leaf.ebx & kLeaf7EbxSmep) bits |= cpu::kCr4Smep;
    if (leaf.ebx & kLeaf7EbxSmap) bits |= cpu::kCr4Smap;
    if (leaf.ecx & kLeaf7EcxUmip) bits |= cpu::kCr4Umip;
    return bits;
}

}  // namespace

void enable() { cpu::write_cr4(cpu::read_cr4() | offered_cr4_bits()); }

void print() {
    struct Protection {
        const char* name;
        bool on;
    };
    const uint64_t cr4 = cpu::read_cr4();
    const Protection all[] = {
        {"nx", (cpu::rdmsr(cpu::kMsrEfer) & cpu::kEferNoExecuteEnable) != 0},
        {"wp", (cpu::read_cr0() & cpu::kCr0WriteProtect) != 0},
        {"smep", (cr4 & cpu::kCr4Smep) != 0},
        {"smap", (cr4 & cpu::kCr4Smap) != 0},
        {"umip", (cr4 & cpu::kCr4Umip) != 0},
    };
    kprintf("cpu: protections:");
    bool any = false;
    for (const Protection& p : all) {
        if (p.on) kprintf(" %s", p.name);
        any |= p.on;
    }
    if (!any) kprintf(" none");
    if (cpu::read_tr() == gdt::kTss && cpu::read_ldtr() == 0) kprintf(", ldt null");
    kprintf("\n");
}

}  // namespace protections
