/*
 * t_chain.c - the disclosure log's format and verification (chain.h):
 * a 200-entry log built and signed here, then every kind of tampering an
 * auditor must catch: a byte flipped (every byte of 22 entries spread
 * over the log and of its checkpoint, one at a time), an entry deleted, duplicated,
 * moved or inserted, the log cut short or rewritten since an older
 * checkpoint, a checkpoint signed by another key; malformed lines get a
 * reason with the line number; inclusion proof bundles; a checkpoint
 * whose signature line is repeated or that carries a second key's
 * signature, and a proof whose path count is wrong, each refused with the
 * reason (issue 22).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <cmocka.h>

#include "chain.h"
#include "merkle.h"
#include "note.h"

#define N	200

struct log {
	char		*buf;		/* the lines */
	size_t		len;
	size_t		off[N + 2];	/* where each line starts; off[n] = len */
	unsigned char	leaf[N + 1][MERKLE_HASHBYTES];
	char		*cp;		/* the signed checkpoint */
	size_t		cplen;
};

static struct note_skey	key, other;
static char		vkey[NOTE_VKEY_STRLEN];

/* sign - the checkpoint of the tree of leaves[0..n) with sk */
static char *
sign(const unsigned char (*leaves)[MERKLE_HASHBYTES], size_t n, const struct note_skey *sk,
    size_t *len)
{
	unsigned char	root[MERKLE_HASHBYTES];
	char		*body, *note, why[NOTE_WHYLEN];
	size_t		blen;

	merkle_root_of(leaves, n, root);
	assert_int_equal(note_checkpoint_format(sk->name, n, root, sizeof root, "", 0, &body,
	    &blen, why), 0);
	assert_int_equal(note_sign(body, blen, NULL, 0, sk, 1, &note, len, why), 0);
	free(body);
	return note;
}

/* build_at - n entries, chained, from seed; sealed fields random base64;
 * TIMEs an hour apart, except entry back (from 1; 0: none), a day before
 * the entry above it */
static void
build_at(struct log *l, size_t n, uint32_t seed, size_t back)
{
	struct chain_entry	e;
	unsigned char		sealed[240], prev[MERKLE_HASHBYTES] = { 0 };
	char			b64[400], line[CHAIN_LINE_MAX], why[CHAIN_WHY];
	size_t			i, cap = n * 700 + 1;
	int			k;

	memset(l, 0, sizeof *l);
	l->buf = malloc(cap);
	assert_non_null(l->buf);
	for (i = 0; i < n; i++) {
		memset(&e, 0, sizeof e);
		e.seq = i + 1;
		{
			time_t		t = 1767258000 + (time_t)i * 3600;	/* 2026-01-01T09:00Z */
			struct tm	tm;

			if (back && i + 1 == back)
				t -= 86400 + 3600;
			gmtime_r(&t, &tm);
			strftime(e.time, sizeof e.time, "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
		snprintf(e.case_id, sizeof e.case_id, "C-%zu", 1000 + i);
		snprintf(e.channel, sizeof e.channel, "%s", i % 4 == 0 ? "fax" : "age");
		snprintf(e.part2, sizeof e.part2, "%s", i % 5 == 0 ? "disclose" : "redact");
		e.notice = i % 5 == 0;
		for (k = 0; k < 64; k++) {
			e.package[k] = "0123456789abcdef"[(seed + i * 7 + (size_t)k) % 16];
			e.auth[k] = "0123456789abcdef"[(seed + i * 3 + (size_t)k * 5) % 16];
			e.rules[k] = "0123456789abcdef"[(size_t)k % 16];
		}
		snprintf(e.reviewer, sizeof e.reviewer, "dr_lee");
		memcpy(e.prev, prev, sizeof prev);
		for (k = 0; k < (int)sizeof sealed; k++)
			sealed[k] = (unsigned char)((seed * 31 + i * 17 + (size_t)k * 13) & 0xff);
		sodium_bin2base64(b64, sizeof b64, sealed, 100 + i % 100,
		    sodium_base64_VARIANT_ORIGINAL);
		e.sealed = b64;
		e.sealedlen = strlen(b64);
		k = chain_format(&e, line, sizeof line, why);
		assert_true(k > 0);
		l->off[i] = l->len;
		memcpy(l->buf + l->len, line, (size_t)k);
		l->len += (size_t)k;
		merkle_leaf_hash(line, (size_t)k, prev);
		memcpy(l->leaf[i], prev, sizeof prev);
	}
	l->off[n] = l->len;
	l->cp = sign((const unsigned char (*)[MERKLE_HASHBYTES])l->leaf, n, &key, &l->cplen);
}

static void
build(struct log *l, size_t n, uint32_t seed)
{
	build_at(l, n, seed, 0);
}

static void
drop(struct log *l)
{
	free(l->buf);
	free(l->cp);
}

static int
verify(const char *buf, size_t len, const char *cp, size_t cplen, const char *old,
    size_t oldlen, struct chain_verdict *v)
{
	return chain_verify(buf, len, vkey, cp, cplen, old, oldlen, v);
}

static int
setup(void **state)
{
	char skey[NOTE_SKEY_STRLEN], v2[NOTE_VKEY_STRLEN], why[NOTE_WHYLEN];

	assert_true(sodium_init() >= 0);
	assert_int_equal(note_keygen("roi/test-practice/disclosures", skey, vkey, why), 0);
	assert_int_equal(note_skey_parse(skey, &key, why), 0);
	/* another key with the same name: a forger's */
	assert_int_equal(note_keygen("roi/test-practice/disclosures", skey, v2, why), 0);
	assert_int_equal(note_skey_parse(skey, &other, why), 0);
	sodium_memzero(skey, sizeof skey);
	return 0;
}

static void
test_good(void **state)
{
	struct log		l;
	struct chain_verdict	v;
	struct chain_entry	e;
	char			why[CHAIN_WHY];

	build(&l, N, 1);
	assert_int_equal(verify(l.buf, l.len, l.cp, l.cplen, NULL, 0, &v), 0);
	assert_int_equal(v.entries, N);
	/* every line parses back to what was written */
	assert_int_equal(chain_parse(l.buf + l.off[41], l.off[42] - l.off[41], &e, why), 0);
	assert_int_equal(e.seq, 42);
	assert_string_equal(e.case_id, "C-1041");
	assert_string_equal(e.reviewer, "dr_lee");
	assert_memory_equal(e.prev, l.leaf[40], MERKLE_HASHBYTES);
	drop(&l);
	/* the empty log with its empty checkpoint */
	{
		size_t	cl;
		char	*cp = sign(NULL, 0, &key, &cl);

		assert_int_equal(verify("", 0, cp, cl, NULL, 0, &v), 0);
		assert_int_equal(v.entries, 0);
		free(cp);
	}
}

/* flip - the log (or checkpoint) with byte at changed must not verify */
static int
caught(struct log *l, int in_cp, size_t at)
{
	struct chain_verdict	v;
	char			*p = in_cp ? l->cp : l->buf;
	int			rc;

	p[at] ^= 0x01;
	rc = verify(l->buf, l->len, l->cp, l->cplen, NULL, 0, &v);
	p[at] ^= 0x01;
	return rc == -1 && v.why[0] != '\0';
}

static void
test_flip(void **state)
{
	struct log	l;
	size_t		i, k, missed = 0, tried = 0;

	build(&l, N, 2);
	/* every byte of entries 1, 2, 10, 20, ..., 200 (a whole-log sweep,
	 * 100,000 changes, also passes but takes 40 s under the sanitizers) */
	for (k = 0; k < N; k++)
		if (k < 2 || k % 10 == 9)
			for (i = l.off[k]; i < l.off[k + 1]; i++, tried++)
				missed += !caught(&l, 0, i);
	for (i = 0; i < l.cplen; i++, tried++)
		missed += !caught(&l, 1, i);
	print_message("# %zu single-byte changes tried, %zu missed\n", tried, missed);
	assert_int_equal(missed, 0);
	drop(&l);
}

/* with - the log with entries rearranged by fn into a new buffer */
static void
expect_fail(const char *buf, size_t len, struct log *l, const char *what, uint64_t want_bad)
{
	struct chain_verdict v;

	assert_int_equal(verify(buf, len, l->cp, l->cplen, NULL, 0, &v), -1);
	if (want_bad)
		assert_int_equal(v.bad_seq, want_bad);
	print_message("# %s: %s\n", what, v.why);
}

static void
test_structure(void **state)
{
	struct log	l;
	char		*b = malloc(N * 1400);
	size_t		k;
	const size_t	at[] = { 0, 1, 99, N - 2, N - 1 };

	assert_non_null(b);
	build(&l, N, 3);
	for (k = 0; k < sizeof at / sizeof at[0]; k++) {
		size_t i = at[k], ll = l.off[i + 1] - l.off[i];

		/* deleted */
		memcpy(b, l.buf, l.off[i]);
		memcpy(b + l.off[i], l.buf + l.off[i + 1], l.len - l.off[i + 1]);
		expect_fail(b, l.len - ll, &l, "deleted", 0);
		/* duplicated */
		memcpy(b, l.buf, l.off[i + 1]);
		memcpy(b + l.off[i + 1], l.buf + l.off[i], ll);
		memcpy(b + l.off[i + 1] + ll, l.buf + l.off[i + 1], l.len - l.off[i + 1]);
		expect_fail(b, l.len + ll, &l, "duplicated", 0);
		/* moved: swapped with the next */
		if (i + 1 < N) {
			size_t l2 = l.off[i + 2] - l.off[i + 1];

			memcpy(b, l.buf, l.off[i]);
			memcpy(b + l.off[i], l.buf + l.off[i + 1], l2);
			memcpy(b + l.off[i] + l2, l.buf + l.off[i], ll);
			memcpy(b + l.off[i + 2], l.buf + l.off[i + 2], l.len - l.off[i + 2]);
			expect_fail(b, l.len, &l, "swapped", 0);
		}
	}
	/* an entry added by someone who rebuilt the chain around it: every
	 * line checks, the signed root does not */
	{
		struct log l2;

		build(&l2, N + 1, 3);
		expect_fail(l2.buf, l2.len, &l, "one entry added, chain rebuilt", 0);
		drop(&l2);
	}
	/* a torn last line */
	expect_fail(l.buf, l.len - 5, &l, "torn", N);
	free(b);
	drop(&l);
}

static void
test_checkpoints(void **state)
{
	struct log		l, shortl, rewritten;
	struct chain_verdict	v;
	char			*forged, *old150;
	size_t			fl, ol;

	build(&l, N, 4);
	/* a checkpoint for the same tree signed by another key */
	forged = sign((const unsigned char (*)[MERKLE_HASHBYTES])l.leaf, N, &other, &fl);
	assert_int_equal(verify(l.buf, l.len, forged, fl, NULL, 0, &v), -1);
	print_message("# other key: %s\n", v.why);
	free(forged);
	/* an older checkpoint at 150: the log only grew since */
	old150 = sign((const unsigned char (*)[MERKLE_HASHBYTES])l.leaf, 150, &key, &ol);
	assert_int_equal(verify(l.buf, l.len, l.cp, l.cplen, old150, ol, &v), 0);
	assert_int_equal(v.old_size, 150);
	/* truncated to 120 and re-signed by the practice: the older checkpoint says no */
	build(&shortl, 120, 4);
	assert_int_equal(verify(shortl.buf, shortl.len, shortl.cp, shortl.cplen, NULL, 0, &v), 0);
	assert_int_equal(verify(shortl.buf, shortl.len, shortl.cp, shortl.cplen, old150, ol, &v), -1);
	print_message("# truncated: %s\n", v.why);
	/* rewritten (other content, chain rebuilt, re-signed): caught likewise */
	build(&rewritten, N, 5);
	assert_int_equal(verify(rewritten.buf, rewritten.len, rewritten.cp, rewritten.cplen,
	    old150, ol, &v), -1);
	print_message("# rewritten: %s\n", v.why);
	/* a checkpoint for fewer entries than the log has */
	assert_int_equal(verify(l.buf, l.len, old150, ol, NULL, 0, &v), -1);
	free(old150);
	drop(&l);
	drop(&shortl);
	drop(&rewritten);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "v2 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD\n", "not a v1" },
		{ "v1 01 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD\n", "SEQ" },
		{ "v1 1 2026-13-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD\n", "TIME" },
		{ "v1 1 2026-03-02T09:00:00Z C-01 age none 0 %s %s %s dr_lee %s QUJD\n", "CASE" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 email none 0 %s %s %s dr_lee %s QUJD\n", "CHANNEL" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age some 0 %s %s %s dr_lee %s QUJD\n", "PART2" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 2 %s %s %s dr_lee %s QUJD\n", "NOTICE" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s Dr.Lee %s QUJD\n", "REVIEWER" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJ\n", "SEALED" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD extra\n", "fields" },
		{ "v1 1 2026-03-02T09:00:00Z  C-1 age none 0 %s %s %s dr_lee %s QUJD\n", "empty field" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD\r\n", "SEALED" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QU=D\n", "SEALED" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age none 0 %s %s %s dr_lee %s QUJD \n", "empty field" },
		{ "v1 1 2026-03-02T09:00:00Z C-1 age\tnone 0 %s %s %s dr_lee %s QUJD\n", "fields" },
	};
	struct log		l;
	struct chain_verdict	v;
	struct chain_entry	e;
	char			h[65], line[1024], why[CHAIN_WHY];
	size_t			i;

	memset(h, 'a', 64);
	h[64] = '\0';
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, bad[i].line, h, h, h, h);
		assert_int_equal(chain_parse(line, strlen(line), &e, why), -1);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s: got '%s'", bad[i].why, why);
	}
	/* a damaged line inside a log: its number is given */
	build(&l, N, 6);
	memcpy(l.buf + l.off[56] + 3, "x", 1);	/* line 57's SEQ */
	assert_int_equal(verify(l.buf, l.len, l.cp, l.cplen, NULL, 0, &v), -1);
	assert_non_null(strstr(v.why, "line 57:"));
	assert_int_equal(v.bad_seq, 57);
	/* garbage, a checkpoint that is no note, an empty one */
	assert_int_equal(verify("\x01\x02\x03\n", 4, l.cp, l.cplen, NULL, 0, &v), -1);
	assert_int_equal(verify(l.buf, l.len, "hello\n", 6, NULL, 0, &v), -1);
	assert_non_null(strstr(v.why, "latest checkpoint"));
	assert_int_equal(verify(l.buf, l.len, "", 0, NULL, 0, &v), -1);
	drop(&l);
}

static void
test_proof(void **state)
{
	struct log		l;
	struct chain_entry	e;
	unsigned char		path[MERKLE_MAXPATH][MERKLE_HASHBYTES];
	char			*b = malloc(1 << 16), b64[64], why[CHAIN_WHY];
	size_t			np, n, i, k;
	uint64_t		size;
	const size_t		seqs[] = { 1, 2, 77, N - 1, N };

	assert_non_null(b);
	build(&l, N, 7);
	for (k = 0; k < sizeof seqs / sizeof seqs[0]; k++) {
		size_t s = seqs[k];

		assert_int_equal(merkle_inclusion_proof((const unsigned char (*)[MERKLE_HASHBYTES])l.leaf,
		    N, s - 1, path, &np), 0);
		n = (size_t)sprintf(b, "%s\n%.*s%zu\n", CHAIN_PROOF_TAG,
		    (int)(l.off[s] - l.off[s - 1]), l.buf + l.off[s - 1], np);
		for (i = 0; i < np; i++) {
			sodium_bin2base64(b64, sizeof b64, path[i], MERKLE_HASHBYTES,
			    sodium_base64_VARIANT_ORIGINAL);
			n += (size_t)sprintf(b + n, "%s\n", b64);
		}
		memcpy(b + n, l.cp, l.cplen);
		n += l.cplen;
		assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), 0);
		assert_int_equal(e.seq, s);
		assert_int_equal(size, N);
		/* a changed entry, a changed path hash: refused */
		b[strlen(CHAIN_PROOF_TAG) + 1 + 40] ^= 0x01;
		assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), -1);
		b[strlen(CHAIN_PROOF_TAG) + 1 + 40] ^= 0x01;
		if (np > 0) {
			char *h = strstr(b + strlen(CHAIN_PROOF_TAG) + 1, "\n") + 1;

			h = strchr(h, '\n') + 1;
			h[3] = h[3] == 'A' ? 'B' : 'A';
			assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), -1);
		}
	}
	assert_int_equal(chain_proof_verify("hello\n", 6, vkey, &e, &size, why), -1);
	assert_non_null(strstr(why, "line 1"));
	free(b);
	drop(&l);
}

/* proof_of - the inclusion proof bundle of entry s of l into b, with
 * checkpoint cp; np hashes written (or none if nohash); its length */
static size_t
proof_of(char *b, const struct log *l, size_t s, const char *cp, size_t cplen, const char *count,
    int nohash)
{
	unsigned char	path[MERKLE_MAXPATH][MERKLE_HASHBYTES];
	char		b64[64];
	size_t		np, n, i;

	assert_int_equal(merkle_inclusion_proof((const unsigned char (*)[MERKLE_HASHBYTES])l->leaf,
	    N, s - 1, path, &np), 0);
	n = (size_t)sprintf(b, "%s\n%.*s", CHAIN_PROOF_TAG, (int)(l->off[s] - l->off[s - 1]),
	    l->buf + l->off[s - 1]);
	n += count ? (size_t)sprintf(b + n, "%s\n", count) : (size_t)sprintf(b + n, "%zu\n", np);
	for (i = 0; i < np && !nohash; i++) {
		sodium_bin2base64(b64, sizeof b64, path[i], MERKLE_HASHBYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		n += (size_t)sprintf(b + n, "%s\n", b64);
	}
	memcpy(b + n, cp, cplen);
	return n + cplen;
}

/* test_strict - what a C2SP note may carry but roi never writes: the
 * signature line repeated, a second key's signature; a proof's path count
 * that does not match (zero hashes: said, not "invalid signature") */
static void
test_strict(void **state)
{
	struct log		l;
	struct chain_verdict	v;
	struct chain_entry	e;
	struct note_skey	both[2];
	unsigned char		root[MERKLE_HASHBYTES];
	char			*b = malloc(1 << 16), *body, *two, *rep, why[CHAIN_WHY], nw[NOTE_WHYLEN];
	size_t			blen, tlen, n, sl;
	uint64_t		size;
	const char		*sig;
	int			k;

	assert_non_null(b);
	build(&l, N, 9);
	/* the signature line repeated, 2 to 11 times */
	sig = l.cp + l.cplen - 1;
	while (sig > l.cp && sig[-1] != '\n')
		sig--;
	sl = (size_t)(l.cp + l.cplen - sig);
	rep = malloc(l.cplen + 11 * sl);
	assert_non_null(rep);
	memcpy(rep, l.cp, l.cplen);
	for (k = 1; k <= 10; k++) {
		memcpy(rep + l.cplen + (size_t)(k - 1) * sl, sig, sl);
		assert_int_equal(verify(l.buf, l.len, rep, l.cplen + (size_t)k * sl, NULL, 0, &v), -1);
		if (strstr(v.why, "repeated") == NULL)
			fail_msg("signature line %d times: '%s'", k + 1, v.why);
	}
	/* a second signature by another key (a valid one: Go's Open takes it) */
	merkle_root_of((const unsigned char (*)[MERKLE_HASHBYTES])l.leaf, N, root);
	assert_int_equal(note_checkpoint_format(key.name, N, root, sizeof root, "", 0, &body, &blen,
	    nw), 0);
	both[0] = key;
	both[1] = other;
	assert_int_equal(note_sign(body, blen, NULL, 0, both, 2, &two, &tlen, nw), 0);
	sodium_memzero(both, sizeof both);
	assert_int_equal(verify(l.buf, l.len, two, tlen, NULL, 0, &v), -1);
	if (strstr(v.why, "second signature") == NULL)
		fail_msg("a second key's signature: '%s'", v.why);
	/* ... and in a proof */
	n = proof_of(b, &l, 77, two, tlen, NULL, 0);
	assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), -1);
	if (strstr(why, "second signature") == NULL)
		fail_msg("a proof with a second key's signature: '%s'", why);
	/* a proof of one entry of many that says it has no path hashes */
	n = proof_of(b, &l, 77, l.cp, l.cplen, "0", 0);
	assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), -1);
	if (strstr(why, "line 4: a path hash more than line 3 says (0)") == NULL)
		fail_msg("zero path hashes, the hashes there: '%s'", why);
	n = proof_of(b, &l, 77, l.cp, l.cplen, "0", 1);
	assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), -1);
	if (strstr(why, "line 3: 0 path hashes, but entry 77 of a log of 200 entries needs 8") == NULL)
		fail_msg("zero path hashes and none there: '%s'", why);
	/* the good proof still holds */
	n = proof_of(b, &l, 77, l.cp, l.cplen, NULL, 0);
	assert_int_equal(chain_proof_verify(b, n, vkey, &e, &size, why), 0);
	free(body);
	free(two);
	free(rep);
	free(b);
	drop(&l);
}

/* test_backdated - an entry whose TIME is before the one above it, chained
 * and signed as roi would sign it, is reported (the first one, by line) */
static void
test_backdated(void **state)
{
	static const size_t at[] = { 2, 57, N };
	struct log		l;
	struct chain_verdict	v;
	size_t			i;

	for (i = 0; i < sizeof at / sizeof at[0]; i++) {
		build_at(&l, N, 3, at[i]);
		assert_int_equal(verify(l.buf, l.len, l.cp, l.cplen, NULL, 0, &v), -1);
		assert_int_equal(v.backdated, at[i]);
		assert_int_equal(v.bad_seq, at[i]);
		assert_non_null(strstr(v.why, "went backwards"));
		assert_int_equal(v.entries, N);		/* everything else was checked */
		drop(&l);
	}
	/* TIMEs that only go forward verify */
	build(&l, 3, 3);
	assert_int_equal(verify(l.buf, l.len, l.cp, l.cplen, NULL, 0, &v), 0);
	assert_int_equal(v.backdated, 0);
	drop(&l);
}

/* test_time - the TIME of a new entry: the clock, never before the last */
static void
test_time(void **state)
{
	static const struct {
		int64_t		now;
		const char	*last, *want;
		int		held;
	} cases[] = {
		{ 1772442000, NULL, "2026-03-02T09:00:00Z", 0 },
		{ 1772442000, "", "2026-03-02T09:00:00Z", 0 },
		{ 1772442000, "2026-03-01T23:59:59Z", "2026-03-02T09:00:00Z", 0 },
		{ 1772442000, "2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z", 0 },
		/* the clock stepped back an hour, a year: the last TIME holds */
		{ 1772438400, "2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z", 1 },
		{ 1740906000, "2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z", 1 },
		/* a damaged last TIME is not taken */
		{ 1772442000, "2099-99-99T99:99:99Z", "2026-03-02T09:00:00Z", 0 },
	};
	char	out[21];
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(chain_time(cases[i].now, cases[i].last, out), cases[i].held);
		assert_string_equal(out, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_flip),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_checkpoints),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_proof),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_backdated),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
