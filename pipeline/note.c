/*
 * note.c - C2SP signed notes with Ed25519, their key strings, and tlog
 * checkpoint bodies
 *
 * Rules: ../shared/FORMATS.md sections 2 and 3; key strings and signing
 * as golang.org/x/mod/sumdb/note writes them, so notes and keys are byte
 * for byte the same.  libc and libsodium only: the auditor's verifier
 * links this file alone, so errors go to the caller's why buffer, not to
 * msg.c.
 *
 * SECURITY: notes, checkpoints and vkeys are hostile input (from a log,
 * an outbox or an auditor's command line): every byte is checked as
 * UTF-8 before use, every length is bounded by the input's own length,
 * signature lengths are checked before libsodium sees them, and a note
 * holds at most NOTE_MAXSIGS signature lines.  skeys are secret: seeds
 * and decoded key bytes are wiped with sodium_memzero on every path; the
 * only copy left is the caller's struct note_skey.
 * FILES: none.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "note.h"

#define EMDASH		"\xe2\x80\x94 "		/* U+2014 and a space: starts a signature line */
#define EMDASHLEN	4
#define SKEY_PREFIX	"PRIVATE+KEY+"
#define B64VAR		sodium_base64_VARIANT_ORIGINAL
#define KEYB64LEN	44			/* b64 of 0x01 || 32 bytes */
#define SIGB64LEN	92			/* b64 of id(4) || signature(64) */
#define ROOTB64LEN	44			/* b64 of a 32-byte root */
#define NAMESHOW	48			/* bytes of a name shown in a reason */

/* say - put a reason in why when the caller wants one; returns -1 */
static int __attribute__((format(printf, 2, 3)))
say(char *why, const char *fmt, ...)
{
	va_list	ap;

	if (why != NULL) {
		va_start(ap, fmt);
		vsnprintf(why, NOTE_WHYLEN, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* init - libsodium must be ready before signing, verifying or drawing random bytes */
static int
init(char *why)
{
	if (sodium_init() < 0)
		return say(why, "cannot initialise libsodium");
	return 0;
}

/*
 * UTF-8 and names
 */

/*
 * utf8_next - the code point at s[0..n) and its length in *len, or -1 for
 * an invalid sequence (overlong forms, surrogates and values above
 * U+10FFFF included), as Go's utf8.DecodeRune judges it
 */
static long
utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	long	cp;
	size_t	need, i;

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (c == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;		/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return -1;
	if (n < need + 1)
		return -1;
	for (i = 1; i <= need; i++) {
		if (s[i] < lo || s[i] > hi)
			return -1;
		lo = 0x80;
		hi = 0xbf;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*len = need + 1;
	return cp;
}

/* text_valid - 1 if s[0..n) is UTF-8 with no control character but LF */
static int
text_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	i = 0, k;
	long	cp;

	while (i < n) {
		if ((cp = utf8_next(p + i, n - i, &k)) < 0)
			return 0;
		if (cp < 0x20 && cp != '\n')
			return 0;
		i += k;
	}
	return 1;
}

/* is_space - Unicode White_Space (what Go's unicode.IsSpace reports) */
static int
is_space(long cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

int
note_name_valid(const char *name, size_t n)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t	i = 0, k;
	long	cp;

	if (name == NULL || n == 0)
		return 0;
	while (i < n) {
		if ((cp = utf8_next(p + i, n - i, &k)) < 0)
			return 0;
		/* Go forbids white space and '+'; control characters could never be in a note */
		if (cp == '+' || cp < 0x20 || is_space(cp))
			return 0;
		i += k;
	}
	return 1;
}

/*
 * Keys
 */

uint32_t
note_keyid(const char *name, size_t namelen, const unsigned char pk[NOTE_PKBYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	static const unsigned char sep[2] = { '\n', NOTE_ALG_ED25519 };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, namelen);
	crypto_hash_sha256_update(&st, sep, sizeof sep);
	crypto_hash_sha256_update(&st, pk, NOTE_PKBYTES);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* hex8 - exactly 8 lower-case hex digits at s[0..n) into *v; 0 or -1 */
static int
hex8(const char *s, size_t n, uint32_t *v)
{
	size_t	i;

	if (n != 8)
		return -1;
	*v = 0;
	for (i = 0; i < 8; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			*v = *v << 4 | (uint32_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			*v = *v << 4 | (uint32_t)(s[i] - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * b64_chars - is s[0..n) made of base64 characters and '=' only?  The
 * libsodium of Debian 12 (1.0.18) decodes every byte from 0x80 up as a
 * base64 character, so "5\xce\xbaA" read as "5//A": a root, key or
 * signature written two ways (found by tests/fuzz/f_checkpoint).
 */
static int
b64_chars(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' || s[i] == '='))
			return 0;
	return 1;
}

/* unb64 - canonical padded b64 s[0..n) into out (room for max); its length, or -1 */
static long
unb64(const char *s, size_t n, unsigned char *out, size_t max)
{
	size_t	len;

	if (!b64_chars(s, n) ||
	    sodium_base642bin(out, max, s, n, NULL, &len, NULL, B64VAR) != 0)
		return -1;
	return (long)len;
}

/*
 * split_key - "NAME+HEX8+B64" (the part of a key string after any
 * prefix): the name and id, and the b64 field decoded into key (room for
 * 1 + 32); -1 with why when any part is malformed or the key is not
 * 0x01 followed by 32 bytes
 */
static int
split_key(const char *s, const char *what, char name[NOTE_NAMEMAX + 1], size_t *namelen,
    uint32_t *id, unsigned char key[1 + NOTE_PKBYTES], char *why)
{
	const char *p1, *p2;
	long	n;

	if ((p1 = strchr(s, '+')) == NULL || (p2 = strchr(p1 + 1, '+')) == NULL)
		return say(why, "bad %s: not name+id+key", what);
	*namelen = (size_t)(p1 - s);
	if (*namelen > NOTE_NAMEMAX)
		return say(why, "bad %s: name longer than %d bytes", what, NOTE_NAMEMAX);
	if (!note_name_valid(s, *namelen))
		return say(why, "bad %s: invalid key name", what);
	memcpy(name, s, *namelen);
	name[*namelen] = '\0';
	if (hex8(p1 + 1, (size_t)(p2 - p1 - 1), id) != 0)
		return say(why, "bad %s: key id is not 8 lower-case hex digits", what);
	n = unb64(p2 + 1, strlen(p2 + 1), key, 1 + NOTE_PKBYTES);
	if (n < 1)
		return say(why, "bad %s: key is not base64 of at most 33 bytes", what);
	if (key[0] != NOTE_ALG_ED25519)
		return say(why, "bad %s: unknown algorithm %u", what, key[0]);
	if (n != 1 + NOTE_PKBYTES)
		return say(why, "bad %s: ed25519 key is not 32 bytes", what);
	return 0;
}

int
note_vkey_parse(const char *s, struct note_vkey *vk, char *why)
{
	unsigned char key[1 + NOTE_PKBYTES];
	int	rc = -1;

	memset(vk, 0, sizeof *vk);
	if (s == NULL) {
		say(why, "bad verifier key: empty");
		goto out;
	}
	if (split_key(s, "verifier key", vk->name, &vk->namelen, &vk->id, key, why) != 0)
		goto out;
	memcpy(vk->pk, key + 1, NOTE_PKBYTES);
	if (note_keyid(vk->name, vk->namelen, vk->pk) != vk->id) {
		say(why, "bad verifier key: key id does not match the key");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		memset(vk, 0, sizeof *vk);
	return rc;
}

void
note_vkey_format(const struct note_vkey *vk, char out[NOTE_VKEY_STRLEN])
{
	unsigned char key[1 + NOTE_PKBYTES];
	char	b64[KEYB64LEN + 1];

	key[0] = NOTE_ALG_ED25519;
	memcpy(key + 1, vk->pk, NOTE_PKBYTES);
	sodium_bin2base64(b64, sizeof b64, key, sizeof key, B64VAR);
	snprintf(out, NOTE_VKEY_STRLEN, "%.*s+%08" PRIx32 "+%s", (int)vk->namelen, vk->name,
	    vk->id, b64);
}

long
note_vkey_find(const struct note_vkey *keys, size_t nkeys, const char *name, size_t namelen,
    uint32_t id)
{
	long	found = -1;
	size_t	i;

	for (i = 0; i < nkeys; i++) {
		if (keys[i].id != id || keys[i].namelen != namelen ||
		    memcmp(keys[i].name, name, namelen) != 0)
			continue;
		if (found != -1)
			return -2;
		found = (long)i;
	}
	return found;
}

int
note_skey_parse(const char *s, struct note_skey *sk, char *why)
{
	unsigned char key[1 + NOTE_SEEDBYTES], pk[NOTE_PKBYTES];
	int	rc = -1;

	memset(sk, 0, sizeof *sk);
	if (init(why) != 0)
		goto out;
	if (s == NULL || strncmp(s, SKEY_PREFIX, strlen(SKEY_PREFIX)) != 0) {
		say(why, "bad signer key: does not start with '" SKEY_PREFIX "'");
		goto out;
	}
	if (split_key(s + strlen(SKEY_PREFIX), "signer key", sk->name, &sk->namelen, &sk->id,
	    key, why) != 0)
		goto out;
	if (crypto_sign_seed_keypair(pk, sk->sk, key + 1) != 0) {
		say(why, "bad signer key: cannot derive the key pair");
		goto out;
	}
	if (note_keyid(sk->name, sk->namelen, pk) != sk->id) {
		say(why, "bad signer key: key id does not match the key");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		sodium_memzero(sk, sizeof *sk);
	return rc;
}

int
note_skey_from_seed(const char *name, const unsigned char seed[NOTE_SEEDBYTES],
    struct note_skey *sk, char *why)
{
	unsigned char pk[NOTE_PKBYTES];
	size_t	n = name != NULL ? strlen(name) : 0;

	memset(sk, 0, sizeof *sk);
	if (init(why) != 0)
		return -1;
	if (n > NOTE_NAMEMAX)
		return say(why, "key name longer than %d bytes", NOTE_NAMEMAX);
	if (!note_name_valid(name, n))
		return say(why, "invalid key name");
	if (crypto_sign_seed_keypair(pk, sk->sk, seed) != 0) {
		sodium_memzero(sk, sizeof *sk);
		return say(why, "cannot derive the key pair");
	}
	memcpy(sk->name, name, n);
	sk->namelen = n;
	sk->id = note_keyid(name, n, pk);
	return 0;
}

void
note_skey_format(const struct note_skey *sk, char out[NOTE_SKEY_STRLEN])
{
	unsigned char key[1 + NOTE_SEEDBYTES];
	char	b64[KEYB64LEN + 1];

	key[0] = NOTE_ALG_ED25519;
	crypto_sign_ed25519_sk_to_seed(key + 1, sk->sk);
	sodium_bin2base64(b64, sizeof b64, key, sizeof key, B64VAR);
	snprintf(out, NOTE_SKEY_STRLEN, SKEY_PREFIX "%.*s+%08" PRIx32 "+%s", (int)sk->namelen,
	    sk->name, sk->id, b64);
	sodium_memzero(key, sizeof key);
	sodium_memzero(b64, sizeof b64);
}

void
note_skey_vkey(const struct note_skey *sk, struct note_vkey *vk)
{
	memset(vk, 0, sizeof *vk);
	memcpy(vk->name, sk->name, sk->namelen);
	vk->namelen = sk->namelen;
	vk->id = sk->id;
	crypto_sign_ed25519_sk_to_pk(vk->pk, sk->sk);
}

void
note_skey_release(struct note_skey *sk)
{
	if (sk != NULL)
		sodium_memzero(sk, sizeof *sk);
}

int
note_keygen(const char *name, char skey[NOTE_SKEY_STRLEN], char vkey[NOTE_VKEY_STRLEN], char *why)
{
	unsigned char seed[NOTE_SEEDBYTES];
	struct note_skey sk;
	struct note_vkey vk;
	int	rc = -1;

	memset(&sk, 0, sizeof sk);
	if (init(why) != 0)
		goto out;
	randombytes_buf(seed, sizeof seed);
	if (note_skey_from_seed(name, seed, &sk, why) != 0)
		goto out;
	note_skey_format(&sk, skey);
	note_skey_vkey(&sk, &vk);
	note_vkey_format(&vk, vkey);
	rc = 0;
out:
	sodium_memzero(seed, sizeof seed);
	note_skey_release(&sk);
	return rc;
}

/*
 * Notes
 */

/* show - a name cut short for a reason */
#define SHOW(n, l)	(int)((l) < NAMESHOW ? (l) : NAMESHOW), (n)

/*
 * parse_sigline - "NAME B64" (after the em dash) into sig, decoding into
 * buf (room for n bytes, which is enough); 0 or -1
 */
static int
parse_sigline(const char *line, size_t n, struct note_sig *sig, unsigned char *buf)
{
	const char *sp = memchr(line, ' ', n);
	long	len;

	if (sp == NULL)
		return -1;
	sig->name = line;
	sig->namelen = (size_t)(sp - line);
	sig->b64 = sp + 1;
	sig->b64len = n - sig->namelen - 1;
	if (!note_name_valid(sig->name, sig->namelen) || sig->b64len == 0)
		return -1;
	if ((len = unb64(sig->b64, sig->b64len, buf, n)) < 5)
		return -1;
	sig->id = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	sig->siglen = (size_t)len - 4;
	return 0;
}

int
note_parse(const char *msg, size_t len, struct note_opened *op, char *why)
{
	unsigned char *buf = NULL;
	size_t	split, i, eol;
	int	rc = -1;

	memset(op, 0, sizeof *op);
	if (msg == NULL || !text_valid(msg, len)) {
		say(why, "malformed note: not utf-8 text without control characters");
		goto out;
	}
	/* the signature block starts after the last blank line */
	for (split = len; split >= 2; split--)
		if (msg[split - 2] == '\n' && msg[split - 1] == '\n')
			break;
	if (split < 2) {
		say(why, "malformed note: no blank line before signatures");
		goto out;
	}
	if (split == len || msg[len - 1] != '\n') {
		say(why, "malformed note: signature block empty or without final newline");
		goto out;
	}
	op->text = msg;
	op->textlen = split - 1;
	if ((buf = malloc(len - split)) == NULL) {
		say(why, "out of memory");
		goto out;
	}
	for (i = split; i < len; i = eol + 1) {
		eol = (size_t)((const char *)memchr(msg + i, '\n', len - i) - msg);
		if (eol - i < EMDASHLEN || memcmp(msg + i, EMDASH, EMDASHLEN) != 0) {
			say(why, "malformed note: line %zu of the signature block is not a signature",
			    op->nsig + 1);
			goto out;
		}
		if (op->nsig == NOTE_MAXSIGS) {
			say(why, "malformed note: more than %d signatures", NOTE_MAXSIGS);
			goto out;
		}
		if (parse_sigline(msg + i + EMDASHLEN, eol - i - EMDASHLEN, &op->sig[op->nsig],
		    buf) != 0) {
			say(why, "malformed note: bad signature line %zu", op->nsig + 1);
			goto out;
		}
		op->nsig++;
	}
	rc = 0;
out:
	free(buf);
	if (rc != 0)
		memset(op, 0, sizeof *op);
	return rc;
}

/* same_line - whether two signature lines are the same bytes */
static int
same_line(const struct note_sig *a, const struct note_sig *b)
{
	return a->namelen == b->namelen && a->b64len == b->b64len &&
	    memcmp(a->name, b->name, a->namelen) == 0 && memcmp(a->b64, b->b64, a->b64len) == 0;
}

/* verify_sig - Ed25519 check of one line against key; 0 or -1 */
static int
verify_sig(const struct note_opened *all, const struct note_sig *s, const struct note_vkey *key)
{
	unsigned char raw[4 + NOTE_SIGBYTES];

	/* check the length here: crypto_sign_verify_detached assumes 64 bytes */
	if (s->siglen != NOTE_SIGBYTES || unb64(s->b64, s->b64len, raw, sizeof raw) != (long)sizeof raw)
		return -1;
	return crypto_sign_verify_detached(raw + 4, (const unsigned char *)all->text, all->textlen,
	    key->pk) == 0 ? 0 : -1;
}

int
note_open(const char *msg, size_t len, const struct note_vkey *keys, size_t nkeys,
    struct note_opened *op, char *why)
{
	struct note_opened all;
	struct note_sig	unver[NOTE_MAXSIGS];
	size_t	nunver = 0, i, j;
	long	k;
	int	rc = -1, dup;

	memset(op, 0, sizeof *op);
	if (init(why) != 0 || note_parse(msg, len, &all, why) != 0)
		goto out;
	op->text = all.text;
	op->textlen = all.textlen;
	for (i = 0; i < all.nsig; i++) {
		const struct note_sig *s = &all.sig[i];

		k = note_vkey_find(keys, nkeys, s->name, s->namelen, s->id);
		if (k == -2) {
			say(why, "ambiguous key %.*s+%08" PRIx32, SHOW(s->name, s->namelen), s->id);
			goto out;
		}
		if (k == -1) {
			/* unknown key: kept once per identical line, never checked */
			for (dup = 0, j = 0; j < nunver && !dup; j++)
				dup = same_line(&unver[j], s);
			if (!dup)
				unver[nunver++] = *s;
			continue;
		}
		/* a key already verified is not checked again */
		for (dup = 0, j = 0; j < op->nverified && !dup; j++)
			dup = op->sig[j].id == s->id && op->sig[j].namelen == s->namelen &&
			    memcmp(op->sig[j].name, s->name, s->namelen) == 0;
		if (dup)
			continue;
		if (verify_sig(&all, s, &keys[k]) != 0) {
			say(why, "invalid signature for key %.*s+%08" PRIx32, SHOW(s->name, s->namelen),
			    s->id);
			goto out;
		}
		op->sig[op->nverified++] = *s;
	}
	if (op->nverified == 0) {
		say(why, "note has no verifiable signatures");
		goto out;
	}
	memcpy(&op->sig[op->nverified], unver, nunver * sizeof unver[0]);
	op->nsig = op->nverified + nunver;
	rc = 0;
out:
	if (rc != 0)
		memset(op, 0, sizeof *op);
	return rc;
}

/* put - append n bytes at *p */
static void
put(char **p, const void *s, size_t n)
{
	memcpy(*p, s, n);
	*p += n;
}

/* old_sig_ok - an existing line to copy into a new note: valid name, b64 that starts with its id */
static int
old_sig_ok(const struct note_sig *s)
{
	unsigned char *raw;
	long	n;
	int	ok;

	if (s->name == NULL || s->b64 == NULL || !note_name_valid(s->name, s->namelen) ||
	    s->b64len == 0)
		return 0;
	if ((raw = malloc(s->b64len)) == NULL)
		return 0;
	n = unb64(s->b64, s->b64len, raw, s->b64len);
	ok = n >= 5 && ((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
	    (uint32_t)raw[2] << 8 | raw[3]) == s->id;
	free(raw);
	return ok;
}

int
note_sign(const char *text, size_t textlen, const struct note_sig *old, size_t nold,
    const struct note_skey *keys, size_t nkeys, char **out, size_t *outlen, char *why)
{
	unsigned char raw[4 + NOTE_SIGBYTES];
	char	b64[SIGB64LEN + 1], *p;
	unsigned char *keep = NULL;
	size_t	total, nlines = nkeys, i, j;
	int	rc = -1;

	*out = NULL;
	*outlen = 0;
	if (init(why) != 0)
		goto out;
	if (text == NULL || textlen == 0 || text[textlen - 1] != '\n' || !text_valid(text, textlen)) {
		say(why, "malformed note: text must be utf-8 lines ending in a newline, "
		    "without control characters");
		goto out;
	}
	for (i = 0; i < nkeys; i++)
		if (keys[i].namelen > NOTE_NAMEMAX || !note_name_valid(keys[i].name, keys[i].namelen)) {
			say(why, "invalid signer name");
			goto out;
		}
	if ((keep = calloc(nold ? nold : 1, 1)) == NULL) {
		say(why, "out of memory");
		goto out;
	}
	total = textlen + 1 + nkeys * (EMDASHLEN + 1 + SIGB64LEN + 1);
	for (i = 0; i < nkeys; i++)
		total += keys[i].namelen;
	/* existing lines: dropped when a new signer has the same (name, id), else checked */
	for (i = 0; i < nold; i++) {
		if (old[i].name == NULL || !note_name_valid(old[i].name, old[i].namelen)) {
			say(why, "malformed note: existing signature %zu has an invalid name", i + 1);
			goto out;
		}
		keep[i] = 1;
		for (j = 0; j < nkeys && keep[i]; j++)
			if (keys[j].id == old[i].id && keys[j].namelen == old[i].namelen &&
			    memcmp(keys[j].name, old[i].name, old[i].namelen) == 0)
				keep[i] = 0;
		if (!keep[i])
			continue;
		if (!old_sig_ok(&old[i])) {
			say(why, "malformed note: existing signature %zu does not match its key id", i + 1);
			goto out;
		}
		total += EMDASHLEN + old[i].namelen + 1 + old[i].b64len + 1;
		nlines++;
	}
	if (nlines == 0 || nlines > NOTE_MAXSIGS) {
		say(why, "a note needs 1 to %d signatures", NOTE_MAXSIGS);
		goto out;
	}
	if ((*out = malloc(total + 1)) == NULL) {
		say(why, "out of memory");
		goto out;
	}
	p = *out;
	put(&p, text, textlen);
	put(&p, "\n", 1);
	for (i = 0; i < nold; i++) {
		if (!keep[i])
			continue;
		put(&p, EMDASH, EMDASHLEN);
		put(&p, old[i].name, old[i].namelen);
		put(&p, " ", 1);
		put(&p, old[i].b64, old[i].b64len);
		put(&p, "\n", 1);
	}
	for (i = 0; i < nkeys; i++) {
		raw[0] = (unsigned char)(keys[i].id >> 24);
		raw[1] = (unsigned char)(keys[i].id >> 16);
		raw[2] = (unsigned char)(keys[i].id >> 8);
		raw[3] = (unsigned char)keys[i].id;
		if (crypto_sign_detached(raw + 4, NULL, (const unsigned char *)text, textlen,
		    keys[i].sk) != 0) {
			say(why, "cannot sign with key %.*s", SHOW(keys[i].name, keys[i].namelen));
			goto out;
		}
		sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, B64VAR);
		put(&p, EMDASH, EMDASHLEN);
		put(&p, keys[i].name, keys[i].namelen);
		put(&p, " ", 1);
		put(&p, b64, SIGB64LEN);
		put(&p, "\n", 1);
	}
	*p = '\0';
	*outlen = (size_t)(p - *out);
	rc = 0;
out:
	free(keep);
	if (rc != 0 && *out != NULL) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Checkpoints
 */

/* line - the line at s[*at..n) without its LF, *at moved past the LF; -1 if no LF */
static int
line(const char *s, size_t n, size_t *at, const char **l, size_t *ll)
{
	const char *nl;

	if (*at >= n || (nl = memchr(s + *at, '\n', n - *at)) == NULL)
		return -1;
	*l = s + *at;
	*ll = (size_t)(nl - *l);
	*at += *ll + 1;
	return 0;
}

/* decimal - canonical decimal that fits 64 bits; 0 or -1 */
static int
decimal(const char *s, size_t n, uint64_t *v)
{
	size_t	i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (*v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

/* ext_valid - extension lines: each non-empty and ending in LF */
static int
ext_valid(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 1;
	if (s[0] == '\n' || s[n - 1] != '\n' || !text_valid(s, n))
		return 0;
	for (i = 1; i < n; i++)
		if (s[i] == '\n' && s[i - 1] == '\n')
			return 0;
	return 1;
}

int
note_checkpoint_parse(const char *text, size_t len, struct note_checkpoint *cp, char *why)
{
	const char *l;
	size_t	at = 0, ll;
	int	rc = -1;

	memset(cp, 0, sizeof *cp);
	if (text == NULL || !text_valid(text, len)) {
		say(why, "bad checkpoint: not utf-8 text without control characters");
		goto out;
	}
	if (line(text, len, &at, &l, &ll) != 0 || ll == 0) {
		say(why, "bad checkpoint: no origin line");
		goto out;
	}
	cp->origin = l;
	cp->originlen = ll;
	if (line(text, len, &at, &l, &ll) != 0 || decimal(l, ll, &cp->size) != 0) {
		say(why, "bad checkpoint: tree size is not a canonical 64-bit decimal");
		goto out;
	}
	if (line(text, len, &at, &l, &ll) != 0 || ll != ROOTB64LEN ||
	    unb64(l, ll, cp->root, sizeof cp->root) != NOTE_HASHBYTES) {
		say(why, "bad checkpoint: root hash is not base64 of 32 bytes");
		goto out;
	}
	if (!ext_valid(text + at, len - at)) {
		say(why, "bad checkpoint: empty or unterminated extension line");
		goto out;
	}
	cp->ext = at < len ? text + at : NULL;
	cp->extlen = len - at;
	rc = 0;
out:
	if (rc != 0)
		memset(cp, 0, sizeof *cp);
	return rc;
}

int
note_checkpoint_format(const char *origin, uint64_t size, const unsigned char *root,
    size_t rootlen, const char *ext, size_t extlen, char **out, size_t *outlen, char *why)
{
	char	b64[sodium_base64_ENCODED_LEN(NOTE_ROOTMAX, B64VAR)];
	size_t	olen = origin != NULL ? strlen(origin) : 0, cap;
	int	n;

	*out = NULL;
	*outlen = 0;
	if (olen == 0 || memchr(origin, '\n', olen) != NULL || !text_valid(origin, olen))
		return say(why, "bad origin: empty, or not one line of utf-8 text");
	if (root == NULL || rootlen == 0 || rootlen > NOTE_ROOTMAX)
		return say(why, "bad root hash length %zu", rootlen);
	if (extlen > 0 && (ext == NULL || !ext_valid(ext, extlen)))
		return say(why, "bad extension lines: empty or unterminated line");
	sodium_bin2base64(b64, sizeof b64, root, rootlen, B64VAR);
	cap = olen + 1 + 20 + 1 + strlen(b64) + 1 + extlen + 1;
	if ((*out = malloc(cap)) == NULL)
		return say(why, "out of memory");
	n = snprintf(*out, cap, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	if (n < 0 || (size_t)n + extlen >= cap) {	/* cannot happen: cap counts every byte */
		free(*out);
		*out = NULL;
		return say(why, "checkpoint too long");
	}
	if (extlen > 0)
		memcpy(*out + n, ext, extlen);
	(*out)[n + extlen] = '\0';
	*outlen = (size_t)n + extlen;
	return 0;
}

int
note_checkpoint_open(const char *msg, size_t len, const char *origin,
    const struct note_vkey *keys, size_t nkeys, struct note_opened *op,
    struct note_checkpoint *cp, char *why)
{
	size_t	i;
	int	logsig = 0, rc = -1;

	memset(cp, 0, sizeof *cp);
	memset(op, 0, sizeof *op);
	if (nkeys == 0 || origin == NULL) {
		say(why, "no log key or origin to check a checkpoint against");
		goto out;
	}
	if (note_open(msg, len, keys, nkeys, op, why) != 0)
		goto out;
	for (i = 0; i < op->nverified; i++)
		if (op->sig[i].id == keys[0].id && op->sig[i].namelen == keys[0].namelen &&
		    memcmp(op->sig[i].name, keys[0].name, keys[0].namelen) == 0)
			logsig = 1;
	if (!logsig) {
		say(why, "checkpoint not signed by the log key %.*s+%08" PRIx32,
		    SHOW(keys[0].name, keys[0].namelen), keys[0].id);
		goto out;
	}
	if (note_checkpoint_parse(op->text, op->textlen, cp, why) != 0)
		goto out;
	if (cp->originlen != strlen(origin) || memcmp(cp->origin, origin, cp->originlen) != 0) {
		say(why, "checkpoint origin is not the expected one");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		memset(op, 0, sizeof *op);
		memset(cp, 0, sizeof *cp);
	}
	return rc;
}
