/*
 * benchlog.c - the disclosure log's side of make bench
 *
 *   benchlog gen N DIR      a valid N-entry log: DIR/disclosures.log,
 *                           DIR/disclosures.checkpoint, DIR/log.pub
 *   benchlog append HOME N  N entries appended through chainlog_append, on a
 *                           home whose store has cases 1..N: each committed
 *                           (synced) with its new signed checkpoint, then its
 *                           line and the checkpoint written to log/; prints
 *                           N and the seconds taken
 *
 * SECURITY: a benchmark: keys are made for the run and thrown away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "chain.h"
#include "chainlog.h"
#include "merkle.h"
#include "msg.h"
#include "note.h"
#include "store.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* entry - a plausible entry i (sealed: 260 random-looking bytes, as a real one) */
static void
entry(struct chain_entry *e, uint64_t i, char *b64, size_t b64len)
{
	unsigned char	sealed[260];
	int		k;

	memset(e, 0, sizeof *e);
	e->seq = i;
	snprintf(e->time, sizeof e->time, "2026-03-02T09:%02d:%02dZ", (int)(i / 60 % 60),
	    (int)(i % 60));
	snprintf(e->case_id, sizeof e->case_id, "C-%llu", (unsigned long long)i);
	snprintf(e->channel, sizeof e->channel, "age");
	snprintf(e->part2, sizeof e->part2, "redact");
	for (k = 0; k < 64; k++) {
		e->package[k] = "0123456789abcdef"[(i + (uint64_t)k) % 16];
		e->auth[k] = "0123456789abcdef"[(i * 3 + (uint64_t)k) % 16];
		e->rules[k] = "0123456789abcdef"[k % 16];
	}
	snprintf(e->reviewer, sizeof e->reviewer, "dr_lee");
	randombytes_buf(sealed, sizeof sealed);
	sodium_bin2base64(b64, b64len, sealed, sizeof sealed, sodium_base64_VARIANT_ORIGINAL);
	e->sealed = b64;
	e->sealedlen = strlen(b64);
}

static int
gen(uint64_t n, const char *dir)
{
	struct chain_entry	e;
	struct merkle_tree	*t = malloc(sizeof *t);
	struct note_skey	sk;
	unsigned char		prev[MERKLE_HASHBYTES] = { 0 }, root[MERKLE_HASHBYTES];
	char			skey[NOTE_SKEY_STRLEN], vkey[NOTE_VKEY_STRLEN], why[NOTE_WHYLEN];
	char			path[4096], line[CHAIN_LINE_MAX], b64[400], *body, *note;
	size_t			blen, nlen;
	uint64_t		i;
	FILE			*fp;
	int			len;

	if (t == NULL || note_keygen("roi/bench/disclosures", skey, vkey, why) == -1 ||
	    note_skey_parse(skey, &sk, why) == -1)
		return fprintf(stderr, "benchlog: key: %s\n", why), 1;
	merkle_tree_init(t);
	snprintf(path, sizeof path, "%s/disclosures.log", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return fprintf(stderr, "benchlog: %s: %s\n", path, strerror(errno)), 1;
	for (i = 1; i <= n; i++) {
		entry(&e, i, b64, sizeof b64);
		memcpy(e.prev, prev, sizeof prev);
		if ((len = chain_format(&e, line, sizeof line, why)) < 0)
			return fprintf(stderr, "benchlog: %s\n", why), 1;
		fwrite(line, 1, (size_t)len, fp);
		merkle_leaf_hash(line, (size_t)len, prev);
		if (merkle_tree_append(t, prev) == -1)
			return 1;
	}
	if (fclose(fp) != 0)
		return fprintf(stderr, "benchlog: %s: %s\n", path, strerror(errno)), 1;
	merkle_tree_root(t, root);
	if (note_checkpoint_format(sk.name, n, root, sizeof root, "", 0, &body, &blen, why) == -1 ||
	    note_sign(body, blen, NULL, 0, &sk, 1, &note, &nlen, why) == -1)
		return fprintf(stderr, "benchlog: %s\n", why), 1;
	snprintf(path, sizeof path, "%s/disclosures.checkpoint", dir);
	if ((fp = fopen(path, "w")) == NULL || fwrite(note, 1, nlen, fp) != nlen || fclose(fp))
		return 1;
	snprintf(path, sizeof path, "%s/log.pub", dir);
	if ((fp = fopen(path, "w")) == NULL || fprintf(fp, "%s\n", vkey) < 0 || fclose(fp))
		return 1;
	note_skey_release(&sk);
	free(body);
	free(note);
	free(t);
	return 0;
}

static int
append(const char *home, uint64_t n)
{
	struct store		*st = NULL;
	struct chainlog		*cl = NULL;
	struct chain_entry	e;
	char			b64[400];
	uint64_t		i, seq;
	double			t0, t;
	const char		*json = "{\"case\":\"C-0\",\"patient\":\"P001\",\"patient_name\":"
				    "\"Jordan Sample\",\"recipient\":\"Harborview Legal Services\","
				    "\"purpose\":\"Legal proceedings\",\"description\":\"2 documents,"
				    " 5 pages\"}";

	if (store_open(&st, home) == -1 || chainlog_keys(home, "bench") == -1 ||
	    chainlog_open(&cl, st, home) == -1)
		return 1;
	t0 = now_s();
	for (i = 1; i <= n; i++) {
		entry(&e, i, b64, sizeof b64);
		if (chainlog_append(cl, (int64_t)i, &e, json, NULL, &seq) == -1)
			return 1;
	}
	t = now_s() - t0;
	printf("%llu %.3f\n", (unsigned long long)n, t);
	if (chainlog_sync(st, home) == -1)
		return 1;
	chainlog_close(cl);
	store_close(st);
	return 0;
}

int
main(int argc, char **argv)
{
	msg_init("benchlog");
	if (sodium_init() < 0)
		return 1;
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(strtoull(argv[2], NULL, 10), argv[3]);
	if (argc == 4 && strcmp(argv[1], "append") == 0)
		return append(argv[2], strtoull(argv[3], NULL, 10));
	fprintf(stderr, "usage: benchlog gen N DIR | append HOME N\n");
	return 2;
}
