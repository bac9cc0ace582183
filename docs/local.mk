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

# The Grafana dashboard and the Prometheus alert rules for the metrics,
# installed beside the profiles for a distribution to point its tools at.
grafanadir = $(pkgdatadir)/grafana
dist_grafana_DATA = docs/grafana/tcptune.json
prometheusrulesdir = $(pkgdatadir)/prometheus
dist_prometheusrules_DATA = docs/prometheus/tcptune-alerts.yml
