# Fuzzing: a libFuzzer harness for every parser of outside input.
#
#   make fuzz                    build every harness and run each for
#                                FUZZ_SECONDS (default 60); -j2 runs two at once
#   make fuzz-build              only build them
#   make fuzz-run-profile        one of them (value, profile, journal,
#                                census, nat, sysctld)
#   make fuzz FUZZ_SECONDS=600   longer
#
# The harnesses need clang with libFuzzer (Debian: clang, libclang-rt-dev),
# and are built only here: the ordinary build and `make check` use the
# configured compiler and never need clang.  The library is compiled a
# second time, with coverage, AddressSanitizer and UBSan, into its own
# archive.  Seed corpora are read from tests/fuzz/corpus/NAME and never
# written; what a run finds goes into tests/fuzz/work/NAME in the build
# tree, and a crashing input into tests/fuzz/work/NAME-crash-*.

FUZZ_CC = clang
FUZZ_SECONDS = 60
# AM_CFLAGS brings the warnings and every library's include flags, so a
# new dependency needs no change here.
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all $(AM_CFLAGS)
FUZZ_CPPFLAGS = $(AM_CPPFLAGS)
FUZZ_LIB = tests/fuzz/libtcptune-fuzz.a
FUZZ_LINK = $(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@

# The one list of harnesses: tests/fuzz/fuzz-NAME.c for each NAME, with
# its NAME.options and, where it has them, NAME.dict and NAME.seeds.
FUZZ_NAMES = value profile journal census nat sysctld
FUZZ_BINS = $(FUZZ_NAMES:%=tests/fuzz/fuzz-%)
FUZZ_RUNS = $(FUZZ_NAMES:%=fuzz-run-%)

EXTRA_DIST += tests/fuzz/README tests/fuzz/run.sh tests/fuzz/corpus \
	$(FUZZ_NAMES:%=tests/fuzz/fuzz-%.c) $(FUZZ_NAMES:%=tests/fuzz/%.options) \
	tests/fuzz/value.dict tests/fuzz/profile.dict tests/fuzz/journal.dict \
	tests/fuzz/nat.dict tests/fuzz/sysctld.dict \
	tests/fuzz/profile.seeds tests/fuzz/nat.seeds tests/fuzz/sysctld.seeds
CLEANFILES += $(FUZZ_BINS) $(FUZZ_LIB)

# Every library source, so a new module is instrumented without a change here.
$(FUZZ_LIB): $(src_lib_libtcptune_a_SOURCES) $(BUILT_SOURCES) config.h
	$(AM_V_GEN)rm -rf tests/fuzz/obj && $(MKDIR_P) tests/fuzz/obj && \
	for f in $(src_lib_libtcptune_a_SOURCES); do \
		case $$f in *.c) ;; *) continue ;; esac; \
		o=tests/fuzz/obj/`basename $$f .c`.o; \
		$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
			-c -o $$o $(srcdir)/$$f || exit 1; \
	done && rm -f $@ && $(AR) cr $@ tests/fuzz/obj/*.o

$(FUZZ_BINS): tests/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_LIB)
	$(AM_V_CCLD)$(FUZZ_LINK) $(srcdir)/tests/fuzz/fuzz-$*.c $(FUZZ_LIB) $(LIB_LIBS)

# tests/fuzz/run.sh NAME: runs tests/fuzz/fuzz-NAME, prints the executions
# reached, and fails on any crash, leak, timeout or sanitizer report.
FUZZ_RUN = FUZZ_SECONDS='$(FUZZ_SECONDS)' $(SHELL) $(srcdir)/tests/fuzz/run.sh \
	'$(srcdir)/tests/fuzz'

fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_RUNS)
$(FUZZ_RUNS): fuzz-run-%: tests/fuzz/fuzz-%
	@$(FUZZ_RUN) $*
fuzz-clean:
	rm -rf tests/fuzz/obj tests/fuzz/work
clean-local: fuzz-clean
.PHONY: fuzz fuzz-build fuzz-clean $(FUZZ_RUNS)
