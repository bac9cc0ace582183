# Shipped profiles, installed for users to copy or point at.
profilesdir = $(pkgdatadir)/profiles
dist_profiles_DATA = \
	profiles/behind-nat.ini \
	profiles/kernel-defaults.ini \
	profiles/proxy-client.ini \
	profiles/web-server.ini
