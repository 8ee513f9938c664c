/*
 * f_checkpoint.c - fuzz checkpoints: the body (note_checkpoint_parse),
 * signed (note_checkpoint_open), and the tree state kept with it in the
 * store (merkle_tree_decode).  roi-verify reads checkpoints an auditor
 * saved.  A body that parses must format back to the same bytes, and,
 * signed with a fixed key, must open; a tree state that decodes must
 * encode back to the same bytes.
 */
#include "merkle.h"
#include "note.h"
#include "fuzz.h"

/* body_check - the input parsed as a checkpoint body: the round trips */
static void
body_check(const char *text, size_t size, const struct note_checkpoint *cp)
{
	static struct note_opened op;
	struct note_checkpoint	cp2;
	char			origin[NOTE_NAMEMAX + 1], why[NOTE_WHYLEN], *out = NULL;
	char			*signed_ = NULL;
	size_t			outlen, slen;

	if (cp->originlen >= sizeof origin)
		return;
	memcpy(origin, cp->origin, cp->originlen);
	origin[cp->originlen] = '\0';
	if (strlen(origin) != cp->originlen)
		return;
	if (note_checkpoint_format(origin, cp->size, cp->root, sizeof cp->root,
	    cp->ext ? cp->ext : "", cp->extlen, &out, &outlen, why) == 0 &&
	    (outlen != size || memcmp(out, text, size) != 0)) {
		fprintf(stderr, "a parsed checkpoint formats differently\n");
		abort();
	}
	free(out);
	if (note_sign(text, size, NULL, 0, &fuzz_skey, 1, &signed_, &slen, why) == 0) {
		if (strcmp(origin, FUZZ_ORIGIN) == 0 &&
		    note_checkpoint_open(signed_, slen, FUZZ_ORIGIN, &fuzz_vkey, 1, &op, &cp2,
		    why) == -1) {
			fprintf(stderr, "a checkpoint roi signed does not open: %s\n", why);
			abort();
		}
		free(signed_);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_opened op;
	static struct merkle_tree t;
	static unsigned char	enc[MERKLE_TREE_MAXBYTES];
	const char		*text = (const char *)data;
	struct note_checkpoint	cp;
	char			why[NOTE_WHYLEN];
	unsigned char		root[MERKLE_HASHBYTES];

	fuzz_logkey();
	if (note_checkpoint_parse(text, size, &cp, why) == 0)
		body_check(text, size, &cp);
	(void)note_checkpoint_open(text, size, FUZZ_ORIGIN, &fuzz_vkey, 1, &op, &cp, why);
	if (merkle_tree_decode(&t, data, size) == 0) {
		merkle_tree_root(&t, root);
		if (merkle_tree_encode(&t, enc) != size || memcmp(enc, data, size) != 0) {
			fprintf(stderr, "a decoded tree state encodes differently\n");
			abort();
		}
	}
	return 0;
}
