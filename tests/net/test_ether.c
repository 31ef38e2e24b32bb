/*
 * Ethernet: attach defaults, output framing and its errors, input
 * filtering (runts, foreign unicast, broadcast, the multicast filter and
 * its reference counts, promiscuous and all-multicast modes), dispatch
 * by ethertype, NOPROTO cases, CRC-32 and address printing. Every input
 * case runs over every frame shape fakeif builds and leaks nothing.
 */
#include <errno.h>
#include <string.h>

#include <kern/kthread.h>
#include <kern/mutex.h>
#include <net/netif.h>

#include "fakeif.h"
#include "nt.h"

#define ETHERTYPE_TEST 0x88b5	/* IEEE local experimental */

static const uint8_t my_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t other_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x56};
static const uint8_t peer_mac[6] = {0x02, 0x99, 0x88, 0x77, 0x66, 0x55};
static const uint8_t mc_mac[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};

/* What the test protocol received last. */
static struct {
	int r_calls;
	struct ifnet *r_ifp;
	unsigned r_len, r_flags;
	uint8_t r_data[1600];
	int r_locked;
	unsigned r_total;
} rx;

static void
test_input(struct ifnet *ifp, struct mbuf *m)
{
	rx.r_calls++;
	rx.r_total++;
	rx.r_ifp = m->m_pkthdr.rcvif == ifp ? ifp : NULL;
	rx.r_len = m->m_pkthdr.len;
	rx.r_flags = m->m_flags;
	rx.r_locked = mutex_owned(&net_lock);
	if (rx.r_len <= sizeof(rx.r_data) && rx.r_len == m_length(m))
		m_copydata(m, 0, rx.r_len, rx.r_data);
	m_freem(m);
}

static void
register_once(void)
{
	static int done;

	if (!done) {
		NT_CHECK(ether_register(ETHERTYPE_TEST, test_input) == 0);
		NT_CHECK(ether_register(ETHERTYPE_TEST, test_input) == EEXIST);
		done = 1;
	}
}

/* A frame dst, peer_mac, type, then plen payload bytes i*5+1. */
static unsigned
mkframe(uint8_t *f, const uint8_t *dst, uint16_t type, unsigned plen)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	for (unsigned i = 0; i < plen; i++)
		f[14 + i] = (uint8_t)(i * 5 + 1);
	return 14 + plen;
}

/*
 * Injects the frame once per shape; returns how many reached the test
 * protocol intact (header stripped, payload right).
 */
static int
inject_all_shapes(struct ifnet *ifp, const uint8_t *f, unsigned len)
{
	int ok = 0;

	for (int s = 0; s < FAKEIF_RANDOM; s++) {
		rx.r_calls = 0;
		fakeif_inject_shaped(ifp, f, len, (enum fakeif_shape)s);
		if (rx.r_calls == 1 && rx.r_ifp == ifp && rx.r_locked &&
		    rx.r_len == len - 14 &&
		    memcmp(rx.r_data, f + 14, len - 14) == 0)
			ok++;
	}
	return ok;
}

NT_CASE(ether_attach_defaults)
{
	struct ifnet *ifp = fakeif_create("eta0", my_mac);
	char buf[18];

	NT_CHECK(ifp->if_addrlen == 6 && ifp->if_hdrlen == 14);
	NT_CHECK(ifp->if_mtu == 1500 && ifp->if_output != NULL);
	NT_CHECK((ifp->if_flags & (IFF_BROADCAST | IFF_MULTICAST)) ==
	    (IFF_BROADCAST | IFF_MULTICAST));
	NT_CHECK(memcmp(ifp->if_lladdr, my_mac, 6) == 0);
	NT_CHECK(strcmp(ether_sprintf(buf, my_mac), "02:11:22:33:44:55") == 0);
	NT_CHECK(strcmp(ether_sprintf(buf, etherbroadcastaddr),
	    "ff:ff:ff:ff:ff:ff") == 0);
	NT_CHECK(nt_dmesg_has("eta0: Ethernet address 02:11:22:33:44:55"));
	fakeif_destroy(ifp);
}

NT_CASE(ether_crc32_vectors)
{
	static const uint8_t zero[4];

	NT_CHECK_EQ(ether_crc32_le((const uint8_t *)"123456789", 9),
	    0xcbf43926u);
	NT_CHECK_EQ(ether_crc32_be((const uint8_t *)"123456789", 9),
	    0xfc891918u);
	NT_CHECK_EQ(ether_crc32_le(zero, 0), 0);
	NT_CHECK_EQ(ether_crc32_le(zero, 4), 0x2144df1cu);
	NT_CHECK_EQ(ether_crc32_le((const uint8_t *)"a", 1), 0xe8b7be43u);
}

static int
output(struct ifnet *ifp, struct mbuf *m, uint16_t type, const uint8_t *dst)
{
	int rv;

	mutex_enter(&net_lock);
	rv = ifp->if_output(ifp, m, type, dst);
	mutex_exit(&net_lock);
	return rv;
}

NT_CASE(ether_output_frames_and_errors)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct mbuf *m;
	uint8_t f[1600], pay[1501];

	nt_leak_start(&lk);
	ifp = fakeif_create("eto0", my_mac);
	memset(pay, 0x5a, sizeof(pay));
	m = m_gethdr(M_NOWAIT);
	m_append(m, 46, pay);
	NT_CHECK(output(ifp, m, 0x0800, peer_mac) == 0);
	NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) == 60);
	NT_CHECK(memcmp(f, peer_mac, 6) == 0 && memcmp(f + 6, my_mac, 6) == 0);
	NT_CHECK(f[12] == 0x08 && f[13] == 0x00 && f[14] == 0x5a);
	NT_CHECK(if_stat_get(ifp, IFS_OMCASTS) == 0);
	/* Short payloads are not padded here; multicast is counted. */
	m = m_gethdr(M_NOWAIT);
	m->m_data += M_LINKSPACE;
	m_append(m, 3, pay);
	NT_CHECK(output(ifp, m, 0x0806, etherbroadcastaddr) == 0);
	NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) == 17);
	NT_CHECK(f[0] == 0xff && f[12] == 0x08 && f[13] == 0x06);
	NT_CHECK(if_stat_get(ifp, IFS_OMCASTS) == 1);
	/* A full-size payload goes; one byte more does not. */
	m = m_gethdr(M_NOWAIT);
	m_append(m, 1500, pay);
	NT_CHECK(output(ifp, m, 0x0800, peer_mac) == 0);
	NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) == 1514);
	m = m_gethdr(M_NOWAIT);
	m_append(m, 1501, pay);
	NT_CHECK(output(ifp, m, 0x0800, peer_mac) == EMSGSIZE);
	NT_CHECK(if_stat_get(ifp, IFS_OERRORS) == 1);
	if_down(ifp);
	m = m_gethdr(M_NOWAIT);
	m_append(m, 10, pay);
	NT_CHECK(output(ifp, m, 0x0800, peer_mac) == ENETDOWN);
	NT_CHECK(if_stat_get(ifp, IFS_OERRORS) == 2);
	NT_CHECK(fakeif_sent_count(ifp) == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ether_input_runts)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	uint8_t f[64];

	register_once();
	nt_leak_start(&lk);
	ifp = fakeif_create("etr0", my_mac);
	mkframe(f, my_mac, ETHERTYPE_TEST, 20);
	for (unsigned len = 0; len < ETHER_HDR_LEN; len++)
		NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_RUNT), 14 * FAKEIF_RANDOM);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IPACKETS), 0);
	/* The header alone is a frame with an empty payload. */
	NT_CHECK(inject_all_shapes(ifp, f, 14) == FAKEIF_RANDOM);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ether_input_unicast_broadcast)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	uint8_t f[1514];
	unsigned len;

	register_once();
	nt_leak_start(&lk);
	ifp = fakeif_create("etu0", my_mac);
	len = mkframe(f, my_mac, ETHERTYPE_TEST, 1500);
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	NT_CHECK((rx.r_flags & (M_BCAST | M_MCAST)) == 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IPACKETS), FAKEIF_RANDOM);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IBYTES), 1514 * FAKEIF_RANDOM);
	/* Someone else's unicast: dropped, counted, not accepted. */
	len = mkframe(f, other_mac, ETHERTYPE_TEST, 100);
	NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IQDROPS), FAKEIF_RANDOM);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IPACKETS), FAKEIF_RANDOM);
	ifp->if_flags |= IFF_PROMISC;
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	ifp->if_flags &= ~IFF_PROMISC;
	/* Broadcast. */
	len = mkframe(f, etherbroadcastaddr, ETHERTYPE_TEST, 46);
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	NT_CHECK((rx.r_flags & (M_BCAST | M_MCAST)) == M_BCAST);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IMCASTS), FAKEIF_RANDOM);
	/* Down: nothing goes up. */
	if_down(ifp);
	len = mkframe(f, my_mac, ETHERTYPE_TEST, 46);
	NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IQDROPS), 2 * FAKEIF_RANDOM);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ether_input_multicast_filter)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct fakeif_counts c0, c1;
	uint8_t f[200];
	unsigned len;

	register_once();
	nt_leak_start(&lk);
	ifp = fakeif_create("etm0", my_mac);
	len = mkframe(f, mc_mac, ETHERTYPE_TEST, 50);
	NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IQDROPS), FAKEIF_RANDOM);
	fakeif_get_counts(ifp, &c0);
	mutex_enter(&net_lock);
	NT_CHECK(ether_addmulti(ifp, mc_mac) == 0);
	NT_CHECK(ether_addmulti(ifp, mc_mac) == 0);
	NT_CHECK(ether_addmulti(ifp, my_mac) == EINVAL);
	NT_CHECK(ether_multi_count(ifp) == 1);
	mutex_exit(&net_lock);
	fakeif_get_counts(ifp, &c1);
	NT_CHECK(c1.fc_mcast_update == c0.fc_mcast_update + 1);
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	NT_CHECK((rx.r_flags & (M_BCAST | M_MCAST)) == M_MCAST);
	mutex_enter(&net_lock);
	NT_CHECK(ether_delmulti(ifp, mc_mac) == 0);	/* one ref left */
	mutex_exit(&net_lock);
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	mutex_enter(&net_lock);
	NT_CHECK(ether_delmulti(ifp, mc_mac) == 0);
	NT_CHECK(ether_delmulti(ifp, mc_mac) == ENOENT);
	NT_CHECK(ether_multi_count(ifp) == 0);
	mutex_exit(&net_lock);
	fakeif_get_counts(ifp, &c1);
	NT_CHECK(c1.fc_mcast_update == c0.fc_mcast_update + 2);
	NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	ifp->if_flags |= IFF_ALLMULTI;
	NT_CHECK(inject_all_shapes(ifp, f, len) == FAKEIF_RANDOM);
	ifp->if_flags &= ~IFF_ALLMULTI;
	/* A filter the driver cannot program is not kept. */
	fakeif_mcast_fail(ifp, EIO);
	mutex_enter(&net_lock);
	NT_CHECK(ether_addmulti(ifp, mc_mac) == EIO);
	NT_CHECK(ether_multi_count(ifp) == 0);
	mutex_exit(&net_lock);
	fakeif_mcast_fail(ifp, 0);
	/* Entries left at detach are freed (ASan would see a leak). */
	mutex_enter(&net_lock);
	NT_CHECK(ether_addmulti(ifp, mc_mac) == 0);
	mutex_exit(&net_lock);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IMCASTS), 3 * FAKEIF_RANDOM);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ether_input_noproto)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	uint8_t f[200];
	uint16_t types[] = {0x88b6, ETHERTYPE_VLAN, 0x0040, 0x05dc};
	unsigned len, n = sizeof(types) / sizeof(types[0]);

	register_once();
	nt_leak_start(&lk);
	ifp = fakeif_create("etn0", my_mac);
	for (unsigned i = 0; i < n; i++) {
		len = mkframe(f, my_mac, types[i], 60);
		NT_CHECK(inject_all_shapes(ifp, f, len) == 0);
	}
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO), n * FAKEIF_RANDOM);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IPACKETS), n * FAKEIF_RANDOM);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* ---- several threads receiving and sending at once ---------------------- */

#define STRESS_THREADS 3
#define STRESS_FRAMES 1500

struct stress {
	struct ifnet *s_ifp;
	int s_seed;
};

static void
stress_rx(void *arg)
{
	struct stress *st = arg;
	uint8_t f[300];
	unsigned len;

	for (int i = 0; i < STRESS_FRAMES; i++) {
		len = mkframe(f, i % 7 == 0 ? etherbroadcastaddr : my_mac,
		    ETHERTYPE_TEST, (unsigned)(i + st->s_seed) % 280);
		fakeif_inject_shaped(st->s_ifp, f, len, FAKEIF_RANDOM);
	}
}

static void
stress_tx(void *arg)
{
	struct stress *st = arg;
	uint8_t pay[100] = {0};
	struct mbuf *m;

	for (int i = 0; i < STRESS_FRAMES; i++) {
		if ((m = m_gethdr(M_NOWAIT)) == NULL ||
		    m_append(m, (unsigned)i % 100, pay) != 0) {
			m_freem(m);
			continue;
		}
		(void)output(st->s_ifp, m, ETHERTYPE_TEST, peer_mac);
		if (i % 50 == 0)
			fakeif_drop_sent(st->s_ifp);
	}
}

NT_CASE(ether_threads_receive_and_send)
{
	struct nt_leak lk;
	struct stress st[STRESS_THREADS + 1];
	struct lwp *l[STRESS_THREADS + 1];
	unsigned total0;
	uint64_t sent;

	register_once();
	nt_leak_start(&lk);
	total0 = rx.r_total;
	st[0].s_ifp = fakeif_create("ets0", my_mac);
	for (int i = 0; i <= STRESS_THREADS; i++) {
		st[i] = st[0];
		st[i].s_seed = i;
		NT_CHECK(kthread_create(i == 0 ? stress_tx : stress_rx, &st[i],
		    "stress", KTHREAD_MUSTJOIN, &l[i]) == 0);
	}
	for (int i = 0; i <= STRESS_THREADS; i++)
		NT_CHECK(kthread_join(l[i]) == 0);
	NT_CHECK_EQ(rx.r_total - total0, STRESS_THREADS * STRESS_FRAMES);
	NT_CHECK_EQ(if_stat_get(st[0].s_ifp, IFS_IPACKETS),
	    STRESS_THREADS * STRESS_FRAMES);
	sent = if_stat_get(st[0].s_ifp, IFS_OPACKETS);
	NT_CHECK_EQ(sent + if_stat_get(st[0].s_ifp, IFS_OQDROPS) +
	    if_stat_get(st[0].s_ifp, IFS_OERRORS), STRESS_FRAMES);
	fakeif_destroy(st[0].s_ifp);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}
