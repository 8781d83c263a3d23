; exolab: lab 3
; kernel/arch/x86_64/syscall.asm: the SYSCALL entry and its SYSRET exit.
;
; SYSCALL leaves rip in rcx and rflags in r11, masks rflags with SFMASK
; (interrupts off) and switches CS/SS, but not the stack (lab 3 handout,
; §4.2).  syscall_entry builds on the kernel stack the same TrapFrame a
; trap from ring 3 builds (trap.h), so a domain's saved context has one
; shape whichever way it entered, and calls syscall_dispatch(frame), which
; puts the result in frame->rax and either returns here (back to the same
; domain, by SYSRET) or switches to another domain with trap_return and
; never comes back.
;
; SYSRET to a non-canonical rcx would fault in ring 0 on Intel CPUs.  rcx
; here is always the address after the caller's SYSCALL instruction (no
; handler that returns here changes frame->rip), which is canonical: user
; code runs only below USER_TOP (map refuses anything higher), far from the
; canonical boundary.

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
%if SOL >= 3
syscall_user_rsp:   dq 0        ; scratch: one CPU, interrupts off
%endif

section .text
syscall_entry:
%if SOL >= 3
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
%else
    ; LAB 3: Exercise 18.  Every system call enters here, in ring 0 with
    ; interrupts off, as the MSRs of Exercise 4 set it up: rcx holds the
    ; address after the caller's `syscall`, r11 its rflags, and rsp is
    ; still the caller's.  Build on the kernel stack (its top is
    ; syscall_kernel_rsp) the TrapFrame a trap from ring 3 would have
    ; built (trap.h; vector SYSCALL_VECTOR, error code 0), with this
    ; caller's user-mode selectors, rip, rflags and rsp in it, and call
    ; syscall_dispatch(frame) as the C++ ABI expects to be called.  If it
    ; returns, go back to the same domain by SYSRET with what the frame
    ; then holds.  GS is swapped as trap_common and trap_return swap it.
    ; Threats: rsp is a number the caller chose (it may point into the
    ; kernel, or nowhere); the frame is the domain's context, which lab 4
    ; resumes with IRETQ, so every word of it must be what a trap would
    ; have pushed; and every register the caller gets back must hold its
    ; own value (or the result in rax): anything else the kernel left
    ; there is a leak.  Until this is written the lines below stop the
    ; kernel at the first system call, naming this exercise.
extern syscall_entry_missing
    lea rsp, [rel entry_missing_stack_top]  ; a stack of its own, never left
    xor ebp, ebp                    ; the panic's backtrace ends here
    jmp syscall_entry_missing
section .bss
align 16, resb 1
    resb 1024
entry_missing_stack_top:
section .text
%endif
syscall_entry_end:

section .note.GNU-stack noalloc noexec nowrite progbits
