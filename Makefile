# exolab: every entry point of the kit (DESIGN §2).
#
#   make qemu            build and boot the exokernel, serial console on this terminal
#   make qemu-nox        the same, never opening a window
#   make qemu-gdb        boot stopped, with a GDB stub; then `make gdb` in another terminal
#                        (RUN=name with any qemu target: boot with run=name)
#   make grade           grade the current lab (LAB=N to choose; TEST=name for one test)
#   make test            everything the project checks (the include layers, then every lab's tests)
#   make bench           the benchmarks (LAB >= 3), `BENCH <name> <ticks>` lines
#   make abi             regenerate handouts/abi.md from kernel/abi/
#   make compile_commands.json, make clean
#
# LAB selects the lab the tree is built for and SOL how many labs' solutions
# are compiled in (DESIGN §5): `make LAB=1 SOL=0 grade` is lab 1's skeleton.

LAB ?= 3
SOL ?= $(LAB)
BUILD := build/lab$(LAB)-sol$(SOL)
# V=1 shows every command.
Q := $(if $(V),,@)

CXX := g++
NASM := nasm
QEMU := qemu-system-x86_64
# The interpreter that has pytest and pexpect (Debian's), not a pyenv build.
# Looked up when a recipe needs it, after `deps` has installed them.
PYTHON = $(or $(shell for p in /usr/bin/python3 python3; do $$p -c 'import pytest, pexpect' 2>/dev/null && echo $$p && break; done),\
	$(error exolab: no python3 with pytest and pexpect; run tools/install-deps))

# Freestanding C++ for the kernel and user space alike; each adds its own
# code model and include path (user code reaches only what USER_INCLUDE holds).
FREESTANDING_CXXFLAGS := -std=c++20 -O2 -g -ffreestanding -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-use-cxa-atexit -mgeneral-regs-only -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables -nostdlib \
	-Wall -Wextra -Werror -DLAB=$(LAB) -DSOL=$(SOL)
CXXFLAGS := $(FREESTANDING_CXXFLAGS) -mno-red-zone -mcmodel=kernel -Ikernel
NASMFLAGS := -f elf64 -g -F dwarf -w+all -Werror -ikernel/ -DLAB=$(LAB) -DSOL=$(SOL)
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments

# A file that first appears in lab N says so on its first line
# (`// exolab: lab N`, see labs/fences.py); builds for an earlier LAB leave it out.
in_lab = $(shell awk -v lab=$(LAB) 'FNR > 1 { nextfile } match($$0, /exolab: lab [0-9]+/) { \
	if (substr($$0, RSTART + 12, RLENGTH - 12) + 0 > lab) skip[FILENAME] = 1 } \
	END { for (i = 1; i < ARGC; i++) if (!(ARGV[i] in skip)) print ARGV[i] }' $(1))
KERNEL_CXX := $(call in_lab,$(shell find kernel -name '*.cc' | sort))
KERNEL_ASM := $(call in_lab,$(shell find kernel -name '*.asm' | sort))
KERNEL_OBJS := $(KERNEL_CXX:%.cc=$(BUILD)/%.o) $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o)
KERNEL := $(BUILD)/kernel.elf
ISO := $(BUILD)/exolab.iso

# QEMU for people: serial on this terminal (Ctrl-A X quits), no reboot loop.
# RUN=name passes run=name on the kernel command line (a self-test, or from
# lab 3 a user program): `make qemu RUN=hello`, `make qemu-gdb RUN=hello`.
# The CPU model is grade/qemu.py's QEMU_CPU, so that make and the harness
# boot the same CPU (qemu64 with SMEP, SMAP and UMIP).
comma := ,
QEMU_CPU := $(or $(shell sed -n 's/^QEMU_CPU = "\([^"]*\)"$$/\1/p' grade/qemu.py),\
	$(error exolab: no QEMU_CPU = "..." line in grade/qemu.py))
QEMU_FLAGS := -m 128M -cpu $(QEMU_CPU) -no-reboot -cdrom $(ISO) -boot d -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	$(if $(RUN),-smbios type=11$(comma)value=run=$(RUN))
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

# ---- lab 3: user programs, their ISO modules, make bench, make abi ----------
# Every user/bin/NAME.cc becomes $(BUILD)/user/bin/NAME: crt0, the program and
# the libOS (user/lib plus the kernel's freestanding format.cc and string.cc),
# linked at USER_BASE by user/user.ld.S.  tools/mkbadelf writes corrupted
# copies of hello, badelf_<kind>, for the loader's tests.  Each goes on the
# ISO as /boot/bin/NAME, a GRUB module whose command line is NAME: the
# generated grub.cfg lists them all and `run=NAME` starts one.
ISO_GRUB_CFG := kernel/arch/x86_64/grub.cfg
ISO_MODULES :=
ifeq ($(shell test $(LAB) -ge 3 && echo y),y)
# User code sees kernel/abi and the shared freestanding part of kernel/lib,
# nothing else of the kernel: USER_INCLUDE holds links to exactly those.
USER_INCLUDE := $(BUILD)/user/include
USER_SHARED_HEADERS := format.h string.h result.h panic.h
USER_CXXFLAGS := $(FREESTANDING_CXXFLAGS) -mcmodel=small -Iuser -I$(USER_INCLUDE)
USER_LIB_OBJS := $(patsubst %.cc,$(BUILD)/%.o,$(call in_lab,$(wildcard user/lib/*.cc))) \
	$(BUILD)/user/klib/format.o $(BUILD)/user/klib/string.o
USER_LIB := $(BUILD)/user/libos.a
USER_CRT0 := $(BUILD)/user/lib/crt0.asm.o
USER_LD := $(BUILD)/user/user.ld
USER_BINS := $(patsubst user/bin/%.cc,$(BUILD)/user/bin/%,$(call in_lab,$(wildcard user/bin/*.cc)))
BADELF_BINS := $(patsubst %,$(BUILD)/user/bin/badelf_%,$(shell tools/mkbadelf --list))
ISO_MODULES := $(USER_BINS) $(BADELF_BINS)
ISO_GRUB_CFG := $(BUILD)/grub.cfg
BENCH_PROGRAMS := bench_syscall

$(USER_INCLUDE)/.made: Makefile
	$(Q)rm -rf $(@D) && mkdir -p $(@D)/lib && ln -s $(CURDIR)/kernel/abi $(@D)/abi
	$(Q)for h in $(USER_SHARED_HEADERS); do ln -s $(CURDIR)/kernel/lib/$$h $(@D)/lib/$$h; done
	@touch $@

$(BUILD)/user/%.o: user/%.cc $(USER_INCLUDE)/.made | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(USER_CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/user/klib/%.o: kernel/lib/%.cc $(USER_INCLUDE)/.made | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $< (user)")
	$(Q)$(CXX) $(USER_CXXFLAGS) -MMD -MP -c $< -o $@

$(USER_LIB): $(USER_LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(USER_LD): user/user.ld.S kernel/abi/layout.h
	@mkdir -p $(@D)
	$(Q)$(CXX) -E -P -x c -undef -Ikernel $< -o $@

$(USER_BINS): $(BUILD)/user/bin/%: $(BUILD)/user/bin/%.o $(USER_CRT0) $(USER_LIB) $(USER_LD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -T $(USER_LD) $(USER_CRT0) $< $(USER_LIB) -o $@

$(BADELF_BINS): $(BUILD)/user/bin/badelf_%: $(BUILD)/user/bin/hello tools/mkbadelf kernel/abi/layout.h
	@$(if $(Q),echo "  BADELF  $@")
	$(Q)tools/mkbadelf $* $< $@

# The kernel's grub.cfg with one `module2 /boot/bin/NAME NAME` line per
# program after its multiboot2 line.
$(ISO_GRUB_CFG): kernel/arch/x86_64/grub.cfg $(ISO_MODULES)
	$(Q)awk -v names="$(notdir $(ISO_MODULES))" '{ print } /^[ \t]*multiboot2 / { found++; \
		n = split(names, name, " "); for (i = 1; i <= n; i++) printf "    module2 /boot/bin/%s %s\n", name[i], name[i] } \
		END { if (found != 1) { print "grub.cfg: expected one multiboot2 line" > "/dev/stderr"; exit 1 } }' $< > $@

# Each benchmark boots headless under -icount shift=0 (guest rdtsc counts
# instructions, so figures repeat) and prints its `BENCH <name> <ticks>` lines.
bench: $(ISO)
	@for program in $(BENCH_PROGRAMS); do \
		log=$(BUILD)/bench-$$program.log; \
		timeout 300 $(QEMU) $(QEMU_FLAGS) -display none -serial stdio -monitor none -icount shift=0 \
			-smbios type=11,value=run=$$program < /dev/null > $$log 2>&1; st=$$?; \
		tr -d '\r' < $$log | grep '^BENCH '; \
		[ $$st -eq 33 ] || { echo "exolab: $$program did not finish (QEMU status $$st); serial log: $$log"; exit 1; }; \
	done

-include $(USER_LIB_OBJS:.o=.d) $(USER_BINS:=.d)
else
bench:
	@echo "exolab: make bench needs LAB >= 3 (user programs arrive in lab 3)"; exit 1
endif

# handouts/abi.md, the system-call reference, is generated from the ABI headers.
abi:
	tools/gen-abi-md -o handouts/abi.md
.PHONY: bench abi
# ---- end of lab 3 -------------------------------------------------------------

$(ISO): $(KERNEL) $(ISO_GRUB_CFG) $(ISO_MODULES)
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	@$(if $(Q),echo "  ISO     $@")
	$(Q)cp $(KERNEL) $(BUILD)/iso/boot/kernel.elf
	$(Q)cp $(ISO_GRUB_CFG) $(BUILD)/iso/boot/grub/grub.cfg
	$(if $(ISO_MODULES),$(Q)mkdir -p $(BUILD)/iso/boot/bin && cp $(ISO_MODULES) $(BUILD)/iso/boot/bin/)
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
qemu-gdb: $(ISO) | deps
	@port=$$($(PYTHON) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	printf 'port %s\nkernel %s\n' $$port $(KERNEL) > build/gdb-target; \
	echo "exolab: QEMU is stopped at the first instruction; run 'make gdb' in another terminal (port $$port)"; \
	$(QEMU) $(QEMU_FLAGS) $(QEMU_NOX) -S -gdb tcp:127.0.0.1:$$port; $(QEMU_STATUS)

gdb: | deps
	gdb -n -x .gdbinit

GRADE_ARGS := -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=$(LAB) -n auto $(if $(TEST),-k '$(TEST)')
grade: $(ISO) | deps
	$(PYTHON) -m pytest $(GRADE_ARGS) $(PYTEST_ARGS)

test: $(ISO) | deps
	$(Q)tools/check-includes
	$(PYTHON) -m pytest -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=1-$(LAB) -n auto $(PYTEST_ARGS)

compile_commands.json: $(KERNEL_CXX)
	@{ echo '['; sep=''; for f in $(KERNEL_CXX); do \
		printf '%s{"directory": "%s", "file": "%s", "command": "%s %s -c %s -o %s"}\n' \
			"$$sep" "$(CURDIR)" "$$f" "$(CXX)" "$(CXXFLAGS)" "$$f" "$(BUILD)/$${f%.cc}.o"; sep=','; \
	done; echo ']'; } > $@
	@echo "exolab: wrote $@ ($(words $(KERNEL_CXX)) files)"

clean:
	rm -rf build compile_commands.json

# -- handing in and staging (DESIGN §5) --------------------------------------
# make handin: build/handin-labN.tar.gz of the last commit; it refuses while
# anything is uncommitted, which the tarball would silently leave out.
HANDIN := build/handin-lab$(LAB).tar.gz
.PHONY: handin
handin:
	@test -z "$$(git status --porcelain)" || { git status --short; \
		echo "exolab: commit your changes first (git add ...; git commit), then make handin again"; exit 1; }
	@mkdir -p build
	@git archive --format=tar.gz --prefix=lab$(LAB)/ -o $(HANDIN) HEAD
	@echo "exolab: wrote $(HANDIN) from commit $$(git rev-parse --short HEAD); hand in that file"

# Instructors only (labs/stage.py is in no published branch): make labs
# DEST=dir publishes the lab branches from HEAD's committed files (it refuses
# uncommitted changes and scans what it wrote for leaks), make solutions
# writes solutions/labN.patch (lab N alone) and labN-cumulative.patch, make
# staging runs the staging checks (labs/test_*.py), which make test
# includes: two at a time, each grading with -n auto (the fastest on 2
# cores; QEMUs stay at twice the cores on bigger machines).
# See handouts/instructors.md.
ifneq ($(wildcard labs/stage.py),)
.PHONY: labs solutions staging
labs:
	@test -n "$(DEST)" || { echo "usage: make labs DEST=dir   (a new directory)"; exit 2; }
	$(PYTHON) labs/stage.py publish $(DEST)
solutions:
	$(PYTHON) labs/stage.py solutions solutions
staging: | deps
	@mkdir -p build
	$(PYTHON) -m pytest -c labs/pytest.ini --rootdir=. labs --basetemp=build/staging -n 2
test: staging
endif

-include $(KERNEL_OBJS:.o=.d)
