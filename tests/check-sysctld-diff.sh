#!/bin/sh
# The sysctl.d reader against this machine's own systemd-sysctl: random
# sysctl.d trees over the catalog's keys, each applied by the real
# systemd-sysctl in a private mount and network namespace (the trees bound
# over the configuration directories; every key written is a per-namespace
# net.* key), the values read back from that namespace's /proc/sys and
# compared with the winner the reader names for the boot.
#
# SYSCTLD_DIFF_SEED=N repeats a run (the seed is printed); SYSCTLD_DIFF_TREES
# sets how many trees (40).
. "${TESTS_DIR:-$(dirname "$0")}/lib.sh"
SD=/lib/systemd/systemd-sysctl
[ "$(id -u)" -eq 0 ] || skip_all "not root"
command -v unshare >/dev/null || skip_all "unshare is missing"
[ -x "$SD" ] || skip_all "$SD is missing"
unshare -m -n true 2>/dev/null || skip_all "no private mount and network namespaces"
: "${SYSCTLD_WINNERS:?SYSCTLD_WINNERS must point at tests/sysctld-winners}"
if [ -z "${SYSCTLD_DIFF_NS:-}" ]; then
	SYSCTLD_DIFF_NS=1 exec unshare -m sh "$0" "$@"
fi
scratch
seed=${SYSCTLD_DIFF_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
trees=${SYSCTLD_DIFF_TREES:-40}
echo "seed $seed (SYSCTLD_DIFF_SEED=$seed repeats this run)"
host_sysctls >"$SCRATCH/host.before"

# The catalog's single-value keys that a fresh namespace has, writable:
# "KEY DEFAULT V,V,..." with the values the kernel takes back unchanged.
keys=$("$TCPTUNE" explain | awk '/^  net\./ { print $1 }' | grep -v ip_local_port_range)
unshare -n sh -c '
for k in '"$(echo $keys)"'; do
	p=/proc/sys/$(echo "$k" | tr . /)
	[ -w "$p" ] || continue
	def=$(cat "$p"); ok=
	for v in 0 1 2 3 4 5 6 7 8 9; do
		if echo "$v" >"$p" 2>/dev/null && [ "$(cat "$p")" = "$v" ]; then ok="$ok${ok:+,}$v"; fi
	done
	echo "$def" >"$p"
	[ -n "$ok" ] && echo "$k $def $ok"
done' >"$SCRATCH/keys"
check "some catalog keys can be written in a private namespace" [ -s "$SCRATCH/keys" ]

# The directories systemd-sysctl reads, as they are on this machine: with
# merged /usr, /lib/sysctl.d is /usr/lib/sysctl.d.
lib_link=no
[ -L /lib ] && [ "$(readlink /lib)" = usr/lib ] && lib_link=yes

# Writes tree number $1 below $2 (awk's rand() seeded from seed and tree).
make_tree() {
	root=$2
	mkdir -p "$root/etc/sysctl.d" "$root/run/sysctl.d" "$root/usr/local/lib/sysctl.d" \
	    "$root/usr/lib/sysctl.d"
	if [ "$lib_link" = yes ]; then ln -sfn usr/lib "$root/lib"; else mkdir -p "$root/lib/sysctl.d"; fi
	awk -v seed="$((seed * 1000 + $1))" -v root="$root" '
	function pick(n) { return int(rand() * n) + 1 }
	function re(g,  r) {	# a superset of what the glob can match, as a regex
		gsub(/\//, ".", g); sub(/^\./, "", g)
		r = g; gsub(/\./, "\\.", r); gsub(/\*/, ".*", r); gsub(/\?/, ".", r)
		return "^" r "$"
	}
	function values(g,  i, j, n, v, ok, cnt, out) {	# valid for every key g may set
		for (i = 1; i <= nv; i++) {
			ok = 1
			for (j = 1; j <= nk; j++)
				if (key[j] ~ re(g) && !index("," vals[j] ",", "," pool[i] ","))
					ok = 0
			if (ok) out[++cnt] = pool[i]
		}
		return cnt ? out[pick(cnt)] : ""
	}
	function name(k,  s) {	# the key written one of the ways systemd takes
		s = k
		r = pick(8)
		if (r == 1) { gsub(/\./, "/", s) }
		else if (r == 2) { gsub(/\./, "/", s); s = "/" s }
		else if (r == 3) { gsub(/\./, "/", s); sub(/\//, "//", s) }
		return s
	}
	function sp() { r = pick(5); return r == 1 ? " " : r == 2 ? "\t" : r == 3 ? "  " : "" }
	function line(  r, j, g, v) {
		r = pick(20)
		if (r <= 9) {	# an assignment, sometimes "-" (a failed write is fine)
			j = pick(nk); v = substr(vals[j], 2 * pick(split(vals[j], tmp, ",")) - 1, 1)
			return sp() (pick(5) == 1 ? "-" sp() : "") name(key[j]) sp() "=" sp() v sp()
		}
		if (r <= 12) {	# "-KEY": never written, not even by a glob
			j = pick(nk)
			return sp() "-" sp() name(key[j]) sp()
		}
		if (r <= 18) {
			g = glob[pick(ng)]; v = values(g)
			if (v == "") return "# no value fits " g
			return sp() (pick(6) == 1 ? "-" : "") g sp() "=" sp() v
		}
		if (r == 19) return "-" glob[pick(ng)]
		return pick(2) == 1 ? "; a comment" : "no assignment here"
	}
	BEGIN {
		srand(seed)
		while ((getline l < (root "/../keys")) > 0) {
			split(l, f, " "); key[++nk] = f[1]; vals[nk] = f[3]
		}
		nv = split("0 1 2 3 4 5 6 7 8 9", pool, " ")
		ng = split("net.ipv4.tcp_keepalive_* net.ipv4.tcp_* net.ipv4.tcp_tw_* " \
		    "net.*.tcp_fin_timeout net.*_timeout net.ipv4.tcp_?eepalive_time " \
		    "net.ipv4.tcp_[fk]* net/ipv4/tcp_*_time /net/ipv4/tcp_fin_* " \
		    "net.*.somaxconn net.core.* net.ipv4.tcp_*_reuse* net.ipv4.tcp_*e " \
		    "net/*/tcp_syncookies net.ipv4.tcp_timestamp? net.*.*_intvl", glob, " ")
		nd = split("etc/sysctl.d run/sysctl.d usr/local/lib/sysctl.d usr/lib/sysctl.d " \
		    "lib/sysctl.d", dir, " ")
		nn = split("10-a.conf 20-b.conf 50-default.conf 60-x.conf 90-z.conf " \
		    "99-last.conf", base, " ")
		nf = 3 + pick(6)
		for (i = 1; i <= nf; i++) {
			p = root "/" dir[pick(nd)] "/" base[pick(nn)]
			if (pick(8) == 1) {	# a mask
				system("rm -f \"" p "\"; ln -s /dev/null \"" p "\"")
				continue
			}
			n = 1 + pick(6)
			for (j = 1; j <= n; j++) print line() >> p
			close(p)
		}
		# sysctl.conf: read at boot only through Debian'"'"'s link.
		p = root "/etc/sysctl.conf"
		for (j = 1; j <= 3; j++) print line() > p
		close(p)
		if (pick(2) == 1) system("ln -sfn ../sysctl.conf \"" root "/etc/sysctl.d/99-sysctl.conf\"")
		p = root "/etc/sysctl.d/70-notes.txt"	# not *.conf: never read
		print line() > p
	}'
}

# One mount namespace for the whole run, the configuration directories
# bound once to directories of the scratch tree ($live, a root of its own
# for the reader); each tree is written there and applied by the real
# systemd-sysctl in a network namespace of its own.
live=$SCRATCH/live
mount --make-rprivate /
mkdir -p "$live/etc" "$live/run" "$live/usr/local/lib" "$live/usr/lib/sysctl.d"
: >"$live/etc/sysctl.conf"
bind() { mkdir -p "$live/$1" && mount --bind "$live/$1" "/$1"; }
bind etc/sysctl.d
mount --bind "$live/etc/sysctl.conf" /etc/sysctl.conf
bind run
if [ -d /usr/local/lib ]; then bind usr/local/lib; else bind usr/local; fi
bind usr/lib/sysctl.d
[ "$lib_link" = yes ] || [ ! -d /lib/sysctl.d ] || bind lib/sysctl.d

# Empties the bound directories, so that tree after tree is written there.
clear_live() {
	for d in etc/sysctl.d run usr/local/lib usr/lib/sysctl.d lib/sysctl.d; do
		[ -d "$live/$d" ] && [ ! -L "$live/${d%%/*}" ] && find "$live/$d" -mindepth 1 -delete
	done
	: >"$live/etc/sysctl.conf"
}

# Applies the tree with the real systemd-sysctl in a private network
# namespace and prints "KEY VALUE" for every test key.
apply_tree() {
	unshare -n sh -c '"$0" >/dev/null 2>&1 || true; cat "$@"' "$SD" $paths |
	    paste -d ' ' "$SCRATCH/paths" -
}
# (Forks are dear here: one cat reads every value.)
awk '{ gsub(/\./, "/", $1); print "/proc/sys/" $1 }' "$SCRATCH/keys" >"$SCRATCH/paths"
paths=$(cat "$SCRATCH/paths")

bad=0
badtrees=0
i=1
while [ "$i" -le "$trees" ]; do
	root=$live
	clear_live
	make_tree "$i" "$root"
	"$SYSCTLD_WINNERS" "$root" >"$SCRATCH/w" || failed "tree $i: the reader failed"
	apply_tree >"$SCRATCH/real"
	# Expected: the boot winner's value, or the namespace's default.
	awk 'FNR == NR { if ($1 == "boot") won[$2] = $3; next }
	    FILENAME ~ /keys$/ { def[$1] = $2; next }
	    {
	      sub(/^\/proc\/sys\//, "", $1); gsub(/\//, ".", $1); want = ($1 in won) ? won[$1] : def[$1]
	      if ($2 != want) print $1 ": systemd-sysctl left " $2 ", the reader says " want }' \
	    "$SCRATCH/w" "$SCRATCH/keys" "$SCRATCH/real" >"$SCRATCH/diff"
	if [ -s "$SCRATCH/diff" ]; then
		badtrees=$((badtrees + 1))
		bad=$((bad + $(wc -l <"$SCRATCH/diff")))
		echo "tree $i (SYSCTLD_DIFF_SEED=$seed):"
		sed 's/^/    /' "$SCRATCH/diff"
		(cd "$root" && find . -name '*.conf' | sort | while read -r f; do
			if [ -L "$f" ]; then echo "  $f -> $(readlink "$f")"; else echo "  $f:"; fi
			[ -f "$f" ] && sed 's/^/      /' "$f"
		done)
		sed 's/^/  reader: /' "$SCRATCH/w" | grep 'reader: boot'
	fi
	i=$((i + 1))
done
nkeys=$(wc -l <"$SCRATCH/keys")
echo "$bad of $((nkeys * trees)) keys differ, in $badtrees of $trees trees"
check "the reader names systemd-sysctl's value for every key of every tree" [ "$bad" -eq 0 ]
host_sysctls >"$SCRATCH/host.after"
check "the host's own keys are untouched" cmp -s "$SCRATCH/host.before" "$SCRATCH/host.after"
finish
