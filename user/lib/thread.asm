; exolab: lab 4
; user/lib/thread.asm: the voluntary half of a thread switch (thread.cc).
;
; thread_switch(UserContext* save, UArea* u), called with upcalls masked
; and u's context already the next thread's: saves into `save` a context
; that resumes by returning from this call (rsp just above the return
; address, rip = the return address), then ends the masked section with
; upcall_finish(u), which restores the next thread.  Only what the System V
; ABI makes a callee keep is saved: rbx, rbp, r12-r15, rsp, and rflags
; (for DF, which must be clear at a call anyway); the caller-saved
; registers come back with stale values, as after any call.

bits 64

extern upcall_finish
global thread_switch:function (thread_switch_end - thread_switch)

; Offsets in a UserContext (kernel/abi/uarea.h).
CTX_RBX     equ 8
CTX_RBP     equ 48
CTX_RSP     equ 56
CTX_R12     equ 96
CTX_R13     equ 104
CTX_R14     equ 112
CTX_R15     equ 120
CTX_RIP     equ 128
CTX_RFLAGS  equ 136

section .text

thread_switch:
    mov [rdi + CTX_RBX], rbx
    mov [rdi + CTX_RBP], rbp
    mov [rdi + CTX_R12], r12
    mov [rdi + CTX_R13], r13
    mov [rdi + CTX_R14], r14
    mov [rdi + CTX_R15], r15
    mov rax, [rsp]                  ; the return address
    mov [rdi + CTX_RIP], rax
    lea rax, [rsp + 8]              ; rsp after the return
    mov [rdi + CTX_RSP], rax
    pushfq
    pop qword [rdi + CTX_RFLAGS]
    mov rdi, rsi
    jmp upcall_finish               ; rsp as at a call's entry; never returns
thread_switch_end:

section .note.GNU-stack noalloc noexec nowrite progbits
