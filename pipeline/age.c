/*
 * age.c - age v1 encryption and decryption on libsodium 1.0.18
 *
 * Format summary and strictness rules: ../shared/FORMATS.md section 1.
 * libsodium 1.0.18 has no HKDF, so HKDF-SHA-256 is built from HMAC; Bech32
 * is written here.  Encryption and decryption stream in 64 KiB chunks.
 *
 * SECURITY: the age file given to decryption is hostile: every header line
 * is checked before use, lengths are bounded (AGE_HEADER_MAX, scrypt work
 * factor), the header MAC is checked before any payload byte is released,
 * and each payload chunk is released only once its tag verifies.  Secret
 * keys, file keys, derived keys, passphrase-derived keys and plaintext
 * buffers are wiped with sodium_memzero on every path.  No key material is
 * ever put in a message.
 * FILES: none; callers give file descriptors or streams.
 */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "age.h"
#include "msg.h"

#define AGE_VERSION_LINE	"age-encryption.org/v1"
#define AGE_ARMOR_BEGIN		"-----BEGIN AGE ENCRYPTED FILE-----"
#define AGE_ARMOR_END		"-----END AGE ENCRYPTED FILE-----"
#define AGE_X25519_LABEL	"age-encryption.org/v1/X25519"
#define AGE_SCRYPT_LABEL	"age-encryption.org/v1/scrypt"
#define AGE_HEADER_MAX		(1 << 20)	/* refuse longer headers */
#define AGE_TAGBYTES		crypto_aead_chacha20poly1305_ietf_ABYTES
#define AGE_CTCHUNK		(AGE_CHUNKBYTES + AGE_TAGBYTES)
#define AGE_NONCEBYTES		16		/* payload nonce */
#define AGE_SALTBYTES		16		/* scrypt salt */
#define AGE_BODYBYTES		(AGE_FILEKEYBYTES + AGE_TAGBYTES)
#define AGE_MACBYTES		crypto_auth_hmacsha256_BYTES
#define AGE_BATCH		16		/* payload chunks per read and write */
#define AGE_B64VAR		sodium_base64_VARIANT_ORIGINAL_NO_PADDING

static const char bech32_chars[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* age_init - libsodium must be ready before any call into it */
static int
age_init(void)
{
	if (sodium_init() < 0)
		return msg_error("age: cannot initialise libsodium");
	return 0;
}

/* say - put a reason in why, or report it */
static void __attribute__((format(printf, 2, 3)))
say(char *why, const char *fmt, ...)
{
	char	buf[AGE_WHYLEN];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (why != NULL)
		memcpy(why, buf, sizeof buf);
	else
		msg_error("%s", buf);
}

const char *
age_result_str(enum age_result r)
{
	switch (r) {
	case AGE_OK:		return "success";
	case AGE_EARMOR:	return "armor failure";
	case AGE_EHEADER:	return "header failure";
	case AGE_ENOMATCH:	return "no match";
	case AGE_EHMAC:		return "HMAC failure";
	case AGE_EPAYLOAD:	return "payload failure";
	case AGE_EIO:		return "i/o error";
	case AGE_EUSAGE:	return "usage error";
	}
	return "unknown";
}

/*
 * Bech32 (BIP173, without the 90 character limit)
 */

static uint32_t
bech32_polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {
		0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3
	};
	uint32_t top = chk >> 25;
	int	i;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* bech32_hrp_chk - checksum state after the expanded lower-case hrp */
static uint32_t
bech32_hrp_chk(const char *hrp, size_t n)
{
	uint32_t chk = 1;
	size_t	i;

	for (i = 0; i < n; i++)
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] >> 5);
	chk = bech32_polymod_step(chk, 0);
	for (i = 0; i < n; i++)
		chk = bech32_polymod_step(chk, (unsigned char)hrp[i] & 31);
	return chk;
}

/* bech32_encode - hrp (lower case) and 32 bytes; upper-cases all if asked */
static void
bech32_encode(char *out, size_t outlen, const char *hrp,
    const unsigned char *data, size_t n, int upper)
{
	unsigned char v[128];
	size_t	nv = 0, i, o = 0, hl = strlen(hrp);
	uint32_t acc = 0, chk;
	int	bits = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			v[nv++] = (acc >> bits) & 31;
		}
	}
	if (bits > 0)
		v[nv++] = (acc << (5 - bits)) & 31;
	chk = bech32_hrp_chk(hrp, hl);
	for (i = 0; i < nv; i++)
		chk = bech32_polymod_step(chk, v[i]);
	for (i = 0; i < 6; i++)
		chk = bech32_polymod_step(chk, 0);
	chk ^= 1;
	for (i = 0; i < 6; i++)
		v[nv++] = (chk >> (5 * (5 - i))) & 31;
	if (hl + 1 + nv + 1 > outlen) {		/* sizes are constants: a bug */
		out[0] = '\0';
		return;
	}
	memcpy(out, hrp, hl);
	o = hl;
	out[o++] = '1';
	for (i = 0; i < nv; i++)
		out[o++] = bech32_chars[v[i]];
	out[o] = '\0';
	if (upper)
		for (i = 0; i < o; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] -= 'a' - 'A';
	sodium_memzero(v, sizeof v);
}

/*
 * bech32_decode - check s as Bech32 with the lower-case hrp want holding
 * exactly AGE_KEYBYTES; what names the thing for the message
 */
static int
bech32_decode(const char *s, const char *want, unsigned char out[AGE_KEYBYTES],
    const char *what, char *why)
{
	char	low[160];
	unsigned char v[160];
	size_t	n, i, sep, nv, o = 0, wl = strlen(want);
	uint32_t acc = 0, chk;
	int	lower = 0, upper = 0, bits = 0, rc = -1;
	const char *p;

	if (s == NULL || (n = strlen(s)) == 0) {
		say(why, "not an age %s: empty", what);
		return -1;
	}
	if (n >= sizeof low) {
		say(why, "not an age %s: too long", what);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c < 33 || c > 126) {
			say(why, "not an age %s: invalid character", what);
			goto out;
		}
		if (c >= 'a' && c <= 'z')
			lower = 1;
		if (c >= 'A' && c <= 'Z') {
			upper = 1;
			c += 'a' - 'A';
		}
		low[i] = c;
	}
	low[n] = '\0';
	if (lower && upper) {
		say(why, "not an age %s: mixed case", what);
		goto out;
	}
	if ((p = strrchr(low, '1')) == NULL || (sep = p - low) != wl ||
	    memcmp(low, want, wl) != 0) {
		say(why, "not an age %s: does not start with '%s1'", what, want);
		goto out;
	}
	nv = n - sep - 1;
	if (nv < 6) {
		say(why, "not an age %s: too short", what);
		goto out;
	}
	for (i = 0; i < nv; i++) {
		if ((p = strchr(bech32_chars, low[sep + 1 + i])) == NULL) {
			say(why, "not an age %s: invalid character", what);
			goto out;
		}
		v[i] = p - bech32_chars;
	}
	chk = bech32_hrp_chk(low, sep);
	for (i = 0; i < nv; i++)
		chk = bech32_polymod_step(chk, v[i]);
	if (chk != 1) {
		say(why, "not an age %s: bad checksum", what);
		goto out;
	}
	for (i = 0; i < nv - 6; i++) {
		acc = (acc << 5) | v[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == AGE_KEYBYTES) {
				o++;
				break;
			}
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	if (o != AGE_KEYBYTES || bits >= 5 || (acc & ((1u << bits) - 1)) != 0) {
		say(why, "not an age %s: wrong length", what);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		sodium_memzero(out, AGE_KEYBYTES);
	sodium_memzero(low, sizeof low);
	sodium_memzero(v, sizeof v);
	return rc;
}

int
age_recipient_parse(const char *s, unsigned char pk[AGE_KEYBYTES], char *why)
{
	return bech32_decode(s, "age", pk, "recipient", why);
}

int
age_identity_parse(const char *s, unsigned char sk[AGE_KEYBYTES], char *why)
{
	if (s != NULL && strncmp(s, "AGE-SECRET-KEY-1", 16) != 0) {
		say(why, "not an age identity: does not start with 'AGE-SECRET-KEY-1'");
		return -1;
	}
	return bech32_decode(s, "age-secret-key-", sk, "identity", why);
}

void
age_recipient_format(const unsigned char pk[AGE_KEYBYTES], char out[AGE_RECIPIENT_STRLEN])
{
	bech32_encode(out, AGE_RECIPIENT_STRLEN, "age", pk, AGE_KEYBYTES, 0);
}

void
age_identity_format(const unsigned char sk[AGE_KEYBYTES], char out[AGE_IDENTITY_STRLEN])
{
	bech32_encode(out, AGE_IDENTITY_STRLEN, "age-secret-key-", sk, AGE_KEYBYTES, 1);
}

int
age_identity_recipient(const char *ident, char out[AGE_RECIPIENT_STRLEN], char *why)
{
	unsigned char sk[AGE_KEYBYTES], pk[AGE_KEYBYTES];
	int	rc = -1;

	if (age_init() == -1 || age_identity_parse(ident, sk, why) == -1)
		goto out;
	crypto_scalarmult_curve25519_base(pk, sk);
	age_recipient_format(pk, out);
	rc = 0;
out:
	sodium_memzero(sk, sizeof sk);
	return rc;
}

int
age_keygen(char ident[AGE_IDENTITY_STRLEN], char recip[AGE_RECIPIENT_STRLEN])
{
	unsigned char sk[AGE_KEYBYTES], pk[AGE_KEYBYTES];

	if (age_init() == -1)
		return -1;
	randombytes_buf(sk, sizeof sk);
	crypto_scalarmult_curve25519_base(pk, sk);
	age_identity_format(sk, ident);
	age_recipient_format(pk, recip);
	sodium_memzero(sk, sizeof sk);
	return 0;
}

/*
 * HKDF-SHA-256 (RFC 5869) with one 32-byte output block
 */
static void
hkdf(unsigned char out[32], const unsigned char *ikm, size_t ikmlen,
    const unsigned char *salt, size_t saltlen, const char *info)
{
	static const unsigned char zero[32];
	crypto_auth_hmacsha256_state st;
	unsigned char prk[32], one = 1;

	if (saltlen == 0) {		/* RFC 5869: HashLen zero bytes */
		salt = zero;
		saltlen = sizeof zero;
	}
	crypto_auth_hmacsha256_init(&st, salt, saltlen);
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
	crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)info, strlen(info));
	crypto_auth_hmacsha256_update(&st, &one, 1);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(prk, sizeof prk);
	sodium_memzero(&st, sizeof st);
}

/* header_mac - HMAC over the header through "---" with the file key */
static void
header_mac(unsigned char mac[AGE_MACBYTES], const unsigned char fk[AGE_FILEKEYBYTES],
    const unsigned char *hdr, size_t n)
{
	crypto_auth_hmacsha256_state st;
	unsigned char key[32];

	hkdf(key, fk, AGE_FILEKEYBYTES, NULL, 0, "header");
	crypto_auth_hmacsha256_init(&st, key, sizeof key);
	crypto_auth_hmacsha256_update(&st, hdr, n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	sodium_memzero(&st, sizeof st);
}

/* scrypt_key - the wrap key of a scrypt stanza; 0 or -1 (out of memory) */
static int
scrypt_key(unsigned char key[32], const char *pass,
    const unsigned char salt[AGE_SALTBYTES], int logn)
{
	unsigned char s[sizeof AGE_SCRYPT_LABEL - 1 + AGE_SALTBYTES];

	memcpy(s, AGE_SCRYPT_LABEL, sizeof AGE_SCRYPT_LABEL - 1);
	memcpy(s + sizeof AGE_SCRYPT_LABEL - 1, salt, AGE_SALTBYTES);
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass, strlen(pass),
	    s, sizeof s, (uint64_t)1 << logn, 8, 1, key, 32) != 0)
		return -1;
	return 0;
}

/* stream_nonce - STREAM nonce for chunk i */
static void
stream_nonce(unsigned char n[12], uint64_t i, int last)
{
	int	k;

	memset(n, 0, 12);
	for (k = 0; k < 8; k++)
		n[10 - k] = (i >> (8 * k)) & 0xff;
	n[11] = last ? 1 : 0;
}

/*
 * Byte sources and sinks: a descriptor or a stdio stream
 */
struct raw {
	int	fd;
	FILE	*fp;
	unsigned char buf[4096];
	size_t	pos, len;
	int	eof, err;
};

/* raw_sysread - one read from the source: >0, 0 at EOF, -1 on error */
static ssize_t
raw_sysread(struct raw *r, unsigned char *p, size_t n)
{
	ssize_t	k;
	size_t	m;

	if (r->fp != NULL) {
		m = fread(p, 1, n, r->fp);
		if (m == 0 && ferror(r->fp))
			return -1;
		return m;
	}
	do
		k = read(r->fd, p, n);
	while (k == -1 && errno == EINTR);
	return k;
}

/* raw_fill - make sure some bytes are buffered: 1, 0 at EOF, -1 on error */
static int
raw_fill(struct raw *r)
{
	ssize_t	k;

	if (r->pos < r->len)
		return 1;
	if (r->eof)
		return 0;
	if (r->err)
		return -1;
	r->pos = r->len = 0;
	if ((k = raw_sysread(r, r->buf, sizeof r->buf)) < 0) {
		r->err = 1;
		return -1;
	}
	if (k == 0) {
		r->eof = 1;
		return 0;
	}
	r->len = k;
	return 1;
}

/* raw_getc - next byte, -1 at EOF, -2 on error */
static int
raw_getc(struct raw *r)
{
	int	k;

	if ((k = raw_fill(r)) <= 0)
		return k == 0 ? -1 : -2;
	return r->buf[r->pos++];
}

/* raw_read - read n bytes unless EOF comes first: count, or -1 */
static ssize_t
raw_read(struct raw *r, unsigned char *p, size_t n)
{
	size_t	got = 0, m;
	ssize_t	k;

	while (got < n) {
		if (r->pos < r->len) {
			m = r->len - r->pos;
			if (m > n - got)
				m = n - got;
			memcpy(p + got, r->buf + r->pos, m);
			r->pos += m;
			got += m;
			continue;
		}
		if (r->eof)
			break;
		if (r->err)
			return -1;
		if ((k = raw_sysread(r, p + got, n - got)) < 0) {
			r->err = 1;
			return -1;
		}
		if (k == 0)
			r->eof = 1;
		got += k;
	}
	return got;
}

struct sink {
	int	fd;
	FILE	*fp;
	age_sink_fn fn;
	void	*arg;
};

/* sink_write - all of p, or -1 */
static int
sink_write(struct sink *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	ssize_t	k;

	if (n == 0)
		return 0;
	if (s->fn != NULL)
		return s->fn(s->arg, b, n) == 0 ? 0 : -1;
	if (s->fp != NULL)
		return fwrite(b, 1, n, s->fp) == n ? 0 : -1;
	while (n > 0) {
		k = write(s->fd, b, n);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= k;
	}
	return 0;
}

/*
 * Encryption
 */

/* put_stanza - "-> args\n" and the wrapped body (32 bytes, one short line) */
static int
put_stanza(unsigned char **hdr, size_t *hl, const char *line,
    const unsigned char body[AGE_BODYBYTES])
{
	char	b64[sodium_base64_ENCODED_LEN(AGE_BODYBYTES, AGE_B64VAR)];
	size_t	n = strlen(line);
	unsigned char *h;

	sodium_bin2base64(b64, sizeof b64, body, AGE_BODYBYTES, AGE_B64VAR);
	if ((h = realloc(*hdr, *hl + n + strlen(b64) + 2)) == NULL)
		return -1;
	*hdr = h;
	memcpy(h + *hl, line, n);
	*hl += n;
	memcpy(h + *hl, b64, strlen(b64));
	*hl += strlen(b64);
	h[(*hl)++] = '\n';
	return 0;
}

static int
age_encrypt(const struct age_enc *enc, struct raw *in, struct sink *out)
{
	unsigned char fk[AGE_FILEKEYBYTES], key[32], body[AGE_BODYBYTES];
	unsigned char e[32], share[32], shared[32], salt64[64], salt[AGE_SALTBYTES];
	unsigned char zn[12] = { 0 }, nonce[AGE_NONCEBYTES], mac[AGE_MACBYTES];
	unsigned char cn[12], *pt = NULL, *ct = NULL, *hdr = NULL;
	char	line[256], b64a[64], b64b[64];
	size_t	hl, i, have;
	uint64_t ci = 0;
	ssize_t	k;
	int	logn, rc = -1;

	if (age_init() == -1)
		return -1;
	if (enc->pass != NULL && enc->nrecip > 0)
		return msg_error("age: a passphrase cannot be combined with recipients");
	if (enc->pass == NULL && enc->nrecip == 0)
		return msg_error("age: no recipient and no passphrase");
	logn = enc->logn ? enc->logn : AGE_SCRYPT_LOGN_DEFAULT;
	if (enc->pass != NULL && (logn < 1 || logn > AGE_SCRYPT_LOGN_MAX))
		return msg_error("age: scrypt work factor %d out of range 1..%d",
		    logn, AGE_SCRYPT_LOGN_MAX);
	if ((pt = malloc(AGE_BATCH * AGE_CHUNKBYTES + 1)) == NULL ||
	    (ct = malloc(AGE_BATCH * AGE_CTCHUNK)) == NULL) {
		msg_error("age: out of memory");
		goto out;
	}
	randombytes_buf(fk, sizeof fk);
	hl = sizeof AGE_VERSION_LINE;
	if ((hdr = malloc(hl)) == NULL) {
		msg_error("age: out of memory");
		goto out;
	}
	memcpy(hdr, AGE_VERSION_LINE "\n", hl);

	for (i = 0; i < enc->nrecip; i++) {
		randombytes_buf(e, sizeof e);
		crypto_scalarmult_curve25519_base(share, e);
		if (crypto_scalarmult_curve25519(shared, e, enc->recip[i]) != 0) {
			msg_error("age: recipient %zu is not a usable X25519 key", i + 1);
			goto out;
		}
		memcpy(salt64, share, 32);
		memcpy(salt64 + 32, enc->recip[i], 32);
		hkdf(key, shared, sizeof shared, salt64, sizeof salt64, AGE_X25519_LABEL);
		crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, fk, sizeof fk,
		    NULL, 0, NULL, zn, key);
		sodium_bin2base64(b64a, sizeof b64a, share, sizeof share, AGE_B64VAR);
		snprintf(line, sizeof line, "-> X25519 %s\n", b64a);
		if (put_stanza(&hdr, &hl, line, body) == -1) {
			msg_error("age: out of memory");
			goto out;
		}
	}
	if (enc->pass != NULL) {
		randombytes_buf(salt, sizeof salt);
		if (scrypt_key(key, enc->pass, salt, logn) == -1) {
			msg_error("age: scrypt failed (out of memory?)");
			goto out;
		}
		crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, fk, sizeof fk,
		    NULL, 0, NULL, zn, key);
		sodium_bin2base64(b64b, sizeof b64b, salt, sizeof salt, AGE_B64VAR);
		snprintf(line, sizeof line, "-> scrypt %s %d\n", b64b, logn);
		if (put_stanza(&hdr, &hl, line, body) == -1) {
			msg_error("age: out of memory");
			goto out;
		}
	}
	{
		unsigned char *h = realloc(hdr, hl + 3);

		if (h == NULL) {
			msg_error("age: out of memory");
			goto out;
		}
		hdr = h;
		memcpy(hdr + hl, "---", 3);
		hl += 3;
	}
	header_mac(mac, fk, hdr, hl);
	sodium_bin2base64(b64a, sizeof b64a, mac, sizeof mac, AGE_B64VAR);
	randombytes_buf(nonce, sizeof nonce);
	hkdf(key, fk, sizeof fk, nonce, sizeof nonce, "payload");
	if (sink_write(out, hdr, hl) == -1 || sink_write(out, " ", 1) == -1 ||
	    sink_write(out, b64a, strlen(b64a)) == -1 || sink_write(out, "\n", 1) == -1 ||
	    sink_write(out, nonce, sizeof nonce) == -1)
		goto wfail;

	/*
	 * A batch of AGE_BATCH chunks per read and per write: one syscall
	 * per 64 KiB each way cost about a tenth of the time on a 100 MB
	 * file (make bench).  Read one byte beyond a batch to know whether
	 * it is the last: a plaintext that is a multiple of 64 KiB ends with
	 * a full final chunk, and only an empty plaintext with an empty one.
	 */
	have = 0;
	for (;;) {
		size_t	off = 0, o = 0, n;
		int	lastbatch, final;

		if ((k = raw_read(in, pt + have, AGE_BATCH * AGE_CHUNKBYTES + 1 - have)) < 0) {
			msg_syserror("age: cannot read plaintext");
			goto out;
		}
		have += k;
		lastbatch = have <= AGE_BATCH * AGE_CHUNKBYTES;
		while (lastbatch || off < AGE_BATCH * AGE_CHUNKBYTES) {
			n = have - off;
			final = lastbatch && n <= AGE_CHUNKBYTES;
			if (!final)
				n = AGE_CHUNKBYTES;
			stream_nonce(cn, ci, final);
			crypto_aead_chacha20poly1305_ietf_encrypt(ct + o, NULL, pt + off, n,
			    NULL, 0, NULL, cn, key);
			o += n + AGE_TAGBYTES;
			off += n;
			if (final)
				break;
			ci++;
		}
		if (sink_write(out, ct, o) == -1)
			goto wfail;
		if (lastbatch)
			break;
		pt[0] = pt[AGE_BATCH * AGE_CHUNKBYTES];
		have = 1;
	}
	if (out->fp != NULL && fflush(out->fp) == EOF)
		goto wfail;
	rc = 0;
	goto out;
wfail:
	msg_syserror("age: cannot write the encrypted file");
out:
	sodium_memzero(fk, sizeof fk);
	sodium_memzero(key, sizeof key);
	sodium_memzero(e, sizeof e);
	sodium_memzero(shared, sizeof shared);
	if (pt != NULL) {
		sodium_memzero(pt, AGE_BATCH * AGE_CHUNKBYTES + 1);
		free(pt);
	}
	free(ct);
	free(hdr);
	return rc;
}

int
age_encrypt_fd(const struct age_enc *enc, int in, int out)
{
	struct raw *r;
	struct sink s = { .fd = out };
	int	rc;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return msg_error("age: out of memory");
	r->fd = in;
	rc = age_encrypt(enc, r, &s);
	sodium_memzero(r, sizeof *r);
	free(r);
	return rc;
}

int
age_encrypt_fp(const struct age_enc *enc, FILE *in, FILE *out)
{
	struct raw *r;
	struct sink s = { .fd = -1, .fp = out };
	int	rc;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return msg_error("age: out of memory");
	r->fd = -1;
	r->fp = in;
	rc = age_encrypt(enc, r, &s);
	sodium_memzero(r, sizeof *r);
	free(r);
	return rc;
}

/*
 * Decryption input: raw bytes, or the decoded bytes of strict PEM armor
 */
struct rd {
	struct raw raw;
	int	armored;
	int	state;		/* armor: 0 before BEGIN, 1 in body, 2 after END */
	int	need_end;	/* armor: last line was short: END must follow */
	unsigned char dec[48];
	size_t	dpos, dlen;
	enum age_result err;	/* why the last read failed */
	char	why[AGE_WHYLEN];
};

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* rd_fail - remember a failure class and reason; returns -2 for getc */
static int __attribute__((format(printf, 3, 4)))
rd_fail(struct rd *r, enum age_result e, const char *fmt, ...)
{
	va_list	ap;

	r->err = e;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
	return -2;
}

/*
 * b64_chars - is s[0..n) made of base64 characters (and '=' if padded)
 * only?  The libsodium of Debian 12 (1.0.18) decodes every byte from 0x80
 * up as a base64 character, which would take a header or armor line age
 * refuses (the same check as note.c's; found by tests/fuzz/f_checkpoint).
 */
static int
b64_chars(const char *s, size_t n, int padded)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' ||
		    (padded && s[i] == '=')))
			return 0;
	return 1;
}

/* armor_line - one raw line without its LF or CRLF: length, -1 EOF, -2 error */
static int
armor_line(struct rd *r, char *line, size_t max, int *eol)
{
	size_t	n = 0;
	int	c;

	*eol = 0;
	for (;;) {
		if ((c = raw_getc(&r->raw)) == -2)
			return rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
		if (c == -1)
			break;
		if (c == '\n') {
			*eol = 1;
			break;
		}
		if (n == max)
			return rd_fail(r, AGE_EARMOR, "armor failure: line too long");
		line[n++] = c;
	}
	if (c == -1 && n == 0)
		return -1;
	if (n > 0 && line[n - 1] == '\r')	/* CRLF, or a CR after END */
		n--;
	line[n] = '\0';
	return n;
}

/* armor_fill - decode the next armor line into r->dec: 1, 0 at END, -2 */
static int
armor_fill(struct rd *r)
{
	char	line[80];
	size_t	len;
	int	n, c, eol;

	if (r->state == 2)
		return 0;
	if (r->state == 0) {
		while ((c = raw_getc(&r->raw)) >= 0 && is_ws(c))
			;
		if (c == -2)
			return rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
		if (c == -1)
			return rd_fail(r, AGE_EARMOR, "armor failure: no begin line");
		r->raw.pos--;		/* c came from the buffer: put it back */
		if ((n = armor_line(r, line, sizeof line - 1, &eol)) == -2)
			return -2;
		if (n < 0 || !eol || strcmp(line, AGE_ARMOR_BEGIN) != 0)
			return rd_fail(r, AGE_EARMOR, "armor failure: bad begin line");
		r->state = 1;
	}
	if ((n = armor_line(r, line, sizeof line - 1, &eol)) == -2)
		return -2;
	if (n == -1)
		return rd_fail(r, AGE_EARMOR, "armor failure: no end line");
	if (strcmp(line, AGE_ARMOR_END) == 0) {
		while ((c = raw_getc(&r->raw)) >= 0)
			if (!is_ws(c))
				return rd_fail(r, AGE_EARMOR,
				    "armor failure: data after the end line");
		if (c == -2)
			return rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
		r->state = 2;
		return 0;
	}
	if (r->need_end)
		return rd_fail(r, AGE_EARMOR, "armor failure: short line before the end");
	if (n == 0)
		return rd_fail(r, AGE_EARMOR, "armor failure: empty line");
	if (n > 64 || !eol)
		return rd_fail(r, AGE_EARMOR, "armor failure: bad line length");
	if (!b64_chars(line, n, 1) || sodium_base642bin(r->dec, sizeof r->dec, line, n, NULL,
	    &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return rd_fail(r, AGE_EARMOR, "armor failure: invalid base64");
	if (n < 64 || line[n - 1] == '=')
		r->need_end = 1;
	r->dpos = 0;
	r->dlen = len;
	return 1;
}

/* rd_getc - next decoded byte, -1 at EOF, -2 on error (r->err set) */
static int
rd_getc(struct rd *r)
{
	int	c, k;

	if (!r->armored) {
		if ((c = raw_getc(&r->raw)) == -2)
			return rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
		return c;
	}
	while (r->dpos == r->dlen)
		if ((k = armor_fill(r)) <= 0)
			return k == 0 ? -1 : -2;
	return r->dec[r->dpos++];
}

/* rd_read - up to n bytes, fewer only at EOF: count, or -1 (r->err set) */
static ssize_t
rd_read(struct rd *r, unsigned char *p, size_t n)
{
	ssize_t	k;
	size_t	got = 0, m;
	int	c;

	if (!r->armored) {
		if ((k = raw_read(&r->raw, p, n)) < 0)
			rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
		return k;
	}
	while (got < n) {
		if (r->dpos == r->dlen) {
			if ((c = armor_fill(r)) == 0)
				break;
			if (c < 0)
				return -1;
			continue;
		}
		m = r->dlen - r->dpos;
		if (m > n - got)
			m = n - got;
		memcpy(p + got, r->dec + r->dpos, m);
		r->dpos += m;
		got += m;
	}
	return got;
}

/*
 * Header parsing
 */
struct stanza {
	char	*line;		/* copy of the argument line, split in place */
	char	**argv;
	int	argc;
	unsigned char *body;
	size_t	bodylen;
};

struct header {
	unsigned char *buf;	/* raw header bytes */
	size_t	len, cap;
	size_t	maclen;		/* bytes covered by the MAC: through "---" */
	unsigned char mac[AGE_MACBYTES];
	struct stanza *st;
	int	nst;
};

static void
header_release(struct header *h)
{
	int	i;

	for (i = 0; i < h->nst; i++) {
		free(h->st[i].line);
		free(h->st[i].argv);
		free(h->st[i].body);
	}
	free(h->st);
	free(h->buf);
	memset(h, 0, sizeof *h);
}

/* hdr_line - read one header line (LF-terminated): its length, or -2 */
static int
hdr_line(struct rd *r, struct header *h, size_t *start)
{
	unsigned char *nb;
	int	c;

	*start = h->len;
	for (;;) {
		if ((c = rd_getc(r)) == -2)
			return -2;
		if (c == -1) {
			if (h->len == 0)
				return rd_fail(r, AGE_EHEADER, "header failure: empty file");
			return rd_fail(r, AGE_EHEADER, "header failure: truncated header");
		}
		if (h->len == h->cap) {
			if (h->cap >= AGE_HEADER_MAX)
				return rd_fail(r, AGE_EHEADER, "header failure: header too long");
			h->cap = h->cap ? 2 * h->cap : 1024;
			if ((nb = realloc(h->buf, h->cap)) == NULL)
				return rd_fail(r, AGE_EIO, "out of memory");
			h->buf = nb;
		}
		h->buf[h->len++] = c;
		if (c == '\n')
			break;
	}
	return h->len - *start - 1;
}

/* b64_strict - canonical unpadded base64 of exactly want bytes (0: any) */
static int
b64_strict(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	if (!b64_chars(s, n, 0) ||
	    sodium_base642bin(out, max, s, n, NULL, outlen, NULL, AGE_B64VAR) != 0)
		return -1;
	return 0;
}

/* parse_stanza - the "-> " line at h->buf + start, then its body lines */
static int
parse_stanza(struct rd *r, struct header *h, size_t start, int n)
{
	struct stanza *st, *ns;
	char	*body = NULL, *nbody;
	size_t	bl = 0, ls, i;
	int	k, argc, rc = -2;

	if ((ns = realloc(h->st, (h->nst + 1) * sizeof *ns)) == NULL)
		return rd_fail(r, AGE_EIO, "out of memory");
	h->st = ns;
	st = &h->st[h->nst++];
	memset(st, 0, sizeof *st);
	if ((st->line = malloc(n - 2)) == NULL)
		return rd_fail(r, AGE_EIO, "out of memory");
	memcpy(st->line, h->buf + start + 3, n - 3);
	st->line[n - 3] = '\0';
	argc = 1;
	for (i = 0; i < (size_t)n - 3; i++) {
		unsigned char c = st->line[i];

		if (c == ' ') {
			if (i == 0 || st->line[i - 1] == ' ' || i == (size_t)n - 4)
				return rd_fail(r, AGE_EHEADER,
				    "header failure: empty stanza argument");
			argc++;
		} else if (c < 0x21 || c > 0x7e)
			return rd_fail(r, AGE_EHEADER,
			    "header failure: invalid character in a stanza");
	}
	if (n == 3)
		return rd_fail(r, AGE_EHEADER, "header failure: stanza without type");
	if ((st->argv = calloc(argc + 1, sizeof *st->argv)) == NULL)
		return rd_fail(r, AGE_EIO, "out of memory");
	st->argv[st->argc++] = st->line;
	for (i = 0; i < (size_t)n - 3; i++)
		if (st->line[i] == ' ') {
			st->line[i] = '\0';
			st->argv[st->argc++] = st->line + i + 1;
		}

	/* body: full 64-column lines, ended by a shorter one (maybe empty) */
	for (;;) {
		if ((k = hdr_line(r, h, &ls)) < 0)
			goto out;
		if (k > 64) {
			rd_fail(r, AGE_EHEADER, "header failure: stanza body line too long");
			goto out;
		}
		if ((nbody = realloc(body, bl + k + 1)) == NULL) {
			rd_fail(r, AGE_EIO, "out of memory");
			goto out;
		}
		body = nbody;
		memcpy(body + bl, h->buf + ls, k);
		bl += k;
		if (k < 64)
			break;
	}
	if ((st->body = malloc(bl * 3 / 4 + 3)) == NULL) {
		rd_fail(r, AGE_EIO, "out of memory");
		goto out;
	}
	if (b64_strict(body, bl, st->body, bl * 3 / 4 + 3, &st->bodylen) == -1) {
		rd_fail(r, AGE_EHEADER, "header failure: stanza body is not canonical base64");
		goto out;
	}
	rc = 0;
out:
	free(body);
	return rc;
}

/* parse_header - version line, stanzas, MAC line; 0 or -2 (r->err set) */
static int
parse_header(struct rd *r, struct header *h)
{
	size_t	start, ml;
	int	n;

	if ((n = hdr_line(r, h, &start)) < 0)
		return -2;
	if ((size_t)n != sizeof AGE_VERSION_LINE - 1 ||
	    memcmp(h->buf, AGE_VERSION_LINE, n) != 0)
		return rd_fail(r, AGE_EHEADER, "header failure: not an age v1 file");
	for (;;) {
		if ((n = hdr_line(r, h, &start)) < 0)
			return -2;
		if (n >= 3 && memcmp(h->buf + start, "-> ", 3) == 0) {
			if (parse_stanza(r, h, start, n) < 0)
				return -2;
			continue;
		}
		if (n >= 3 && memcmp(h->buf + start, "---", 3) == 0)
			break;
		return rd_fail(r, AGE_EHEADER, "header failure: unexpected line");
	}
	if (n != 4 + 43 || h->buf[start + 3] != ' ' ||
	    b64_strict((const char *)h->buf + start + 4, 43, h->mac, sizeof h->mac, &ml) == -1 ||
	    ml != sizeof h->mac)
		return rd_fail(r, AGE_EHEADER, "header failure: malformed MAC line");
	h->maclen = start + 3;
	if (h->nst == 0)
		return rd_fail(r, AGE_EHEADER, "header failure: no stanza");
	return 0;
}

/* unwrap_x25519 - 1 opened, 0 not ours, -2 fatal (r->err set) */
static int
unwrap_x25519(struct rd *r, const struct stanza *st, const unsigned char sk[AGE_KEYBYTES],
    unsigned char fk[AGE_FILEKEYBYTES])
{
	unsigned char share[32], shared[32], pk[32], salt[64], key[32];
	static const unsigned char zn[12];
	size_t	sl;
	int	rc = -2;

	if (st->argc != 2 ||
	    b64_strict(st->argv[1], strlen(st->argv[1]), share, sizeof share, &sl) == -1 ||
	    sl != sizeof share) {
		rd_fail(r, AGE_EHEADER, "header failure: malformed X25519 stanza");
		goto out;
	}
	if (st->bodylen != AGE_BODYBYTES) {
		rd_fail(r, AGE_EHEADER, "header failure: X25519 stanza body is not 32 bytes");
		goto out;
	}
	if (crypto_scalarmult_curve25519(shared, sk, share) != 0) {
		rd_fail(r, AGE_EHEADER, "header failure: X25519 share is a low-order point");
		goto out;
	}
	crypto_scalarmult_curve25519_base(pk, sk);
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	hkdf(key, shared, sizeof shared, salt, sizeof salt, AGE_X25519_LABEL);
	rc = crypto_aead_chacha20poly1305_ietf_decrypt(fk, NULL, NULL, st->body,
	    st->bodylen, NULL, 0, zn, key) == 0 ? 1 : 0;
out:
	sodium_memzero(shared, sizeof shared);
	sodium_memzero(key, sizeof key);
	return rc;
}

/* unwrap_scrypt - 1 opened, 0 not ours, -2 fatal (r->err set) */
static int
unwrap_scrypt(struct rd *r, const struct stanza *st, const char *pass, int max_logn,
    unsigned char fk[AGE_FILEKEYBYTES])
{
	unsigned char salt[AGE_SALTBYTES], key[32];
	static const unsigned char zn[12];
	const char *w;
	size_t	sl;
	int	logn = 0, rc = -2;

	if (st->argc != 3 ||
	    b64_strict(st->argv[1], strlen(st->argv[1]), salt, sizeof salt, &sl) == -1 ||
	    sl != sizeof salt) {
		rd_fail(r, AGE_EHEADER, "header failure: malformed scrypt stanza");
		goto out;
	}
	w = st->argv[2];
	if (*w < '1' || *w > '9') {
		rd_fail(r, AGE_EHEADER, "header failure: bad scrypt work factor");
		goto out;
	}
	for (; *w != '\0'; w++) {
		if (*w < '0' || *w > '9' || logn > 1000) {
			rd_fail(r, AGE_EHEADER, "header failure: bad scrypt work factor");
			goto out;
		}
		logn = logn * 10 + (*w - '0');
	}
	if (logn > max_logn) {
		rd_fail(r, AGE_EHEADER, "header failure: scrypt work factor %d over the limit %d",
		    logn > 1000 ? 1000 : logn, max_logn);
		goto out;
	}
	if (st->bodylen != AGE_BODYBYTES) {
		rd_fail(r, AGE_EHEADER, "header failure: scrypt stanza body is not 32 bytes");
		goto out;
	}
	if (scrypt_key(key, pass, salt, logn) == -1) {
		rd_fail(r, AGE_EIO, "scrypt failed (out of memory?)");
		goto out;
	}
	rc = crypto_aead_chacha20poly1305_ietf_decrypt(fk, NULL, NULL, st->body,
	    st->bodylen, NULL, 0, zn, key) == 0 ? 1 : 0;
out:
	sodium_memzero(key, sizeof key);
	return rc;
}

/* payload - STREAM decryption; releases each chunk once it verifies */
static int
payload(struct rd *r, struct sink *out, const unsigned char fk[AGE_FILEKEYBYTES])
{
	unsigned char nonce[AGE_NONCEBYTES], key[32], cn[12], *ct = NULL, *pt = NULL;
	unsigned long long ptlen;
	uint64_t ci = 0;
	ssize_t	n;
	int	c, rc = -2;

	if ((n = rd_read(r, nonce, sizeof nonce)) < 0)
		return -2;
	if ((size_t)n < sizeof nonce)
		return rd_fail(r, AGE_EHEADER, "header failure: payload nonce missing or short");
	hkdf(key, fk, AGE_FILEKEYBYTES, nonce, sizeof nonce, "payload");
	if ((ct = malloc(AGE_CTCHUNK)) == NULL || (pt = malloc(AGE_CHUNKBYTES)) == NULL) {
		rd_fail(r, AGE_EIO, "out of memory");
		goto out;
	}
	for (;; ci++) {
		if ((n = rd_read(r, ct, AGE_CTCHUNK)) < 0)
			goto out;
		if (n == 0) {
			rd_fail(r, AGE_EPAYLOAD, "payload failure: truncated (no final chunk)");
			goto out;
		}
		if (n < AGE_CTCHUNK) {
			if (n < AGE_TAGBYTES || (n == AGE_TAGBYTES && ci > 0)) {
				rd_fail(r, AGE_EPAYLOAD, "payload failure: short or empty last chunk");
				goto out;
			}
			stream_nonce(cn, ci, 1);
			if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, n,
			    NULL, 0, cn, key) != 0) {
				rd_fail(r, AGE_EPAYLOAD, "payload failure: chunk %llu does not verify",
				    (unsigned long long)ci);
				goto out;
			}
			if (sink_write(out, pt, ptlen) == -1) {
				rd_fail(r, AGE_EIO, "cannot write plaintext: %s", strerror(errno));
				goto out;
			}
			break;
		}
		stream_nonce(cn, ci, 0);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, n,
		    NULL, 0, cn, key) == 0) {
			if (sink_write(out, pt, ptlen) == -1) {
				rd_fail(r, AGE_EIO, "cannot write plaintext: %s", strerror(errno));
				goto out;
			}
			continue;
		}
		stream_nonce(cn, ci, 1);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, n,
		    NULL, 0, cn, key) != 0) {
			rd_fail(r, AGE_EPAYLOAD, "payload failure: chunk %llu does not verify",
			    (unsigned long long)ci);
			goto out;
		}
		if (sink_write(out, pt, ptlen) == -1) {
			rd_fail(r, AGE_EIO, "cannot write plaintext: %s", strerror(errno));
			goto out;
		}
		break;
	}
	if ((c = rd_getc(r)) == -2)
		goto out;
	if (c != -1) {
		rd_fail(r, AGE_EPAYLOAD, "payload failure: data after the last chunk");
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(key, sizeof key);
	if (pt != NULL) {
		sodium_memzero(pt, AGE_CHUNKBYTES);
		free(pt);
	}
	free(ct);
	return rc;
}

static enum age_result
age_decrypt(const struct age_keys *keys, struct rd *r, struct sink *out, char *why)
{
	struct header h;
	unsigned char fk[AGE_FILEKEYBYTES], mac[AGE_MACBYTES];
	size_t	i, p;
	int	j, k = 0, nscrypt = 0, max_logn;
	enum age_result res;

	memset(&h, 0, sizeof h);
	r->err = AGE_OK;
	if (age_init() == -1) {
		rd_fail(r, AGE_EUSAGE, "cannot initialise libsodium");
		goto out;
	}
	/* no keys at all still parses the header: a bad file says so first */
	max_logn = keys->max_logn ? keys->max_logn : AGE_SCRYPT_LOGN_MAX;
	if (keys->armor == AGE_ARMOR_YES)
		r->armored = 1;
	else if (keys->armor == AGE_ARMOR_AUTO) {
		/* binary files start with 'a'; armor with white space or '-' */
		if (raw_fill(&r->raw) == -1) {
			rd_fail(r, AGE_EIO, "cannot read input: %s", strerror(errno));
			goto out;
		}
		for (p = r->raw.pos; p < r->raw.len && is_ws(r->raw.buf[p]); p++)
			;
		if (p < r->raw.len && r->raw.buf[p] == '-')
			r->armored = 1;
	}
	if (parse_header(r, &h) < 0)
		goto out;
	for (j = 0; j < h.nst; j++)
		if (strcmp(h.st[j].argv[0], "scrypt") == 0)
			nscrypt++;
	if (nscrypt > 0 && h.nst > 1) {
		rd_fail(r, AGE_EHEADER, "header failure: scrypt stanza not alone in the header");
		goto out;
	}
	for (i = 0; k == 0 && i < keys->nident; i++)
		for (j = 0; k == 0 && j < h.nst; j++)
			if (strcmp(h.st[j].argv[0], "X25519") == 0 &&
			    (k = unwrap_x25519(r, &h.st[j], keys->ident[i], fk)) < 0)
				goto out;
	for (i = 0; k == 0 && i < keys->npass; i++)
		for (j = 0; k == 0 && j < h.nst; j++)
			if (strcmp(h.st[j].argv[0], "scrypt") == 0 &&
			    (k = unwrap_scrypt(r, &h.st[j], keys->pass[i], max_logn, fk)) < 0)
				goto out;
	if (k == 0) {
		rd_fail(r, AGE_ENOMATCH, "no match: no identity or passphrase opens this file");
		goto out;
	}
	header_mac(mac, fk, h.buf, h.maclen);
	if (sodium_memcmp(mac, h.mac, sizeof mac) != 0) {
		rd_fail(r, AGE_EHMAC, "HMAC failure: header MAC does not verify");
		goto out;
	}
	(void)payload(r, out, fk);
out:
	res = r->err;
	if (res != AGE_OK)
		say(why, "age: %s", r->why);
	sodium_memzero(fk, sizeof fk);
	header_release(&h);
	return res;
}

/* rd_new - a reader on fd or fp */
static struct rd *
rd_new(int fd, FILE *fp)
{
	struct rd *r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	r->raw.fd = fd;
	r->raw.fp = fp;
	return r;
}

static void
rd_free(struct rd *r)
{
	sodium_memzero(r, sizeof *r);
	free(r);
}

enum age_result
age_decrypt_to(const struct age_keys *keys, FILE *in, age_sink_fn fn, void *arg, char *why)
{
	struct sink s = { .fd = -1, .fn = fn, .arg = arg };
	struct rd *r;
	enum age_result res;

	if ((r = rd_new(-1, in)) == NULL) {
		say(why, "age: out of memory");
		return AGE_EIO;
	}
	res = age_decrypt(keys, r, &s, why);
	rd_free(r);
	return res;
}

/* undo_output - truncate a regular-file output back to where it started */
static void
undo_output(int fd, off_t start)
{
	struct stat st;

	if (fd == -1 || start == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	if (ftruncate(fd, start) == 0)
		(void)lseek(fd, start, SEEK_SET);
}

enum age_result
age_decrypt_fd(const struct age_keys *keys, int in, int out, char *why)
{
	struct sink s = { .fd = out };
	struct rd *r;
	enum age_result res;
	off_t	start;

	if ((r = rd_new(in, NULL)) == NULL) {
		say(why, "age: out of memory");
		return AGE_EIO;
	}
	start = lseek(out, 0, SEEK_CUR);
	if ((res = age_decrypt(keys, r, &s, why)) != AGE_OK)
		undo_output(out, start);
	rd_free(r);
	return res;
}

enum age_result
age_decrypt_fp(const struct age_keys *keys, FILE *in, FILE *out, char *why)
{
	struct sink s = { .fd = -1, .fp = out };
	struct rd *r;
	enum age_result res;
	off_t	start;

	if ((r = rd_new(-1, in)) == NULL) {
		say(why, "age: out of memory");
		return AGE_EIO;
	}
	start = ftello(out);
	res = age_decrypt(keys, r, &s, why);
	if (res == AGE_OK && fflush(out) == EOF) {
		say(why, "age: cannot write plaintext: %s", strerror(errno));
		res = AGE_EIO;
	}
	if (res != AGE_OK) {
		(void)fflush(out);
		if (fileno(out) != -1) {
			undo_output(fileno(out), start);
			(void)fseeko(out, start, SEEK_SET);
		}
	}
	rd_free(r);
	return res;
}
