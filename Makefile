# exolab: every entry point of the kit (DESIGN §2).
#
#   make qemu            build and boot the exokernel, serial console on this terminal
#                        (lab 5: to the shell, on the persistent disk build/labN/disk.img;
#                        make fresh-disk makes a new one)
#   make qemu-nox        the same, never opening a window
#   make qemu-gdb        boot stopped, with a GDB stub; then `make gdb` in another terminal
#                        (RUN=name with any qemu target: boot with run=name)
#   make grade           grade the current lab (LAB=N to choose; TEST=name for one test)
#   make test            everything the project checks (the include layers, then every lab's tests)
#   make bench           the benchmarks (LAB >= 3), `BENCH <name> <ticks>` lines
#   make abi             regenerate handouts/abi.md from kernel/abi/
#   make compile_commands.json, make clean
#
# LAB selects the lab the tree is built for (DESIGN §5), into build/labN.

LAB ?= 5
BUILD := build/lab$(LAB)
DEFINES := -DLAB=$(LAB)
# staff only: begin
# (labs/stage.py drops this block from the lab branches, whose sources have no
# solution fences left.)  SOL selects how many labs' solutions are compiled in:
# `make LAB=1 SOL=0 grade` is lab 1's skeleton, built into build/lab1-sol0.
SOL ?= $(LAB)
DEFINES += -DSOL=$(SOL)
ifneq ($(SOL),$(LAB))
BUILD := build/lab$(LAB)-sol$(SOL)
endif
# staff only: end
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
	-Wall -Wextra -Werror $(DEFINES)
CXXFLAGS := $(FREESTANDING_CXXFLAGS) -mno-red-zone -mcmodel=kernel -Ikernel
NASMFLAGS := -f elf64 -g -F dwarf -w+all -Werror -ikernel/ $(DEFINES)
LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments

# A file that first appears in lab N says so on its first line
# (`// exolab: lab N`, DESIGN §5); builds for an earlier LAB leave it out.
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
# lab 3 a user program): `make qemu RUN=hello`, `make qemu-gdb RUN=hello`;
# more words ride along: `make qemu RUN="spin hz=1000"` (lab 4).
# The CPU model is grade/qemu.py's QEMU_CPU, so that make and the harness
# boot the same CPU (qemu64 with SMEP, SMAP and UMIP).
comma := ,
QEMU_CPU := $(or $(shell sed -n 's/^QEMU_CPU = "\([^"]*\)"$$/\1/p' grade/qemu.py),\
	$(error exolab: no QEMU_CPU = "..." line in grade/qemu.py))
QEMU_MACHINE := -m 128M -cpu $(QEMU_CPU) -no-reboot -cdrom $(ISO) -boot d -device isa-debug-exit,iobase=0xf4,iosize=0x04
# From lab 5 a plain `make qemu` boots the finished system: run=init, with
# the persistent disk $(BUILD)/disk.img attached (made by `make disk` the
# first time, then kept, so files persist across boots; `make fresh-disk`
# makes a new one from the programs just built).  RUN=name boots name with
# no disk unless DISK=file says one.
FS_IMAGE := $(BUILD)/disk.img
# The staging folder of `make disk` (every program in /bin): make bench's
# disks hold it too, for bench_spawn (lab 5).
DISK_ROOT := $(BUILD)/disk-root
BENCH_ROOT :=
ifeq ($(shell test $(LAB) -ge 5 && echo y),y)
BENCH_ROOT := $(DISK_ROOT)/.made
endif
QEMU_DISK :=
QEMU_CMDLINE := $(if $(RUN),run=$(RUN))
ifeq ($(shell test $(LAB) -ge 5 && echo y),y)
ifeq ($(RUN),)
# The finished system: init and the shell, quiet about commands that end.
QEMU_CMDLINE := run=init quiet=1
DISK ?= $(FS_IMAGE)
QEMU_DISK := $(FS_IMAGE) $(FS_IMAGE).updated
endif
endif
QEMU_FLAGS := $(QEMU_MACHINE) $(if $(QEMU_CMDLINE),-smbios "type=11$(comma)value=$(QEMU_CMDLINE)") \
	$(if $(DISK),-drive file=$(DISK)$(comma)format=raw$(comma)if=ide$(comma)index=0$(comma)media=disk)
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
# ISO as /boot/bin/NAME; grub.cfg loads the one `run=NAME` names as a module
# whose command line is NAME, and the kernel starts it.
ISO_GRUB_CFG := kernel/arch/x86_64/grub.cfg
ISO_MODULES :=
ifeq ($(shell test $(LAB) -ge 3 && echo y),y)
# User code sees kernel/abi and the shared freestanding part of kernel/lib,
# nothing else of the kernel: USER_INCLUDE holds links to exactly those.
USER_INCLUDE := $(BUILD)/user/include
USER_SHARED_HEADERS := format.h string.h result.h panic.h elf.h
USER_CXXFLAGS := $(FREESTANDING_CXXFLAGS) -mcmodel=small -Iuser -I$(USER_INCLUDE)
USER_LIB_CXX := $(call in_lab,$(wildcard user/lib/*.cc user/lib/*/*.cc))
USER_BIN_CXX := $(call in_lab,$(wildcard user/bin/*.cc))
# The kernel's freestanding library files that the libOS is also built from.
USER_KLIB_CXX := kernel/lib/format.cc kernel/lib/string.cc
# The libOS's own assembly (lab 4: the upcall entry), crt0 apart.
USER_LIB_ASM := $(call in_lab,$(filter-out user/lib/crt0.asm,$(wildcard user/lib/*.asm)))
USER_LIB_OBJS := $(patsubst %.cc,$(BUILD)/%.o,$(USER_LIB_CXX)) $(patsubst kernel/lib/%.cc,$(BUILD)/user/klib/%.o,$(USER_KLIB_CXX)) \
	$(USER_LIB_ASM:%.asm=$(BUILD)/%.asm.o)
USER_LIB := $(BUILD)/user/libos.a
USER_CRT0 := $(BUILD)/user/lib/crt0.asm.o
USER_LD := $(BUILD)/user/user.ld
USER_BINS := $(patsubst user/bin/%.cc,$(BUILD)/user/bin/%,$(USER_BIN_CXX))
BADELF_BINS := $(patsubst %,$(BUILD)/user/bin/badelf_%,$(shell tools/mkbadelf --list))
ISO_MODULES := $(USER_BINS) $(BADELF_BINS)
# Every benchmark program of this LAB (lab 4 adds its own: in_lab above).
BENCH_PROGRAMS := $(sort $(patsubst user/bin/%.cc,%,$(filter user/bin/bench_%,$(USER_BIN_CXX))))

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

# Each benchmark boots headless under -icount shift=0 (guest rdtsc counts
# instructions, so figures repeat) and prints its `BENCH <name> <ticks>` lines.
# From lab 5 each boots with a fresh 16 MiB exofs image as its disk: empty,
# but for bench_spawn every program in /bin (it spawns from there).  Then
# tools/bench-table prints every figure beside its target and Linux's.
bench: all $(BENCH_ROOT)
	@for program in $(BENCH_PROGRAMS); do \
		log=$(BUILD)/bench-$$program.log; \
		$(if $(HOST_TOOLS),tree=; [ $$program = bench_spawn ] && tree=$(DISK_ROOT); \
			$(BUILD)/tools/mkfs $(BUILD)/bench.img 16 $$tree > /dev/null || exit 1;) \
		timeout 300 $(QEMU) $(QEMU_MACHINE) -display none -serial stdio -monitor none -icount shift=0 \
			$(if $(HOST_TOOLS),-drive file=$(BUILD)/bench.img$(comma)format=raw$(comma)if=ide$(comma)index=0$(comma)media=disk) \
			-smbios type=11,value=run=$$program < /dev/null > $$log 2>&1; st=$$?; \
		tr -d '\r' < $$log | grep '^BENCH '; \
		[ $$st -eq 33 ] || { echo "exolab: $$program did not finish (QEMU status $$st); serial log: $$log"; exit 1; }; \
	done
	@echo; cat $(foreach program,$(BENCH_PROGRAMS),$(BUILD)/bench-$(program).log) | tr -d '\r' | $(PYTHON) tools/bench-table

-include $(USER_LIB_OBJS:.o=.d) $(USER_BINS:=.d)
else
bench:
	@echo "exolab: make bench needs LAB >= 3 (user programs arrive in lab 3)"; exit 1
endif

# ---- lab 4: the scheduling timeline ---------------------------------------
# make timeline RUN=name [HZ=n]: boots run=name headless with trace=1 (one
# line per time slice) and draws build/.../timeline-name.png (tools/timeline).
ifeq ($(shell test $(LAB) -ge 4 && echo y),y)
timeline: $(ISO)
	@test -n "$(RUN)" || { echo "exolab: make timeline RUN=<program> [HZ=<rate>]"; exit 1; }
	@log=$(BUILD)/timeline-$(RUN).log; \
	timeout 120 $(QEMU) $(QEMU_MACHINE) -display none -serial stdio -monitor none \
		-smbios "type=11,value=run=$(RUN) trace=1$(if $(HZ), hz=$(HZ))" < /dev/null > $$log 2>&1; \
	$(PYTHON) tools/timeline $$log -o $(BUILD)/timeline-$(RUN).png --title "run=$(RUN)$(if $(HZ), hz=$(HZ))"
else
timeline:
	@echo "exolab: make timeline needs LAB >= 4 (the clock arrives in lab 4)"; exit 1
endif
.PHONY: timeline

# ---- lab 5: the host tools ---------------------------------------------------
# tools/mkfs and tools/fsck run on the host: hosted C++ (the standard library,
# exceptions), not the freestanding flags.  Both include exofs's one format
# header, user/lib/fs/format.h, through -Iuser.  make, make grade and make
# test build them with the ISO.
HOST_TOOLS :=
ifeq ($(shell test $(LAB) -ge 5 && echo y),y)
HOST_CXXFLAGS := -std=c++20 -O2 -g -Wall -Wextra -Werror -Iuser
HOST_TOOLS := $(BUILD)/tools/mkfs $(BUILD)/tools/fsck
FS_FORMAT := user/lib/fs/format.h tools/fsimage.h tools/fsimage.cc

$(BUILD)/tools/mkfs: tools/mkfs.cc $(FS_FORMAT)
$(BUILD)/tools/fsck: tools/fsck.cc tools/fsck_blocks.cc tools/fsck_tree.cc tools/fsck.h $(FS_FORMAT)
$(HOST_TOOLS): | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCXX $@")
	$(Q)$(CXX) $(HOST_CXXFLAGS) $(filter %.cc,$^) -o $@

# The disk of `make qemu`: every user program, stripped of debug
# information, in /bin of a 32 MiB exofs image.  disk.img is made only when
# missing (it holds what the user wrote); `make fresh-disk` replaces it.
$(DISK_ROOT)/.made: $(USER_BINS)
	@$(if $(Q),echo "  STAGE   $(DISK_ROOT)/bin")
	$(Q)rm -rf $(DISK_ROOT) && mkdir -p $(DISK_ROOT)/bin && cp $(USER_BINS) $(DISK_ROOT)/bin/ && \
		strip --strip-debug $(DISK_ROOT)/bin/* && touch $@
$(FS_IMAGE): | $(DISK_ROOT)/.made $(BUILD)/tools/mkfs
	@$(if $(Q),echo "  MKFS    $@")
	$(Q)$(BUILD)/tools/mkfs $@.tmp 32 $(DISK_ROOT) >/dev/null && mv $@.tmp $@
disk: $(DISK_ROOT)/.made $(FS_IMAGE)
fresh-disk: $(DISK_ROOT)/.made $(BUILD)/tools/mkfs
	$(Q)rm -f $(FS_IMAGE) && $(MAKE) --no-print-directory disk && echo "exolab: a fresh $(FS_IMAGE)"
.PHONY: disk fresh-disk
endif
all: $(HOST_TOOLS)

# handouts/abi.md, the system-call reference, is generated from the ABI headers.
abi:
	tools/gen-abi-md -o handouts/abi.md
.PHONY: bench abi
# ---- end of lab 3 -------------------------------------------------------------

# ---- lab 5: exofs on the host ------------------------------------------------
# make fs-host-test: builds the file system of the libOS (user/lib/fs/, all
# but its QEMU side: region.cc and the ATA driver, ata.cc) with the host's g++ against a disk that is a
# file and a region that is a static buffer (tools/fs-host/), and runs its
# tests.  Include paths as the libOS's (USER_INCLUDE): user/ and links to
# kernel/abi and the shared headers of kernel/lib.  Only in trees that have
# the file system (lab 5 on).
ifneq ($(wildcard user/lib/fs/fs.h),)
FS_HOST := $(BUILD)/fs-host
FS_HOST_LIB := $(filter-out user/lib/fs/region.cc user/lib/fs/ata.cc,$(wildcard user/lib/fs/*.cc)) tools/fs-host/host_disk.cc \
	tools/fs-host/host_region.cc
FS_HOST_TESTS := $(filter-out tools/fs-host/fs_bench.cc tools/fs-host/fsput.cc $(FS_HOST_LIB),$(wildcard tools/fs-host/*.cc))
FS_HOST_CXXFLAGS := -std=c++20 -O2 -g -fno-exceptions -fno-rtti -Wall -Wextra -Werror $(DEFINES) -Iuser -I$(FS_HOST)/include
fs_host_objs = $(patsubst %.cc,$(FS_HOST)/%.o,$(1))
.PHONY: fs-host-test fs-host-bench
$(FS_HOST)/include/.made: Makefile
	$(Q)rm -rf $(@D) && mkdir -p $(@D)/lib && ln -s $(CURDIR)/kernel/abi $(@D)/abi
	$(Q)for h in format.h string.h result.h panic.h; do ln -s $(CURDIR)/kernel/lib/$$h $(@D)/lib/$$h; done
	@touch $@
$(FS_HOST)/%.o: %.cc $(FS_HOST)/include/.made
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $< (host)")
	$(Q)$(CXX) $(FS_HOST_CXXFLAGS) -MMD -MP -c $< -o $@
$(FS_HOST)/fs-test: $(call fs_host_objs,$(FS_HOST_LIB) $(FS_HOST_TESTS))
	$(Q)$(CXX) $^ -o $@
fs-host-test: $(FS_HOST)/fs-test
	$(FS_HOST)/fs-test $(FS_HOST)
# make fs-host-bench: instructions per cached operation, counted by callgrind
# (an estimate of the -icount figures of DESIGN §8; needs valgrind).
$(FS_HOST)/fs-bench: $(call fs_host_objs,$(FS_HOST_LIB) tools/fs-host/fs_bench.cc)
	$(Q)$(CXX) $^ -o $@
fs-host-bench: $(FS_HOST)/fs-bench
	$(Q)rm -f $(FS_HOST)/callgrind.*
	$(Q)valgrind -q --tool=callgrind --collect-atstart=no --callgrind-out-file=$(FS_HOST)/callgrind.out \
		$(FS_HOST)/fs-bench $(FS_HOST)
	$(Q)for f in $(FS_HOST)/callgrind.out.*; do awk '/^desc: Trigger: Client Request: / { name = $$5 } \
		/^totals: / { printf "FSBENCH %-28s %6d instructions\n", name, $$2 / 100 }' $$f; done
# make qemu brings the kept disk's programs up to date before it boots:
# fsput rewrites each file of the staging folder whose bytes the image does
# not hold, through this tree's exofs built for the host, and leaves the
# user's files as they are; only an image fsck finds consistent is touched.
# If it cannot (fsck's problems, lab 5's exercises not written yet), QEMU
# boots the image as it was.
FSPUT := $(BUILD)/tools/fsput
$(FSPUT): $(call fs_host_objs,$(FS_HOST_LIB) tools/fs-host/fsput.cc)
	$(Q)$(CXX) $^ -o $@
$(FS_IMAGE).updated: $(DISK_ROOT)/.made | $(FS_IMAGE) $(FSPUT) $(BUILD)/tools/fsck
	$(Q)if $(BUILD)/tools/fsck $(FS_IMAGE) >/dev/null && $(FSPUT) $(FS_IMAGE) $(DISK_ROOT); then touch $@; \
	else echo "exolab: $(FS_IMAGE) keeps the programs it had (make fresh-disk makes a new one)"; fi
-include $(patsubst %.o,%.d,$(call fs_host_objs,$(FS_HOST_LIB) $(FS_HOST_TESTS) tools/fs-host/fs_bench.cc tools/fs-host/fsput.cc))
endif

# Atomic, so that two makes of one tree (two `make grade`) never meet: each
# lays out and builds its ISO in a directory of its own, then renames the
# ISO into place.
$(ISO): $(KERNEL) $(ISO_GRUB_CFG) $(ISO_MODULES)
	@$(if $(Q),echo "  ISO     $@")
	$(Q)tmp=$$(mktemp -d $(BUILD)/iso.tmp.XXXXXX) && trap 'rm -rf $$tmp' EXIT && \
	mkdir -p $$tmp/iso/boot/grub && cp $(KERNEL) $$tmp/iso/boot/kernel.elf && \
	cp $(ISO_GRUB_CFG) $$tmp/iso/boot/grub/grub.cfg && \
	$(if $(ISO_MODULES),mkdir -p $$tmp/iso/boot/bin && cp $(ISO_MODULES) $$tmp/iso/boot/bin/ &&) \
	$(if $(USER_BINS),strip --strip-debug $(addprefix $$tmp/iso/boot/bin/,$(notdir $(USER_BINS))) &&) \
	{ grub-mkrescue --fonts= --locales= --themes= -o $$tmp/exolab.iso $$tmp/iso 2>$$tmp/grub-mkrescue.log \
		|| { cat $$tmp/grub-mkrescue.log; exit 1; }; } && \
	mv $$tmp/grub-mkrescue.log $(BUILD)/grub-mkrescue.log && mv $$tmp/exolab.iso $@

qemu: $(ISO) $(QEMU_DISK)
	@echo "exolab: booting $(ISO) (Ctrl-A X quits QEMU)"
	@$(QEMU) $(QEMU_FLAGS) $(QEMU_WINDOW); $(QEMU_STATUS)

qemu-nox: $(ISO) $(QEMU_DISK)
	@echo "exolab: booting $(ISO) (Ctrl-A X quits QEMU)"
	@$(QEMU) $(QEMU_FLAGS) $(QEMU_NOX); $(QEMU_STATUS)

# The port is free when chosen and recorded in build/gdb-target with the
# kernel's path, where .gdbinit reads both; build/gdb-kernel.elf links to that
# kernel for .vscode/launch.json, which must name an existing program.
qemu-gdb: $(ISO) $(QEMU_DISK) | deps
	@port=$$($(PYTHON) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	printf 'port %s\nkernel %s\n' $$port $(KERNEL) > build/gdb-target; \
	ln -sfn $(CURDIR)/$(KERNEL) build/gdb-kernel.elf; \
	echo "exolab: QEMU is stopped at the first instruction; run 'make gdb' in another terminal (port $$port)"; \
	$(QEMU) $(QEMU_FLAGS) $(QEMU_NOX) -S -gdb tcp:127.0.0.1:$$port; $(QEMU_STATUS)

gdb: | deps
	gdb -n -x .gdbinit

# The pytest-xdist workers of make grade and make test: twice the cores.  A
# test's QEMU leaves its core idle while it waits (firmware, GDB, the harness),
# and on 2 cores 4 workers graded lab 3 fastest of 2, 3, 4 and 6 (DESIGN §6).
WORKERS ?= $(shell echo $$((2 * $$(nproc))))
# make grade builds first, its output also in $(BUILD)/build.log.  A tree
# that does not build still gets its score: grade/build_failed.py prints
# the compiler's errors and 0 points, and writes them to the results file
# if PYTEST_ARGS names one (--results FILE); make grade then fails.
# --dist loadgroup: the checks of one boot (xdist_group, lab 5's fsops and
# fsunit) go to one worker, which boots once.
GRADE_ARGS := -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=$(LAB) -n $(WORKERS) --dist loadgroup \
	$(if $(TEST),-k '$(TEST)')
grade: | deps
	@mkdir -p $(BUILD)
	@{ $(MAKE) --no-print-directory $(ISO) $(HOST_TOOLS) 2>&1; echo $$? > $(BUILD)/build.status; } | tee $(BUILD)/build.log
	@test "$$(cat $(BUILD)/build.status)" = 0 || \
		{ $(PYTHON) grade/build_failed.py --lab=$(LAB) --log=$(BUILD)/build.log $(PYTEST_ARGS); exit 1; }
	$(PYTHON) -m pytest $(GRADE_ARGS) $(PYTEST_ARGS)

test: $(ISO) $(HOST_TOOLS) | deps
	$(Q)tools/check-includes
	$(PYTHON) -m pytest -c grade/pytest.ini --rootdir=. grade --build-dir=$(BUILD) --lab=1-$(LAB) -n $(WORKERS) \
		--dist loadgroup $(PYTEST_ARGS)

# compile_commands.json, for clangd and editors: every C++ file of this LAB
# with the flags it is built with, kernel code with CXXFLAGS and, from lab 3,
# user code (and the kernel library files the libOS shares) with
# USER_CXXFLAGS, whose include folder of links it makes first.  .clangd drops
# the GCC-only flags clang does not know.  Written anew each time (LAB may differ).
compile_entries = for f in $(1); do printf '%s{"directory": "%s", "file": "%s", "command": "%s %s -c %s"}\n' \
	"$$sep" "$(CURDIR)" "$$f" "$(CXX)" "$(2)" "$$f"; sep=','; done;
COMPILE_DB_USER_CXX := $(USER_LIB_CXX) $(USER_KLIB_CXX) $(USER_BIN_CXX)
.PHONY: compile_commands.json
compile_commands.json: $(if $(USER_INCLUDE),$(USER_INCLUDE)/.made)
	@{ echo '['; sep=''; $(call compile_entries,$(KERNEL_CXX),$(CXXFLAGS)) \
		$(call compile_entries,$(COMPILE_DB_USER_CXX),$(USER_CXXFLAGS)) echo ']'; } > $@
	@echo "exolab: wrote $@ ($(words $(KERNEL_CXX)) kernel and $(words $(COMPILE_DB_USER_CXX)) user entries)"

clean:
	rm -rf build compile_commands.json

# -- handing in and staging (DESIGN §5) --------------------------------------
# make handin: build/handin-labN.tar.gz of the last commit.  It refuses while
# a tracked file has uncommitted changes (the tarball would hold the committed
# version, not the one that was tested), and lists untracked files, which the
# tarball leaves out, as a warning.
HANDIN := build/handin-lab$(LAB).tar.gz
.PHONY: handin
handin:
	@git diff --quiet HEAD -- || { git status --short --untracked-files=no; \
		echo "exolab: these files have changes that are not committed. The tarball is made from your last"; \
		echo "commit, so it would hold their committed versions, not the ones you tested. Commit them"; \
		echo "(git commit -a), then make handin again"; exit 1; }
	@untracked="$$(git ls-files --others --exclude-standard)"; test -z "$$untracked" || { \
		echo "$$untracked" | sed 's/^/  /'; \
		echo "exolab: warning: these untracked files are not in the tarball (it holds your last commit);"; \
		echo "git add and commit any you meant to hand in, then make handin again"; }
	@mkdir -p build
	@git archive --format=tar.gz --prefix=lab$(LAB)/ -o $(HANDIN) HEAD
	@echo "exolab: wrote $(HANDIN) from commit $$(git rev-parse --short HEAD); hand in that file"

# staff only: begin
# Instructors only: make labs
# DEST=dir publishes the lab branches from HEAD's committed files (it refuses
# uncommitted changes and scans what it wrote for leaks), make solutions
# writes solutions/labN.patch (lab N alone) and labN-cumulative.patch, make
# staging runs the staging checks (labs/test_*.py), which make test
# includes: two at a time, each grading with -n auto (the fastest on 2
# cores; QEMUs stay at twice the cores on bigger machines).
# make autograder writes build/autograder-labN.zip (and its folder), the
# Gradescope autograder of LAB (labs/bundle.py, DESIGN §6); make grade-all
# SUBMISSIONS=dir grades every submission in dir with it
# (labs/grade_submissions.py).
ifneq ($(wildcard labs/stage.py),)
.PHONY: labs solutions staging autograder grade-all
autograder:
	$(PYTHON) labs/bundle.py $(LAB) build/autograder-lab$(LAB)
grade-all:
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-all SUBMISSIONS=dir [LAB=N]"; exit 2; }
	$(PYTHON) labs/grade_submissions.py $(SUBMISSIONS) --lab $(LAB)
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
# staff only: end

-include $(KERNEL_OBJS:.o=.d)
