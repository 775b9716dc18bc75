# counterguard-server: included at the end of the top-level Makefile.
#   make build/counterguard-server       the server
#   make tests                           + its unit tests and fuzz replay
#   make fuzz                            + libFuzzer on fuzz-server-* targets
SERVER_PKGS := libmicrohttpd gnutls sqlite3 libpq inih jansson
SERVER_CFLAGS = $(INC_server) $(ALL_CFLAGS) $(call pc_cflags,$(SERVER_PKGS))
SERVER_LIBS = $(call pc_libs,$(SERVER_PKGS)) -lpthread

SERVER_SRC := $(wildcard server/*.c)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o)
SERVER_LIB_OBJ := $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJ))
SERVER_TESTS := $(patsubst tests/unit/server/%.c,$(BUILD)/tests/unit/server/%,\
	$(wildcard tests/unit/server/test_*.c))
SERVER_FUZZ_SRC := $(wildcard tests/fuzz/fuzz-server-*.c)
# The replay main is shared with the agent's fuzz targets; without it there is no replay.
SERVER_FUZZ_REPLAY := $(if $(wildcard tests/fuzz/replay.c),\
	$(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%-replay,$(SERVER_FUZZ_SRC)))

.PHONY: install-server fuzz-server
all: $(BUILD)/counterguard-server
tests: $(BUILD)/counterguard-server $(SERVER_TESTS) $(SERVER_FUZZ_REPLAY)
install: install-server
fuzz: fuzz-server

$(SERVER_OBJ): $(BUILD)/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libserver.a: $(SERVER_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/counterguard-server: $(BUILD)/server/main.o $(BUILD)/libserver.a $(BUILD)/libcommon.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SERVER_LIBS)

$(SERVER_TESTS): $(BUILD)/tests/unit/server/%: tests/unit/server/%.c $(BUILD)/libserver.a \
		$(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) $(call pc_cflags,$(TEST_PKGS)) $(ALL_LDFLAGS) -o $@ $^ \
		$(SERVER_LIBS) $(call pc_libs,$(TEST_PKGS))

$(SERVER_FUZZ_REPLAY): $(BUILD)/tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c \
		$(BUILD)/libserver.a $(BUILD)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(SERVER_LIBS)

install-server: $(BUILD)/counterguard-server
	install -D -m 0755 $(BUILD)/counterguard-server $(DESTDIR)$(BINDIR)/counterguard-server
	install -D -m 0644 docs/counterguard-server.8 $(DESTDIR)$(MANDIR)/man8/counterguard-server.8
	install -D -m 0644 docs/server.ini.5 $(DESTDIR)$(MANDIR)/man5/server.ini.5

# libFuzzer builds straight from the sources (the server's, without main, and common's).
fuzz-server:
	@mkdir -p $(FUZZ_BUILD)
	@set -e; for src in $(SERVER_FUZZ_SRC); do \
		t=$$(basename $$src .c); \
		clang $(INC_server) $(BASE_CFLAGS) $(call pc_cflags,$(SERVER_PKGS)) \
			-fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/$$t $$src \
			$(filter-out server/main.c,$(SERVER_SRC)) $(COMMON_SRC) $(SERVER_LIBS); \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ_BUILD)/corpus/$$t \
			tests/fuzz/corpus/$$t; \
	done
