# Tests: one cmocka binary per library module, and end-to-end scripts.
# Each module's tests live in their own fragment, included at the end.
TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
TEST_LDADD = src/lib/libtcptune.a $(LIB_LIBS) $(CMOCKA_LIBS)
TEST_CPPFLAGS = $(AM_CPPFLAGS) -DFIXTURES='"$(abs_top_srcdir)/tests/fixtures"' \
	-DPROFILES='"$(abs_top_srcdir)/profiles"'

AM_TESTS_ENVIRONMENT = \
	TCPTUNE='$(abs_top_builddir)/src/tcptune'; \
	FIXTURES='$(abs_top_srcdir)/tests/fixtures'; \
	PROFILES='$(abs_top_srcdir)/profiles'; \
	TESTS_DIR='$(abs_top_srcdir)/tests'; \
	export TCPTUNE FIXTURES PROFILES TESTS_DIR;

EXTRA_DIST += tests/fixtures
