// kernel/arch/x86_64/sections.h: the symbols kernel.ld.S defines, declared
// once.  Each is an address, not a variable: use it as `text_start`, never
// read through it.  All are virtual (higher-half) addresses, page-aligned
// except the ends of .text, .rodata and .data.
#pragma once

extern "C" const char kernel_start[], kernel_end[];        // the whole image
extern "C" const char text_start[], text_end[];            // R X
extern "C" const char rodata_start[], rodata_end[];        // R
extern "C" const char data_start[], data_end[];            // R W (.data)
extern "C" const char bss_start[], bss_end[];              // R W (.bss; bss_end is page-aligned)
extern "C" const char kernel_stack_guard[];                // one unmapped page (lab 2 on)
extern "C" const char kernel_stack_bottom[], kernel_stack_top[];  // R W
