/*
 * f_chain.c - fuzz the disclosure log's lines (chain_parse) and a whole
 * log (chain_verify): roi-verify reads a log an auditor was handed.
 *
 * Every line that parses must format back to the same bytes (the format
 * is canonical: one way to write each entry).  The whole input is then
 * verified against a checkpoint signed here for the input's own Merkle
 * root, so verification goes past the root and signature to the chain
 * of PREV hashes, the sequence and the times.
 */
#include "chain.h"
#include "note.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		out[CHAIN_LINE_MAX + 1];
	const char		*log = (const char *)data, *p = log, *end = log + size, *nl;
	unsigned char		(*leaves)[MERKLE_HASHBYTES] = NULL, root[MERKLE_HASHBYTES];
	char			why[CHAIN_WHY], *body = NULL, *cp = NULL;
	size_t			n = 0, bodylen, cplen;
	struct chain_entry	e;
	struct chain_verdict	v;
	int			len;

	fuzz_logkey();
	if ((leaves = malloc((size + 1) * sizeof *leaves)) == NULL)
		abort();
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		merkle_leaf_hash(p, (size_t)(nl + 1 - p), leaves[n++]);
		if (chain_parse(p, (size_t)(nl + 1 - p), &e, why) == 0) {
			len = chain_format(&e, out, sizeof out, why);
			if (len != nl + 1 - p || memcmp(out, p, (size_t)len) != 0) {
				fprintf(stderr, "a parsed line formats differently (%d bytes)\n", len);
				abort();
			}
		}
	}
	merkle_root_of((const unsigned char (*)[MERKLE_HASHBYTES])leaves, n, root);
	if (note_checkpoint_format(FUZZ_ORIGIN, n, root, sizeof root, "", 0, &body, &bodylen,
	    why) == -1 || note_sign(body, bodylen, NULL, 0, &fuzz_skey, 1, &cp, &cplen, why) == -1)
		abort();
	memset(&v, 0, sizeof v);
	(void)chain_verify(log, size, fuzz_vkey_str, cp, cplen, cp, cplen, &v);
	free(cp);
	free(body);
	free(leaves);
	return 0;
}
