/* exolab: lab 3 */
/* user/user.ld.S: link map of every user program.
 * Run through the C preprocessor so that USER_BASE comes from abi/layout.h.
 *
 *   USER_BASE  .text            PT_LOAD R-X
 *   next page  .rodata          PT_LOAD R--
 *   next page  .upcall_data .data .bss   PT_LOAD RW-
 *
 * Each segment starts on its own page, so the loader can give every page
 * exactly its segment's rights (no page is both writable and executable).
 * The file offset of each segment is congruent to its address modulo the
 * page size (-z max-page-size=0x1000), so a loader may also map file pages.
 */
#include "abi/layout.h"

OUTPUT_FORMAT(elf64-x86-64)
ENTRY(_start)

PHDRS {
    text   PT_LOAD FLAGS(5);
    rodata PT_LOAD FLAGS(4);
    data   PT_LOAD FLAGS(6);
}

SECTIONS {
    . = USER_BASE;
    .text : { *(.text .text.*) } :text

    . = ALIGN(PAGE_SIZE);
    .rodata : { *(.rodata .rodata.*) } :rodata

    . = ALIGN(PAGE_SIZE);
    /* Lab 4: what the libOS writes with upcalls masked (UPCALL_DATA in
     * user/lib/upcall.h), on pages of its own: fork copies them for the
     * child at once and never makes them copy-on-write, since a fault with
     * upcalls masked kills the domain.  Empty until lab 4. */
    .upcall_data : {
        __upcall_data_start = .;
        *(.upcall_data)
        . = ALIGN(PAGE_SIZE);
        __upcall_data_end = .;
    } :data
    /* The ALIGN keeps .data, so the data segment has a sane address even when empty. */
    .data : { *(.data .data.*) . = ALIGN(8); } :data
    .init_array : { *(.init_array* .ctors*) } :data
    ASSERT(SIZEOF(.init_array) == 0, "global constructors are not allowed in user programs either")
    .bss : { *(COMMON) *(.bss .bss.*) } :data

    /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) }
}
