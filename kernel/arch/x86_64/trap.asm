; exolab: lab 2
; kernel/arch/x86_64/trap.asm: the way into the kernel for every exception
; and interrupt, and the way back out.
;
; Each vector the IDT knows has a stub here.  On entry the CPU has pushed
; ss, rsp, rflags, cs, rip and, for some exceptions, an error code (on the
; TSS's rsp0 stack if it came from user mode, on IST1 for a double fault).
; A stub makes every frame the same shape: it pushes a zero in place of the
; missing error code, then the vector, and jumps to trap_common, which
; completes the TrapFrame drawn in trap.h and calls trap_dispatch(frame).
;
; GS: in the kernel, GS's base is meant to point at this CPU's data (once a
; later lab sets it with the GS_BASE MSR; until then both bases are 0); in user mode it holds whatever the
; domain put there, while the kernel's is parked in KERNEL_GS_BASE.  SWAPGS
; exchanges the two, so it is done exactly when crossing between user and
; kernel mode: on entry if the saved CS has RPL 3, and on exit if the CS
; being returned to has.  A trap inside the kernel leaves GS alone.

bits 64

%include "arch/x86_64/trapframe.inc"

extern trap_dispatch

; Offsets in a TrapFrame (trap.h static_asserts them).
TF_VECTOR   equ 120
TF_RIP      equ 136
TF_CS       equ 144
TF_SIZE     equ 176

RFLAGS_AC   equ 1 << 18             ; alignment check / SMAP override (cpu.h: cpu::UserAccess)

; Vectors for which the CPU pushes an error code (trap.h: kVectorsWithErrorCode).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text

; The stubs, one per vector 0..47, each aligned to 16 bytes.
global trap_stubs:function (trap_stubs_end - trap_stubs)
align 16
trap_stubs:
%assign vector 0
%rep 48
align 16
trap_stub_ %+ vector:
%if !HAS_ERROR_CODE(vector)
    push qword 0                    ; the error code the CPU did not push
%endif
    push qword vector
    jmp trap_common
%assign vector vector + 1
%endrep

; Vector 255, the local APIC's spurious-interrupt vector (lab 4).
global trap_stub_spurious
align 16
trap_stub_spurious:
    push qword 0
    push qword 255
    jmp trap_common
trap_stubs_end:

; trap_common: the stub has pushed the error code and the vector:
;   [rsp] vector, [rsp + 8] error code, [rsp + 16] rip, [rsp + 24] cs, ...
global trap_common:function (trap_return - trap_common)
align 16
trap_common:
    test byte [rsp + TF_CS - TF_VECTOR], 3
    jz .saved_gs
    swapgs                          ; from user mode: take the kernel's GS
.saved_gs:
    PUSH_GENERAL_REGISTERS
    cld                             ; the C++ ABI wants DF clear; user code may have set it
    ; AC clear too: with CR4.SMAP on (lab 3), AC = 1 lets ring 0 touch user
    ; pages.  User code can set AC (POPF), and a trap, unlike SYSCALL with
    ; its SFMASK, does not clear it.  IRETQ restores the interrupted flags.
    pushfq
    and qword [rsp], ~RFLAGS_AC
    popfq
    mov rdi, rsp                    ; the TrapFrame; 16-aligned (see trap.h)

    ; A frame-pointer frame for the interrupted code, so that a backtrace
    ; taken inside trap_dispatch walks on into the code the trap
    ; interrupted: "return address" = the interrupted rip, "saved rbp" = the
    ; interrupted rbp.  From user mode the chain ends here (rbp 0): the
    ; kernel never walks user stacks.  Two pushes keep rsp 16-aligned.
    push qword [rdi + TF_RIP]
    test byte [rdi + TF_CS], 3
    jz .kernel_rbp
    xor ebp, ebp
.kernel_rbp:
    push rbp
    mov rbp, rsp
    call trap_dispatch
    add rsp, 16
    jmp trap_restore

; trap_return(const TrapFrame* frame): resume `frame` (trap.h).
global trap_return:function (trap_return_end - trap_return)
trap_return:
    mov rsp, rdi
trap_restore:
    POP_GENERAL_REGISTERS
    add rsp, 16                     ; the vector and the error code
    test byte [rsp + 8], 3          ; the cs IRETQ is about to load
    jz .kernel_gs
    swapgs                          ; to user mode: give back the user's GS
.kernel_gs:
    iretq
trap_return_end:

; The stub addresses for idt.cc, indexed by vector.
section .rodata
global trap_stub_table
align 8
trap_stub_table:
%assign vector 0
%rep 48
    dq trap_stub_ %+ vector
%assign vector vector + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
