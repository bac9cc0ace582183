# Documentation shipped in the tarball: the manual pages (installed), the
# design notes and guides, and the Ansible example the integration test runs.
dist_man_MANS = docs/tcptune.8 docs/tcptune.ini.5

EXTRA_DIST += \
	docs/ansible/tcptune.yml \
	docs/design.md \
	docs/design-nat.md \
	docs/fleet.md \
	docs/hardening.md \
	docs/journal.md \
	docs/namespaces.md \
	docs/json.md \
	docs/kubernetes.md \
	docs/kubernetes/tcptune-daemonset.yaml \
	docs/performance.md \
	docs/profiles.md \
	docs/trace.md
