/*
 * user.c - the people who sign in to roi serve (user.h)
 *
 * SECURITY: holds password hashes (argon2id, crypto_pwhash_str) in the
 * store; a password is only ever hashed or verified here and never
 * written anywhere.  Lock-out state lives in the store, so restarting the
 * server does not reset it.
 * FILES: HOME/roi.db (through store.h).
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "msg.h"
#include "user.h"

static const char *const roles[] = { "reviewer", "staff", "auditor" };

int
user_name_ok(const char *name)
{
	size_t i;

	if (name == NULL || !isalpha((unsigned char)name[0]))
		return 0;
	for (i = 0; name[i]; i++)
		if (i >= USER_NAMELEN - 1 || !(isalnum((unsigned char)name[i]) || name[i] == '.' ||
		    name[i] == '_' || name[i] == '-') || (unsigned char)name[i] > 0x7f)
			return 0;
	return 1;
}

enum user_role
user_role_parse(const char *s)
{
	int i;

	for (i = 0; s && i < 3; i++)
		if (strcmp(s, roles[i]) == 0)
			return (enum user_role)i;
	return USER_NONE;
}

const char *
user_role_name(enum user_role r)
{
	return r >= USER_REVIEWER && r <= USER_AUDITOR ? roles[r] : "none";
}

int
user_pass_ok(const char *pass, char *why, size_t whylen)
{
	size_t n = pass ? strlen(pass) : 0;

	if (n < USER_PASS_MIN) {
		snprintf(why, whylen, "the password is too short: at least %d characters",
		    USER_PASS_MIN);
		return 0;
	}
	if (n > USER_PASS_MAX) {
		snprintf(why, whylen, "the password is too long: at most %d characters",
		    USER_PASS_MAX);
		return 0;
	}
	return 1;
}

int
user_event(struct store *st, const char *name, const char *event, const char *by,
    const char *detail)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO user_events(at, name, event, by, detail)"
	    " VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, clock_real());
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, event, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, detail ? detail : "", -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "user event");
	sqlite3_finalize(s);
	return rc;
}

/* hash - argon2id of pass into out; 0 or -1 */
static int
hash(const char *pass, char out[crypto_pwhash_STRBYTES])
{
	if (crypto_pwhash_str(out, pass, strlen(pass), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return msg_error("user: cannot hash the password: out of memory");
	return 0;
}

/* exists - 1 a row (disabled or not), 0 none, -1 error; *disabled set */
static int
exists(struct store *st, const char *name, int *disabled)
{
	sqlite3_stmt	*s = store_prepare(st, "SELECT disabled FROM users WHERE name = ?");
	int		rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && disabled)
		*disabled = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : store_err(st, "user");
}

/* change - run sql (?1 name, ?2 hash, ?3 now, ?4 role, ?5 by: parameters
 * sql does not name are not bound) and its event, one transaction */
static int
change(struct store *st, const char *sql, const char *name, const char *h, int role,
    const char *by, const char *event, const char *detail)
{
	sqlite3_stmt	*s;

	if (store_begin(st) == -1)
		return -1;
	if ((s = store_prepare(st, sql)) == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	if (h)
		sqlite3_bind_text(s, 2, h, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, clock_real());
	if (role >= 0)
		sqlite3_bind_text(s, 4, roles[role], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, by, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "user");
		goto fail;
	}
	sqlite3_finalize(s);
	if (user_event(st, name, event, by, detail) == -1 || store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
user_add(struct store *st, const char *name, enum user_role role, const char *pass,
    const char *by, char *why, size_t whylen)
{
	char	h[crypto_pwhash_STRBYTES];
	int	e, dis = 0, rc;

	if (!user_name_ok(name)) {
		snprintf(why, whylen, "'%s' is not a name roi takes: a letter, then letters, digits,"
		    " '.', '_' or '-', at most %d", name, USER_NAMELEN - 1);
		return 1;
	}
	if (role == USER_NONE) {
		snprintf(why, whylen, "a role is reviewer, staff or auditor");
		return 1;
	}
	if ((e = exists(st, name, &dis)) != 0) {
		if (e == 1)
			snprintf(why, whylen, dis ? "'%s' was removed: a name stays with the person it"
			    " was (the review history names them); choose another" :
			    "'%s' exists already (roi user passwd %s to change the password)",
			    name, name);
		return e;
	}
	if (!user_pass_ok(pass, why, whylen))
		return 1;
	if (hash(pass, h) == -1)
		return -1;
	rc = change(st, "INSERT INTO users(name, hash, created_at, role, created_by)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)", name, h, role, by, "add", roles[role]);
	sodium_memzero(h, sizeof h);
	return rc;
}

int
user_passwd(struct store *st, const char *name, const char *pass, const char *by, char *why,
    size_t whylen)
{
	char	h[crypto_pwhash_STRBYTES];
	int	e, dis = 0, rc;

	if ((e = exists(st, name, &dis)) != 1 || dis) {
		if (e == 0 || dis)
			snprintf(why, whylen, "no person '%s' (roi user list)", name);
		return e == -1 ? -1 : 1;
	}
	if (!user_pass_ok(pass, why, whylen))
		return 1;
	if (hash(pass, h) == -1)
		return -1;
	rc = change(st, "UPDATE users SET hash = ?2, failures = 0, locked_until = 0"
	    " WHERE name = ?1", name, h, -1,
	    by, "passwd", "");
	sodium_memzero(h, sizeof h);
	return rc;
}

int
user_del(struct store *st, const char *name, const char *by, char *why, size_t whylen)
{
	int e, dis = 0;

	if ((e = exists(st, name, &dis)) != 1 || dis) {
		if (e == 0 || dis)
			snprintf(why, whylen, "no person '%s' (roi user list)", name);
		return e == -1 ? -1 : 1;
	}
	return change(st, "UPDATE users SET disabled = 1, hash = '!' WHERE name = ?1", name,
	    NULL, -1, by, "del", "");
}

json_t *
user_list_json(struct store *st, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();
	char		t[CLOCK_FMTLEN];

	s = store_prepare(st, "SELECT name, role, disabled, locked_until, failures,"
	    " coalesce(last_login, 0) FROM users ORDER BY name");
	if (s == NULL) {
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i}", "name", store_col(s, 0),
		    "role", store_col(s, 1), "state", sqlite3_column_int(s, 2) ? "removed" :
		    sqlite3_column_int64(s, 3) > now ? "locked" : "active",
		    "failures", sqlite3_column_int(s, 4));

		json_object_set_new(o, "last_login", sqlite3_column_int64(s, 5) ?
		    json_string(clock_fmt_iso(sqlite3_column_int64(s, 5), t)) : json_null());
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

enum user_role
user_role_of(struct store *st, const char *name)
{
	sqlite3_stmt	*s = store_prepare(st, "SELECT role FROM users WHERE name = ? AND"
	    " disabled = 0");
	enum user_role	r = USER_NONE;

	if (s == NULL)
		return USER_NONE;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = user_role_parse(store_col(s, 0));
	sqlite3_finalize(s);
	return r;
}

/* record - the outcome of a sign-in: failures, lock, last login, event */
static int
record(struct store *st, const char *name, int ok, int failures, time_t lock, time_t now,
    const char *from)
{
	sqlite3_stmt	*s;

	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, ok ? "UPDATE users SET failures = 0, locked_until = 0,"
	    " last_login = ?3 WHERE name = ?1" :
	    "UPDATE users SET failures = ?2, locked_until = ?4 WHERE name = ?1");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, failures);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, lock);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_err(st, "user");
		goto fail;
	}
	sqlite3_finalize(s);
	if (user_event(st, name, ok ? "login" : lock ? "locked" : "failed", name, from) == -1 ||
	    store_commit(st) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
user_login(struct store *st, const char *name, const char *pass, time_t now, const char *from,
    enum user_role *role, char *why, size_t whylen)
{
	/* a hash of nothing anyone knows: an unknown name costs as much */
	static char	dummy[crypto_pwhash_STRBYTES];
	sqlite3_stmt	*s;
	char		h[crypto_pwhash_STRBYTES] = "";
	int		found = 0, failures = 0, ok;
	time_t		locked = 0;

	*role = USER_NONE;
	snprintf(why, whylen, "wrong name or password");
	if (dummy[0] == '\0') {
		unsigned char r[32];

		randombytes_buf(r, sizeof r);
		if (crypto_pwhash_str(dummy, (const char *)r, sizeof r,
		    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
			return msg_error("user: cannot hash: out of memory");
	}
	if (pass == NULL || strlen(pass) > USER_PASS_MAX || !user_name_ok(name)) {
		if (crypto_pwhash_str_verify(dummy, "", 0) == 0)
			msg_warn("user: the dummy hash verified");
		return 1;
	}
	if ((s = store_prepare(st, "SELECT hash, role, failures, locked_until FROM users"
	    " WHERE name = ? AND disabled = 0")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		snprintf(h, sizeof h, "%s", store_col(s, 0));
		*role = user_role_parse(store_col(s, 1));
		failures = sqlite3_column_int(s, 2);
		locked = (time_t)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (!found) {
		if (crypto_pwhash_str_verify(dummy, pass, strlen(pass)) == 0)
			msg_warn("user: the dummy hash verified");
		*role = USER_NONE;
		return 1;
	}
	if (locked > now) {
		/* no verification at all while locked: guessing gains nothing */
		*role = USER_NONE;
		snprintf(why, whylen, "this account is locked after %d wrong passwords: try again"
		    " in %lld minutes, or ask to have the password reset (roi user passwd)",
		    USER_LOCK_FAILURES, (long long)((locked - now + 59) / 60));
		user_event(st, name, "refused", name, "locked");
		return 1;
	}
	ok = crypto_pwhash_str_verify(h, pass, strlen(pass)) == 0;
	sodium_memzero(h, sizeof h);
	if (ok) {
		if (record(st, name, 1, 0, 0, now, from) == -1) {
			*role = USER_NONE;
			return -1;
		}
		return 0;
	}
	*role = USER_NONE;
	failures++;
	if (failures >= USER_LOCK_FAILURES) {
		if (record(st, name, 0, 0, now + USER_LOCK_SECS, now, from) == -1)
			return -1;
		snprintf(why, whylen, "this account is locked after %d wrong passwords: try again"
		    " in %d minutes, or ask to have the password reset (roi user passwd)",
		    USER_LOCK_FAILURES, USER_LOCK_SECS / 60);
		return 1;
	}
	return record(st, name, 0, failures, 0, now, from) == -1 ? -1 : 1;
}
