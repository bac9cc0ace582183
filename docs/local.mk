# Documentation shipped in the tarball.
EXTRA_DIST += \
	docs/design.md \
	docs/json.md \
	docs/profiles.md
