/* t_user.c - the people who sign in to roi serve: names, roles, argon2id
 * hashes, sign-in, the lock-out kept in the store, removal */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "store.h"
#include "testhome.h"
#include "user.h"

static char		home[128];
static struct store	*st;

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || testhome_make("user", home, sizeof home) == -1)
		return -1;
	return store_open(&st, home);
}

static int
teardown(void **state)
{
	(void)state;
	store_close(st);
	return testhome_remove(home);
}

static void
names(void **state)
{
	static const struct { const char *name; int want; } t[] = {
		{ "alice", 1 }, { "a.park-2_x", 1 }, { "A", 1 },
		{ "", 0 }, { "1alice", 0 }, { "../etc", 0 }, { "al ice", 0 }, { "al/ice", 0 },
		{ "alice\n", 0 }, { "\xc3\xa9lise", 0 }, { "abcdefghijklmnopqrstuvwxyzabcdef", 1 },
		{ "abcdefghijklmnopqrstuvwxyzabcdefg", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (user_name_ok(t[i].name) != t[i].want)
			fail_msg("user_name_ok(\"%s\") != %d", t[i].name, t[i].want);
	assert_int_equal(user_role_parse("reviewer"), USER_REVIEWER);
	assert_int_equal(user_role_parse("staff"), USER_STAFF);
	assert_int_equal(user_role_parse("auditor"), USER_AUDITOR);
	assert_int_equal(user_role_parse("Reviewer"), USER_NONE);
	assert_int_equal(user_role_parse(NULL), USER_NONE);
}

static void
login_and_lockout(void **state)
{
	enum user_role	role;
	char		why[256];
	time_t		now = 1800000000;
	int		i;

	(void)state;
	assert_int_equal(user_add(st, "alice", USER_REVIEWER, "right password", "admin", why,
	    sizeof why), 0);
	assert_int_equal(user_add(st, "alice", USER_STAFF, "right password", "admin", why,
	    sizeof why), 1);
	assert_int_equal(user_add(st, "bob", USER_STAFF, "short", "admin", why, sizeof why), 1);
	assert_non_null(strstr(why, "too short"));
	assert_int_equal(store_int(st, "SELECT substr(hash, 1, 10) = '$argon2id$' FROM users"
	    " WHERE name = 'alice'", 0), 1);

	assert_int_equal(user_login(st, "alice", "right password", now, "t", &role, why,
	    sizeof why), 0);
	assert_int_equal(role, USER_REVIEWER);
	assert_int_equal(user_login(st, "nobody", "right password", now, "t", &role, why,
	    sizeof why), 1);
	assert_string_equal(why, "wrong name or password");
	assert_int_equal(role, USER_NONE);

	/* USER_LOCK_FAILURES wrong: locked, and then the right one fails too */
	for (i = 0; i < USER_LOCK_FAILURES; i++)
		assert_int_equal(user_login(st, "alice", "wrong password", now, "t", &role, why,
		    sizeof why), 1);
	assert_non_null(strstr(why, "locked"));
	assert_int_equal(user_login(st, "alice", "right password", now + 60, "t", &role, why,
	    sizeof why), 1);
	assert_non_null(strstr(why, "locked"));
	assert_int_equal(role, USER_NONE);
	/* the lock is in the store: another connection sees it */
	assert_int_equal(store_int(st, "SELECT locked_until > 0 FROM users WHERE name = 'alice'",
	    0), 1);
	/* it ends on its own */
	assert_int_equal(user_login(st, "alice", "right password", now + USER_LOCK_SECS + 1, "t",
	    &role, why, sizeof why), 0);
	assert_int_equal(store_int(st, "SELECT failures FROM users WHERE name = 'alice'", -1), 0);

	/* a new password lifts a lock */
	for (i = 0; i < USER_LOCK_FAILURES; i++)
		user_login(st, "alice", "wrong password", now, "t", &role, why, sizeof why);
	assert_int_equal(user_passwd(st, "alice", "another password", "admin", why, sizeof why), 0);
	assert_int_equal(user_login(st, "alice", "right password", now, "t", &role, why,
	    sizeof why), 1);
	assert_int_equal(user_login(st, "alice", "another password", now, "t", &role, why,
	    sizeof why), 0);

	/* removed: cannot sign in, name not given again */
	assert_int_equal(user_del(st, "alice", "admin", why, sizeof why), 0);
	assert_int_equal(user_login(st, "alice", "another password", now, "t", &role, why,
	    sizeof why), 1);
	assert_int_equal(user_role_of(st, "alice"), USER_NONE);
	assert_int_equal(user_add(st, "alice", USER_STAFF, "right password", "admin", why,
	    sizeof why), 1);
	assert_non_null(strstr(why, "removed"));
	assert_int_equal(store_int(st, "SELECT count(*) FROM user_events WHERE name = 'alice'"
	    " AND event = 'locked'", 0), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test_setup_teardown(login_and_lockout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
