# exolab: every entry point of the kit (DESIGN §2).
#
#   make qemu            build and boot the exokernel, serial console on this terminal
#   make qemu-nox        the same, never opening a window
#   make qemu-gdb        boot stopped, with a GDB stub; then `make gdb` in another terminal
#   make grade           grade the current lab (LAB=N to choose; TEST=name for one test)
#   make test            everything the project checks
#   make compile_commands.json, make clean
#
# LAB selects the lab the tree is built for and SOL how many labs' solutions
# are compiled in (DESIGN §5): `make LAB=1 SOL=0 grade` is lab 1's skeleton.

LAB ?= 2
SOL ?= $(LAB)
BUILD := build/lab$(LAB)-sol$(SOL)
# V=1 shows every command.
Q := $(if $(V),,@)

CXX := g++
NASM := nasm
QEMU := qemu-system-x86_64
# The interpreter that has pytest and pexpect (Debian's), not a pyenv build.
PYTHON := $(shell for p in /usr/bin/python3 python3; do $$p -c 'import pytest, pexpect' 2>/dev/null && echo $$p && break; done)

CXXFLAGS := -std=c++20 -O2 -g -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-use-cxa-atexit -mno-red-zone -mgeneral-regs-only -mcmodel=kernel -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -nostdlib \
	-Wall -Wextra -Werror -Ikernel -DLAB=$(LAB) -DSOL=$(SOL)
NASMFLAGS := -f elf64 -g -F dwarf -w+all -Werror -DLAB=$(LAB) -DSOL=$(SOL)
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments

# A file that first appears in lab N says so in a marker line near its top
# (`// exolab: lab N`, see labs/fences.py); builds for an earlier LAB leave it out.
in_lab = $(shell awk -v lab=$(LAB) 'FNR > 5 { nextfile } match($$0, /exolab: lab [0-9]+/) { \
	if (substr($$0, RSTART + 12, RLENGTH - 12) + 0 > lab) skip[FILENAME] = 1 } \
	END { for (i = 1; i < ARGC; i++) if (!(ARGV[i] in skip)) print ARGV[i] }' $(1))
KERNEL_CXX := $(call in_lab,$(shell find kernel -name '*.cc' | sort))
KERNEL_ASM := $(call in_lab,$(shell find kernel -name '*.asm' | sort))
KERNEL_OBJS := $(KERNEL_CXX:%.cc=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o)
KERNEL := $(BUILD)/kernel.elf
ISO := $(BUILD)/exolab.iso

# QEMU for people: serial on this terminal (Ctrl-A X quits), no reboot loop.
QEMU_FLAGS := -m 128M -no-reboot -cdrom $(ISO) -boot d -device isa-debug-exit,iobase=0xf4,iosize=0x04
QEMU_NOX := -display none -serial mon:stdio
QEMU_WINDOW := $(if $(DISPLAY),-serial mon:stdio,$(QEMU_NOX))
# isa-debug-exit: 33 is the kernel's "success"; anything else is reported.
QEMU_STATUS := st=$$?; [ $$st -eq 33 ] || [ $$st -eq 0 ] || { echo "exolab: QEMU exited with status $$st"; exit $$st; }

.PHONY: all deps qemu qemu-nox qemu-gdb gdb grade test clean
all: $(ISO)

deps:
	@tools/install-deps

$(BUILD)/%.o: %.cc | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.asm.o: %.asm | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

$(BUILD)/kernel.ld: kernel/arch/x86_64/kernel.ld.S kernel/abi/layout.h
	@mkdir -p $(@D)
	$(Q)$(CXX) -E -P -x c -undef -Ikernel $< -o $@

$(KERNEL): $(KERNEL_OBJS) $(BUILD)/kernel.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -T $(BUILD)/kernel.ld $(KERNEL_OBJS) -o $@

$(ISO): $(KERNEL) kernel/arch/x86_64/grub.cfg
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	@$(if $(Q),echo "  ISO     $@")
	$(Q)cp $(KERNEL) $(BUILD)/iso/boot/kernel.elf
	$(Q)cp kernel/arch/x86_64/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue --fonts= --locales= --themes= -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log \
		|| { cat $(BUILD)/grub-mkrescue.log; exit 1; }

qemu: $(ISO)
	@echo "exolab: booting $(ISO) (Ctrl-A X quits QEMU)"
	@$(QEMU) $(QEMU_FLAGS) $(QEMU_WINDOW); $(QEMU_STATUS)

qemu-nox: $(ISO)
	@echo "exolab: booting $(ISO) (Ctrl-A X quits QEMU)"
	@$(QEMU) $(QEMU_FLAGS) $(QEMU_NOX); $(QEMU_STATUS)

# The port is free when chosen and recorded in build/gdb-target with the
# kernel's path, where .gdbinit reads both.
qemu-gdb: $(ISO)
	@port=$$($(PYTHON) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	printf 'port %s\nkernel %s\n' $$port $(KERNEL) > build/gdb-target; \
	echo "exolab: QEMU is stopped at the first instruction; run 'make gdb' in another terminal (port $$port)"; \
	$(QEMU) $(QEMU_FLAGS) $(QEMU_NOX) -S -gdb tcp:127.0.0.1:$$port; $(QEMU_STATUS)

gdb: | deps
	gdb -n -x .gdbinit

GRADE_ARGS := -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=$(LAB) -n auto $(if $(TEST),-k '$(TEST)')
grade: $(ISO)
	$(PYTHON) -m pytest $(GRADE_ARGS) $(PYTEST_ARGS)

test: $(ISO)
	$(PYTHON) -m pytest -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=all -n auto $(PYTEST_ARGS)

compile_commands.json: $(KERNEL_CXX)
	@{ echo '['; sep=''; for f in $(KERNEL_CXX); do \
		printf '%s{"directory": "%s", "file": "%s", "command": "%s %s -c %s -o %s"}\n' \
			"$$sep" "$(CURDIR)" "$$f" "$(CXX)" "$(CXXFLAGS)" "$$f" "$(BUILD)/$${f%.cc}.o"; sep=','; \
	done; echo ']'; } > $@
	@echo "exolab: wrote $@ ($(words $(KERNEL_CXX)) files)"

clean:
	rm -rf build compile_commands.json

-include $(KERNEL_OBJS:.o=.d)
