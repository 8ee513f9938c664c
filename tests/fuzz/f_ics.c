/*
 * f_ics.c - fuzz the iCalendar import of appointments (appt_import of an
 * .ics, libical): a calendar feed.  The registry holds the six fictional
 * patients of fixtures/noshow;
 * each input meets no appointments.
 */
#include "appt.h"
#include "fuzz.h"
#include "patient.h"

#define NOW	((time_t)1772442000)	/* 2026-03-02 09:00 UTC */

static const char *const tables[] = { "outreach_attempts", "escalations", "outreach",
	"appointments", "clinicians", NULL };
static struct config	cfg;
static int		ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char csv[] =
	    "id,first_name,last_name,dob,phone,email,preferred_channel,consent_sms,consent_email\n"
	    "P100,Avery,Samplefield,1988-04-12,201-555-0131,avery@example.org,sms,yes,no\n"
	    "P101,Blake,Testwood,1975-09-30,201-555-0132,blake@example.org,email,no,yes\n"
	    "P102,Casey,Mockridge,1992-01-05,201-555-0133,,sms,no,no\n"
	    "P103,Devon,Placeholm,1969-07-19,201-555-0134,devon@example.org,phone,no,no\n"
	    "P104,Emery,Fictorius,2001-11-23,201-555-0135,emery@example.org,email,yes,yes\n"
	    "P105,Finley,Notreal,1983-03-14,201-555-0136,finley@example.org,sms,yes,yes\n";
	struct appt_counts	c;
	int			a, u;

	if (!ready) {
		config_defaults(&cfg);
		if (patient_import(fuzz_store(), fuzz_file("p.csv", (const uint8_t *)csv,
		    sizeof csv - 1), &a, &u) == -1)
			abort();
		ready = 1;
	}
	fuzz_reset(tables);
	(void)appt_import(fuzz_store(), fuzz_home(), &cfg, fuzz_file("feed.ics", data, size),
	    NULL, NULL, NOW, &c);
	return 0;
}
