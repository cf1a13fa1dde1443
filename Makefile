# SPDX-License-Identifier: MIT
# anyns build. `make` builds build/anynsd and build/anyns; `make run` and
# `make test` are the README's two commands (both install missing Debian packages).

CC       ?= gcc
BUILD    ?= build
SAN      ?=
OPT      ?= -O2
CFLAGS_BASE = -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -I. -MMD -MP
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN  = -fsanitize=address,undefined
endif
CFLAGS  += $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LDFLAGS += $(LDFLAGS_SAN)
LIBS     = -lyaml -lurcu-memb -lurcu-common -lcrypto -llmdb -lpthread

LIB_SRC    := $(shell find lib -name '*.c' | sort)
ANYNSD_SRC := $(shell find anynsd -name '*.c' 2>/dev/null | sort)
CLI_SRC    := $(shell find cli -name '*.c' 2>/dev/null | sort)
HEALTHD_SRC:= $(shell find healthd -name '*.c' 2>/dev/null | sort)
UNIT_SRC   := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
FUZZ_SRC   := $(shell find tests/fuzz -name 'fuzz_*.c' 2>/dev/null | sort)

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
ANYNSD_OBJ := $(ANYNSD_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HEALTHD_OBJ:= $(HEALTHD_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_REPLAY:= $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

PROGRAMS := $(BUILD)/anynsd $(BUILD)/anyns
ifneq ($(HEALTHD_SRC),)
PROGRAMS += $(BUILD)/anyns-healthd
endif

PYTHON   := /usr/bin/python3

.PHONY: all deps run test unit unit-asan fuzz-replay system fuzz bench lab clean
all: $(PROGRAMS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libanyns.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@; ar rcs $@ $^

$(BUILD)/anynsd: $(ANYNSD_OBJ) $(BUILD)/libanyns.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# `anyns roa -c` reads anyns-healthd's file with healthd's own loader and
# schema (healthd/conf*.c), so both accept and refuse the same files.
HEALTHD_CONF_OBJ := $(filter $(BUILD)/obj/healthd/conf%.o,$(HEALTHD_OBJ))
$(BUILD)/anyns: $(CLI_OBJ) $(HEALTHD_CONF_OBJ) $(BUILD)/libanyns.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/anyns-healthd: $(HEALTHD_OBJ) $(BUILD)/libanyns.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Unit tests may also test program modules: they link every object of the
# programs except their mains.
PROG_LIBOBJ := $(filter-out %/main.o,$(ANYNSD_OBJ) $(CLI_OBJ) $(HEALTHD_OBJ))
$(BUILD)/tests/%: tests/unit/%.c $(PROG_LIBOBJ) $(BUILD)/libanyns.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) -lcmocka $(LIBS)

# Fuzz harnesses built with a small main that replays the seed corpus, so the
# normal test run (and the sanitizer run) exercises them without libFuzzer.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(PROG_LIBOBJ) $(BUILD)/libanyns.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LIBS)

unit: $(UNIT_BIN)
	@scripts/run-tests.sh $(UNIT_BIN)

fuzz-replay: $(FUZZ_REPLAY)
	@scripts/run-tests.sh -f $(FUZZ_REPLAY)

unit-asan:
	$(MAKE) BUILD=build-asan SAN=1 OPT=-O1 unit fuzz-replay

deps:
	@scripts/deps.sh test

system: all
	$(PYTHON) -m pytest -q tests/system

test:
	@scripts/deps.sh test
	$(MAKE) all
	$(MAKE) unit fuzz-replay
	$(MAKE) unit-asan
	$(MAKE) system

run:
	@scripts/deps.sh run
	$(MAKE) all
	scripts/run-example.sh

# libFuzzer builds (clang): make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 30
FUZZ_OBJ := $(subst $(BUILD)/,build-fuzz/,$(PROG_LIBOBJ)) build-fuzz/libanyns.a
fuzz:
	@set -e; for s in $(FUZZ_SRC); do n=$$(basename $$s .c); \
	  $(MAKE) BUILD=build-fuzz CC=clang SAN=1 EXTRA_CFLAGS=-fsanitize=fuzzer-no-link \
	    $(FUZZ_OBJ); \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	    -o build-fuzz/$$n $$s $(FUZZ_OBJ) $(LIBS); \
	  mkdir -p build-fuzz/corpus-$$n; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-$$n tests/fuzz/corpus/$$n; done

# bench/scale.c: the answer path on 1..2 x nproc threads, no sockets (bench/run.py)
$(BUILD)/bench/scale: bench/scale.c $(PROG_LIBOBJ) $(BUILD)/libanyns.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LIBS)

# bench/udp_floor.c: a UDP server with no DNS work, the socket path's floor (bench/run.py)
$(BUILD)/bench/udp_floor: bench/udp_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

bench: all $(BUILD)/bench/scale $(BUILD)/bench/udp_floor
	@scripts/deps.sh bench
	$(PYTHON) bench/run.py

lab: all
	@scripts/deps.sh lab
	lab/anycast-lab up

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
