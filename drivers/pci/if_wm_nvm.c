/*
 * wm: the station address from the NVM (EEPROM on the 82540EM, flash
 * behind the same EERD interface on the 82574L).
 *
 * EERD: write the word address with START, poll DONE, take the data
 * from the upper half. The field positions differ: 8254x SDM 13.4.4
 * (DONE bit 4, address bits 15:8), 82574 datasheet 10.2.2.x (DONE bit
 * 1, address bits 15:2). Words 0..2 hold the MAC, low byte first;
 * words 0..0x3f sum to 0xBABA. A bad sum is reported and the address
 * still used (the hardware loaded it into RAL0/RAH0 the same way); if
 * the NVM does not answer, the address the hardware loaded into
 * RAL0/RAH0 at reset is used instead.
 */
#include <errno.h>
#include <stdint.h>

#include <kern/callout.h>
#include <kern/klog.h>

#include "if_wmvar.h"

#define WM_EERD_TIMEOUT_US 10000	/* one word; the manuals give ~us */
#define WM_EERD_POLL_US 5

/* Busy-waits on EERD (microseconds, at attach only); 0 or ETIMEDOUT. */
static int
wm_nvm_read_word(struct wm_softc *sc, unsigned word, uint16_t *vp)
{
	uint32_t done, v;
	unsigned shift;
	uint64_t deadline;

	if (sc->sc_chip == WM_T_82574) {
		done = WM_EERD_DONE_82574;
		shift = WM_EERD_ADDR_SHIFT_82574;
	} else {
		done = WM_EERD_DONE_8254X;
		shift = WM_EERD_ADDR_SHIFT_8254X;
	}
	wm_write(sc, WM_EERD, (uint32_t)word << shift | WM_EERD_START);
	deadline = kclock_ns() + WM_EERD_TIMEOUT_US * 1000ULL;
	for (;;) {
		v = wm_read(sc, WM_EERD);
		if (v & done) {
			*vp = WM_EERD_DATA(v);
			return 0;
		}
		if (kclock_ns() > deadline)
			return ETIMEDOUT;
	}
}

/* The address in RAL0/RAH0, if the hardware marked it valid. */
static int
wm_mac_from_ral(struct wm_softc *sc)
{
	uint32_t lo = wm_read(sc, WM_RAL0), hi = wm_read(sc, WM_RAH0);
	bool zero = true;

	if (!(hi & WM_RAH_AV))
		return ENOENT;
	for (int i = 0; i < 4; i++)
		sc->sc_mac[i] = (uint8_t)(lo >> (8 * i));
	sc->sc_mac[4] = (uint8_t)hi;
	sc->sc_mac[5] = (uint8_t)(hi >> 8);
	for (int i = 0; i < ETHER_ADDR_LEN; i++)
		zero = zero && sc->sc_mac[i] == 0;
	return zero || (sc->sc_mac[0] & 1) ? EINVAL : 0;
}

int
wm_nvm_read_mac(struct wm_softc *sc)
{
	uint16_t w, sum = 0;
	unsigned i;
	int rv;

	for (i = 0; i < WM_NVM_CSUM_WORDS; i++) {
		if ((rv = wm_nvm_read_word(sc, i, &w)) != 0)
			break;
		if (i < 3) {
			sc->sc_mac[2 * i] = (uint8_t)w;
			sc->sc_mac[2 * i + 1] = (uint8_t)(w >> 8);
		}
		sum = (uint16_t)(sum + w);
	}
	if (i == WM_NVM_CSUM_WORDS) {
		if (sum != WM_NVM_CSUM)
			aprint_error(sc->sc_dev, "NVM checksum 0x%04x, expected "
			    "0x%04x; using its address anyway", sum,
			    WM_NVM_CSUM);
		return 0;
	}
	aprint_error(sc->sc_dev, "NVM read of word %u timed out (EERD DONE "
	    "not set after %u us); using RAL0/RAH0", i, WM_EERD_TIMEOUT_US);
	if ((rv = wm_mac_from_ral(sc)) != 0)
		aprint_error(sc->sc_dev, "no valid address in RAL0/RAH0");
	return rv;
}
