/*
 * user.h - the people who sign in to roi serve
 *
 * Contract: a person has a name (USER_NAMEOK: a letter, then letters,
 * digits, '.', '_' or '-', at most 32), a role and a password stored only
 * as an argon2id hash (libsodium crypto_pwhash_str, interactive limits):
 *
 *   reviewer  reads cases, keeps and restores proposals, adds redactions,
 *             withholds and includes records, approves and rejects;
 *   staff     reads the queue and cases (attaching records, request types
 *             and letters are theirs in the CLI); cannot change a review;
 *   auditor   reads.
 *
 * user_login() is the only way a password is checked.  USER_LOCK_FAILURES
 * wrong passwords in a row lock the account for USER_LOCK_SECS; while it is
 * locked even the right password is refused, and nothing tells a stranger
 * whether a name exists (an unknown name costs the same hash).  Every
 * sign-in, failure, lock-out and change is a user_events row.  A removed
 * person stays as a disabled row: the name in the review history keeps
 * meaning one person and is never given to another.  The CLI (roi user)
 * runs as the OS login, which is `by` in the events.
 *
 * Returns: 0 done, 1 refused (why: one line, no password), -1 error (printed).
 * SECURITY: passwords are wiped by the caller; they are never stored,
 * logged or passed in argv.
 */
#ifndef ROI_USER_H
#define ROI_USER_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "store.h"

#define USER_NAMELEN		33	/* 32 and the NUL */
#define USER_PASS_MIN		10
#define USER_PASS_MAX		128
#define USER_LOCK_FAILURES	5
#define USER_LOCK_SECS		(15 * 60)

enum user_role { USER_NONE = -1, USER_REVIEWER, USER_STAFF, USER_AUDITOR };

/* user_name_ok - 1 if name is a valid person's name */
int		user_name_ok(const char *name);
/* user_role_parse - "reviewer" ... to the role; USER_NONE if not one */
enum user_role	user_role_parse(const char *s);
const char	*user_role_name(enum user_role r);
/* user_pass_ok - 1 if the password is acceptable, else 0 with why */
int		user_pass_ok(const char *pass, char *why, size_t whylen);

int	user_add(struct store *st, const char *name, enum user_role role, const char *pass,
	    const char *by, char *why, size_t whylen);
/* user_passwd - a new password; it also lifts a lock-out */
int	user_passwd(struct store *st, const char *name, const char *pass, const char *by,
	    char *why, size_t whylen);
/* user_del - the person may not sign in any more (the row stays) */
int	user_del(struct store *st, const char *name, const char *by, char *why, size_t whylen);
/* user_list_json - every person: name, role, state (active, locked,
 * removed), failures, last sign-in; NULL on error */
json_t	*user_list_json(struct store *st, time_t now);

/* user_login - check name and password at now: 0 signed in (*role set),
 * 1 refused (why: "wrong name or password", or the lock-out), -1 error */
int	user_login(struct store *st, const char *name, const char *pass, time_t now,
	    const char *from, enum user_role *role, char *why, size_t whylen);
/* user_event - one user_events row (logout, and the server's own) */
int	user_event(struct store *st, const char *name, const char *event, const char *by,
	    const char *detail);
/* user_role_of - the role of an active person now, USER_NONE otherwise */
enum user_role user_role_of(struct store *st, const char *name);

#endif
