# nslsm build. `make` builds everything; `make check` runs every test tier.
# Quiet unless V=1.

BUILD      ?= build
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

WARN      := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 $(WARN) -Iinclude -Isrc -I$(BUILD) -D_GNU_SOURCE
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 $(WARN) -Iinclude -Ibpf -I$(BUILD)
# libsepol statically: its policydb reader (policydb_read) and the
# structures the kernel's format uses are not exported by libsepol.so.
LIBSEPOL  ?= $(shell $(CC) -print-file-name=libsepol.a)
LIBS      := -lbpf -lelf -lz $(LIBSEPOL) -lselinux -lpcre2-8

LIB_SRCS  := $(wildcard src/lib/*.c) $(wildcard src/yama/*.c) $(wildcard src/apparmor/*.c) $(wildcard src/selinux/*.c) src/daemon/client.c
DAEMON_SRCS := src/daemon/nslsmd.c src/daemon/sinks.c src/daemon/delegate.c
CLI_SRCS  := $(wildcard src/cli/*.c)
BPF_SRCS  := bpf/nslsm.bpf.c
BPF_DEPS  := $(shell find bpf include -name '*.h' -o -name '*.def')
HDRS      := $(shell find src include -name '*.h' -o -name '*.def')
UNIT_SRCS := $(wildcard tests/unit/*.c)
OCI_LIBS  := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
HELPERS   := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(wildcard tests/helpers/*.c))

# The loader and reset include the skeleton; nothing else of user space needs BPF.
SKEL_USERS := src/lib/loader.c src/lib/reset.c
LIB_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
CLI_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRCS))
DAEMON_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(DAEMON_SRCS))
# Unit tests: the library without the loader, built with ASan/UBSan.
UNIT_LIB  := $(filter-out $(SKEL_USERS),$(LIB_SRCS))
UNIT_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_LIB) src/oci/request.c src/apparmorfs/tree.c $(UNIT_SRCS))
# The OCI hook: its parser (unit tested, fuzzed) and its main.
OCI_OBJS  := $(patsubst %.c,$(BUILD)/obj/%.o,src/oci/request.c src/oci/hook.c src/oci/mount.c)
# nslsm-apparmorfs: the tree's logic (unit tested, fuzzed) and the FUSE glue.
FUSE_CFLAGS := $(shell pkg-config --cflags fuse3 2>/dev/null || echo -I/usr/include/fuse3)
FUSE_LIBS := $(shell pkg-config --libs fuse3 2>/dev/null || echo -lfuse3 -lpthread)
AAFS_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,src/apparmorfs/tree.c src/apparmorfs/main.c)

# make install [PREFIX=/usr/local] [DESTDIR=...]
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/nslsm
DATADIR    ?= $(PREFIX)/share/nslsm
DOCDIR     ?= $(PREFIX)/share/doc/nslsm
UNITDIR    ?= $(PREFIX)/lib/systemd/system
# podman and CRI-O read /usr/share/containers/oci/hooks.d and
# /etc/containers/oci/hooks.d: with PREFIX=/usr/local give HOOKSDIR the latter
HOOKSDIR   ?= $(PREFIX)/share/containers/oci/hooks.d
INSTALL    ?= install

.PHONY: all programs check unit vm clean format bench bench-audit fuzz install uninstall deb
# What is installed (and packaged): the commands, the daemon, the hook.
PROGRAMS := $(BUILD)/nslsm $(BUILD)/nslsm.static $(BUILD)/nslsmd $(BUILD)/nslsm-oci-hook \
	$(BUILD)/nslsm-apparmorfs $(BUILD)/nslsm-aa-exec
programs: $(PROGRAMS)

all: $(BUILD)/nslsm $(BUILD)/nslsm.static $(BUILD)/nslsmd $(BUILD)/nslsm-oci-hook $(BUILD)/nslsm-apparmorfs $(BUILD)/nslsm-aa-exec $(BUILD)/unit_tests $(BUILD)/fuzz_inputs $(HELPERS)

$(BUILD)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)test -r $(VMLINUX_BTF) || { echo "no kernel BTF at $(VMLINUX_BTF)"; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/nslsm.bpf.o: $(BPF_SRCS) $(BPF_DEPS) $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/nslsm.skel.h: $(BUILD)/nslsm.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name nslsm_bpf > $@.tmp && mv $@.tmp $@

$(patsubst %.c,$(BUILD)/obj/%.o,$(SKEL_USERS)): $(BUILD)/nslsm.skel.h

$(BUILD)/obj/%.o: %.c $(HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: %.c $(HDRS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -c $< -o $@

$(BUILD)/nslsm: $(LIB_OBJS) $(CLI_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# Static: copied into a container image, it administers the container from
# inside through nslsmd (io.nslsm.admin=1) with no library of the image's.
$(BUILD)/nslsm.static: $(LIB_OBJS) $(CLI_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $^ $(LIBS)

$(BUILD)/nslsmd: $(filter-out $(patsubst %.c,$(BUILD)/obj/%.o,$(SKEL_USERS)),$(LIB_OBJS)) $(DAEMON_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS) -laudit

$(BUILD)/nslsm-oci-hook: $(LIB_OBJS) $(OCI_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS) $(OCI_LIBS)

$(BUILD)/obj/src/apparmorfs/main.o: CFLAGS += $(FUSE_CFLAGS)

$(BUILD)/nslsm-apparmorfs: $(LIB_OBJS) $(AAFS_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS) $(FUSE_LIBS)

$(BUILD)/unit_tests: $(UNIT_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LIBS) $(OCI_LIBS)

$(BUILD)/tests/%: tests/helpers/%.c $(HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< -lpthread

# Reads nslsm's pinned maps: libbpf.
$(BUILD)/tests/statedump: tests/helpers/statedump.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIBS) -lpthread

# nslsm's SELinux decision against the kernel's (tests/vm/selinux), and BPF's
# against the reference (tests/vm/suite/72-selinux.sh): the library.
$(BUILD)/tests/se_kernel_diff $(BUILD)/tests/se_bpf_diff: $(BUILD)/tests/%: tests/helpers/%.c $(filter-out $(patsubst %.c,$(BUILD)/obj/%.o,$(SKEL_USERS)),$(LIB_OBJS))
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# Static: a task confined by an AppArmor profile needs no library to start.
$(BUILD)/tests/aa_ops $(BUILD)/tests/reuse: $(BUILD)/tests/%: tests/helpers/%.c include/nslsm/prctl.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $<

# Static too: copied into container images, run inside them.
$(BUILD)/nslsm-aa-exec: src/helper/nslsm-aa-exec.c include/nslsm/prctl.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $<

# libFuzzer over the parsers of outside input (tests/fuzz), ASan/UBSan.
FUZZ_SRCS := tests/fuzz/fuzz_inputs.c $(UNIT_LIB) src/oci/request.c src/apparmorfs/tree.c
$(BUILD)/fuzz_inputs: $(FUZZ_SRCS) $(HDRS)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) -g -O1 -std=gnu11 $(WARN) -Iinclude -Isrc -I$(BUILD) -D_GNU_SOURCE \
		-fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_SRCS) $(LIBS) $(OCI_LIBS)

fuzz: $(BUILD)/fuzz_inputs
	mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz_inputs -max_total_time=$${FUZZ_SECONDS:-60} $(BUILD)/fuzz-corpus tests/fuzz/corpus

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

vm: all
	tests/vm/suite/run-host

check: all
	tests/run

# Static: run confined, copied to tmpfs in the guest.
$(BUILD)/bench/workload: bench/workload.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -static -o $@ $<

KERNEL ?= 6.1
bench: all $(BUILD)/bench/workload
	KERNEL=$(KERNEL) bench/run

bench-audit: all
	bench/run-audit

# @BINDIR@ and the like in share/*.in, as installed
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
	-e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'

install: $(PROGRAMS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(DATADIR)/apparmor $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(HOOKSDIR)
	$(INSTALL) -m 755 $(BUILD)/nslsm $(BUILD)/nslsm-aa-exec $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 755 $(BUILD)/nslsmd $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 755 $(BUILD)/nslsm-oci-hook $(BUILD)/nslsm-apparmorfs $(DESTDIR)$(LIBEXECDIR)/
	$(INSTALL) -m 755 $(BUILD)/nslsm.static $(DESTDIR)$(LIBEXECDIR)/nslsm-static
	$(INSTALL) -m 644 share/apparmor/features-6.1 $(DESTDIR)$(DATADIR)/apparmor/
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(SUBST) share/containers/oci/hooks.d/nslsm.json.in >$(DESTDIR)$(HOOKSDIR)/nslsm.json
	for u in nslsm nslsmd; do \
		$(SUBST) share/systemd/$$u.service.in >$(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nslsm $(DESTDIR)$(BINDIR)/nslsm-aa-exec \
		$(DESTDIR)$(SBINDIR)/nslsmd $(DESTDIR)$(LIBEXECDIR)/nslsm-oci-hook \
		$(DESTDIR)$(LIBEXECDIR)/nslsm-static \
		$(DESTDIR)$(LIBEXECDIR)/nslsm-apparmorfs \
		$(DESTDIR)$(DATADIR)/apparmor/features-6.1 $(DESTDIR)$(DOCDIR)/README.md \
		$(DESTDIR)$(HOOKSDIR)/nslsm.json $(DESTDIR)$(UNITDIR)/nslsm.service \
		$(DESTDIR)$(UNITDIR)/nslsmd.service
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/apparmor $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(DOCDIR) 2>/dev/null

# build/deb/nslsm_VERSION_amd64.deb, by dpkg-buildpackage (scripts/deb)
deb:
	scripts/deb

format:
	clang-format -i $$(find bpf include src tests -name '*.[ch]')

clean:
	rm -rf $(BUILD)


