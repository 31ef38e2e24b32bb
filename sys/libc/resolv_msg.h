/*
 * DNS messages (RFC 1035 section 4) for the stub resolver: building an
 * A or PTR query and checking and reading the answer. Pure functions over
 * byte buffers, with no kernel and no sockets, so the host unit tests
 * (tests/unit/test_resolv.c) compile them as they are. Private to
 * sys/libc.
 *
 * Names cross these functions in wire form: length-prefixed labels
 * ending with the root's zero byte, at most DNS_MAXNAME bytes, with no
 * compression pointers. Comparisons ignore ASCII case (RFC 4343).
 */
#ifndef SYS_LIBC_RESOLV_MSG_H
#define SYS_LIBC_RESOLV_MSG_H

#include <stdbool.h>
#include <stdint.h>

#define DNS_PORT 53
#define DNS_HDRLEN 12
#define DNS_MAXUDP 512		/* RFC 1035 4.2.1, without EDNS */
#define DNS_MAXNAME 255		/* wire form, root byte included */
#define DNS_MAXLABEL 63
#define DNS_MAXADDRS 16		/* A records kept from one answer */
#define DNS_MAXCNAME 8		/* CNAME links followed per name */
#define DNS_MAXJUMPS 32		/* compression pointers per name */

#define DNS_T_A 1
#define DNS_T_CNAME 5
#define DNS_T_PTR 12
#define DNS_C_IN 1

/* Header flag bits (second 16-bit word). */
#define DNS_F_QR 0x8000
#define DNS_F_OPCODE 0x7800
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_RCODE 0x000f

#define DNS_R_NOERROR 0
#define DNS_R_FORMERR 1
#define DNS_R_SERVFAIL 2
#define DNS_R_NXDOMAIN 3
#define DNS_R_NOTIMP 4
#define DNS_R_REFUSED 5

enum dns_status {
	DNS_OK,			/* records of the asked type for the name */
	DNS_NODATA,		/* NOERROR, none of the type (maybe a CNAME) */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_SERVFAIL,		/* the server could not answer: ask another */
	DNS_REFUSED,		/* REFUSED, NOTIMP, FORMERR and unknown codes */
	DNS_TRUNCATED,		/* TC set: no TCP fallback here */
	DNS_MALFORMED,		/* fails our checks: rejected */
	DNS_NOTOURS,		/* id or question differ: keep waiting */
};

struct dns_result {
	uint32_t dr_addr[DNS_MAXADDRS];	/* A records, network order */
	unsigned dr_naddr;
	/* The name the records belong to after the CNAMEs (for A), or the
	 * PTR target (for PTR); wire form. */
	uint8_t dr_name[DNS_MAXNAME];
	unsigned dr_namelen;
	unsigned dr_ncname;		/* CNAME links followed */
	uint32_t dr_ttl;		/* smallest TTL of what was used */
};

/*
 * Text name ("www.example.com", one trailing dot allowed) to wire form.
 * Labels of 1..63 printable ASCII bytes other than '.' and '\';
 * 0, or -1 if the name is empty, too long or has a bad label.
 */
int dns_name_from_text(const char *text, uint8_t *wire, unsigned cap,
    unsigned *len);
/*
 * Wire form to text without the trailing dot ("." for the root). -1 if
 * it does not fit in cap bytes (with the NUL) or a label holds a byte
 * dns_name_from_text would refuse.
 */
int dns_name_to_text(const uint8_t *wire, unsigned len, char *text,
    unsigned cap);
bool dns_name_equal(const uint8_t *a, unsigned alen, const uint8_t *b,
    unsigned blen);
/*
 * Reads the possibly compressed name at off of msg into out (wire form,
 * at least DNS_MAXNAME bytes): 0 with *outlen and *next (the offset
 * after the name where it starts), or -1 if it runs past the message,
 * uses a reserved label type, is longer than DNS_MAXNAME, or follows a
 * pointer that does not go strictly backwards (which also rules out
 * loops) or more than DNS_MAXJUMPS of them.
 */
int dns_name_read(const uint8_t *msg, unsigned len, unsigned off,
    uint8_t *out, unsigned *outlen, unsigned *next);

/* A standard query with RD set: 0 and *len, or -1 if cap is too small. */
int dns_query_build(uint16_t id, const uint8_t *qname, unsigned qlen,
    uint16_t qtype, uint8_t *buf, unsigned cap, unsigned *len);
/*
 * Checks a response against the query (id, QR, opcode, one question
 * equal to ours, TC, RCODE) and reads the answer section: the CNAME
 * chain from qname (at most DNS_MAXCNAME links), then the records of
 * qtype class IN owned by the chain's last name. Every record of the
 * answer section is bounds-checked, whether used or not.
 */
enum dns_status dns_response_parse(const uint8_t *msg, unsigned len,
    uint16_t id, const uint8_t *qname, unsigned qlen, uint16_t qtype,
    struct dns_result *r);

/* The in-addr.arpa name of an IPv4 address (network order). */
int dns_ptr_name(uint32_t addr, uint8_t *wire, unsigned cap,
    unsigned *len);

#endif
