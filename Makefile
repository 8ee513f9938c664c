# roi - release-of-information pipeline for small behavioral-health practices
#
#   make demo     install what is missing, build, run the pipeline on sample faxes
#   make test     install what is missing, build with sanitizers, run every test
#   make bench    compare roi's OCR path with tesseract and ocrmypdf, its
#                 release path (redact + package, age) with PyMuPDF and age,
#                 and the disclosure log (roi-verify, appends) with sha256sum
#   make bench-serve  five reviewers at once on a 200-page case in roi serve:
#                 the first page of the case, p95 of a cached page picture
#   make accuracy the authorization check on forms drawn with other seeds, and
#                 the leak suite on records by other engines (cairo, gs, qpdf,
#                 chromium; tools/leakaccuracy.sh)
#   make fuzz     every libFuzzer harness (tests/fuzz/f_*.c, clang) for FUZZ_SECS
#                 seconds each (default 60; FUZZ_ONLY="age chain" for some), from the
#                 seeds in tests/fuzz/corpus/; new inputs and crashes go to
#                 build/fuzz-corpus/ and build/fuzz-out/, never into the tree;
#                 prints each one's corpus and executions per second.  make
#                 test runs each for a few seconds over its seeds and
#                 tests/fuzz/regress/ (tests/fuzz/smoke.sh)
#   make deps | all | install PREFIX=/usr/local DESTDIR= | uninstall | clean

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
O       ?= build

OPT      = -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation
ifeq ($(CI),true)
WARN    += -Werror
endif
ifneq ($(WERROR),)
WARN    += -Werror
endif
CPPFLAGS = -D_GNU_SOURCE -Ipipeline -Istages -Itools
CFLAGS  ?= $(OPT)
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) -fstack-protector-strong -D_FORTIFY_SOURCE=2

MUPDF_LIBS = -lmupdf -lmupdf-third -lmujs -lgumbo -lopenjp2 -ljbig2dec -ljpeg \
	     -lharfbuzz -lfreetype -lz -lm
PKGS       = tesseract lept libsodium sqlite3 inih jansson libseccomp libpcre2-8 libarchive libical icu-uc icu-i18n \
	     libmicrohttpd
LIBS       = $(MUPDF_LIBS) $$(pkg-config --libs $(PKGS)) -lcsv -lpthread

LIB_SRC   = $(wildcard pipeline/*.c)
STAGE_SRC = $(wildcard stages/*.c)
ROI_SRC   = tools/roi.c $(wildcard tools/cmd_*.c)
ROI_OBJ   = $(patsubst %.c,$(O)/%.o,$(LIB_SRC) $(STAGE_SRC) $(ROI_SRC))
HDRS      = $(wildcard pipeline/*.h stages/*.h tools/*.h)

SAN       = $(O)/san
SANFLAGS  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
UNIT_SRC  = $(wildcard tests/unit/t_*.c)
UNIT_BIN  = $(patsubst tests/unit/%.c,$(SAN)/tests/%,$(UNIT_SRC))
SAN_LIB_OBJ = $(patsubst %.c,$(SAN)/%.o,$(LIB_SRC))

PROGS = $(O)/roi $(O)/mkfax $(O)/mkleak $(O)/mkform $(O)/roi-verify
# the stage table's rows (stages/table.c): roi-NAME links to the one binary
STAGES := $(shell sed -n 's/^[[:space:]]*\.name = "\([a-z-]*\)",$$/\1/p' stages/table.c)

.PHONY: bench-serve uninstall all deps deps-demo deps-test deps-bench deps-accuracy deps-fuzz fuzz fuzz-build test test-build unit e2e bench accuracy accuracy-leak accuracy-part2 accuracy-families demo install clean fixtures

all: deps $(PROGS) $(addprefix $(O)/roi-,$(STAGES))

deps:
	@sh tools/deps.sh build
deps-demo:
	@sh tools/deps.sh demo
deps-test:
	@sh tools/deps.sh test
deps-bench:
	@sh tools/deps.sh bench
deps-accuracy:
	@sh tools/deps.sh accuracy
deps-fuzz:
	@sh tools/deps.sh fuzz

# objects wait for the packages (order-only: make -j must not compile before they are in)
$(O)/%.o: %.c $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $<

$(O)/roi: $(ROI_OBJ)
	$(CC) $(ALLCFLAGS) -o $@ $(ROI_OBJ) $(LIBS)

# stages are one multi-call binary entered by name (as OpenSMTPD does)
$(O)/roi-%: $(O)/roi
	ln -sf roi $@

# the auditor's verifier: libc and libsodium only, built from these alone
VERIFY_SRC = tools/verify.c pipeline/chain.c pipeline/merkle.c pipeline/note.c
$(O)/roi-verify: $(VERIFY_SRC) pipeline/chain.h pipeline/merkle.h pipeline/note.h
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -pthread -o $@ $(VERIFY_SRC) $$(pkg-config --libs libsodium)

$(SAN)/roi-verify: $(VERIFY_SRC) pipeline/chain.h pipeline/merkle.h pipeline/note.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -pthread -o $@ $(VERIFY_SRC) $$(pkg-config --libs libsodium)

# make bench: the release path's library calls, timed (tools/benchrel.c)
BENCHREL_OBJ = $(patsubst %.c,$(O)/%.o,$(LIB_SRC) tools/benchrel.c)
$(O)/benchrel: $(BENCHREL_OBJ)
	$(CC) $(ALLCFLAGS) -o $@ $(BENCHREL_OBJ) $(LIBS)

# the disclosure log's benchmark driver (make bench)
$(O)/benchlog: $(O)/tools/benchlog.o $(patsubst %.c,$(O)/%.o,$(LIB_SRC))
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LIBS)

# roi's OCR of one file, scored against the tesseract CLI (make bench)
$(O)/ocrtext: $(O)/tools/ocrtext.o $(patsubst %.c,$(O)/%.o,$(LIB_SRC))
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LIBS)

$(O)/mkfax: $(O)/tools/mkfax.o
	$(CC) $(ALLCFLAGS) -o $@ $< $(MUPDF_LIBS) $$(pkg-config --libs lept)

# the leak suite's awkward records (tests/e2e/leak.sh)
$(O)/mkleak: $(O)/tools/mkleak.o
	$(CC) $(ALLCFLAGS) -o $@ $< $(MUPDF_LIBS)

# electronically filled forms (tests/e2e/acroform.sh)
$(O)/mkform: $(O)/tools/mkform.o
	$(CC) $(ALLCFLAGS) -o $@ $< $(MUPDF_LIBS)

# sanitizer build for the tests
$(SAN)/%.o: %.c $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -c -o $@ $<

$(SAN)/roi: $(patsubst %.c,$(SAN)/%.o,$(LIB_SRC) $(STAGE_SRC) $(ROI_SRC))
	$(CC) $(SANFLAGS) -o $@ $^ $(LIBS)

$(SAN)/tests/t_%: tests/unit/t_%.c $(SAN_LIB_OBJ) $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -o $@ $< $(SAN_LIB_OBJ) $(LIBS) -lcmocka

$(SAN)/cer: tests/e2e/cer.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -o $@ $< $$(pkg-config --libs jansson) -lm

$(SAN)/p2score: tests/e2e/p2score.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SANFLAGS) -o $@ $< $$(pkg-config --libs jansson)

fixtures: $(O)/mkfax $(O)/mkleak
	$(O)/mkfax -o $(O)/fixtures
	mkdir -p $(O)/fixtures/leak && $(O)/mkleak -o $(O)/fixtures/leak

# libFuzzer harnesses: the library again with Debian's clang, instrumented
# for coverage (fuzzer-no-link) and with ASan and UBSan; each harness links
# only what it uses from the archive.  (-Wstring-concatenation: chainlog.c
# joins SQL literals on purpose; clang 14 does not know -Wformat-truncation;
# -Wmissing-field-initializers: libseccomp's SCMP_A0 leaves datum_b to zero)
FUZZ_CC   ?= clang-14
FUZZ       = $(O)/fuzz
FUZZFLAGS  = -O1 -g -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZWARN   = $(WARN) -Wno-unknown-warning-option -Wno-string-concatenation \
	     -Wno-missing-field-initializers
FUZZ_SRC   = $(wildcard tests/fuzz/f_*.c)
FUZZ_BIN   = $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(FUZZ_SRC))
FUZZ_LIB   = $(FUZZ)/libroi.a
FUZZ_SECS ?= 60

$(FUZZ)/%.o: %.c $(HDRS) | deps-fuzz
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZWARN) $(FUZZFLAGS) \
	    -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZ_LIB): $(patsubst %.c,$(FUZZ)/%.o,$(LIB_SRC))
	rm -f $@
	ar rcs $@ $^

$(FUZZ)/f_%: tests/fuzz/f_%.c tests/fuzz/fuzz.h $(FUZZ_LIB) $(HDRS)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(FUZZWARN) $(FUZZFLAGS) \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB) $(LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ) $(O) $(FUZZ_SECS) $(FUZZ_ONLY)

# the test build on every core (JOBS), then the tests (tests/run.sh runs
# the end-to-end flows TEST_JOBS at a time)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps-test
	@$(MAKE) --no-print-directory -j$(JOBS) test-build
	@sh tests/run.sh $(SAN) $(O)

test-build: $(O)/mkfax $(O)/mkleak $(O)/mkform $(SAN)/roi $(SAN)/roi-verify $(SAN)/cer $(SAN)/p2score $(UNIT_BIN) \
	    $(FUZZ_BIN)

bench: deps-bench all $(SAN)/cer $(O)/benchrel $(O)/benchlog $(O)/ocrtext
	@sh tools/bench.sh $(O)

# the review pages under load: five reviewers on a 200-page case (tools/benchserve.sh)
bench-serve: deps-test all $(O)/mkfax
	@sh tools/benchserve.sh $(O)

# the authorization check's decisions on forms drawn with other seeds, then
# the leak suite on records written by every engine (LEAK_ENGINES="mupdf
# cairo gs qpdf chromium"; make accuracy-leak runs only that part)
accuracy: deps-accuracy all
	@sh tools/accuracy.sh $(O) $(SEEDS)
	@sh tools/familyaccuracy.sh $(O) $(SEED)
	@sh tools/leakaccuracy.sh $(O) $(LEAK_ENGINES)

# the authorization check on forms laid out like other organisations'
# (fixtures/families, printed by Chromium; held out: no rules written for them)
accuracy-families: deps-accuracy all
	@sh tools/familyaccuracy.sh $(O) $(SEED)

accuracy-leak: deps-accuracy all
	@sh tools/leakaccuracy.sh $(O) $(LEAK_ENGINES)

# Part 2 proposals on the generated records drawn with other seeds
accuracy-part2: deps-test all $(SAN)/p2score
	@sh tools/p2accuracy.sh $(O) $(SAN) $(SEEDS)

demo: deps-demo all
	@sh tools/demo.sh $(O)

# the programs, a roi-NAME link per stage, rules, docs, the man pages
# (docs/man), the bash completion and the systemd unit
# made with PREFIX's paths (tools/install.sh); uninstall removes them
install: $(PROGS)
	@sh tools/install.sh $(O) "$(DESTDIR)" "$(PREFIX)"

uninstall:
	@sh tools/install.sh --uninstall $(O) "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf $(O)
