/*
 * f_doctype.c - fuzz rules/doctypes.rules (doctype_parse): compliance
 * staff edit it.  A file that parses is run over a few page texts, so
 * its patterns (PCRE2), weights and titles are used too.
 */
#include "doctype.h"
#include "fuzz.h"

static const char *const pages[] = {
	"AUTHORIZATION FOR RELEASE OF HEALTH INFORMATION\nPatient name: Ann Example\n"
	"I authorize the release of records. Signature of patient ____ Date 03/02/2026\n",
	"Progress note\nSession 4. Client reports better sleep.\nPlan: continue CBT.\n",
	"Psychotherapy Notes\nProcess notes kept separate from the medical record.\n",
	"",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doctypes	*dt = NULL;
	char		*text = fuzz_text(data, size);
	const char	*type;
	size_t		i;
	int		score;

	if (doctype_parse(text, "doctypes.rules", &dt) == 0) {
		(void)doctype_count(dt);
		for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
			type = doctype_classify(dt, pages[i], &score);
			(void)doctype_label(dt, type);
			(void)doctype_begins(dt, type, pages[i]);
			(void)doctype_ends(dt, type, pages[i]);
			(void)doctype_is(dt, "psychotherapy_notes", pages[i]);
		}
		doctype_free(dt);
	}
	free(text);
	return 0;
}
