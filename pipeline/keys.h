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

#endif
