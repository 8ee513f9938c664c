/*
 * digest.h - the office's daily digest (issue 18: due dates; issue 23: a
 * failed delivery reaches a person)
 *
 * Contract: digest_check() is run by the digest office job (stages/
 * office.c) every DIGEST_CHECK_SECS.  Once a day, from roi.conf [notify]
 * digest_at (HH:MM, local time; empty: never), it mails [notify] to,
 * through [notify] command (no shell), what needs a person: cases
 * overdue, cases due within DIGEST_SOON_DAYS days, cases on hold waiting
 * for information, fax deliveries that gave up.  Case ids only: no
 * patient's name, no requester, no record.  Nothing is sent on a day
 * when all four lists are empty, or when no one is set under to.  A day
 * sent is a digests row; a failed send is recorded there and tried again
 * at the next check.  Returns 1 sent, 0 not (nothing due, not yet time,
 * sent already, or the send failed: warned), -1 a store error.
 * digest_text() is the message alone (To:, Subject:, body) for the day
 * of now, into a malloc'd *out; 0 when there is nothing to say (*out
 * NULL), 1 with a message, -1 out of memory or a store error.
 */
#ifndef ROI_DIGEST_H
#define ROI_DIGEST_H
#include <time.h>

#include "config.h"
#include "store.h"

#define DIGEST_CHECK_SECS	600
#define DIGEST_SOON_DAYS	7

int	digest_text(struct store *st, const struct config *cfg, time_t now, char **out);
int	digest_check(struct store *st, const char *home, const struct config *cfg, time_t now);
#endif
