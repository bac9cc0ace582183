# Checks beyond `make check`, run by CI (.ci/run) and by hand:
#
#   make check-valgrind   the unit tests (every test program that is not a
#                         shell script) under valgrind memcheck: any error or
#                         leak fails
#   make cppcheck         tests/analysis/cppcheck.sh
#   make clang-tidy       tests/analysis/clang-tidy.sh (.clang-tidy)
#   make check-format     tests/analysis/check-format.sh (.clang-format)
#   make format           rewrites every C file as .clang-format says
#   make check-callgraph  tests/analysis/callgraph.sh: no two files of src/
#                         call each other, directly or through others
#
# scan-build needs a build of its own: tests/analysis/scan-build.sh.
# The sanitizer build is `./configure --enable-sanitizers && make check`.

VALGRIND = valgrind
VALGRIND_FLAGS = --quiet --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --track-fds=no

EXTRA_DIST += .clang-tidy tests/.clang-tidy .clang-format tests/analysis

check-valgrind:
	@tests=; for t in $(TESTS); do \
		case $$t in *.sh) ;; *) tests="$$tests $$t" ;; esac; \
	done; \
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$$tests" \
		LOG_COMPILER='$(VALGRIND) $(VALGRIND_FLAGS)'
cppcheck:
	$(SHELL) $(srcdir)/tests/analysis/cppcheck.sh $(srcdir) $(builddir)
clang-tidy:
	$(SHELL) $(srcdir)/tests/analysis/clang-tidy.sh $(srcdir) $(builddir)
check-format:
	$(SHELL) $(srcdir)/tests/analysis/check-format.sh $(srcdir)
check-callgraph: src/tcptune
	$(SHELL) $(srcdir)/tests/analysis/callgraph.sh $(builddir)
format:
	$(SHELL) $(srcdir)/tests/analysis/check-format.sh $(srcdir) --fix
.PHONY: check-valgrind cppcheck clang-tidy check-format format check-callgraph
