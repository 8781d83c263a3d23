// exolab: lab 2
// kernel/selftest/trap_tests.h: self-tests of the trap path (lab 2; graded
// by grade/test_lab2_traps.py).  Each raises one trap with inline assembly,
// since a compiler may fold a C-level fault away.
#pragma once

namespace selftest {

// Faults the kernel must report and stop on (QEMU exits with the failure code).
void kernel_pagefault();    // a write to an unmapped address
void kernel_divzero();      // DIV by a register holding zero
void kernel_ud();           // UD2
void kernel_gp();           // a load from a non-canonical address
void kernel_badint();       // INT 0x80, whose IDT gate is not present: #NP
void kernel_doublefault();  // a push with rsp unmapped: #PF, then #PF delivering it: #DF on IST1
void user_entry();          // IRETQ to ring 3 at a supervisor page: a user-mode #PF

// Traps the kernel must survive (the test returns).
void kernel_breakpoint();   // INT3 with every register set to a pattern
void kernel_irq();          // INT on IRQ and spurious vectors

}  // namespace selftest
