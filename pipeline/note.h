/*
 * note.h - C2SP signed notes (Ed25519) and tlog checkpoints
 *
 * Contract: c2sp.org/signed-note with Ed25519 keys (signature type 0x01)
 * and c2sp.org/tlog-checkpoint bodies, as summarised in
 * ../shared/FORMATS.md sections 2 and 3, with golang.org/x/mod/sumdb/note
 * as the reference for key strings and signing.  libc and libsodium only:
 * the auditor's standalone verifier links this file alone.  Call
 * sodium_init() once before using it (the functions below also do, and
 * fail if it fails).
 *
 * Keys, as strings (Go x/mod conventions):
 *	vkey	NAME "+" HEX8 "+" b64(0x01 || public key)
 *	skey	"PRIVATE+KEY+" NAME "+" HEX8 "+" b64(0x01 || Ed25519 seed)
 *	HEX8	the key id, SHA-256(NAME || 0x0A || 0x01 || public key)[0:4]
 *		big-endian, as 8 lower-case hex digits
 * b64 is RFC 4648 standard, padded and canonical.  Parsers split on the
 * first '+' characters only, and reject a bad name, a key id that is not
 * 8 lower-case hex digits or does not match the key, any other algorithm
 * byte, and a key that is not 32 bytes; so every proper substring and
 * every one-byte change of a valid key string is refused.  A NAME is
 * non-empty valid UTF-8 with no '+', no control character and no Unicode
 * white space; keys we hold have names of at most NOTE_NAMEMAX bytes.
 *
 * A note is TEXT || LF || one or more signature lines
 * "\u2014 NAME b64(keyid || signature)" LF.  TEXT is non-empty, ends in
 * LF and may hold blank lines; the whole note is valid UTF-8 without
 * control characters other than LF.  The signature block starts after
 * the LAST blank line.
 *
 * Opening (note_open) follows Go's Open: a syntax error anywhere rejects
 * the note; more than NOTE_MAXSIGS signature lines reject it (Go's limit;
 * C2SP asks for at least 16); a line whose (name, key id) pair is not a
 * trusted key is unverified and ignored (identical such lines counted
 * once), even when only the name or only the id matches one; a trusted
 * pair listed twice among the keys is an error ("ambiguous key", as in
 * Go); a second line from an already verified key is skipped; a line
 * from a trusted key that does not verify (including a signature that is
 * not 64 bytes) rejects the note; and at least one must verify.
 * Stricter than Go: b64 must be canonical (unused low bits zero).
 *
 * Results point into the caller's message (struct note_sig and
 * struct note_checkpoint hold pointers and lengths, not copies), so keep
 * the message while they are used.
 *
 * Checkpoint text: ORIGIN LF SIZE LF b64(root, 32 bytes) LF, then
 * optional extension lines, each non-empty and ending in LF.  SIZE is
 * canonical decimal (no sign, no leading zero but "0") that fits 64
 * bits.  The parser is strict where transparency-dev/formats is lenient
 * (root of any length, leading zeros).  note_checkpoint_open checks the
 * log's signature and the origin only; the caller must still refuse a
 * smaller size than the last checkpoint it trusted and check consistency
 * with a Merkle proof (merkle.h).
 *
 * Errors: functions returning int give 0, or -1 and a one-line,
 * lower-case reason in why (NOTE_WHYLEN bytes) when why is not NULL.
 * Reasons hold key names and ids, never key material.  Malformed input
 * never crashes anything.  struct note_skey holds a secret key: release
 * it with note_skey_release (which wipes it); every other secret held
 * here is wiped with sodium_memzero before return.
 */
#ifndef ROI_NOTE_H
#define ROI_NOTE_H

#include <stddef.h>
#include <stdint.h>

#define NOTE_WHYLEN		128
#define NOTE_NAMEMAX		255	/* bytes in the name of a key we hold */
#define NOTE_MAXSIGS		100	/* signature lines in a note, as in Go */
#define NOTE_PKBYTES		32	/* Ed25519 public key */
#define NOTE_SEEDBYTES		32	/* Ed25519 seed */
#define NOTE_SKBYTES		64	/* libsodium Ed25519 secret key (seed || public key) */
#define NOTE_SIGBYTES		64	/* Ed25519 signature */
#define NOTE_ALG_ED25519	0x01
#define NOTE_VKEY_STRLEN	(NOTE_NAMEMAX + 56)	/* name "+" 8 "+" 44, NUL */
#define NOTE_SKEY_STRLEN	(NOTE_NAMEMAX + 68)	/* "PRIVATE+KEY+" name "+" 8 "+" 44, NUL */
#define NOTE_HASHBYTES		32	/* a checkpoint's root hash */
#define NOTE_ROOTMAX		64	/* longest root note_checkpoint_format writes */

/* a verifier key */
struct note_vkey {
	char		name[NOTE_NAMEMAX + 1];	/* NUL-terminated */
	size_t		namelen;
	uint32_t	id;
	unsigned char	pk[NOTE_PKBYTES];
};

/* a signer key: secret, release with note_skey_release */
struct note_skey {
	char		name[NOTE_NAMEMAX + 1];
	size_t		namelen;
	uint32_t	id;
	unsigned char	sk[NOTE_SKBYTES];
};

/* one signature line, pointing into the note it came from */
struct note_sig {
	const char	*name;		/* namelen bytes, not NUL-terminated */
	size_t		namelen;
	uint32_t	id;		/* key id: the first 4 bytes of the b64 value */
	const char	*b64;		/* the b64 field as written, b64len bytes */
	size_t		b64len;
	size_t		siglen;		/* decoded bytes after the key id */
};

/*
 * An opened (or parsed) note.  text is the signed text (with its final
 * LF).  sig[0 .. nverified) are the verified signatures and
 * sig[nverified .. nsig) the unverified ones, each in the order they
 * appear; note_sign takes the array as it is to add signatures.
 */
struct note_opened {
	const char	*text;
	size_t		textlen;
	size_t		nverified;
	size_t		nsig;
	struct note_sig	sig[NOTE_MAXSIGS];
};

/* a checkpoint body, pointing into the text it came from */
struct note_checkpoint {
	const char	*origin;	/* originlen bytes, no LF */
	size_t		originlen;
	uint64_t	size;
	unsigned char	root[NOTE_HASHBYTES];
	const char	*ext;		/* extension lines, each ending in LF */
	size_t		extlen;		/* 0 when there are none */
};

/* note_name_valid - 1 if name[0..n) may name a key, else 0 */
int	note_name_valid(const char *name, size_t n);
/* note_keyid - SHA-256(name || LF || 0x01 || pk)[0:4], big-endian */
uint32_t note_keyid(const char *name, size_t namelen, const unsigned char pk[NOTE_PKBYTES]);

/* note_vkey_parse - a vkey string; 0 or -1 with why */
int	note_vkey_parse(const char *s, struct note_vkey *vk, char *why)
	    __attribute__((warn_unused_result));
/* note_vkey_format - a vkey as its string */
void	note_vkey_format(const struct note_vkey *vk, char out[NOTE_VKEY_STRLEN]);
/* note_vkey_find - index of the key named (name, id) in keys; -1 unknown, -2 listed twice */
long	note_vkey_find(const struct note_vkey *keys, size_t nkeys, const char *name,
	    size_t namelen, uint32_t id);

/* note_skey_parse - an skey string (wipe it after); 0 or -1 with why */
int	note_skey_parse(const char *s, struct note_skey *sk, char *why)
	    __attribute__((warn_unused_result));
/* note_skey_from_seed - the signer key of name with an Ed25519 seed; 0 or -1 with why */
int	note_skey_from_seed(const char *name, const unsigned char seed[NOTE_SEEDBYTES],
	    struct note_skey *sk, char *why) __attribute__((warn_unused_result));
/* note_skey_format - an skey as its string (secret: the caller wipes out) */
void	note_skey_format(const struct note_skey *sk, char out[NOTE_SKEY_STRLEN]);
/* note_skey_vkey - the verifier key of a signer key */
void	note_skey_vkey(const struct note_skey *sk, struct note_vkey *vk);
/* note_skey_release - wipe a signer key */
void	note_skey_release(struct note_skey *sk);
/* note_keygen - a new random key named name, as skey and vkey strings (caller wipes skey) */
int	note_keygen(const char *name, char skey[NOTE_SKEY_STRLEN], char vkey[NOTE_VKEY_STRLEN],
	    char *why) __attribute__((warn_unused_result));

/*
 * note_parse - split msg[0..len) into text and signature lines and check
 * their syntax, verifying nothing: every line is listed (none removed as
 * a duplicate), all as unverified (op->nverified is 0).  0 or -1.
 */
int	note_parse(const char *msg, size_t len, struct note_opened *op, char *why)
	    __attribute__((warn_unused_result));

/*
 * note_open - parse msg[0..len) and verify it against the trusted keys
 * as described at the top of this file.  0 when at least one signature
 * verifies; -1 with why otherwise (op is then zeroed).
 */
int	note_open(const char *msg, size_t len, const struct note_vkey *keys, size_t nkeys,
	    struct note_opened *op, char *why) __attribute__((warn_unused_result));

/*
 * note_sign - the note of text[0..textlen) signed by keys[0..nkeys), as
 * Go's Sign writes it: text, LF, the lines of old[0..nold) whose
 * (name, id) no new signer has (each checked: valid name, canonical b64
 * of at least 5 bytes starting with its id), then one line per new
 * signer.  text must end in LF and hold no control character but LF.
 * The note is malloc'ed into *out (NUL-terminated, length in *outlen),
 * which the caller frees.  0, or -1 with why and *out NULL.
 */
int	note_sign(const char *text, size_t textlen, const struct note_sig *old, size_t nold,
	    const struct note_skey *keys, size_t nkeys, char **out, size_t *outlen, char *why)
	    __attribute__((warn_unused_result));

/* note_checkpoint_parse - strict checkpoint body text[0..len); 0 or -1 with why */
int	note_checkpoint_parse(const char *text, size_t len, struct note_checkpoint *cp, char *why)
	    __attribute__((warn_unused_result));

/*
 * note_checkpoint_format - a checkpoint body, malloc'ed into *out
 * (NUL-terminated, length in *outlen).  root is rootlen bytes: 32 for our
 * logs, other lengths (1..NOTE_ROOTMAX) only to match other formatters'
 * tests; ext is extlen bytes of extension lines (each non-empty, ending
 * in LF) or empty.  0, or -1 with why.
 */
int	note_checkpoint_format(const char *origin, uint64_t size, const unsigned char *root,
	    size_t rootlen, const char *ext, size_t extlen, char **out, size_t *outlen, char *why)
	    __attribute__((warn_unused_result));

/*
 * note_checkpoint_open - a signed checkpoint: open msg with keys (keys[0]
 * is the log's key, the rest optional witnesses), require a verified
 * signature by keys[0], parse the text strictly and require its origin
 * to be origin.  0, or -1 with why.
 */
int	note_checkpoint_open(const char *msg, size_t len, const char *origin,
	    const struct note_vkey *keys, size_t nkeys, struct note_opened *op,
	    struct note_checkpoint *cp, char *why) __attribute__((warn_unused_result));

#endif
