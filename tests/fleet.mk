# The shipped units, hardened: systemd-analyze verify and security
# --offline.  The Ansible module is tested by tests/integration/ansible.sh.
FLEET_UNIT_TESTS = \
	tests/integration/check-units.sh
dist_check_SCRIPTS += $(FLEET_UNIT_TESTS)
TESTS += $(FLEET_UNIT_TESTS)
EXTRA_DIST += docs/ansible/library/tcptune.py
