/* kernel/arch/x86_64/kernel.ld.S: link map of the kernel image.
 * Run through the C preprocessor so that addresses come from abi/layout.h.
 *
 *   physical                     virtual
 *   0x100000  .boot (multiboot2   = physical (identity, 32-bit code)
 *             header, 32-bit
 *             entry, boot tables)
 *   next      .text .rodata       KERNEL_BASE + physical
 *             .data .bss
 *
 * Each higher-half output section starts on a page boundary so that lab 2
 * can map it with its own rights (text RX, rodata R, data and bss RW NX).
 */
#include "abi/layout.h"

OUTPUT_FORMAT(elf64-x86-64)
ENTRY(_start)

/* Absolute symbols for boot.asm, which cannot include C headers. */
boot_kernel_base = KERNEL_BASE;
boot_kernel_pml4_index = (KERNEL_BASE >> 39) & 511;
boot_kernel_pdpt_index = (KERNEL_BASE >> 30) & 511;
boot_physmap_pml4_index = (PHYSMAP_BASE >> 39) & 511;

PHDRS {
    boot   PT_LOAD FLAGS(7);
    text   PT_LOAD FLAGS(5);
    rodata PT_LOAD FLAGS(4);
    data   PT_LOAD FLAGS(6);
}

SECTIONS {
    . = KERNEL_LOAD_PHYS;
    .boot : {
        KEEP(*(.multiboot2))
        *(.boot.text)
        *(.boot.rodata)
        . = ALIGN(4096);
        *(.boot.bss)
    } :boot

    . = ALIGN(4096) + KERNEL_BASE;
    kernel_start = .;
    text_start = .;
    .text : AT(ADDR(.text) - KERNEL_BASE) { *(.text .text.*) } :text
    text_end = .;

    . = ALIGN(4096);
    rodata_start = .;
    .rodata : AT(ADDR(.rodata) - KERNEL_BASE) { *(.rodata .rodata.*) } :rodata
    rodata_end = .;

    . = ALIGN(4096);
    data_start = .;
    .data : AT(ADDR(.data) - KERNEL_BASE) { *(.data .data.*) } :data
    .init_array : AT(ADDR(.init_array) - KERNEL_BASE) { *(.init_array* .ctors*) } :data
    ASSERT(SIZEOF(.init_array) == 0, "global constructors are not allowed: use an explicit init()")
    data_end = .;
    bss_start = .;
    .bss : AT(ADDR(.bss) - KERNEL_BASE) { *(COMMON) *(.bss .bss.*) } :data
    . = ALIGN(4096);
    bss_end = .;

    /* The kernel stack, with one unmapped guard page below it (lab 2 leaves
     * the guard out of the kernel's page tables, so an overflow faults). */
    kernel_stack_guard = .;
    . += 4096;
    .kstack (NOLOAD) : AT(ADDR(.kstack) - KERNEL_BASE) {
        kernel_stack_bottom = .;
        *(.kstack)
        kernel_stack_top = .;
    } :data
    kernel_end = .;

    /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }
}
