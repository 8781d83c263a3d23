; exolab: lab 4
; user/lib/upcall.asm: where the kernel enters a domain with an upcall, and
; the way back to the interrupted context without a system call (DESIGN §3.3).
;
; The kernel enters upcall_entry with rdi = UAREA, rsp = the upcall stack,
; and `masked` set; the interrupted registers are in the u-area's context.
; upcall_entry calls libos_upcall(UArea*) (upcall.cc), which decides what
; to do and ends in upcall_return(UArea*), never by returning.
;
; upcall_return must restore every register, rflags, rsp and rip and clear
; `masked`, all without a system call.  Clearing `masked` re-opens the
; domain to upcalls: a timer tick right after it saves the domain's
; registers as they are then, and the next Resume upcall writes them over
; the u-area's context.  So nothing may still be read from the u-area once
; masked is clear.  The sequence puts the two values it needs last, rdi and
; rip, on the interrupted stack first (below its 128-byte red zone, which
; may hold live data), restores the rest, clears masked, and then takes
; those two from the stack:
;
;       saved rsp  S -> +-----------------------+
;                       | red zone (128 bytes)  |  untouched
;          S - 136  ->  | rip                   |  ret 128 pops it, then rsp = S
;          S - 144  ->  | rdi                   |  pop rdi
;
; Interrupted anywhere after masked is clear, the saved context is just
; this code part-way through, with all it still needs on its own stack:
; resuming it later finishes the job.  There is no window.

bits 64

extern libos_upcall
global upcall_entry:function (upcall_entry_end - upcall_entry)
global upcall_return:function (upcall_return_end - upcall_return)

; Offsets in the UArea (kernel/abi/uarea.h static_asserts them).
MASKED      equ 0
CONTEXT     equ 40
; Offsets in its UserContext.
CTX_RAX     equ CONTEXT + 0
CTX_RBX     equ CONTEXT + 8
CTX_RCX     equ CONTEXT + 16
CTX_RDX     equ CONTEXT + 24
CTX_RSI     equ CONTEXT + 32
CTX_RDI     equ CONTEXT + 40
CTX_RBP     equ CONTEXT + 48
CTX_RSP     equ CONTEXT + 56
CTX_R8      equ CONTEXT + 64
CTX_R9      equ CONTEXT + 72
CTX_R10     equ CONTEXT + 80
CTX_R11     equ CONTEXT + 88
CTX_R12     equ CONTEXT + 96
CTX_R13     equ CONTEXT + 104
CTX_R14     equ CONTEXT + 112
CTX_R15     equ CONTEXT + 120
CTX_RIP     equ CONTEXT + 128
CTX_RFLAGS  equ CONTEXT + 136
RED_ZONE    equ 128

section .text

upcall_entry:
    xor ebp, ebp                    ; the end of the frame-pointer chain
    and rsp, -16                    ; the System V alignment for the call
    call libos_upcall               ; rdi = the u-area; does not return
    ud2
upcall_entry_end:

; upcall_return(UArea* rdi): resume the u-area's context, upcalls unmasked.
upcall_return:
    mov rsi, [rdi + CTX_RSP]
    sub rsi, RED_ZONE + 16
    mov rax, [rdi + CTX_RDI]
    mov [rsi], rax
    mov rax, [rdi + CTX_RIP]
    mov [rsi + 8], rax
    mov rsp, rsi                    ; the interrupted stack, below its red zone
    push qword [rdi + CTX_RFLAGS]
    popfq
    mov rax, [rdi + CTX_RAX]
    mov rbx, [rdi + CTX_RBX]
    mov rcx, [rdi + CTX_RCX]
    mov rdx, [rdi + CTX_RDX]
    mov rsi, [rdi + CTX_RSI]
    mov rbp, [rdi + CTX_RBP]
    mov r8, [rdi + CTX_R8]
    mov r9, [rdi + CTX_R9]
    mov r10, [rdi + CTX_R10]
    mov r11, [rdi + CTX_R11]
    mov r12, [rdi + CTX_R12]
    mov r13, [rdi + CTX_R13]
    mov r14, [rdi + CTX_R14]
    mov r15, [rdi + CTX_R15]
    mov qword [rdi + MASKED], 0     ; upcalls open: nothing more from the u-area
    pop rdi
    ret RED_ZONE
upcall_return_end:

section .note.GNU-stack noalloc noexec nowrite progbits
