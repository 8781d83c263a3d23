; exolab: lab 3
; user/lib/crt0.asm: where every user program starts.
;
; The kernel enters a new domain at the ELF entry point, _start, with rsp at
; the top of its stack and no return address.  _start ends the chain of
; frame pointers (rbp = 0, so backtraces stop here), aligns the stack to the
; 16 bytes the System V ABI wants before a call, runs main() and then exit(),
; which destroys the domain and never returns.

bits 64
section .text

extern main
extern exit
global _start

_start:
    xor ebp, ebp
    and rsp, -16
    call main
    call exit
    ud2                 ; not reached: exit() does not return

; No executable stack (otherwise the linker warns).
section .note.GNU-stack noalloc noexec nowrite progbits
