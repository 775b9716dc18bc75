# counterguard — GNU make, pkg-config.
#   make                 build the programs into build/
#   make check           build with ASan+UBSan into build/san/ and run every test, then lint
#   make install         DESTDIR=, PREFIX=/usr/local
#   make bench           benchmarks, with their anchors (installs them first)
#   make fuzz            libFuzzer on every fuzz target for FUZZ_SECONDS each
#   make lint            clang-format, cppcheck, clang-tidy
#   make schema          regenerate docs/report-schema-v1.json from the model
#   make deb             Debian packages into build/packages/

BUILD ?= build
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SAN ?= 0
FUZZ_SECONDS ?= 60
VERSION := $(shell cat VERSION 2>/dev/null || echo 0)

CC ?= cc
PKG_CONFIG ?= pkg-config

WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Werror
BASE_CFLAGS := -std=gnu11 -g -O2 -D_GNU_SOURCE -DCOUNTERGUARD_VERSION='"$(VERSION)"' $(WARNINGS)
# Each folder sees its own headers and those of the layers below it, never above: common <
# collectors < agent, common < policy < agent, and common < server. The policy judges the
# model's facts (common/report.h); it sees neither the collectors nor the agent. A wrong-way
# #include does not compile.
INC_common := -Icommon
INC_collectors := -Icommon -Icollectors
INC_policy := -Icommon -Ipolicy
INC_agent := -Icommon -Icollectors -Ipolicy -Iagent
INC_server := -Icommon -Iserver
INC_tests := -Icommon -Icollectors -Ipolicy -Iagent
DATADIR ?= $(PREFIX)/share/counterguard
# the include path of a source file, by its top folder
inc_of = $(INC_$(firstword $(subst /, ,$(1))))
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

# libcups has no pkg-config file before CUPS 2.5 (Debian 12 ships 2.4): cups-config then
CUPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags cups 2>/dev/null || cups-config --cflags 2>/dev/null)
CUPS_LIBS := $(shell $(PKG_CONFIG) --libs cups 2>/dev/null || cups-config --libs 2>/dev/null)
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(filter-out cups,$(1))) \
	$(if $(filter cups,$(1)),$(CUPS_CFLAGS))
pc_libs = $(shell $(PKG_CONFIG) --libs $(filter-out cups,$(1))) $(if $(filter cups,$(1)),$(CUPS_LIBS))

COMMON_PKGS := jansson inih
AGENT_PKGS := libudev jansson inih sqlite3 libcurl libsystemd libcap-ng cups sane-backends libnftnl libmnl gnutls libconfig
TEST_PKGS := cmocka

ALL_CFLAGS = $(BASE_CFLAGS) $(SAN_FLAGS) $(call pc_cflags,$(AGENT_PKGS)) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

COMMON_SRC := $(wildcard common/*.c)
AGENT_SRC := $(wildcard agent/*.c) $(wildcard collectors/*.c) $(wildcard policy/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
AGENT_OBJ := $(AGENT_SRC:%.c=$(BUILD)/%.o)
# agent objects without main(), for unit tests
AGENT_LIB_OBJ := $(filter-out $(BUILD)/agent/main.o,$(AGENT_OBJ))

PROGRAMS := $(BUILD)/counterguard-agent
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))
# server fuzz targets (fuzz-server-*) are built by server/server.mk
FUZZ_SRC := $(filter-out tests/fuzz/fuzz-server-%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%-replay,$(FUZZ_SRC))
TEST_HELPERS := $(BUILD)/tests/integration/hotplug-harness $(BUILD)/tests/gen-schema \
	$(BUILD)/tests/integration/utmp-writer

.PHONY: all check tests lint install bench fuzz schema deb clean
all: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(call inc_of,$<) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The include path of a folder, for the test that a wrong-way include fails.
include-flags-%:
	@echo $(INC_$*)

# the shipped antivirus profiles are built in (.incbin) and installed; where they are installed
# is compiled in, and a stamp rebuilds it when DATADIR (PREFIX) changes
$(BUILD)/collectors/antivirus_builtin.o: data/antivirus.ini
$(BUILD)/collectors/antivirus.o: CPPFLAGS += -DCOUNTERGUARD_DATADIR='"$(DATADIR)"'
$(BUILD)/collectors/antivirus.o: $(BUILD)/datadir.stamp
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
.PHONY: FORCE
FORCE:

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libagent.a: $(AGENT_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/counterguard-agent: $(BUILD)/agent/main.o $(BUILD)/libagent.a $(BUILD)/libcommon.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(AGENT_PKGS))

# --- tests ---
$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libagent.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(INC_tests) $(ALL_CFLAGS) $(call pc_cflags,$(TEST_PKGS) umockdev-1.0) $(ALL_LDFLAGS) -o $@ $^ \
		$(call pc_libs,$(AGENT_PKGS) $(TEST_PKGS) umockdev-1.0)

$(BUILD)/tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libagent.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(INC_tests) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(AGENT_PKGS))

# umockdev 0.18.4 and later send the "remove" uevents of a device and of its children from
# umockdev_testbed_remove_device() (Debian 13: 0.19.1; Debian 12's 0.17.16 sends none)
UMOCKDEV_DEFS = $(shell $(PKG_CONFIG) --atleast-version=0.18.4 umockdev-1.0 2>/dev/null && \
	echo -DUMOCKDEV_REMOVE_SENDS_UEVENTS)

$(BUILD)/tests/integration/hotplug-harness: tests/integration/hotplug-harness.c
	@mkdir -p $(@D)
	$(CC) $(INC_tests) $(ALL_CFLAGS) $(call pc_cflags,umockdev-1.0) $(UMOCKDEV_DEFS) \
		$(ALL_LDFLAGS) -o $@ $^ \
		$(call pc_libs,umockdev-1.0)

# wtmp and btmp records written the way login(1) writes them (updwtmpx)
$(BUILD)/tests/integration/utmp-writer: tests/integration/utmp-writer.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^

$(BUILD)/tests/gen-schema: tests/gen-schema.c $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(INC_common) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(COMMON_PKGS))

tests: $(PROGRAMS) $(UNIT_TESTS) $(FUZZ_REPLAY) $(TEST_HELPERS)

# The sanitizer build lives in its own tree so `make` and `make check` never mix objects;
# the plain build is made too, for the one test that runs it under valgrind.
check:
	$(MAKE) all
	$(MAKE) BUILD=build/san SAN=1 tests
	BUILD=build/san tests/run-tests.sh
	$(MAKE) lint

lint:
	tests/lint.sh

schema: $(BUILD)/tests/gen-schema
	$< > docs/report-schema-v1.json

# --- fuzzing (clang + libFuzzer) ---
FUZZ_BUILD := build/fuzz
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang SAN=1 CFLAGS="-fsanitize=fuzzer-no-link" \
		$(FUZZ_BUILD)/libagent.a $(FUZZ_BUILD)/libcommon.a
	@set -e; for src in $(FUZZ_SRC); do \
		t=$$(basename $$src .c); \
		clang $(INC_tests) $(BASE_CFLAGS) $(call pc_cflags,$(AGENT_PKGS)) -fsanitize=fuzzer,address,undefined \
			-o $(FUZZ_BUILD)/$$t $$src $(FUZZ_BUILD)/libagent.a $(FUZZ_BUILD)/libcommon.a \
			$(call pc_libs,$(AGENT_PKGS)); \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
	done

bench: all $(BUILD)/bench/outbox-bench $(BUILD)/tests/integration/hotplug-harness
	bench/run.sh

# its include path named here: it sits above agent/ and common/
$(BUILD)/bench/outbox-bench: bench/outbox-bench.c $(BUILD)/libagent.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) -Icommon -Iagent $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(AGENT_PKGS))

deb:
	packaging/build-deb.sh

install: all
	install -D -m 0755 $(BUILD)/counterguard-agent $(DESTDIR)$(BINDIR)/counterguard-agent
	install -D -m 0644 docs/counterguard-agent.1 $(DESTDIR)$(MANDIR)/man1/counterguard-agent.1
	install -D -m 0644 docs/agent.ini.5 $(DESTDIR)$(MANDIR)/man5/agent.ini.5
	install -D -m 0644 data/antivirus.ini $(DESTDIR)$(DATADIR)/antivirus.ini
	install -D -m 0644 docs/counterguard-policy.conf.5 \
		$(DESTDIR)$(MANDIR)/man5/counterguard-policy.conf.5
	install -D -m 0644 policy/example/policy.conf \
		$(DESTDIR)$(PREFIX)/share/doc/counterguard-agent/examples/policy.conf
	install -D -m 0644 systemd/counterguard-server.service \
		$(DESTDIR)$(UNITDIR)/counterguard-server.service
	install -D -m 0644 systemd/counterguard.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/counterguard.conf
	install -D -m 0644 systemd/counterguard.tmpfiles $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/counterguard.conf
	install -D -m 0644 systemd/counterguard-agent.service \
		$(DESTDIR)$(UNITDIR)/counterguard-agent.service
	install -D -m 0644 systemd/counterguard-agent.sysusers \
		$(DESTDIR)$(PREFIX)/lib/sysusers.d/counterguard-agent.conf
	install -D -m 0644 systemd/counterguard-agent.tmpfiles \
		$(DESTDIR)$(PREFIX)/lib/tmpfiles.d/counterguard-agent.conf

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
-include server/server.mk
