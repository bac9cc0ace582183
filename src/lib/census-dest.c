/*
 * The census's destinations: a space-saving table of the heavy hitters
 * among the remote addresses that ephemeral ports go to.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
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

/* FNV-1a over the family and address: what a socket's identity keeps of
 * its destination's address. */
static uint32_t
addr_hash(uint8_t family, const uint8_t *addr)
{
	uint32_t h = 2166136261u ^ family;

	h *= 16777619u;
	for (int i = 0; i < 16; i++) {
		h ^= addr[i];
		h *= 16777619u;
	}
	return h;
}

static struct tt_census_dest *
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
	d->id_hash = addr_hash(family, addr);
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
	return d;
}

/* --- identities: which sockets are gone between two censuses ------------ */

/* One socket's identity, while there is room; the table doubles as it
 * fills, up to TT_CENSUS_ID_CAP. */
void
tt_census_keep_id(struct tt_census *c, const struct tt_census_dest *d, uint64_t cookie,
    uint16_t sport, uint16_t dport)
{
	if (c->nid == c->id_alloc) {
		size_t n = c->id_alloc ? c->id_alloc * 2 : 4096;
		struct tt_census_id *p;

		if (n > TT_CENSUS_ID_CAP)
			n = TT_CENSUS_ID_CAP;
		p = n > c->id_alloc ? realloc(c->id, n * sizeof(*p)) : NULL;
		if (p == NULL) {
			c->ids_dropped++;
			return;
		}
		c->id = p;
		c->id_alloc = n;
	}
	c->id[c->nid++] = (struct tt_census_id){
		.cookie = cookie, .dest_hash = d->id_hash, .sport = sport, .dport = dport
	};
}

int
tt_census_id_cmp(const struct tt_census_id *a, const struct tt_census_id *b)
{
	if (a->cookie != b->cookie)
		return a->cookie < b->cookie ? -1 : 1;
	if (a->sport != b->sport)
		return a->sport < b->sport ? -1 : 1;
	if (a->dport != b->dport)
		return a->dport < b->dport ? -1 : 1;
	if (a->dest_hash != b->dest_hash)
		return a->dest_hash < b->dest_hash ? -1 : 1;
	return 0;
}

static int
id_qsort_cmp(const void *a, const void *b)
{
	return tt_census_id_cmp(a, b);
}

/* One LSD radix pass over byte b of the cookies, from src into dst;
 * false (nothing moved) when every cookie has the same byte there. */
static bool
radix_pass(const struct tt_census_id *src, struct tt_census_id *dst, size_t n, unsigned b)
{
	size_t count[256] = { 0 }, pos = 0;

	for (size_t i = 0; i < n; i++)
		count[(src[i].cookie >> (8 * b)) & 0xff]++;
	for (int d = 0; d < 256; d++) {
		size_t k = count[d];

		if (k == n)
			return false;
		count[d] = pos;
		pos += k;
	}
	for (size_t i = 0; i < n; i++)
		dst[count[(src[i].cookie >> (8 * b)) & 0xff]++] = src[i];
	return true;
}

/*
 * By cookie, with a radix sort: cookies come from a counter, so their high
 * bytes are mostly alike and their passes skipped; several times faster
 * than qsort() at 10^5 sockets (docs/performance.md).  Runs of one cookie
 * (none, while cookies are unique) are then put in full order.  qsort()
 * where there is no memory for the second buffer.
 */
void
tt_census_ids_sort(struct tt_census *c)
{
	struct tt_census_id *tmp, *src, *dst;
	size_t n = c->nid;

	if (n < 2)
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (tmp == NULL) {
		qsort(c->id, n, sizeof(c->id[0]), id_qsort_cmp);
		return;
	}
	src = c->id;
	dst = tmp;
	for (unsigned b = 0; b < 8; b++)
		if (radix_pass(src, dst, n, b)) {
			struct tt_census_id *t = src;

			src = dst;
			dst = t;
		}
	if (src != c->id)
		memcpy(c->id, src, n * sizeof(*src));
	free(tmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && c->id[j].cookie == c->id[i].cookie; j++)
			;
		if (j - i > 1)
			qsort(&c->id[i], j - i, sizeof(c->id[0]), id_qsort_cmp);
	}
}

bool
tt_census_ids_complete(const struct tt_census *c)
{
	return c->keep_ids && c->ids_dropped == 0;
}

void
tt_census_free(struct tt_census *c)
{
	if (c == NULL)
		return;
	free(c->id);
	free(c);
}

/* The client row towards one destination, NULL when none. */
static struct tt_census_port *
cw_client_row(struct tt_census *c, int family, const uint8_t *dst, uint16_t dport)
{
	size_t alen = family == AF_INET6 ? 16 : 4;

	for (size_t i = 0; i < c->ncw_port; i++) {
		struct tt_census_port *p = &c->cw_port[i];

		if (p->client && p->family == family && p->port == dport &&
		    memcmp(p->addr, dst, alen) == 0)
			return p;
	}
	return NULL;
}

/* One CLOSE_WAIT socket; inode 0: not accepted yet.  A socket on an
 * ephemeral local port that some process holds is a client's: its row
 * is its destination, since every connection has a port of its own. */
struct tt_census_port *
tt_census_cw_count(struct tt_census *c, int family, const uint8_t *dst, uint16_t sport,
    uint16_t dport, uint64_t inode)
{
	bool client = inode != 0 && sport >= c->port_lo && sport <= c->port_hi &&
	    tt_census_listener(c, sport) == NULL;
	struct tt_census_port *p = client ? cw_client_row(c, family, dst, dport) :
					    (struct tt_census_port *)tt_census_cw_port(c, sport);

	if (p == NULL && c->ncw_port == TT_CENSUS_PORT_CAP) {
		c->cw_ports_dropped++;
		return NULL;
	}
	if (p == NULL) {
		p = &c->cw_port[c->ncw_port++];
		memset(p, 0, sizeof(*p));
		p->port = client ? dport : sport;
		p->client = client;
		p->family = (uint8_t)family;
		if (client)
			memcpy(p->addr, dst, family == AF_INET6 ? 16 : 4);
	}
	p->close_wait++;
	if (inode == 0)
		p->not_accepted++;
	return p;
}

char *
tt_census_cw_row_str(const struct tt_census_port *p, char *buf, size_t len)
{
	struct tt_census_dest d = { .family = p->family, .port = p->port };

	if (!p->client) {
		snprintf(buf, len, "port %u", p->port);
		return buf;
	}
	memcpy(d.addr, p->addr, sizeof(d.addr));
	return tt_census_dest_str(&d, buf, len);
}

struct tt_census_dest *
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
		return NULL;
	idx = state;
	if (timewait && state == TT_CS_FIN_WAIT2)
		idx = TT_CS_FIN_WAIT2_ORPHANED;
	c->state[f][idx]++;
	c->total++;
	if (state == TT_CS_LISTEN || dport == 0 || sport < c->port_lo || sport > c->port_hi)
		return NULL;
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
	return dest_add(c, af, addr, dport, idx);
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
