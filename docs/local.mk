# Documentation shipped in the tarball.
EXTRA_DIST += \
	docs/design.md \
	docs/hardening.md \
	docs/journal.md \
	docs/json.md \
	docs/performance.md \
	docs/profiles.md
