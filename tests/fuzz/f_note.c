/*
 * f_note.c - fuzz signed notes (note_parse, note_open) and key strings
 * (note_vkey_parse, note_skey_parse): roi-verify reads notes and keys it
 * is handed.  A note that parses is signed again with a fixed key, as
 * note_sign keeps its old signatures; what note_sign writes must open.
 */
#include "note.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_opened op, op2;
	const char		*msg = (const char *)data;
	char			why[NOTE_WHYLEN], *s, *out = NULL;
	size_t			outlen;
	struct note_vkey	vk;
	struct note_skey	sk;

	fuzz_logkey();
	s = fuzz_text(data, size);
	if (note_vkey_parse(s, &vk, why) == 0)
		(void)note_vkey_find(&vk, 1, vk.name, vk.namelen, vk.id);
	if (note_skey_parse(s, &sk, why) == 0)
		note_skey_release(&sk);
	free(s);
	(void)note_open(msg, size, &fuzz_vkey, 1, &op, why);
	if (note_parse(msg, size, &op, why) == 0 &&
	    note_sign(op.text, op.textlen, op.sig, op.nsig, &fuzz_skey, 1, &out, &outlen,
	    why) == 0) {
		if (note_open(out, outlen, &fuzz_vkey, 1, &op2, why) == -1) {
			fprintf(stderr, "a note roi signed does not open: %s\n", why);
			abort();
		}
		free(out);
	}
	return 0;
}
