/*
 * f_patient.c - fuzz the patient registry's CSV import (patient_import,
 * libcsv): an export from the practice system, edited in a spreadsheet.
 * Each input meets an empty registry.
 */
#include "fuzz.h"
#include "patient.h"

static const char *const tables[] = { "risk_flags", "patients", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store	*st = fuzz_store();
	int		added, updated;

	fuzz_reset(tables);
	(void)patient_import(st, fuzz_file("patients.csv", data, size), &added, &updated);
	return 0;
}
