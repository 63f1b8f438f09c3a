# iotcert build.  `make` builds build/iotcert and build/iotcert-refdev;
# `make test` installs what it needs and runs every test; `make demo` runs the
# baseline against the reference device.  BUILD=build-asan SAN=1 for sanitizers.

CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
VERSION  := 0.1.0
PKGS     := libpcap openssl yaml-0.1 libxml-2.0 libxslt libexslt libcurl libssh
SAN      ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wno-unused-parameter -D_GNU_SOURCE -DIOTCERT_VERSION='"$(VERSION)"' \
           -DIOTCERT_DATADIR='"$(PREFIX)/share/iotcert"' \
           -Iharness -pthread -MMD -MP
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS  += $(PKG_LIBS) -lpthread

LIB_SRC    := $(sort $(filter-out harness/main.c harness/cmd/% harness/refdev/%, \
                $(wildcard harness/*.c harness/*/*.c)))
CMD_SRC    := harness/main.c $(sort $(wildcard harness/cmd/*.c))
REFDEV_SRC := $(sort $(wildcard harness/refdev/*.c)) harness/core/util.c
TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CMD_OBJ    := $(CMD_SRC:%.c=$(BUILD)/obj/%.o)
REFDEV_OBJ := $(REFDEV_SRC:%.c=$(BUILD)/obj/refdev/%.o)
TEST_BIN   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test unit e2e integration check-data asan valgrind fuzz demo install clean

all: $(BUILD)/iotcert $(BUILD)/iotcert-refdev

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/obj/refdev/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The data directory is compiled in: rebuild what embeds it when PREFIX changes.
$(BUILD)/prefix.txt: FORCE
	@mkdir -p $(BUILD); echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
$(BUILD)/obj/harness/cmd/common.o: $(BUILD)/prefix.txt
FORCE:

$(BUILD)/libiotcert.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/iotcert: $(CMD_OBJ) $(BUILD)/libiotcert.a
	$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/iotcert-refdev: $(REFDEV_OBJ)
	$(CC) $(LDFLAGS) $^ -o $@ -lssl -lcrypto -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libiotcert.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -Itests/unit $< -o $@ \
	    $(LDFLAGS) $(BUILD)/libiotcert.a $(LDLIBS) $(CHECK_LIBS)

deps:
	@sh scripts/deps.sh

# The README's test command: installs missing packages, then every test.
test: deps
	@$(MAKE) --no-print-directory all unit check-data e2e integration

unit: $(TEST_BIN) all
	@sh tests/run-unit.sh $(BUILD) $(TEST_BIN)

check-data: $(BUILD)/iotcert
	$(BUILD)/iotcert check testcases profiles

e2e: all
	@sh tests/e2e/run.sh $(BUILD)

integration: all
	@sh tests/integration/run.sh $(BUILD)

# The whole suite again with AddressSanitizer and UBSan built in.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 CC=$${ASAN_CC:-clang} all unit e2e integration

# The end-to-end suite with every iotcert process under valgrind's memcheck
# (tests/valgrind/run.sh); VG_E2E=tests/e2e/x.sh for one script.
VG_E2E ?=
valgrind: deps
	@$(MAKE) --no-print-directory all
	@sh tests/valgrind/run.sh $(BUILD) $(VG_E2E)

# libFuzzer harnesses (tests/fuzz/README.md): the library again in
# $(FUZZ_BUILD) with SAN=1 plus the fuzzer's coverage instrumentation (passed
# through the environment, so the flags above are appended to it), one binary
# per tests/fuzz/fuzz_*.c, each run FUZZ_TIME seconds.  Needs clang and the
# compiler-rt runtimes (Debian: libclang-rt-14-dev).
FUZZ_CC     ?= clang
FUZZ_BUILD  ?= build-fuzz
FUZZ_TIME   ?= 60
FUZZ_LIB_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE \
               -Iharness -Itests/fuzz -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
               -fsanitize=fuzzer,address,undefined
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)

fuzz:
	@CFLAGS='$(FUZZ_LIB_CFLAGS)' $(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) SAN=1 \
	    CC=$(FUZZ_CC) $(FUZZ_BUILD)/libiotcert.a $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(FUZZ_BUILD)/libiotcert.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(PKG_CFLAGS) $< -o $@ $(FUZZ_BUILD)/libiotcert.a $(LDLIBS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/iotcert \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/iotcert $(BUILD)/iotcert-refdev $(DESTDIR)$(PREFIX)/bin/
	cp -R testcases profiles reports $(DESTDIR)$(PREFIX)/share/iotcert/
	install -m 644 doc/iotcert.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(REFDEV_OBJ:.o=.d)
