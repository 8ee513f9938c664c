/*
 * f_panel.c - fuzz the credentialing CSV imports (panel_import_csv,
 * libcsv): providers and applications, as a spreadsheet gives them back.
 * Each input is read both ways against a store holding one provider
 * (so application rows can name one) and the shipped payers.
 */
#include "fuzz.h"
#include "panel.h"

#define NOW	((time_t)1772442000)	/* 2026-03-02 09:00 UTC */

static const char *const tables[] = { "panel_ticks", "panel_notices", "panel_events",
	"panel_documents", "panel_licenses", "panel_apps", "panel_providers", NULL };
static struct panel_payers	payers;
static int			ready;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char base[] = "name,npi,email\nDana Example,1234567893,d@example.org\n";
	struct panel_import_counts c;
	const char	*path, *bpath;

	if (!ready) {
		if (panel_payers_load(fuzz_home(), &payers) == -1)
			abort();
		ready = 1;
	}
	bpath = fuzz_file("base.csv", (const uint8_t *)base, sizeof base - 1);
	fuzz_reset(tables);
	if (panel_import_csv(fuzz_store(), &payers, "providers", bpath, NOW, &c) == -1)
		abort();
	path = fuzz_file("import.csv", data, size);
	(void)panel_import_csv(fuzz_store(), &payers, "applications", path, NOW, &c);
	(void)panel_import_csv(fuzz_store(), &payers, "providers", path, NOW, &c);
	return 0;
}
