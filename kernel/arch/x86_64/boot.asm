; kernel/arch/x86_64/boot.asm: from GRUB (multiboot2, 32-bit protected mode)
; to the higher-half C++ entry kmain (64-bit long mode).
;
; GRUB leaves us in 32-bit protected mode with paging off, interrupts off,
; EAX = multiboot2 magic and EBX = physical address of the boot information.
; We check both prerequisites, build the boot page tables, enter long mode
; and jump to kmain(magic, mbi_phys) at its higher-half address.
;
; Boot page tables (2 MiB pages, the first GiB of RAM three times):
;
;   PML4[0]                -> pdpt_low[0]             -> pd -> 0..1 GiB   identity (for this code)
;   PML4[physmap index]    -> pdpt_low[0]             -> pd -> 0..1 GiB   PHYSMAP_BASE + phys
;   PML4[kernel index]     -> pdpt_high[kernel index] -> pd -> 0..1 GiB   KERNEL_BASE + phys
;
; Everything in this file lives in the low .boot section (virtual =
; physical) except the jump target kmain and the boot stack.

extern kmain
extern boot_kernel_base
extern boot_kernel_pml4_index
extern boot_kernel_pdpt_index
extern boot_physmap_pml4_index

MB2_HEADER_MAGIC equ 0xE85250D6     ; multiboot2 spec §3.1.1
MB2_BOOT_MAGIC   equ 0x36D76289     ; what a multiboot2 loader leaves in EAX
MB2_ARCH_I386    equ 0
COM1             equ 0x3F8
DEBUG_EXIT_PORT  equ 0xF4           ; QEMU isa-debug-exit
EXIT_FAILURE     equ 0x11           ; QEMU exits with (0x11 << 1) | 1 = 35

PTE_PRESENT      equ 1 << 0
PTE_WRITE        equ 1 << 1
PTE_LARGE        equ 1 << 7
CR4_PAE          equ 1 << 5
CR0_PE           equ 1 << 0
CR0_PG           equ 1 << 31
MSR_EFER         equ 0xC0000080
EFER_LME         equ 1 << 8
EFLAGS_ID        equ 1 << 21
CPUID_LM         equ 1 << 29        ; CPUID 0x80000001 EDX: long mode

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_HEADER_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; end tag: type 0, flags 0, size 8
    dw 0
    dw 0
    dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite align=16
bits 32
global _start
_start:
    cli
    cld
    mov esp, boot32_stack_top
    mov edi, eax                    ; keep magic and info for kmain
    mov esi, ebx

    cmp eax, MB2_BOOT_MAGIC
    jne .not_multiboot2

    ; CPUID exists iff the ID flag in EFLAGS can be toggled.
    pushfd
    pop eax
    mov ecx, eax
    xor eax, EFLAGS_ID
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    je .no_long_mode

    mov eax, 0x80000000             ; highest extended CPUID leaf
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, CPUID_LM
    jz .no_long_mode

    call build_boot_page_tables

    mov eax, boot_pml4
    mov cr3, eax
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_PE
    mov cr0, eax                    ; now in compatibility mode

    lgdt [boot_gdt_pointer]
    jmp BOOT_CODE_SELECTOR:long_mode_entry

.not_multiboot2:
    mov esi, msg_not_multiboot2
    jmp boot_fail
.no_long_mode:
    mov esi, msg_no_long_mode
    jmp boot_fail

; build_boot_page_tables: fill boot_pml4, boot_pdpt_low, boot_pdpt_high and
; boot_pd as drawn at the top of this file.  Clobbers eax, ecx, edx.
build_boot_page_tables:
    mov eax, boot_pdpt_low + PTE_PRESENT + PTE_WRITE
    mov [boot_pml4], eax
    mov edx, boot_physmap_pml4_index
    mov [boot_pml4 + edx * 8], eax
    mov eax, boot_pdpt_high + PTE_PRESENT + PTE_WRITE
    mov edx, boot_kernel_pml4_index
    mov [boot_pml4 + edx * 8], eax

    mov eax, boot_pd + PTE_PRESENT + PTE_WRITE
    mov [boot_pdpt_low], eax
    mov edx, boot_kernel_pdpt_index
    mov [boot_pdpt_high + edx * 8], eax

    xor ecx, ecx
.next_large_page:
    mov eax, ecx
    shl eax, 21                     ; ecx * 2 MiB
    or eax, PTE_PRESENT + PTE_WRITE + PTE_LARGE
    mov [boot_pd + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jne .next_large_page
    ret

; boot_fail: print "exolab boot: <esi>" on COM1, ask QEMU to exit with a
; failure code, and halt forever if we are not under QEMU.
boot_fail:
    push esi
    mov esi, msg_boot_prefix
    call serial_puts32
    pop esi
    call serial_puts32
    mov dx, DEBUG_EXIT_PORT
    mov al, EXIT_FAILURE
    out dx, al
.halt:
    hlt
    jmp .halt

; serial_puts32: write the NUL-terminated string at esi to COM1, polling the
; line status register (bit 5: transmit holding register empty).
serial_puts32:
    lodsb
    test al, al
    jz .done
    mov ah, al
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov dx, COM1
    mov al, ah
    out dx, al
    jmp serial_puts32
.done:
    ret

bits 64
long_mode_entry:
    xor eax, eax
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax

    ; Upper register halves are undefined after the switch: set the whole
    ; of every register used from here on.  The higher-half kernel stack
    ; first; 16 zero bytes stay above the first frame, so a backtrace can
    ; read kmain's two "argument" words without running off the stack.
    mov rsp, boot_stack_top - 16
    mov edi, edi
    mov esi, esi

    ; Reload GDTR with the GDT's higher-half alias so that it stays valid once
    ; the identity map is gone (lab 2).
    mov rax, boot_gdt
    mov rcx, boot_kernel_base
    add rax, rcx
    sub rsp, 16
    mov word [rsp + 6], boot_gdt_end - boot_gdt - 1
    mov [rsp + 8], rax
    lgdt [rsp + 6]
    add rsp, 16

    ; kmain never returns.  Enter it with a zero frame pointer and a zero
    ; return address: both mark the outermost frame (the kernel's backtrace
    ; stops at rbp = 0; GDB shows a last frame at address 0 and stops).
    xor ebp, ebp
    push 0
    mov rax, kmain
    jmp rax

section .boot.rodata progbits alloc noexec nowrite align=16
BOOT_CODE_SELECTOR equ boot_gdt.code - boot_gdt
boot_gdt:
    dq 0
.code:
    dq 0x00209A0000000000           ; present, ring 0, code, L=1 (64-bit)
.data:
    dq 0x0000920000000000           ; present, ring 0, data, writable
boot_gdt_end:
boot_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

msg_boot_prefix:    db "exolab boot: ", 0
msg_not_multiboot2: db "not started by a multiboot2 boot loader (bad magic in EAX); boot exolab with GRUB's multiboot2 command", 13, 10, 0
msg_no_long_mode:   db "this CPU does not support x86-64 long mode (CPUID 0x80000001 EDX bit 29); use qemu-system-x86_64 with a 64-bit CPU", 13, 10, 0

section .boot.bss nobits alloc noexec write align=4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096
boot32_stack:   resb 1024
boot32_stack_top:

; The kernel stack, at its higher-half address.  kernel.ld.S places the
; .kstack section after a guard page, which lab 2 leaves unmapped.
section .kstack nobits alloc noexec write align=4096
global boot_stack_top
    resb 16384
boot_stack_top:
section .note.GNU-stack noalloc noexec nowrite progbits
