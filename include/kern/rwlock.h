/*
 * Reader/writer locks over the rumpuser rwlock hypercalls. A thread that
 * has to wait releases its rump kernel CPU meanwhile. Waiting writers
 * hold back new readers. rw_write_held() is exact for the caller;
 * rw_read_held() only says that someone holds the lock shared.
 */
#ifndef KERN_RWLOCK_H
#define KERN_RWLOCK_H

#include <stdbool.h>

struct rumpuser_rw;

typedef enum { RW_READER, RW_WRITER } krw_t;

/* Members are private to sys/kern/rwlock.c. */
typedef struct krwlock {
	struct rumpuser_rw *rw_hyp;
} krwlock_t;

void rw_init(krwlock_t *rw);
void rw_destroy(krwlock_t *rw);
void rw_enter(krwlock_t *rw, krw_t op);
bool rw_tryenter(krwlock_t *rw, krw_t op);
void rw_exit(krwlock_t *rw);
/* Only for the sole reader; true on success (then held as writer). */
bool rw_tryupgrade(krwlock_t *rw);
void rw_downgrade(krwlock_t *rw);
bool rw_write_held(krwlock_t *rw);
bool rw_read_held(krwlock_t *rw);
bool rw_lock_held(krwlock_t *rw);

#endif
