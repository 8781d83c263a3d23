; exolab: lab 4
; user/lib/upcall.asm: where the kernel enters a domain with an upcall
; (DESIGN §3.3).
;
; The kernel enters upcall_entry with rdi = UAREA, rsp = the upcall stack,
; and `masked` set; the interrupted registers are in the u-area's context.
; upcall_entry calls libos_upcall(UArea*) (upcall.cc), which decides what
; to do and ends in upcall_return(UArea*) (upcall.cc), never by returning.

bits 64

extern libos_upcall
global upcall_entry:function (upcall_entry_end - upcall_entry)

section .text

upcall_entry:
    xor ebp, ebp                    ; the end of the frame-pointer chain
    and rsp, -16                    ; the System V alignment for the call
    call libos_upcall               ; rdi = the u-area; does not return
    ud2
upcall_entry_end:

section .note.GNU-stack noalloc noexec nowrite progbits
