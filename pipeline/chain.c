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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* is_case - C-N (a case) or M-N (a disclosure recorded by hand), N a
 * positive decimal without leading zero */
static int
is_case(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || n > 22 || (s[0] != 'C' && s[0] != 'M') || s[1] != '-' || s[2] == '0')
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

/* the base64 alphabet, as a table: the check runs over every entry's
 * longest field, so it is the verifier's inner loop */
static const unsigned char b64tab[256] = {
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
	['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
	['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['+'] = 1, ['/'] = 1,
};

/* is_b64 - standard padded base64 of at least one byte */
static int
is_b64(const char *s, size_t n)
{
	size_t	i, body;
	int	bad = 0;

	if (n < 4 || n % 4 != 0)
		return 0;
	body = s[n - 1] != '=' ? n : s[n - 2] != '=' ? n - 1 : n - 2;
	for (i = 0; i < body; i++)
		bad |= b64tab[(unsigned char)s[i]] ^ 1;
	return !bad;
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

static const char *const channels[] = { "age", "passphrase", "zip", "fax", "outside", NULL };
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
	/* fields between single spaces; each field's check below admits only
	 * its own printable characters, so nothing else can pass */
	for (start = 0; start < len - 1 && k < NFIELDS; k++) {
		const char *sp = memchr(line + start, ' ', len - 1 - start);

		i = sp ? (size_t)(sp - line) : len - 1;
		f[k] = line + start;
		fl[k] = i - start;
		if (fl[k] == 0)
			return fail(why, "an empty field (two spaces, or a space at an end)");
		start = i + 1;
	}
	if (start < len - 1 || (k > 0 && line[len - 2] == ' '))
		return fail(why, k == NFIELDS && start < len - 1 ? "more than %d fields" :
		    "an empty field (two spaces, or a space at an end)", NFIELDS);
	if (memchr(line, '\n', len - 1) != NULL)
		return fail(why, "a line break inside the entry");
	if (k != NFIELDS)
		return fail(why, "%zu fields, not %d", k, NFIELDS);
	if (fl[0] != 2 || memcmp(f[0], "v1", 2) != 0)
		return fail(why, "not a v1 entry");
	if (!parse_seq(f[1], fl[1], &e->seq))
		return fail(why, "SEQ is not a number from 1");
	if (!is_time(f[2], fl[2]))
		return fail(why, "TIME is not YYYY-MM-DDTHH:MM:SSZ");
	if (!is_case(f[3], fl[3]))
		return fail(why, "CASE is not C-N or M-N");
	if (!is_word(f[4], fl[4], channels))
		return fail(why, "CHANNEL is not age, passphrase, zip, fax or outside");
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

/*
 * open_cp - a signed checkpoint whose origin is the key's name, carrying
 * one signature line: the log key's.  A C2SP signed note may carry several
 * signatures by different keys (witnesses' cosignatures), and note_open
 * follows Go in skipping a line it cannot check and a key's line repeated;
 * roi signs its checkpoints with the log key alone and has no witnesses,
 * so a second line -- the same line again, or a key the auditor was not
 * given -- is something roi never wrote and is refused (docs/log.md).
 */
static int
open_cp(const char *msg, size_t len, const struct note_vkey *vk, struct note_checkpoint *cp,
    const char *which, char *why)
{
	struct note_opened	*op, *all = NULL;
	char			w[NOTE_WHYLEN];
	size_t			i, j;
	int			rc;

	if ((op = malloc(sizeof *op)) == NULL || (all = malloc(sizeof *all)) == NULL) {
		free(op);
		return fail(why, "out of memory");
	}
	rc = note_checkpoint_open(msg, len, vk->name, vk, 1, op, cp, w);
	if (rc == -1)
		fail(why, "the %s checkpoint: %s", which, w);
	else if (note_parse(msg, len, all, w) == -1)	/* cannot fail after an open */
		rc = fail(why, "the %s checkpoint: %s", which, w);
	else if (all->nsig != 1) {
		for (i = 0; i < all->nsig; i++)
			for (j = i + 1; j < all->nsig; j++)
				if (all->sig[i].namelen == all->sig[j].namelen &&
				    all->sig[i].b64len == all->sig[j].b64len &&
				    memcmp(all->sig[i].name, all->sig[j].name, all->sig[i].namelen) == 0 &&
				    memcmp(all->sig[i].b64, all->sig[j].b64, all->sig[i].b64len) == 0) {
					rc = fail(why, "the %s checkpoint: its signature line is"
					    " repeated (roi writes it once)", which);
					goto out;
				}
		for (i = 0; i < all->nsig; i++)
			if (all->sig[i].id != vk->id || all->sig[i].namelen != vk->namelen ||
			    memcmp(all->sig[i].name, vk->name, vk->namelen) != 0)
				break;
		if (i < all->nsig)
			rc = fail(why, "the %s checkpoint: a second signature, by %.*s+%08x: roi's"
			    " checkpoints carry the log key's signature alone", which,
			    (int)(all->sig[i].namelen > 64 ? 64 : all->sig[i].namelen),
			    all->sig[i].name, (unsigned)all->sig[i].id);
		else
			rc = fail(why, "the %s checkpoint: the log key signed it twice (roi"
			    " signs once)", which);
	}
out:
	free(op);
	free(all);
	return rc;
}

/* inclusion_len - the number of hashes in the inclusion proof of leaf
 * index in a tree of size leaves (RFC 9162 2.1.3.2: the inner part, below
 * where the paths to index and to the last leaf part, and the border) */
static size_t
inclusion_len(uint64_t index, uint64_t size)
{
	uint64_t	x = index ^ (size - 1);
	size_t		inner = 0;

	while (x) {
		inner++;
		x >>= 1;
	}
	return inner + (size_t)__builtin_popcountll(inner < 64 ? index >> inner : 0);
}

int
chain_time(int64_t now, const char *last, char out[21])
{
	time_t		t = (time_t)now;
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, 21, "%s", "1970-01-01T00:00:00Z");
	/* a TIME field as chain_parse accepts it sorts as it reads */
	if (last != NULL && is_time(last, strlen(last)) && strcmp(out, last) < 0) {
		memcpy(out, last, 21);
		return 1;
	}
	return 0;
}

/*
 * Verification runs in two passes.  Pass 1 splits the log at line breaks
 * into one piece per processor (up to CHAIN_MAXTHREADS; one piece for a
 * small log); a thread per piece parses each line, checks that SEQ and
 * PREV follow from the line before within the piece, and computes each
 * line's leaf hash (the hashing is most of the work, and independent per
 * line).  Pass 2 joins the pieces in order: each piece's first line must
 * follow the last line of the piece before, and the first fault in file
 * order is the one reported.  The Merkle root of all leaves is computed
 * in two halves at once (RFC 6962's split at the largest power of two).
 */
#define CHAIN_MAXTHREADS	8
#define CHAIN_PIECE_MIN		(1 << 20)	/* bytes: smaller logs are one piece */

enum fault { F_NONE, F_PARSE, F_INCOMPLETE, F_SEQ, F_PREV };

struct piece {
	const char	*p, *end;	/* whole lines, except maybe the file's last */
	unsigned char	(*leaf)[MERKLE_HASHBYTES];
	size_t		n, cap;
	uint64_t	first_seq;	/* the first line's SEQ and PREV, for pass 2 */
	unsigned char	first_prev[MERKLE_HASHBYTES];
	enum fault	fault;		/* the piece's first fault, at line fault_at */
	size_t		fault_at;
	uint64_t	fault_seq;
	char		why[CHAIN_WHY];
	int		oom;
	char		first_time[21], last_time[21];	/* TIME of its first and last line */
	size_t		back_at;	/* line (from 1) whose TIME is before the one above it, or 0 */
	char		back_time[21], back_prev[21];
};

/* piece_run - pass 1 over one piece */
static void *
piece_run(void *arg)
{
	struct piece		*pc = arg;
	struct chain_entry	e;
	const char		*p = pc->p, *nl;
	size_t			left;

	while (p < pc->end) {
		left = (size_t)(pc->end - p);
		nl = memchr(p, '\n', left < CHAIN_LINE_MAX ? left : CHAIN_LINE_MAX);
		if (nl == NULL) {
			pc->fault = F_INCOMPLETE;
			snprintf(pc->why, sizeof pc->why, "%s", left < CHAIN_LINE_MAX ?
			    "incomplete: the log ends inside it" : "longer than an entry can be");
			break;
		}
		if (chain_parse(p, (size_t)(nl - p) + 1, &e, pc->why) == -1) {
			pc->fault = F_PARSE;
			break;
		}
		if (pc->n == 0) {
			pc->first_seq = e.seq;
			memcpy(pc->first_prev, e.prev, sizeof e.prev);
			memcpy(pc->first_time, e.time, sizeof e.time);
		} else if (e.seq != pc->first_seq + pc->n) {
			pc->fault = F_SEQ;
			pc->fault_seq = e.seq;
			break;
		} else if (sodium_memcmp(e.prev, pc->leaf[pc->n - 1], MERKLE_HASHBYTES) != 0) {
			pc->fault = F_PREV;
			break;
		} else if (pc->back_at == 0 && strcmp(e.time, pc->last_time) < 0) {
			/* the fixed-width UTC form sorts as it reads */
			pc->back_at = pc->n + 1;
			memcpy(pc->back_time, e.time, sizeof e.time);
			memcpy(pc->back_prev, pc->last_time, sizeof pc->last_time);
		}
		memcpy(pc->last_time, e.time, sizeof e.time);
		if (pc->n == pc->cap) {
			size_t	cap = pc->cap ? 2 * pc->cap : 4096;
			void	*x = realloc(pc->leaf, cap * sizeof *pc->leaf);

			if (x == NULL) {
				pc->oom = 1;
				return NULL;
			}
			pc->leaf = x;
			pc->cap = cap;
		}
		merkle_leaf_hash(p, (size_t)(nl - p) + 1, pc->leaf[pc->n]);
		pc->n++;
		p = nl + 1;
	}
	pc->fault_at = pc->n;
	return NULL;
}

/* fault_say - the verdict for a fault at global line (1-based) */
static void
fault_say(struct chain_verdict *v, enum fault f, uint64_t line, uint64_t seq, const char *why)
{
	switch (f) {
	case F_SEQ:
		v->bad_seq = line;
		fail(v->why, "line %llu: holds entry %llu (entries removed, added or moved)",
		    (unsigned long long)line, (unsigned long long)seq);
		break;
	case F_PREV:
		/* the chain cannot tell which of the two changed */
		v->bad_seq = line > 1 ? line - 1 : 1;
		if (line == 1)
			fail(v->why, "line 1: PREV is not zero: entries before it were removed");
		else
			fail(v->why, "line %llu: PREV is not the hash of line %llu: line %llu was "
			    "changed (or this PREV, or an entry was removed or inserted there)",
			    (unsigned long long)line, (unsigned long long)line - 1,
			    (unsigned long long)line - 1);
		break;
	default:
		v->bad_seq = line;
		fail(v->why, "line %llu: %s", (unsigned long long)line, why);
	}
}

struct half {
	const unsigned char	(*leaf)[MERKLE_HASHBYTES];
	uint64_t		n;
	unsigned char		root[MERKLE_HASHBYTES];
};

static void *
half_run(void *arg)
{
	struct half *h = arg;

	merkle_root_of(h->leaf, h->n, h->root);
	return NULL;
}

/* root_of - MTH of n leaves, the two halves at once when it pays */
static void
root_of(const unsigned char (*leaf)[MERKLE_HASHBYTES], uint64_t n, int threads,
    unsigned char out[MERKLE_HASHBYTES])
{
	struct half	a, b;
	pthread_t	t;
	uint64_t	k = 1;

	if (threads < 2 || n < 4096) {
		merkle_root_of(leaf, n, out);
		return;
	}
	while (k << 1 < n)
		k <<= 1;
	a.leaf = leaf;
	a.n = k;
	b.leaf = leaf + k;
	b.n = n - k;
	if (pthread_create(&t, NULL, half_run, &b) != 0) {
		merkle_root_of(leaf, n, out);
		return;
	}
	half_run(&a);
	pthread_join(t, NULL);
	merkle_node_hash(a.root, b.root, out);
}

int
chain_verify(const char *log, size_t loglen, const char *vkey,
    const char *latest, size_t latestlen, const char *old, size_t oldlen,
    struct chain_verdict *v)
{
	struct note_vkey	vk;
	struct note_checkpoint	cp, ocp;
	struct piece		pc[CHAIN_MAXTHREADS];
	pthread_t		tid[CHAIN_MAXTHREADS];
	unsigned char		(*leaf)[MERKLE_HASHBYTES] = NULL, root[MERKLE_HASHBYTES];
	unsigned char		zero[MERKLE_HASHBYTES] = { 0 };
	const unsigned char	*prev;
	char			w[NOTE_WHYLEN];
	const char		*cut, *lasttime;
	char			btime[21] = "", bprev[21] = "";
	long			ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int			np, i, started[CHAIN_MAXTHREADS] = { 0 }, rc = -1, have_old = old != NULL;
	uint64_t		base, total = 0;

	memset(v, 0, sizeof *v);
	memset(pc, 0, sizeof pc);
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

	/* pass 1: pieces cut after a line break */
	np = ncpu < 1 ? 1 : ncpu > CHAIN_MAXTHREADS ? CHAIN_MAXTHREADS : (int)ncpu;
	if (loglen < (size_t)np * CHAIN_PIECE_MIN)
		np = (int)(loglen / CHAIN_PIECE_MIN) + 1;
	if (np > CHAIN_MAXTHREADS)
		np = CHAIN_MAXTHREADS;
	cut = log;
	for (i = 0; i < np; i++) {
		const char *end = log + loglen, *nl;

		if (i < np - 1) {
			end = log + loglen / (size_t)np * (size_t)(i + 1);
			if (end < cut)
				end = cut;
			nl = memchr(end, '\n', (size_t)(log + loglen - end));
			end = nl ? nl + 1 : log + loglen;
		}
		pc[i].p = cut;
		pc[i].end = end;
		cut = end;
	}
	for (i = 1; i < np; i++)
		started[i] = pthread_create(&tid[i], NULL, piece_run, &pc[i]) == 0;
	piece_run(&pc[0]);
	for (i = 1; i < np; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			piece_run(&pc[i]);

	/* pass 2: in file order, the first fault is the one reported */
	base = 0;
	prev = zero;
	lasttime = NULL;
	for (i = 0; i < np; i++) {
		if (pc[i].oom) {
			fail(v->why, "out of memory");
			goto out;
		}
		if (pc[i].n == 0 && pc[i].fault == F_NONE)
			continue;
		if (pc[i].n > 0 || pc[i].fault == F_NONE) {
			if (pc[i].first_seq != base + 1) {
				fault_say(v, F_SEQ, base + 1, pc[i].first_seq, NULL);
				goto out;
			}
			if (sodium_memcmp(pc[i].first_prev, prev, MERKLE_HASHBYTES) != 0) {
				fault_say(v, F_PREV, base + 1, 0, NULL);
				goto out;
			}
		}
		if (pc[i].fault != F_NONE) {
			fault_say(v, pc[i].fault, base + pc[i].fault_at + 1, pc[i].fault_seq, pc[i].why);
			goto out;
		}
		/* a TIME before the one above it: noted, reported once all else holds */
		if (v->backdated == 0 && pc[i].n > 0 && lasttime != NULL &&
		    strcmp(pc[i].first_time, lasttime) < 0) {
			v->backdated = base + 1;
			snprintf(btime, sizeof btime, "%s", pc[i].first_time);
			snprintf(bprev, sizeof bprev, "%s", lasttime);
		}
		if (v->backdated == 0 && pc[i].back_at) {
			v->backdated = base + pc[i].back_at;
			snprintf(btime, sizeof btime, "%s", pc[i].back_time);
			snprintf(bprev, sizeof bprev, "%s", pc[i].back_prev);
		}
		base += pc[i].n;
		prev = pc[i].leaf[pc[i].n - 1];
		lasttime = pc[i].last_time;
	}
	v->entries = total = base;
	if ((leaf = malloc((total ? total : 1) * sizeof *leaf)) == NULL) {
		fail(v->why, "out of memory");
		goto out;
	}
	for (i = 0, base = 0; i < np; i++) {
		if (pc[i].n)
			memcpy(leaf[base], pc[i].leaf, pc[i].n * sizeof *leaf);
		base += pc[i].n;
	}
	if (have_old) {
		if (total < ocp.size) {
			fail(v->why, "the log was cut short: %llu entries, the older checkpoint has %llu",
			    (unsigned long long)total, (unsigned long long)ocp.size);
			goto out;
		}
		root_of((const unsigned char (*)[MERKLE_HASHBYTES])leaf, ocp.size, np, root);
		if (sodium_memcmp(root, ocp.root, sizeof root) != 0) {
			fail(v->why, "the first %llu entries are not the ones the older checkpoint "
			    "signed: the log was rewritten", (unsigned long long)ocp.size);
			goto out;
		}
	}
	if (total != cp.size) {
		fail(v->why, "the log has %llu entries, its latest checkpoint %llu%s",
		    (unsigned long long)total, (unsigned long long)cp.size,
		    total < cp.size ? " (entries removed from the end)" :
		    " (entries added without a checkpoint)");
		goto out;
	}
	root_of((const unsigned char (*)[MERKLE_HASHBYTES])leaf, total, np, v->root);
	if (sodium_memcmp(v->root, cp.root, sizeof cp.root) != 0) {
		fail(v->why, "the entries' Merkle root is not the latest checkpoint's");
		goto out;
	}
	if (v->backdated) {
		/* chained and signed, but roi never writes a TIME before the one
		 * above it (docs/log.md): the clock or the log was tampered with */
		v->bad_seq = v->backdated;
		fail(v->why, "line %llu: TIME %s is before line %llu's %s: entries are chained and "
		    "signed, but the log's clock went backwards", (unsigned long long)v->backdated,
		    btime, (unsigned long long)v->backdated - 1, bprev);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < np; i++)
		free(pc[i].leaf);
	free(leaf);
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
	/* after the path: the checkpoint, whose first line is the origin (the
	 * key's name); a hash there means line 3 counts too few */
	if ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL &&
	    ((size_t)(nl - p) != vk.namelen || memcmp(p, vk.name, vk.namelen) != 0)) {
		if (nl - p == 44 && is_b64(p, 44))
			fail(why, "line %zu: a path hash more than line 3 says (%zu)", n + 4, n);
		else
			fail(why, "line %zu: the checkpoint's first line, its origin %.*s, expected"
			    " after %zu path hash%s", n + 4, (int)(vk.namelen > 64 ? 64 : vk.namelen),
			    vk.name, n, n == 1 ? "" : "es");
		goto out;
	}
	if (open_cp(p, (size_t)(end - p), &vk, &cp, "proof's", why) == -1)
		goto out;
	*size = cp.size;
	if (e->seq <= cp.size && n != inclusion_len(e->seq - 1, cp.size)) {
		fail(why, "line 3: %zu path hash%s, but entry %llu of a log of %llu entries needs"
		    " %zu", n, n == 1 ? "" : "es", (unsigned long long)e->seq,
		    (unsigned long long)cp.size, inclusion_len(e->seq - 1, cp.size));
		goto out;
	}
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
