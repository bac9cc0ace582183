#!/bin/sh
# The sysctl.d reader against this machine's own systemd-sysctl: random
# sysctl.d trees over the catalog's keys, each applied by the real
# systemd-sysctl in a private mount and network namespace (the trees bound
# over the configuration directories; every key written is a per-namespace
# net.* key), the values read back from that namespace's /proc/sys and
# compared with the boot winner in `tcptune check --format json`
# (boot_config; kernel_value is what the kernel holds after that line).
#
# SYSCTLD_DIFF_SEED=N repeats a run (the seed is printed); SYSCTLD_DIFF_TREES
# sets how many trees (400).
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
SD=/lib/systemd/systemd-sysctl
[ "$(id -u)" -eq 0 ] || skip_all "not root"
command -v unshare >/dev/null || skip_all "unshare is missing"
[ -x "$SD" ] || skip_all "$SD is missing"
unshare -m -n true 2>/dev/null || skip_all "no private mount and network namespaces"
command -v jq >/dev/null || skip_all "jq is missing"
if [ -z "${SYSCTLD_DIFF_NS:-}" ]; then
	SYSCTLD_DIFF_NS=1 exec unshare -m sh "$0" "$@"
fi
scratch
seed=${SYSCTLD_DIFF_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
trees=${SYSCTLD_DIFF_TREES:-400}
echo "seed $seed (SYSCTLD_DIFF_SEED=$seed repeats this run)"
host_sysctls >"$SCRATCH/host.before"

# The catalog's single-value keys that a fresh namespace has, writable:
# "KEY DEFAULT V,V,..." with the values the kernel takes back unchanged;
# and (in "absent") the catalog's keys a fresh namespace lacks.
allkeys=$("$TCPTUNE" explain | awk '/^  net\./ { print $1 }')
keys=$(echo "$allkeys" | grep -v ip_local_port_range)
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
unshare -n sh -c 'for k in '"$(echo $allkeys)"'; do
	[ -e /proc/sys/$(echo "$k" | tr . /) ] || echo "$k"
done' >"$SCRATCH/absent"
check "some catalog keys can be written in a private namespace" [ -s "$SCRATCH/keys" ]
echo "compared: $(awk '{ printf "%s%s", sep, $1; sep = " " }' "$SCRATCH/keys")"
echo "absent here: $(tr '\n' ' ' <"$SCRATCH/absent")"

# The directories systemd-sysctl reads, as they are on this machine: with
# merged /usr, /lib/sysctl.d is /usr/lib/sysctl.d.
lib_link=no
[ -L /lib ] && [ "$(readlink /lib)" = usr/lib ] && lib_link=yes

# Writes tree number $1 below $2 (awk's rand() seeded from seed and tree).
# Besides plain assignments the trees hold what real trees hold and what
# systemd-sysctl reads in its own way: globs that also name keys this
# kernel lacks (net.ipv4.tcp_tw_* with no tcp_tw_recycle), brace globs,
# values the kernel refuses for some of the keys a glob names (EINVAL: the
# earlier value stays), values of 64 characters and more, values the kernel
# reads its own way (012 is octal, "1 2" sets 1), explicit keys this kernel
# lacks, "-KEY" lines, lines ended by CR, CRLF or NUL, and files over 1 MiB
# with a line at, under and over systemd's line limit.
make_tree() {
	root=$2
	mkdir -p "$root/etc/sysctl.d" "$root/run/sysctl.d" "$root/usr/local/lib/sysctl.d" \
	    "$root/usr/lib/sysctl.d"
	if [ "$lib_link" = yes ]; then ln -sfn usr/lib "$root/lib"; else mkdir -p "$root/lib/sysctl.d"; fi
	awk -v seed="$((seed * 1000 + $1))" -v root="$root" -v keyfile="$SCRATCH/keys" \
	    -v absentfile="$SCRATCH/absent" '
	function pick(n) { return int(rand() * n) + 1 }
	function name(k,  s) {	# the key written one of the ways systemd takes
		s = k
		r = pick(8)
		if (r == 1) { gsub(/\./, "/", s) }
		else if (r == 2) { gsub(/\./, "/", s); s = "/" s }
		else if (r == 3) { gsub(/\./, "/", s); sub(/\//, "//", s) }
		return s
	}
	function sp() { r = pick(5); return r == 1 ? " " : r == 2 ? "\t" : r == 3 ? "  " : "" }
	function rep(c, n,  s) { s = ""; while (n-- > 0) s = s c; return s }
	function digit() { return pool[pick(nv)] }
	# A value for key j (0: for a glob, any key): mostly one it takes back
	# as written, else one of the forms the kernel reads its own way or
	# refuses.
	function value(j,  r, n) {
		r = pick(24)
		if (r <= 12) {
			if (j == 0) return digit()
			n = split(vals[j], tmp, ","); return tmp[pick(n)]
		}
		if (r <= 15) return digit()			# refused by some keys
		if (r == 16) return "0" pick(7)			# octal
		if (r == 17) return "0" pick(2) pick(7)		# octal, 8 and up
		if (r == 18) return "0x" pick(9)		# hexadecimal
		if (r == 19) return digit() (pick(2) == 1 ? " " : "\t") pick(9)	# "1 2" sets 1
		if (r == 20) return digit() rep(pick(2) == 1 ? " " : "\t", 64 + pick(40)) "junk"
		if (r == 21) return rep("0", 63 + pick(20)) digit()	# too long a number
		if (r == 22) return junk[pick(nj)]
		if (r == 23) return "-" digit()
		return digit() "\tspace tab"
	}
	function eol(  r) {
		r = pick(16)
		return r == 1 ? "\r\n" : r == 2 ? "\r" : r == 3 ? sprintf("%c", 0) : \
		    r == 4 ? "\n\r" : r == 5 ? "\r\n\r" : r == 6 ? sprintf("\n%c", 0) : "\n"
	}
	function big(len,  s) {	# a comment line of len bytes
		s = "x"
		while (length(s) < len) s = s s
		return "#" substr(s, 1, len - 1)
	}
	function line(  r, j, g) {
		r = pick(24)
		if (r <= 9) {	# an assignment, sometimes "-" (a failed write is fine)
			j = pick(nk)
			return sp() (pick(5) == 1 ? "-" sp() : "") name(key[j]) sp() "=" sp() value(j) sp()
		}
		if (r <= 11) {	# "-KEY": never written, not even by a glob
			j = pick(nk)
			return sp() "-" sp() name(key[j]) sp()
		}
		if (r == 12 && na > 0)	# a key this kernel lacks, by its name
			return (pick(3) == 1 ? "-" : "") name(absent[pick(na)]) " = " value(0)
		if (r <= 19) {
			g = glob[pick(ng)]
			return sp() (pick(6) == 1 ? "-" : "") g sp() "=" sp() value(0)
		}
		if (r == 20) return "-" glob[pick(ng)]
		if (r == 21) return sp() "# a comment"
		if (r == 22) return "; a comment"
		return "no assignment here"
	}
	BEGIN {
		srand(seed)
		while ((getline l < keyfile) > 0) {
			split(l, f, " "); key[++nk] = f[1]; vals[nk] = f[3]
		}
		while ((getline l < absentfile) > 0) absent[++na] = l
		nv = split("0 1 2 3 4 5 6 7 8 9", pool, " ")
		nj = split("yes 1x 08 09 0x +1 - 0xg 1,2 1.5 one", junk, " ")
		junk[++nj] = ""
		ng = split("net.ipv4.tcp_keepalive_* net.ipv4.tcp_* net.ipv4.tcp_tw_* " \
		    "net.*.tcp_fin_timeout net.*_timeout net.ipv4.tcp_?eepalive_time " \
		    "net.ipv4.tcp_[fk]* net/ipv4/tcp_*_time /net/ipv4/tcp_fin_* " \
		    "net.*.somaxconn net.core.* net.ipv4.tcp_*_reuse* net.ipv4.tcp_*e " \
		    "net/*/tcp_syncookies net.ipv4.tcp_timestamp? net.*.*_intvl " \
		    "net.ipv4.tcp_max_* net.ipv4.tcp_tw_re* " \
		    "net.ipv4.tcp_{fin_timeout,keepalive_time} " \
		    "net.ipv4.tcp_{fin,keepalive}_* net.ipv4.tcp_{fin_timeout,keepalive_t*} " \
		    "net.{core.somaxconn,ipv4.tcp_syncookies}* net.ipv4.tcp_{tw_*,max_*} " \
		    "net.ipv4.tcp_{keepalive_{tim,intv},fin_timeou}? net.ipv4.tcp_{fin_* " \
		    "net/ipv4/tcp_{timestamps,orphan_retries,tw_recycle}*", glob, " ")
		nd = split("etc/sysctl.d run/sysctl.d usr/local/lib/sysctl.d usr/lib/sysctl.d " \
		    "lib/sysctl.d", dir, " ")
		nn = split("10-a.conf 20-b.conf 50-default.conf 60-x.conf 90-z.conf " \
		    "99-last.conf", base, " ")
		nbig = split("1048575 1048576 1048577 700000", bigs, " ")
		nf = 3 + pick(6)
		for (i = 1; i <= nf; i++) {
			p = root "/" dir[pick(nd)] "/" base[pick(nn)]
			if (pick(8) == 1) {	# a mask
				system("rm -f \"" p "\"; ln -s /dev/null \"" p "\"")
				continue
			}
			n = 1 + pick(6)
			for (j = 1; j <= n; j++) {
				if (pick(40) == 1) printf "%s%s", big(bigs[pick(nbig)]), eol() >> p
				printf "%s%s", line(), eol() >> p
			}
			close(p)
		}
		# sysctl.conf: read at boot only through Debian'"'"'s link.
		p = root "/etc/sysctl.conf"
		for (j = 1; j <= 3; j++) printf "%s%s", line(), eol() > p
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

# In a network namespace of its own: tcptune's prediction (check --format
# json, its boot_config), the real systemd-sysctl with its debug log, and
# "PATH VALUE" for every test key read back after it ran.
apply_tree() {
	unshare -n sh -c '
	"$TCPTUNE" --sysctl-root "$1" --state-dir "$2/state" check --format json >"$2/json" 2>"$2/err"
	echo $? >"$2/rc"
	SYSTEMD_LOG_LEVEL=debug "$3" >"$2/log" 2>&1
	shift 3
	for p in "$@"; do printf "%s %s\n" "$p" "$(cat "$p")"; done' \
	    sh "$live" "$SCRATCH" "$SD" $paths
}
awk '{ gsub(/\./, "/", $1); print "/proc/sys/" $1 }' "$SCRATCH/keys" >"$SCRATCH/paths"
paths=$(cat "$SCRATCH/paths")
mkdir -p "$SCRATCH/state"

# tcptune's boot_config as "KEY PREDICTED PATTERN": the value the kernel
# holds after the winning line ("-" when its write fails and the key keeps
# its default), from kernel_value where the document has it.
predicted() {
	jq -r '.boot_config.keys | to_entries[] |
	    "\(.key) \(if (.value | has("kernel_value")) then (.value.kernel_value // "-")
	              else .value.value end) \(.value.pattern)"' "$SCRATCH/json"
}

bad=0
badtrees=0
refused=0
missing=0
cut=0
i=1
t0=$(date +%s)
while [ "$i" -le "$trees" ]; do
	root=$live
	clear_live
	make_tree "$i" "$root"
	apply_tree >"$SCRATCH/real"
	if [ "$(cat "$SCRATCH/rc")" -gt 2 ] || ! predicted >"$SCRATCH/w" 2>>"$SCRATCH/err"; then
		failed "tree $i: tcptune check failed: $(head -c 300 "$SCRATCH/err")"
		i=$((i + 1))
		continue
	fi
	# What the kernel answered, from systemd-sysctl's own log.
	refused=$((refused + $(grep -c "Invalid argument" "$SCRATCH/log")))
	missing=$((missing + $(grep -c "No such file or directory" "$SCRATCH/log")))
	cut=$((cut + $(grep -c "No buffer space available" "$SCRATCH/log")))
	# Expected: the boot winner's kernel value, or the namespace's default;
	# a key this namespace lacks is set only by its own name, never by a glob.
	awk 'FILENAME ~ /absent$/ { absent[$1] = 1; next }
	    FILENAME ~ /w$/ { won[$1] = $2
	        if (($1 in absent) && $3 == "true") print $1 ": the reader lets a pattern set a key this kernel lacks"
	        next }
	    FILENAME ~ /keys$/ { def[$1] = $2; next }
	    {
	      sub(/^\/proc\/sys\//, "", $1); gsub(/\//, ".", $1)
	      want = ($1 in won) && won[$1] != "-" ? won[$1] : def[$1]
	      if ($2 != want) print $1 ": systemd-sysctl left " $2 ", the reader says " want }' \
	    "$SCRATCH/absent" "$SCRATCH/w" "$SCRATCH/keys" "$SCRATCH/real" >"$SCRATCH/diff"
	if [ -s "$SCRATCH/diff" ]; then
		badtrees=$((badtrees + 1))
		bad=$((bad + $(wc -l <"$SCRATCH/diff")))
		echo "tree $i (SYSCTLD_DIFF_SEED=$seed):"
		sed 's/^/    /' "$SCRATCH/diff"
		(cd "$root" && find . -name '*.conf' | sort | while read -r f; do
			if [ -L "$f" ]; then echo "  $f -> $(readlink "$f")"; else echo "  $f:"; fi
			[ -f "$f" ] && cut -c1-120 "$f" | od -c | sed "s/^/      /" | head -24
		done)
		sed 's/^/  reader: /' "$SCRATCH/w"
		grep -v '^Parsing\|^Skipping' "$SCRATCH/log" | grep "$(sed 's/:.*//; s/\./\//g' "$SCRATCH/diff" | head -3 | tr '\n' '|' | sed 's/|$//; s/|/\\|/g')" |
		    cut -c1-200 | sed 's/^/  systemd-sysctl: /'
	fi
	i=$((i + 1))
done
t1=$(date +%s)
nkeys=$(wc -l <"$SCRATCH/keys")
echo "systemd-sysctl's log: $refused writes refused (EINVAL), $missing to keys this kernel lacks, $cut files cut at a long line"
echo "$bad of $((nkeys * trees)) keys differ, in $badtrees of $trees trees ($((t1 - t0)) s)"
# Over fewer trees a form may not come up; over 100 or more each does.
if [ "$trees" -ge 100 ]; then
	check "the kernel refused some writes (values it does not take)" [ "$refused" -gt 0 ]
	check "some lines named keys this kernel lacks" [ "$missing" -gt 0 ]
	check "some files were cut at a line of 1 MiB" [ "$cut" -gt 0 ]
fi
check "the reader names systemd-sysctl's value for every key of every tree" [ "$bad" -eq 0 ]
host_sysctls >"$SCRATCH/host.after"
check "the host's own keys are untouched" cmp -s "$SCRATCH/host.before" "$SCRATCH/host.after"
finish
