/*
 * f_authform.c - fuzz reading an authorization form (authz_check,
 * authz_revocation) with the shipped rules: its lines are what OCR or the
 * sender's text layer said, so they are hostile.  Each input line is one
 * form line with a box of its own; no page image (checkboxes and the
 * signature then read as absent); the registry is empty.  The request also holds a subpoena when the input's first
 * byte is odd, so that path is read too.
 */
#include "authz.h"
#include "fuzz.h"

#define FUZZ_LINES	1024

static struct authz_rules	*rules;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct authz_line lines[FUZZ_LINES];
	struct authz_page	page;
	char			*text = fuzz_text(data, size), *p, *nl;
	json_t			*j, *each[2];
	size_t			n = 0;

	if (rules == NULL && authz_rules_load(fuzz_home(), &rules) == -1)
		abort();
	for (p = text; *p && n < FUZZ_LINES; p = nl + 1) {
		nl = strchr(p, '\n');
		memset(&lines[n], 0, sizeof lines[n]);
		lines[n].text = p;
		lines[n].box[0] = 36;
		lines[n].box[1] = 36 + 14.0f * (float)n;
		lines[n].box[2] = 576;
		lines[n].box[3] = lines[n].box[1] + 12;
		lines[n].conf = (float)(90 - (int)(n % 7) * 10);
		n++;
		if (nl == NULL)
			break;
		*nl = '\0';
	}
	memset(&page, 0, sizeof page);
	page.pageno = 1;
	page.width = 612;
	page.height = 792;
	page.lines = lines;
	page.nlines = n;
	if ((j = authz_check(rules, fuzz_store(), "", "C-1", &page, 1,
	    size > 0 && (data[0] & 1) ? AUTHZ_SUBPOENA : 0)) != NULL) {
		char date[11];

		(void)authz_date_signed(j, date);
		each[0] = j;
		each[1] = json_incref(j);
		if ((j = authz_combine(rules, "C-1", each, 2)) != NULL)
			json_decref(j);
		json_decref(each[0]);
		json_decref(each[1]);
	}
	if ((j = authz_revocation(rules, fuzz_store(), "", "C-1", &page, 1)) != NULL)
		json_decref(j);
	free(text);
	return 0;
}
