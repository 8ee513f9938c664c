/*
 * f_proof.c - fuzz inclusion proof bundles (chain_proof_verify): roi-verify
 * checks one that a patient or auditor was handed.
 */
#include "chain.h"
#include "note.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chain_entry	e;
	uint64_t		tsize;
	char			why[CHAIN_WHY];

	fuzz_logkey();
	(void)chain_proof_verify((const char *)data, size, fuzz_vkey_str, &e, &tsize, why);
	return 0;
}
