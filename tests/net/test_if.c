/*
 * Interfaces: attach/detach and indexes, up/down, MTU limits, the send
 * queue (limit, drops, requeue, purge on detach), link and detach hooks,
 * taps, counters and their names.
 */
#include <errno.h>
#include <string.h>

#include <kern/mutex.h>
#include <net/netif.h>

#include "fakeif.h"
#include "nt.h"

static struct mbuf *
frame(uint8_t tag, unsigned len)
{
	struct mbuf *m = m_gethdr(M_NOWAIT);
	uint8_t b[64];

	memset(b, tag, sizeof(b));
	NT_CHECK(m != NULL && len <= sizeof(b) && m_append(m, len, b) == 0);
	return m;
}

NT_CASE(if_attach_find_detach)
{
	struct nt_leak lk;
	struct ifnet *a, *b, *p;
	unsigned ia, ib;
	int seen = 0;

	nt_leak_start(&lk);
	a = fakeif_create("ifta0", NULL);
	b = fakeif_create("iftb0", NULL);
	ia = a->if_index;
	ib = b->if_index;
	NT_CHECK(ia > 0 && ib > ia);
	NT_CHECK(if_find("ifta0") == a && if_find("iftb0") == b);
	NT_CHECK(if_byindex(ia) == a && if_byindex(ib) == b);
	NT_CHECK(if_find("nope0") == NULL && if_byindex(0) == NULL);
	mutex_enter(&net_lock);
	for (p = if_first(); p != NULL; p = p->if_next) {
		if (p == a)
			seen |= 1;
		if (p == b && (seen & 1))
			seen |= 2;
	}
	mutex_exit(&net_lock);
	NT_CHECK(seen == 3);
	fakeif_destroy(a);
	NT_CHECK(if_find("ifta0") == NULL && if_byindex(ia) == NULL);
	NT_CHECK(if_byindex(ib) == b);
	a = fakeif_create("ifta0", NULL);
	NT_CHECK(a->if_index > ib);	/* indexes are not reused */
	fakeif_destroy(a);
	fakeif_destroy(b);
	nt_leak_check(&lk);
}

NT_CASE(if_up_down_mtu)
{
	struct ifnet *ifp = fakeif_create("ifud0", NULL);
	struct fakeif_counts c0, c1;

	fakeif_get_counts(ifp, &c0);
	NT_CHECK((ifp->if_flags & (IFF_UP | IFF_RUNNING)) ==
	    (IFF_UP | IFF_RUNNING));
	NT_CHECK(if_up(ifp) == 0);	/* already up: nothing */
	if_down(ifp);
	NT_CHECK((ifp->if_flags & (IFF_UP | IFF_RUNNING)) == 0);
	if_down(ifp);
	mutex_enter(&net_lock);		/* callable with net_lock too */
	NT_CHECK(if_up(ifp) == 0);
	mutex_exit(&net_lock);
	fakeif_get_counts(ifp, &c1);
	NT_CHECK(c1.fc_init == c0.fc_init + 1 && c1.fc_stop == c0.fc_stop + 1);
	NT_CHECK(ifp->if_mtu == ETHERMTU && ifp->if_mtu_max == 9000);
	NT_CHECK(if_set_mtu(ifp, 0) == EINVAL);
	NT_CHECK(if_set_mtu(ifp, 9001) == EINVAL && ifp->if_mtu == ETHERMTU);
	NT_CHECK(if_set_mtu(ifp, 9000) == 0 && ifp->if_mtu == 9000);
	NT_CHECK(if_set_mtu(ifp, 1) == 0 && ifp->if_mtu == 1);
	fakeif_destroy(ifp);
}

NT_CASE(if_send_queue_limit_and_order)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct mbuf *m;
	unsigned max;
	uint8_t b[8];
	int enobufs = 0;

	nt_leak_start(&lk);
	ifp = fakeif_create("ifsq0", NULL);
	max = ifp->if_snd.mq_maxlen;
	NT_CHECK(max > 0);
	fakeif_hold(ifp, true);
	for (unsigned i = 0; i < max + 5; i++)
		if (if_transmit(ifp, frame((uint8_t)i, 20)) == ENOBUFS)
			enobufs++;
	NT_CHECK(enobufs == 5 && if_stat_get(ifp, IFS_OQDROPS) == 5);
	NT_CHECK(ifp->if_snd.mq_len == max && fakeif_sent_count(ifp) == 0);
	/* The driver takes one, finds its ring full, puts it back. */
	m = if_dequeue(ifp);
	NT_CHECK(m != NULL && mtod(m, uint8_t *)[0] == 0);
	if_requeue(ifp, m);
	fakeif_hold(ifp, false);
	NT_CHECK(fakeif_sent_count(ifp) == max && ifp->if_snd.mq_len == 0);
	NT_CHECK(if_stat_get(ifp, IFS_OPACKETS) == max);
	NT_CHECK(if_stat_get(ifp, IFS_OBYTES) == 20ull * max);
	for (unsigned i = 0; i < 3; i++) {
		NT_CHECK(fakeif_take_sent_buf(ifp, b, sizeof(b)) == 20);
		NT_CHECK(b[0] == (uint8_t)i);
	}
	/* Queued and sent frames are freed with the interface. */
	fakeif_hold(ifp, true);
	for (int i = 0; i < 10; i++)
		if_transmit(ifp, frame(1, 30));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

static struct ifnet *hook_ifp;
static int hook_calls, hook_state, hook_detached;

static void
link_hook(struct ifnet *ifp, int state)
{
	NT_CHECK(mutex_owned(&net_lock));
	if (ifp != hook_ifp)
		return;
	hook_calls++;
	hook_state = state;
}

static void
detach_hook(struct ifnet *ifp)
{
	NT_CHECK(mutex_owned(&net_lock));
	if (ifp == hook_ifp)
		hook_detached++;
}

NT_CASE(if_link_and_detach_hooks)
{
	struct ifnet *ifp = fakeif_create("iflk0", NULL);

	if_link_hook(link_hook);
	if_detach_hook(detach_hook);
	hook_ifp = ifp;
	NT_CHECK(ifp->if_link_state == LINK_STATE_UP);
	NT_CHECK(nt_dmesg_has("iflk0: link up"));
	fakeif_set_link(ifp, true);	/* no change: no call */
	NT_CHECK(hook_calls == 0);
	fakeif_set_link(ifp, false);
	NT_CHECK(hook_calls == 1 && hook_state == LINK_STATE_DOWN);
	NT_CHECK(ifp->if_link_state == LINK_STATE_DOWN);
	NT_CHECK(nt_dmesg_has("iflk0: link down"));
	mutex_enter(&net_lock);
	if_link_state_change(ifp, LINK_STATE_UP);
	mutex_exit(&net_lock);
	NT_CHECK(hook_calls == 2 && hook_state == LINK_STATE_UP);
	fakeif_destroy(ifp);
	NT_CHECK(hook_detached == 1);
	hook_ifp = NULL;
}

struct tapcount {
	int tc_in, tc_out;
	unsigned tc_lastlen;
};

static void
tap_fn(void *arg, struct ifnet *ifp, const struct mbuf *m, int dir)
{
	struct tapcount *tc = arg;

	(void)ifp;
	NT_CHECK(mutex_owned(&net_lock));
	if (dir == IF_TAP_IN)
		tc->tc_in++;
	else
		tc->tc_out++;
	tc->tc_lastlen = m->m_pkthdr.len;
}

NT_CASE(if_taps_see_both_directions)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct tapcount tc = {0, 0, 0};
	struct if_tap t = {tap_fn, &tc, NULL};
	uint8_t f[60];

	nt_leak_start(&lk);
	ifp = fakeif_create("iftap0", NULL);
	memset(f, 0xff, sizeof(f));
	if_tap_attach(ifp, &t);
	if_transmit(ifp, frame(0, 42));
	NT_CHECK(tc.tc_out == 1 && tc.tc_lastlen == 42);
	fakeif_inject(ifp, f, sizeof(f));
	fakeif_inject(ifp, f, 3);	/* a runt is seen too */
	NT_CHECK(tc.tc_in == 2 && tc.tc_lastlen == 3);
	if_tap_detach(ifp, &t);
	fakeif_inject(ifp, f, sizeof(f));
	if_transmit(ifp, frame(0, 42));
	NT_CHECK(tc.tc_in == 2 && tc.tc_out == 1);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

static char stats_out[2048];

static void
stats_line(void *arg, const char *line)
{
	(void)arg;
	strncat(stats_out, line, sizeof(stats_out) - strlen(stats_out) - 2);
	strcat(stats_out, "\n");
}

NT_CASE(if_stat_names_and_print)
{
	struct ifnet *ifp = fakeif_create("ifst0", NULL);

	for (int i = 0; i < IFS_MAX; i++) {
		NT_CHECK(if_stat_names[i] != NULL && if_stat_names[i][0]);
		for (int j = 0; j < i; j++)
			NT_CHECK(strcmp(if_stat_names[i],
			    if_stat_names[j]) != 0);
	}
	NT_CHECK(strcmp(if_stat_names[IFS_IPACKETS], "ipackets") == 0);
	NT_CHECK(strcmp(if_stat_names[IFS_DHCP_BAD], "dhcp_bad") == 0);
	if_stat_add(ifp, IFS_RUNT, 3);
	if_stat_add(ifp, IFS_UDP_NOPORT, 12345678901ull);
	stats_out[0] = '\0';
	if_stats_print(ifp, stats_line, NULL);
	NT_CHECK(strcmp(stats_out, "ifst0: runt 3\n"
	    "ifst0: udp_noport 12345678901\n") == 0);
	fakeif_destroy(ifp);
}
