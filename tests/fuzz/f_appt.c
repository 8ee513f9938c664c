/*
 * f_appt.c - fuzz the appointments CSV import (appt_import through each
 * shipped column mapping, libcsv): a practice system's report.  The
 * registry holds the six fictional patients of fixtures/noshow, so rows
 * can be good; each input meets no appointments.
 */
#include "appt.h"
#include "fuzz.h"
#include "patient.h"

#define NOW	((time_t)1772442000)	/* 2026-03-02 09:00 UTC */

static const char *const tables[] = { "outreach_attempts", "escalations", "outreach",
	"appointments", "clinicians", NULL };
static const char *const mappings[] = { "simplepractice", "therapynotes" };
static struct config	cfg;

static void
setup(void)
{
	static const char csv[] =
	    "id,first_name,last_name,dob,phone,email,preferred_channel,consent_sms,consent_email\n"
	    "P100,Avery,Samplefield,1988-04-12,201-555-0131,avery@example.org,sms,yes,no\n"
	    "P101,Blake,Testwood,1975-09-30,201-555-0132,blake@example.org,email,no,yes\n"
	    "P102,Casey,Mockridge,1992-01-05,201-555-0133,,sms,no,no\n"
	    "P103,Devon,Placeholm,1969-07-19,201-555-0134,devon@example.org,phone,no,no\n"
	    "P104,Emery,Fictorius,2001-11-23,201-555-0135,emery@example.org,email,yes,yes\n"
	    "P105,Finley,Notreal,1983-03-14,201-555-0136,finley@example.org,sms,yes,yes\n";
	int	a, u;

	config_defaults(&cfg);
	if (patient_import(fuzz_store(), fuzz_file("p.csv", (const uint8_t *)csv,
	    sizeof csv - 1), &a, &u) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct appt_counts	c;
	const char		*path;
	size_t			i;

	if (cfg.ocr_dpi == 0)		/* config_defaults not run yet */
		setup();
	path = fuzz_file("appointments.csv", data, size);
	for (i = 0; i < sizeof mappings / sizeof mappings[0]; i++) {
		fuzz_reset(tables);
		(void)appt_import(fuzz_store(), fuzz_home(), &cfg, path, mappings[i], NULL, NOW, &c);
	}
	return 0;
}
