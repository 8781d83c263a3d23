// exolab: lab 3
// kernel/arch/x86_64/protections.h: what the CPU refuses user code, and
// the boot line that lists it (DESIGN §3.1).
//
// Hostile user code gets nothing the CPU can refuse it.  Each protection,
// where it is switched on, and what it stops:
//
//   name  where                            what it stops
//   nx    EFER.NXE (bit 11), lab 2         executing a page mapped NX (data, stacks, the windows)
//   wp    CR0.WP (bit 16), lab 2           ring 0 writing a read-only page (kernel text, UVPT)
//   smep  CR4.SMEP (bit 20), enable()      ring 0 executing a user page: a kernel bug that jumps
//                                          to a user address runs no code the user chose
//   smap  CR4.SMAP (bit 21), enable()      ring 0 reading or writing a user page while RFLAGS.AC
//                                          is clear: a kernel bug that follows a user pointer
//                                          faults instead of reading what the user placed there
//   umip  CR4.UMIP (bit 11), enable()      SGDT, SIDT, SLDT, SMSW and STR at CPL 3 (#GP): they
//                                          would tell user code where the GDT and IDT are
//   ldt   LDTR = null selector, lab 2      a selector with TI = 1 is a #GP; LDTR's reset value
//         (gdt::init)                      (base 0, limit 0xFFFF) would make the CPU read the
//                                          descriptor from linear address 0, with kernel privilege
//
// The kernel keeps RFLAGS.AC clear: SYSCALL clears it (SFMASK), every trap
// entry clears it (trap.asm), and only cpu::UserAccess sets it, around a
// deliberate access through a user address.
#pragma once

namespace protections {

// Turns on SMEP, SMAP and UMIP in CR4, each only if CPUID (leaf 7) says the
// CPU has it: setting a CR4 bit the CPU lacks is a #GP.  From then on the
// kernel must not touch a user page except through the physmap (or inside
// a cpu::UserAccess).  Call once, before any user code runs.
void enable();

// Prints "cpu: protections: nx wp smep smap umip, ldt null": the names of
// the protections that are on, read back from EFER, CR0 and CR4 (in the
// order of the table above; "none" if none is), then ", ldt null" if LDTR
// holds the null selector that gdt::init loads.  SLDT alone cannot tell
// that from LDTR's reset value (also selector 0, but an LDT at linear 0),
// so it must also find TR loaded with gdt::kTss: gdt::init loads TR and
// then the null LDTR, and nothing else loads either.
void print();

}  // namespace protections
