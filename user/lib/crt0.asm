; exolab: lab 3
; user/lib/crt0.asm: where every user program starts.
;
; The kernel enters a new domain at the ELF entry point, _start, with rsp at
; the top of its stack and no return address; spawn (lab 5) enters it with
; rsp at argc, argv below it (System V).  _start ends the chain of frame
; pointers (rbp = 0, so backtraces stop here), passes the rsp it started
; with to libos_main (libos.cc), which finds the arguments there, aligns
; the stack to the 16 bytes the System V ABI wants before a call and calls
; libos_main, which sets up the libOS, runs main() and then exit(), which
; destroys the domain and never returns.

bits 64
section .text

extern libos_main
global _start

_start:
    xor ebp, ebp
    mov rdi, rsp
    and rsp, -16
    call libos_main
    ud2                 ; not reached: libos_main ends in exit()

; No executable stack (otherwise the linker warns).
section .note.GNU-stack noalloc noexec nowrite progbits
