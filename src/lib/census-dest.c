/*
 * The census's destinations: a space-saving table of the heavy hitters
 * among the remote addresses that ephemeral ports go to.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "census.h"

/* --- destinations: a space-saving heavy-hitters table ------------------ */

#define NBUCKETS (sizeof(((struct tt_census *)0)->dest_hash) / sizeof(int16_t))

static unsigned
dest_hash(uint8_t family, const uint8_t *addr, uint16_t port)
{
	uint32_t w[4];
	uint64_t h;

	memcpy(w, addr, sizeof(w));
	h = (uint64_t)(w[0] ^ w[1] ^ w[2] ^ w[3]) << 16 ^ port ^ (uint64_t)family << 48;
	h *= 0x9e3779b97f4a7c15ULL;
	return (unsigned)(h >> 40) % NBUCKETS;
}

static void
dest_unlink(struct tt_census *c, int16_t i)
{
	struct tt_census_dest *d = &c->dest[i];
	int16_t *p = &c->dest_hash[dest_hash(d->family, d->addr, d->port)];

	while (*p != -1 && *p != i)
		p = &c->dest[*p].next;
	if (*p == i)
		*p = d->next;
}

static void
dest_add(struct tt_census *c, uint8_t family, const uint8_t *addr, uint16_t port, int state)
{
	unsigned b = dest_hash(family, addr, port);
	struct tt_census_dest *d;
	int16_t i;

	for (i = c->dest_hash[b]; i != -1; i = c->dest[i].next) {
		d = &c->dest[i];
		if (d->port == port && d->family == family && memcmp(d->addr, addr, 16) == 0)
			goto found;
	}
	if (c->ndest < TT_CENSUS_DEST_CAP) {
		i = (int16_t)c->ndest++;
		d = &c->dest[i];
		memset(d, 0, sizeof(*d));
	} else {
		uint64_t min = UINT64_MAX;
		int16_t m = 0;

		/* Space-saving: the newcomer takes the smallest row and
		 * inherits its count as possible overestimate.  A busy
		 * destination can never be pushed out by a stream of rare
		 * ones, which is all a top-N list needs. */
		for (size_t k = 0; k < c->ndest; k++)
			if (c->dest[k].count < min) {
				min = c->dest[k].count;
				m = (int16_t)k;
			}
		dest_unlink(c, m);
		i = m;
		d = &c->dest[i];
		memset(d, 0, sizeof(*d));
		d->count = d->err = min;
		c->dest_evictions++;
	}
	d->family = family;
	memcpy(d->addr, addr, 16);
	d->port = port;
	d->next = c->dest_hash[b];
	c->dest_hash[b] = i;
found:
	d->count++;
	if (state == TT_CS_TIME_WAIT)
		d->time_wait++;
	else if (state == TT_CS_FIN_WAIT2_ORPHANED)
		d->fin_wait2++;
	else if (state == TT_CS_SYN_SENT)
		d->syn_sent++;
}

/* One CLOSE_WAIT socket on local port sport; inode 0: not accepted yet. */
void
tt_census_cw_count(struct tt_census *c, uint16_t sport, uint64_t inode)
{
	struct tt_census_port *p = (struct tt_census_port *)tt_census_cw_port(c, sport);

	if (p == NULL && c->ncw_port == TT_CENSUS_PORT_CAP) {
		c->cw_ports_dropped++;
		return;
	}
	if (p == NULL) {
		p = &c->cw_port[c->ncw_port++];
		p->port = sport;
	}
	p->close_wait++;
	if (inode == 0)
		p->not_accepted++;
}

void
tt_census_count(struct tt_census *c, int family, int state, bool timewait, const uint8_t *dst,
    uint16_t sport, uint16_t dport)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t addr[16] = { 0 };
	uint8_t af = AF_INET;
	int f = family == AF_INET6 ? TT_CF_IPV6 : TT_CF_IPV4;
	int idx;

	/* Request sockets are shown as SYN_RECV by the kernel already; be
	 * safe should one ever come with its internal state. */
	if (state == 12)
		state = TT_CS_SYN_RECV;
	if (state < TT_CS_ESTABLISHED || state > TT_CS_CLOSING)
		return;
	idx = state;
	if (timewait && state == TT_CS_FIN_WAIT2)
		idx = TT_CS_FIN_WAIT2_ORPHANED;
	c->state[f][idx]++;
	c->total++;
	if (state == TT_CS_LISTEN || dport == 0 || sport < c->port_lo || sport > c->port_hi)
		return;
	/* A v4-mapped peer of a dual-stack socket takes a port from the same
	 * range as a plain IPv4 one: count them as one destination. */
	if (family == AF_INET6 && memcmp(dst, v4mapped, 12) != 0) {
		af = AF_INET6;
		memcpy(addr, dst, 16);
	} else if (family == AF_INET6) {
		memcpy(addr, dst + 12, 4);
	} else {
		memcpy(addr, dst, 4);
	}
	c->outbound++;
	dest_add(c, af, addr, dport, idx);
}

size_t
tt_census_top_dests(const struct tt_census *c, size_t *idx, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	/* Selection of the top few: max is small, the table bounded. */
	for (size_t k = 0; k < c->ndest; k++) {
		size_t j;

		if (n == max && c->dest[k].count <= c->dest[idx[n - 1]].count)
			continue;
		j = n < max ? n++ : n - 1;
		while (j > 0 && c->dest[idx[j - 1]].count < c->dest[k].count) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = k;
	}
	return n;
}

char *
tt_census_dest_str(const struct tt_census_dest *d, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(d->family, d->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	if (d->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, d->port);
	else
		snprintf(buf, len, "%s:%u", a, d->port);
	return buf;
}
