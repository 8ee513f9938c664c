/*
 * keys.h - the practice's own keys in HOME/keys/
 *
 * keys/practice.agekey is the practice's age identity, in the format
 * age-keygen writes (comment lines with the creation time and the public
 * key, then "AGE-SECRET-KEY-1..."), so the practice can also open its
 * releases with the stock tool: age -d -i keys/practice.agekey.  Every
 * release package is encrypted to it besides the recipient, so the
 * practice can always reopen what it sent (roi release open).
 *
 * Contract: keys_practice() reads the identity, creating it first when
 * asked and missing (0600, written to a temporary name, synced, linked
 * into place so two processes cannot both create one).  The secret key
 * comes back in sk for the caller to use and sodium_memzero; it is never
 * printed or logged.  Errors: -1 with one line said.
 *
 * SECURITY: only roi commands a person runs and the package stage read
 * this file; stages that parse untrusted documents never do.
 */
#ifndef ROI_KEYS_H
#define ROI_KEYS_H

#include "age.h"

#define KEYS_PRACTICE	"keys/practice.agekey"
#define KEYS_PRACTICE_PUB "keys/practice.pub"	/* its recipient, for stages without keys */

int	keys_practice(const char *home, int create, unsigned char sk[AGE_KEYBYTES],
	    char recip[AGE_RECIPIENT_STRLEN]);
/* keys_practice_public - the practice's recipient from keys/practice.pub
 * (written beside the identity by keys_practice): what a stage that must
 * not read secrets encrypts to; 0 or -1 said */
int	keys_practice_public(const char *home, unsigned char pk[AGE_KEYBYTES]);
/* keys_file_create - a new secret file HOME/rel (0600, synced, linked into
 * place: if another process made it first, theirs stays); 0 or -1 said */
int	keys_file_create(const char *home, const char *rel, const void *buf, size_t n);

/*
 * Release passphrases (passphrase and zip recipients): keys_passphrase()
 * makes one (KEYS_PASSLEN with the NUL: "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX",
 * about 117 bits); the reviewer is shown it once.  The practice keeps it
 * sealed to its own key (keys_seal: crypto_box_seal to the X25519 key of
 * keys/practice.pub; the output is len + KEYS_SEALBYTES bytes), so roi
 * release open can reopen such a package with keys/practice.agekey
 * (keys_unseal: 0, or -1 when it was not sealed to this key or was changed).
 */
#define KEYS_PASSLEN	30
#define KEYS_SEALBYTES	48	/* crypto_box_SEALBYTES */

int	keys_passphrase(char out[KEYS_PASSLEN]);
int	keys_seal(const unsigned char pk[AGE_KEYBYTES], const void *msg, size_t len,
	    unsigned char *out) __attribute__((warn_unused_result));
int	keys_unseal(const unsigned char sk[AGE_KEYBYTES], const unsigned char *in, size_t len,
	    void *out) __attribute__((warn_unused_result));

#endif
