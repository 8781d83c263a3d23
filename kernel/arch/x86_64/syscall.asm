; exolab: lab 3
; kernel/arch/x86_64/syscall.asm: the SYSCALL entry and its SYSRET exit.
;
; SYSCALL leaves rip in rcx and rflags in r11, masks rflags with SFMASK
; (interrupts off) and switches CS/SS, but not the stack.  We save the user
; rsp, switch to the kernel stack, and build the same TrapFrame a trap
; builds (trap.h), so a domain's saved context has one shape whichever way
; it entered.  syscall_dispatch(frame) puts the result in frame->rax and
; either returns here (back to the same domain, by SYSRET) or switches to
; another domain with trap_return and never comes back.
;
; SYSRET to a non-canonical rcx would fault in ring 0 on Intel CPUs.  rcx
; here is always the address after the caller's SYSCALL instruction, which
; is canonical: user code runs only below USER_TOP (map refuses anything
; higher), far from the canonical boundary.

%include "arch/x86_64/trapframe.inc"

extern syscall_dispatch
global syscall_entry:function (syscall_entry_end - syscall_entry)  ; typed and sized: fault reports name it
global syscall_kernel_rsp

USER_DATA_SELECTOR equ 0x1B     ; gdt.h kUserData
USER_CODE_SELECTOR equ 0x23     ; gdt.h kUserCode
SYSCALL_VECTOR     equ 0x100    ; TrapFrame.vector of a system call (no IDT vector is that large)

section .data
align 8
syscall_kernel_rsp: dq 0        ; the kernel stack top (set by syscall_msrs::init)
syscall_user_rsp:   dq 0        ; scratch: one CPU, interrupts off

section .text
syscall_entry:
    swapgs
    mov [rel syscall_user_rsp], rsp
    mov rsp, [rel syscall_kernel_rsp]
    push USER_DATA_SELECTOR         ; ss
    push qword [rel syscall_user_rsp] ; rsp
    push r11                        ; rflags
    push USER_CODE_SELECTOR         ; cs
    push rcx                        ; rip
    push 0                          ; error code
    push SYSCALL_VECTOR             ; vector
    PUSH_GENERAL_REGISTERS
    mov rdi, rsp
    call syscall_dispatch
    POP_GENERAL_REGISTERS
    add rsp, 16                     ; vector, error code
    pop rcx                         ; rip
    add rsp, 8                      ; cs
    pop r11                         ; rflags
    pop rsp                         ; the user stack (ss is implied by SYSRET)
    swapgs
    o64 sysret
syscall_entry_end:

section .note.GNU-stack noalloc noexec nowrite progbits
