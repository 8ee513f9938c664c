/*
 * f_payer.c - fuzz a payer file (panel_payer_parse, inih and roi's own
 * line reader): rules/payers/KEY.payer, edited by the office manager.
 */
#include "fuzz.h"
#include "panel.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct panel_payer	p;
	json_t			*j;

	memset(&p, 0, sizeof p);
	if (panel_payer_parse(fuzz_file("fuzz.payer", data, size), &p) == 0 &&
	    (j = panel_payer_json(&p)) != NULL)
		json_decref(j);
	panel_payer_release(&p);
	return 0;
}
