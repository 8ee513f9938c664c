/* t_delivery.c - what roi reads from a fax server (a dialled number, a
 * job id in sendfax's answer, a job's state in faxstat's), and the
 * command runner it shares with the notify commands: placeholders filled
 * inside words, output kept, a hung command stopped at its time limit */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "delivery.h"
#include "notify.h"

static void
test_number(void **state)
{
	static const struct {
		const char *in, *want;	/* want NULL: refused */
	} cases[] = {
		{ "(555) 010-4478", "5550104478" },
		{ "+1 555 010 4478", "+15550104478" },
		{ " 555.010.4478 ext", "5550104478" },
		{ "-d 12", NULL },		/* two digits */
		{ "", NULL },
		{ "--help", NULL },
	};
	char	out[DELIVERY_NUMBER];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = delivery_fax_number(cases[i].in, out, sizeof out);

		if (cases[i].want == NULL)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].want);
		}
	}
	assert_int_equal(delivery_fax_number("5550104478", out, 5), -1);
}

static void
test_job_id(void **state)
{
	static const struct {
		const char *out, *want;
	} cases[] = {
		{ "request id is 17 (group id 17) for host localhost (1 file)\n", "17" },
		{ "some banner\nrequest id is 2041 (group id 2041) for host fax (2 files)", "2041" },
		{ "  job-ab12.3  \n", "job-ab12.3" },
		{ "", NULL },
		{ "sent ok to the gateway\n", NULL },	/* more than one word */
		{ "request id is (none)", NULL },
	};
	char	job[DELIVERY_JOB];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = delivery_job_id(cases[i].out, job, sizeof job);

		if (cases[i].want == NULL)
			assert_int_equal(rc, -1);
		else {
			assert_int_equal(rc, 0);
			assert_string_equal(job, cases[i].want);
		}
	}
}

static void
test_status(void **state)
{
	static const char faxstat[] =
	    "HylaFAX scheduler on localhost: Running\n"
	    "Modem ttyS0 (+1.555.555.1212): Running and idle\n"
	    "\n"
	    "JID  Pri S  Owner Number       Pages Dials     TTS Status\n"
	    "17   127 D  fax   5550104478   3:3   1:12\n"
	    "170  127 F  fax   5550104478   0:3   12:12         Busy signal detected\n"
	    "18   127 S  fax   5550104479   0:3   1:12    9:41 No carrier detected\n";
	static const struct {
		const char		*job;
		enum delivery_answer	want;
		const char		*detail;
	} cases[] = {
		{ "17", DELIVERY_DONE, "17 127 D fax 5550104478 3:3 1:12" },
		{ "170", DELIVERY_FAILED, "170 127 F fax 5550104478 0:3 12:12 Busy signal detected" },
		{ "18", DELIVERY_PENDING, "18 127 S fax 5550104479 0:3 1:12 9:41 No carrier detected" },
		{ "1", DELIVERY_PENDING, "" },		/* not listed: still queued */
		{ "", DELIVERY_PENDING, "" },
	};
	char	detail[DELIVERY_DETAIL];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(delivery_parse_status(faxstat, cases[i].job, detail, sizeof detail),
		    cases[i].want);
		assert_string_equal(detail, cases[i].detail);
	}
}

static void
test_exec(void **state)
{
	const char	*subst[] = { "NUMBER", "5550104478", "FILE", "/h/outbox/fax/C-1 to 5550104478.pdf",
	    NULL };
	char		out[512], why[256];
	int64_t		t0;

	(void)state;
	/* each placeholder inside its word; a value with blanks stays one word */
	assert_int_equal(notify_exec("printf %s|%s|%s NUMBER@fax.example FILE -d", subst, NULL, "",
	    0, 5, out, sizeof out, why, sizeof why), 0);
	assert_string_equal(out, "5550104478@fax.example|/h/outbox/fax/C-1 to 5550104478.pdf|-d");
	/* the command word itself is never filled in */
	assert_int_equal(notify_exec("NUMBER", subst, NULL, "", 0, 5, out, sizeof out, why,
	    sizeof why), -1);
	/* what a failing command said is kept, and why names it */
	assert_int_equal(notify_exec("sh -c 'echo busy; exit 3'", NULL, NULL, "", 0, 5, out,
	    sizeof out, why, sizeof why), -1);
	assert_string_equal(out, "busy");
	assert_string_equal(why, "'sh' exited with status 3: busy");
	/* a command that hangs, saying nothing, is stopped at its limit */
	t0 = clock_mono_ms();
	assert_int_equal(notify_exec("sleep 20", NULL, NULL, "", 0, 1, out, sizeof out, why,
	    sizeof why), -1);
	assert_true(clock_mono_ms() - t0 < 5000);
	assert_string_equal(why, "'sleep' did not finish within 1 s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_job_id),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
