/*
 * A fake Ethernet interface for the network stack host tests.
 *
 * fakeif_create attaches it with ether_ifattach, brings it up (if_up)
 * and reports link up (so link hooks run). What the stack sends lands,
 * frame by frame (Ethernet header first), in a "sent" queue the test
 * takes from; what the test injects goes through ether_input as if a
 * driver had received it. Callable with or without net_lock, from the
 * test thread (which holds a CPU).
 *
 * Injected frames can be built in several shapes, to exercise chain
 * handling in the code above: one flat mbuf, a chain of small mbufs, a
 * caller-owned external buffer (zero-copy receive, as a driver does),
 * a cluster, or a random mix. fakeif_set_shape changes the default for
 * fakeif_inject; FAKEIF_RANDOM is deterministic per interface.
 */
#ifndef TESTS_NET_FAKEIF_H
#define TESTS_NET_FAKEIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/mbuf.h>
#include <net/netif.h>

enum fakeif_shape {
	FAKEIF_FLAT,	/* one mbuf (cluster if over MLEN) */
	FAKEIF_SPLIT,	/* a chain of mbufs of 1..7 bytes, then the rest */
	FAKEIF_EXT,	/* one external buffer, as m_gethdr_ext */
	FAKEIF_EXT_SPLIT, /* external buffer cut into several shared mbufs */
	FAKEIF_RANDOM,	/* each frame one of the above, at random */
};

/* name: "fake0"; mac NULL: 02:00:00:00:00:<n>. Never NULL. */
struct ifnet *fakeif_create(const char *name, const uint8_t *mac);
/* ether_ifdetach, frees what was sent and not taken. */
void fakeif_destroy(struct ifnet *ifp);

/* The oldest frame sent and not taken yet (caller frees), or NULL. */
struct mbuf *fakeif_take_sent(struct ifnet *ifp);
/*
 * Copies the oldest sent frame into buf (at most len bytes), frees it and
 * returns its whole length; 0 when nothing was sent.
 */
size_t fakeif_take_sent_buf(struct ifnet *ifp, void *buf, size_t len);
unsigned fakeif_sent_count(struct ifnet *ifp);
/* Frees every sent frame not taken yet. */
void fakeif_drop_sent(struct ifnet *ifp);
/* While held, if_start leaves frames in if_snd (a full transmit ring). */
void fakeif_hold(struct ifnet *ifp, bool hold);

/* Builds a frame of len bytes in the default shape; ether_input. */
void fakeif_inject(struct ifnet *ifp, const void *frame, size_t len);
void fakeif_inject_shaped(struct ifnet *ifp, const void *frame, size_t len,
    enum fakeif_shape shape);
void fakeif_set_shape(struct ifnet *ifp, enum fakeif_shape shape);
/* The mbuf chain fakeif_inject would build (for tests of mbuf code). */
struct mbuf *fakeif_build(const void *frame, size_t len,
    enum fakeif_shape shape, uint64_t *rnd);

/* if_link_state_change(LINK_STATE_UP/DOWN). */
void fakeif_set_link(struct ifnet *ifp, bool up);

/* Counts of driver calls, and a failure switch for the filter update. */
struct fakeif_counts {
	unsigned fc_init;
	unsigned fc_stop;
	unsigned fc_start;
	unsigned fc_mcast_update;
};
void fakeif_get_counts(struct ifnet *ifp, struct fakeif_counts *fc);
void fakeif_mcast_fail(struct ifnet *ifp, int error);

/* External receive buffers handed out by fakeif_build and not freed. */
unsigned fakeif_ext_outstanding(void);

#endif
