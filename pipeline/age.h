/*
 * age.h - age v1 files (age-encryption.org/v1) on libsodium
 *
 * Contract: keys, encryption and decryption of the age v1 format as
 * summarised in ../shared/FORMATS.md section 1: X25519 recipients and one
 * scrypt passphrase, ChaCha20-Poly1305 STREAM payload in 64 KiB chunks.
 * Encryption writes the binary form; decryption reads binary or ASCII
 * armored input.  Both stream: memory use does not grow with the file.
 *
 * Keys: an identity is "AGE-SECRET-KEY-1..." (upper-case Bech32 of 32
 * secret bytes), its recipient "age1..." (lower-case Bech32 of the X25519
 * public key).  Parsers check HRP, case, checksum and length.
 *
 * Errors: functions that take "char *why" write a one-line, lower-case
 * reason into why (AGE_WHYLEN bytes) when it is not NULL, and report it
 * through msg_error() when it is NULL.  Key and passphrase bytes never
 * appear in a reason.  Every secret held here is wiped with
 * sodium_memzero before return.
 *
 * Decryption output: plaintext goes to the sink as soon as each chunk
 * authenticates (STREAM semantics), so on failure a prefix may have been
 * written.  age_decrypt_fd() and age_decrypt_fp() truncate a regular-file
 * output back to where it started; for pipes and memory streams the
 * caller must discard the output whenever the result is not AGE_OK.
 */
#ifndef ROI_AGE_H
#define ROI_AGE_H

#include <stddef.h>
#include <stdio.h>

#define AGE_KEYBYTES		32	/* X25519 secret or public key */
#define AGE_FILEKEYBYTES	16
#define AGE_CHUNKBYTES		65536
#define AGE_RECIPIENT_STRLEN	64	/* "age1" + 58, with NUL, rounded */
#define AGE_IDENTITY_STRLEN	80	/* "AGE-SECRET-KEY-1" + 58, with NUL */
#define AGE_WHYLEN		160
#define AGE_SCRYPT_LOGN_DEFAULT	18	/* what age writes */
#define AGE_SCRYPT_LOGN_MAX	22	/* age's default decrypt limit (4 GiB) */

/* decryption results: distinct classes, as the testkit names them */
enum age_result {
	AGE_OK = 0,
	AGE_EARMOR,		/* ASCII armor malformed */
	AGE_EHEADER,		/* header syntax, fatal stanza error, short nonce */
	AGE_ENOMATCH,		/* no identity or passphrase opens a stanza */
	AGE_EHMAC,		/* header MAC mismatch */
	AGE_EPAYLOAD,		/* STREAM: bad tag, truncation, trailing data */
	AGE_EIO,		/* cannot read input or write output */
	AGE_EUSAGE		/* bad arguments (no keys, ...) */
};

enum age_armor {
	AGE_ARMOR_AUTO = 0,	/* armored iff it starts (after white space) with the BEGIN line */
	AGE_ARMOR_NO,
	AGE_ARMOR_YES
};

/* what decryption may try, in this order: identities, then passphrases */
struct age_keys {
	const unsigned char (*ident)[AGE_KEYBYTES];	/* X25519 secret keys */
	size_t	nident;
	const char *const *pass;			/* NUL-terminated passphrases */
	size_t	npass;
	int	max_logn;	/* scrypt work factor limit; 0 = AGE_SCRYPT_LOGN_MAX */
	enum age_armor armor;
};

/* what encryption wraps the file key for: recipients OR one passphrase */
struct age_enc {
	const unsigned char (*recip)[AGE_KEYBYTES];	/* X25519 public keys */
	size_t	nrecip;
	const char *pass;	/* NULL, or the passphrase (then nrecip must be 0) */
	int	logn;		/* scrypt work factor; 0 = AGE_SCRYPT_LOGN_DEFAULT */
};

/* plaintext sink for age_decrypt_to: return 0, or -1 to stop with AGE_EIO */
typedef int (*age_sink_fn)(void *arg, const unsigned char *p, size_t n);

/* age_keygen - new identity and its recipient, as strings; 0 or -1 */
int	age_keygen(char ident[AGE_IDENTITY_STRLEN], char recip[AGE_RECIPIENT_STRLEN])
	    __attribute__((warn_unused_result));
/* age_recipient_parse - "age1..." to a public key; 0 or -1 with why */
int	age_recipient_parse(const char *s, unsigned char pk[AGE_KEYBYTES], char *why)
	    __attribute__((warn_unused_result));
/* age_identity_parse - "AGE-SECRET-KEY-1..." to a secret key; 0 or -1 with why */
int	age_identity_parse(const char *s, unsigned char sk[AGE_KEYBYTES], char *why)
	    __attribute__((warn_unused_result));
/* age_recipient_format - public key to "age1..." */
void	age_recipient_format(const unsigned char pk[AGE_KEYBYTES], char out[AGE_RECIPIENT_STRLEN]);
/* age_identity_format - secret key to "AGE-SECRET-KEY-1..." (caller wipes out) */
void	age_identity_format(const unsigned char sk[AGE_KEYBYTES], char out[AGE_IDENTITY_STRLEN]);
/* age_identity_recipient - identity string to its recipient string; 0 or -1 */
int	age_identity_recipient(const char *ident, char out[AGE_RECIPIENT_STRLEN], char *why)
	    __attribute__((warn_unused_result));

/*
 * age_encrypt_fd, age_encrypt_fp - read plaintext to EOF, write the age
 * file.  Refuses no recipient, a passphrase together with recipients, and
 * a work factor outside 1..AGE_SCRYPT_LOGN_MAX.  Returns 0 or -1 (reason
 * through msg_error); on -1 the output is incomplete and must be discarded.
 */
int	age_encrypt_fd(const struct age_enc *enc, int in, int out)
	    __attribute__((warn_unused_result));
int	age_encrypt_fp(const struct age_enc *enc, FILE *in, FILE *out)
	    __attribute__((warn_unused_result));

/*
 * age_decrypt_fd, age_decrypt_fp, age_decrypt_to - decrypt from in with
 * keys.  Return AGE_OK or the failure class, with the reason in why (or
 * through msg_error if why is NULL).  See the top of this file for what
 * the output holds after a failure.
 */
enum age_result age_decrypt_fd(const struct age_keys *keys, int in, int out, char *why)
	    __attribute__((warn_unused_result));
enum age_result age_decrypt_fp(const struct age_keys *keys, FILE *in, FILE *out, char *why)
	    __attribute__((warn_unused_result));
enum age_result age_decrypt_to(const struct age_keys *keys, FILE *in, age_sink_fn sink,
	    void *arg, char *why) __attribute__((warn_unused_result));

/* age_result_str - short name of a result ("header failure", ...) */
const char *age_result_str(enum age_result r);

#endif
