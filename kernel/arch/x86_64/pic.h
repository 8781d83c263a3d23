// exolab: lab 2
// kernel/arch/x86_64/pic.h: the two legacy 8259A programmable interrupt
// controllers of the PC, master (IRQs 0-7) and slave (IRQs 8-15, cascaded
// into the master's IRQ 2).
//
// At power-on they deliver IRQs 0-7 on vectors 8-15, which in protected
// mode are CPU exceptions (8 is the double fault).  exolab moves them to
// vectors 32-47 and masks every line: lab 4 takes the timer from the local
// APIC (or unmasks the PIT's IRQ 0 here) when it wants interrupts.
#pragma once

namespace pic {

// Reinitialises both PICs so that IRQ n arrives on vector trap::kIrqBase + n
// and masks all sixteen lines.  Call once, with interrupts off.
void init();

// Acknowledges IRQ `irq` (0..15) at the end of its handler.  Returns false
// if it was spurious: an IRQ 7 or 15 that the PIC raised but whose line had
// dropped by the time the CPU asked (its in-service bit is clear).  A
// spurious IRQ must not get an end-of-interrupt, except that a spurious
// IRQ 15 still owes the master one for the cascade line.
bool acknowledge(unsigned irq);

#if LAB >= 4
// Lets IRQ `irq` (0..15) through to the CPU (the timer's, lab 4); an IRQ
// of the slave PIC also opens the cascade line.
void unmask(unsigned irq);
#endif

}  // namespace pic
