/*
 * f_part2.c - fuzz rules/part2.rules (part2_parse): compliance staff edit
 * it.  A file that parses scans a few record texts, so its patterns,
 * cues and extents are used too; every hit must lie within the text.
 */
#include "fuzz.h"
#include "part2.h"

static const char *const texts[] = {
	"Patient attends the Riverbend methadone maintenance program since 2024.\n"
	"Denies alcohol use. Family history of opioid use disorder (father).\n",
	"This information has been disclosed to you from records protected by federal\n"
	"confidentiality rules (42 CFR part 2).\n",
	"Dx: F11.20 opioid depen-\ndence, in remission. Buprenorphine 8 mg.\n",
	"",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part2_rules	*r = NULL;
	struct part2_hit	*hits;
	char			*text = fuzz_text(data, size);
	size_t			i;
	int			n, j, prov;

	if (part2_parse(text, "part2.rules", &r) == 0) {
		(void)part2_count(r);
		for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
			hits = NULL;
			n = part2_scan(r, texts[i], &hits, &prov);
			for (j = 0; j < n; j++) {
				if (hits[j].start > hits[j].end || hits[j].end > strlen(texts[i])) {
					fprintf(stderr, "hit %d of text %zu: bytes %zu..%zu of %zu\n", j,
					    i, hits[j].start, hits[j].end, strlen(texts[i]));
					abort();
				}
				(void)part2_label(r, hits[j].category);
			}
			free(hits);
		}
		part2_free(r);
	}
	free(text);
	return 0;
}
