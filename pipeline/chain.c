/*
 * chain.c - the disclosure log's lines, and verifying a log (chain.h)
 *
 * SECURITY: verification reads a log and checkpoints that may have been
 * tampered with: every field is checked for length and form before use,
 * nothing is trusted to be NUL-terminated, sizes are bounded, and a
 * malformed input is a verdict, never a crash.  No secret is handled
 * here: the SEALED field stays sealed.
 * FILES: none (callers map the files).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "chain.h"
#include "merkle.h"
#include "note.h"

static int __attribute__((format(printf, 2, 3)))
fail(char *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnprintf(why, CHAIN_WHY, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* is_time - exactly YYYY-MM-DDTHH:MM:SSZ with plausible ranges */
static int
is_time(const char *s, size_t n)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t	i;
	int	mo, d, h, mi, se;

	if (n != sizeof form - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (form[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != form[i])
			return 0;
	mo = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	h = (s[11] - '0') * 10 + s[12] - '0';
	mi = (s[14] - '0') * 10 + s[15] - '0';
	se = (s[17] - '0') * 10 + s[18] - '0';
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && se < 61;
}

/* is_case - C-N, N a positive decimal without leading zero */
static int
is_case(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || n > 22 || s[0] != 'C' || s[1] != '-' || s[2] == '0')
		return 0;
	for (i = 2; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

static int
is_word(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && memcmp(*set, s, n) == 0)
			return 1;
	return 0;
}

/* is_login - [a-z_][a-z0-9_.-]*, at most 32 (a POSIX-portable user name) */
static int
is_login(const char *s, size_t n)
{
	size_t i;

	if (n < 1 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* is_b64 - standard padded base64 of at least one byte */
static int
is_b64(const char *s, size_t n)
{
	size_t i, pad = 0;

	if (n < 4 || n % 4 != 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '=') {
			if (i < n - 2)
				return 0;
			pad++;
		} else if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return 0;
	}
	return 1;
}

/* is_seq - canonical decimal >= 1 that fits uint64 */
static int
parse_seq(const char *s, size_t n, uint64_t *v)
{
	size_t		i;
	uint64_t	x = 0;

	if (n < 1 || n > 20 || s[0] == '0')
		return 0;
	for (i = 0; i < n; i++) {
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
		if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return 0;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 1;
}

static const char *const channels[] = { "age", "passphrase", "zip", "fax", NULL };
static const char *const part2s[] = { "none", "redact", "disclose", NULL };

#define NFIELDS	13

int
chain_parse(const char *line, size_t len, struct chain_entry *e, char *why)
{
	const char	*f[NFIELDS];
	size_t		fl[NFIELDS], i, k = 0, start = 0;

	memset(e, 0, sizeof *e);
	if (len == 0 || line[len - 1] != '\n')
		return fail(why, "the line does not end");
	if (len > CHAIN_LINE_MAX)
		return fail(why, "the line is longer than %d bytes", CHAIN_LINE_MAX);
	for (i = 0; i < len; i++) {
		if (line[i] == ' ' || line[i] == '\n') {
			if (k == NFIELDS)
				return fail(why, "more than %d fields", NFIELDS);
			f[k] = line + start;
			fl[k] = i - start;
			if (fl[k] == 0)
				return fail(why, "an empty field (two spaces, or a space at an end)");
			k++;
			start = i + 1;
			if (line[i] == '\n' && i != len - 1)
				return fail(why, "a line break inside the entry");
		} else if ((unsigned char)line[i] < 0x21 || (unsigned char)line[i] > 0x7e)
			return fail(why, "a byte that is not printable ASCII");
	}
	if (k != NFIELDS)
		return fail(why, "%zu fields, not %d", k, NFIELDS);
	if (fl[0] != 2 || memcmp(f[0], "v1", 2) != 0)
		return fail(why, "not a v1 entry");
	if (!parse_seq(f[1], fl[1], &e->seq))
		return fail(why, "SEQ is not a number from 1");
	if (!is_time(f[2], fl[2]))
		return fail(why, "TIME is not YYYY-MM-DDTHH:MM:SSZ");
	if (!is_case(f[3], fl[3]))
		return fail(why, "CASE is not C-N");
	if (!is_word(f[4], fl[4], channels))
		return fail(why, "CHANNEL is not age, passphrase, zip or fax");
	if (!is_word(f[5], fl[5], part2s))
		return fail(why, "PART2 is not none, redact or disclose");
	if (fl[6] != 1 || (f[6][0] != '0' && f[6][0] != '1'))
		return fail(why, "NOTICE is not 0 or 1");
	if (!is_hex64(f[7], fl[7]) || !is_hex64(f[8], fl[8]) || !is_hex64(f[9], fl[9]))
		return fail(why, "a SHA-256 field is not 64 lower-case hex digits");
	if (!is_login(f[10], fl[10]))
		return fail(why, "REVIEWER is not a login name");
	if (!is_hex64(f[11], fl[11]))
		return fail(why, "PREV is not 64 lower-case hex digits");
	if (!is_b64(f[12], fl[12]) || fl[12] > (CHAIN_SEALED_MAX + 2) / 3 * 4)
		return fail(why, "SEALED is not base64");
	memcpy(e->time, f[2], fl[2]);
	memcpy(e->case_id, f[3], fl[3]);
	memcpy(e->channel, f[4], fl[4]);
	memcpy(e->part2, f[5], fl[5]);
	e->notice = f[6][0] == '1';
	memcpy(e->package, f[7], 64);
	memcpy(e->auth, f[8], 64);
	memcpy(e->rules, f[9], 64);
	memcpy(e->reviewer, f[10], fl[10]);
	if (sodium_hex2bin(e->prev, sizeof e->prev, f[11], 64, NULL, NULL, NULL) != 0)
		return fail(why, "PREV is not hex");
	e->sealed = f[12];
	e->sealedlen = fl[12];
	return 0;
}

int
chain_format(const struct chain_entry *e, char *out, size_t outlen, char *why)
{
	char	prev[65];
	int	n;

	if (e->seq == 0 || !is_time(e->time, strlen(e->time)) ||
	    !is_case(e->case_id, strlen(e->case_id)) ||
	    !is_word(e->channel, strlen(e->channel), channels) ||
	    !is_word(e->part2, strlen(e->part2), part2s) ||
	    !is_hex64(e->package, strlen(e->package)) || !is_hex64(e->auth, strlen(e->auth)) ||
	    !is_hex64(e->rules, strlen(e->rules)) ||
	    !is_login(e->reviewer, strlen(e->reviewer)) ||
	    !is_b64(e->sealed, e->sealedlen))
		return fail(why, "an entry field is not in its form");
	sodium_bin2hex(prev, sizeof prev, e->prev, sizeof e->prev);
	n = snprintf(out, outlen, "v1 %llu %s %s %s %s %d %s %s %s %s %s %.*s\n",
	    (unsigned long long)e->seq, e->time, e->case_id, e->channel, e->part2,
	    e->notice ? 1 : 0, e->package, e->auth, e->rules, e->reviewer, prev,
	    (int)e->sealedlen, e->sealed);
	if (n < 0 || (size_t)n >= outlen || n > CHAIN_LINE_MAX)
		return fail(why, "the entry is longer than %d bytes", CHAIN_LINE_MAX);
	return n;
}

/* open_cp - a signed checkpoint whose origin is the key's name */
static int
open_cp(const char *msg, size_t len, const struct note_vkey *vk, struct note_checkpoint *cp,
    const char *which, char *why)
{
	struct note_opened	*op;
	char			w[NOTE_WHYLEN];
	int			rc;

	if ((op = malloc(sizeof *op)) == NULL)
		return fail(why, "out of memory");
	rc = note_checkpoint_open(msg, len, vk->name, vk, 1, op, cp, w);
	free(op);
	if (rc == -1)
		return fail(why, "the %s checkpoint: %s", which, w);
	return 0;
}

int
chain_verify(const char *log, size_t loglen, const char *vkey,
    const char *latest, size_t latestlen, const char *old, size_t oldlen,
    struct chain_verdict *v)
{
	struct note_vkey	vk;
	struct note_checkpoint	cp, ocp;
	struct merkle_tree	*t = NULL;
	struct chain_entry	e;
	unsigned char		prev[MERKLE_HASHBYTES], root[MERKLE_HASHBYTES];
	char			w[NOTE_WHYLEN], ew[CHAIN_WHY];
	const char		*p = log, *end = log + loglen, *nl;
	int			rc = -1, have_old = old != NULL;

	memset(v, 0, sizeof *v);
	if (sodium_init() < 0)
		return fail(v->why, "libsodium did not start");
	if (note_vkey_parse(vkey, &vk, w) == -1)
		return fail(v->why, "the public key: %s", w);
	if (open_cp(latest, latestlen, &vk, &cp, "latest", v->why) == -1)
		return -1;
	v->size = cp.size;
	if (have_old) {
		if (open_cp(old, oldlen, &vk, &ocp, "older", v->why) == -1)
			return -1;
		v->old_size = ocp.size;
		if (ocp.size > cp.size)
			return fail(v->why, "the log was cut short: the older checkpoint has %llu "
			    "entries, the latest %llu", (unsigned long long)ocp.size,
			    (unsigned long long)cp.size);
	}
	if ((t = malloc(sizeof *t)) == NULL)
		return fail(v->why, "out of memory");
	merkle_tree_init(t);
	memset(prev, 0, sizeof prev);
	if (have_old && ocp.size == 0) {
		merkle_empty_root(root);
		if (sodium_memcmp(root, ocp.root, sizeof root) != 0) {
			fail(v->why, "the older checkpoint is not of this log: its root differs");
			goto out;
		}
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p) < CHAIN_LINE_MAX ? (size_t)(end - p) :
		    CHAIN_LINE_MAX);
		v->bad_seq = v->entries + 1;
		if (nl == NULL) {
			fail(v->why, "line %llu: %s", (unsigned long long)v->entries + 1,
			    (size_t)(end - p) < CHAIN_LINE_MAX ? "incomplete: the log ends inside it" :
			    "longer than an entry can be");
			goto out;
		}
		if (chain_parse(p, (size_t)(nl - p) + 1, &e, ew) == -1) {
			fail(v->why, "line %llu: %s", (unsigned long long)v->entries + 1, ew);
			goto out;
		}
		if (e.seq != v->entries + 1) {
			fail(v->why, "line %llu: holds entry %llu (entries removed, added or moved)",
			    (unsigned long long)v->entries + 1, (unsigned long long)e.seq);
			goto out;
		}
		if (sodium_memcmp(e.prev, prev, sizeof prev) != 0) {
			/* the chain cannot tell which of the two changed */
			v->bad_seq = e.seq > 1 ? e.seq - 1 : 1;
			if (e.seq == 1)
				fail(v->why, "line 1: PREV is not zero: entries before it were removed");
			else
				fail(v->why, "line %llu: PREV is not the hash of line %llu: line %llu was "
				    "changed (or this PREV, or an entry was removed or inserted there)",
				    (unsigned long long)e.seq, (unsigned long long)e.seq - 1,
				    (unsigned long long)e.seq - 1);
			goto out;
		}
		merkle_leaf_hash(p, (size_t)(nl - p) + 1, prev);
		if (merkle_tree_append(t, prev) == -1) {
			fail(v->why, "line %llu: too many entries", (unsigned long long)e.seq);
			goto out;
		}
		v->entries++;
		if (have_old && v->entries == ocp.size) {
			merkle_tree_root(t, root);
			if (sodium_memcmp(root, ocp.root, sizeof root) != 0) {
				v->bad_seq = 0;
				fail(v->why, "the first %llu entries are not the ones the older "
				    "checkpoint signed: the log was rewritten",
				    (unsigned long long)ocp.size);
				goto out;
			}
		}
		p = nl + 1;
	}
	v->bad_seq = 0;
	if (have_old && v->entries < ocp.size) {
		fail(v->why, "the log was cut short: %llu entries, the older checkpoint has %llu",
		    (unsigned long long)v->entries, (unsigned long long)ocp.size);
		goto out;
	}
	if (v->entries != cp.size) {
		fail(v->why, "the log has %llu entries, its latest checkpoint %llu%s",
		    (unsigned long long)v->entries, (unsigned long long)cp.size,
		    v->entries < cp.size ? " (entries removed from the end)" :
		    " (entries added without a checkpoint)");
		goto out;
	}
	merkle_tree_root(t, v->root);
	if (sodium_memcmp(v->root, cp.root, sizeof cp.root) != 0) {
		fail(v->why, "the entries' Merkle root is not the latest checkpoint's");
		goto out;
	}
	rc = 0;
out:
	free(t);
	return rc;
}

int
chain_proof_verify(const char *b, size_t len, const char *vkey, struct chain_entry *e,
    uint64_t *size, char *why)
{
	struct note_vkey	vk;
	struct note_checkpoint	cp;
	unsigned char		leaf[MERKLE_HASHBYTES], (*path)[MERKLE_HASHBYTES] = NULL;
	const char		*p = b, *end = b + len, *nl, *line;
	size_t			linelen, n = 0, i, bl;
	char			w[NOTE_WHYLEN], ew[CHAIN_WHY], num[8];
	int			rc = -1;

	if (sodium_init() < 0)
		return fail(why, "libsodium did not start");
	if (note_vkey_parse(vkey, &vk, w) == -1)
		return fail(why, "the public key: %s", w);
	/* line 1: the tag */
	bl = strlen(CHAIN_PROOF_TAG);
	if (len < bl + 1 || memcmp(p, CHAIN_PROOF_TAG "\n", bl + 1) != 0)
		return fail(why, "line 1: not an inclusion proof (%s)", CHAIN_PROOF_TAG);
	p += bl + 1;
	/* line 2: the entry */
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return fail(why, "line 2: incomplete");
	line = p;
	linelen = (size_t)(nl - p) + 1;
	if (chain_parse(line, linelen, e, ew) == -1)
		return fail(why, "line 2: %s", ew);
	p = nl + 1;
	/* line 3: the number of hashes */
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL || nl - p < 1 || nl - p > 3)
		return fail(why, "line 3: not the number of path hashes");
	memcpy(num, p, (size_t)(nl - p));
	num[nl - p] = '\0';
	for (i = 0; num[i]; i++)
		if (num[i] < '0' || num[i] > '9' || (i == 0 && num[i] == '0' && num[1]))
			return fail(why, "line 3: not the number of path hashes");
	n = (size_t)atoi(num);
	if (n > MERKLE_MAXDEPTH)
		return fail(why, "line 3: %zu hashes, more than a path can have", n);
	p = nl + 1;
	if (n > 0 && (path = malloc(n * sizeof *path)) == NULL)
		return fail(why, "out of memory");
	for (i = 0; i < n; i++) {
		size_t got;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL || nl - p != 44 ||
		    !is_b64(p, 44) || sodium_base642bin(path[i], MERKLE_HASHBYTES, p, 44, NULL,
		    &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || got != MERKLE_HASHBYTES) {
			fail(why, "line %zu: not a base64 SHA-256 hash", i + 4);
			goto out;
		}
		p = nl + 1;
	}
	if (open_cp(p, (size_t)(end - p), &vk, &cp, "proof's", why) == -1)
		goto out;
	*size = cp.size;
	merkle_leaf_hash(line, linelen, leaf);
	if (e->seq > cp.size || merkle_verify_inclusion(e->seq - 1, cp.size, leaf,
	    (const unsigned char (*)[MERKLE_HASHBYTES])path, n, cp.root) == -1) {
		fail(why, "entry %llu is not in the log the checkpoint signed (size %llu)",
		    (unsigned long long)e->seq, (unsigned long long)cp.size);
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}
