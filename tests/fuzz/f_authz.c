/*
 * f_authz.c - fuzz rules/authorization.rules (authz_rules_parse):
 * compliance staff edit it.
 */
#include "authz.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authz_rules	*r = NULL;
	char			*text = fuzz_text(data, size);

	if (authz_rules_parse(text, "authorization.rules", &r) == 0) {
		(void)authz_rules_count(r);
		authz_rules_free(r);
	}
	free(text);
	return 0;
}
