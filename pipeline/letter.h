/*
 * letter.h - letters back to whoever asked (issue 18): deficiency,
 * denial, extension notice, subpoena response
 *
 * Each letter is a PDF on the practice's letterhead (roi.conf [practice]
 * name, address, phone, fax; release_letter), dated by the clock
 * (ROI_NOW), addressed to the requester:
 *   deficiency  what is missing or wrong with the authorization, one plain
 *               sentence per reason code of roi auth show (deduplicated;
 *               Part 2 and revocation codes are never named), the staff's
 *               own sentence (--reason) after them, and the practice's
 *               blank authorization form attached when HOME/forms/
 *               authorization.pdf exists (else: where to ask for one);
 *               refused when the authorization is valid and no --reason
 *   denial      a patient's own request (patient_access, patient_directed)
 *               denied: the basis (a LETTER_BASIS code: its plain words and
 *               cite), whether a review may be asked for and how
 *               (164.524(a)(3), (a)(4)), how to complain to the practice
 *               and to HHS (164.524(d)(2))
 *   extension   the reason and the new due date (164.524(b)(2)(ii)); the
 *               case must have been extended (roi case extend)
 *   subpoena    the practice cannot release on a subpoena alone: the
 *               patient's authorization or a court order is needed, and
 *               for records 42 CFR Part 2 protects an order under 2.64 or
 *               2.65 too; said of every subpoena, neither confirming nor
 *               denying that the person is a patient
 * The patient is named only as the request names them (the name read from
 * the form), never with the registry's details; no diagnosis, no Part 2
 * detail.
 *
 * Delivery, like a release: a fax PDF in outbox/fax/ when the requester
 * has a fax number (--fax, or the registered recipient's), else a
 * printable PDF in outbox/letters/; named C-N-letter-ID-KIND.pdf (a fax:
 * "C-N-letter-ID-KIND to DIGITS.pdf", as a fax release is named); 0600.
 * Order: made in spool/tmp (O_EXCL, fsync), recorded (one row of letters
 * and one "letter" event of the case's history, one transaction), then
 * renamed into outbox/ and the folder fsync'd.
 *
 * Returns: 0 made (path: relative to the home; why: the fax number it
 * is for, or ""), 1 refused (why, for a
 * person, one line), -1 failure (said).
 * SECURITY: reads the store and roi.conf; strings are escaped by
 * release_letter.  The form attached is the practice's own file; it is
 * copied page by page (release_concat), nothing else of it.
 * FILES: HOME/forms/authorization.pdf (read); spool/tmp (temporary);
 * outbox/fax/, outbox/letters/ (written).
 */
#ifndef ROI_LETTER_H
#define ROI_LETTER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

#define LETTER_DEFICIENCY	"deficiency"
#define LETTER_DENIAL		"denial"
#define LETTER_EXTENSION	"extension"
#define LETTER_SUBPOENA		"subpoena"
#define LETTER_FORM		"forms/authorization.pdf"
#define LETTER_WHY		512

struct letter_args {
	const char	*kind;		/* LETTER_* */
	const char	*reason;	/* the staff's words (extension: required) */
	const char	*basis;		/* denial: a basis code (letter_basis_name) */
	const char	*to;		/* who it goes to: a registered recipient or a
					 * name; NULL: the requester as the request names them */
	const char	*fax;		/* a fax number; NULL: the recipient's */
	const char	*who;		/* the OS login */
};

/* letter_kind_ok - one of the LETTER_* kinds? */
int	letter_kind_ok(const char *kind);
/* letter_basis_name - the i-th denial basis code, NULL past the last */
const char *letter_basis_name(int i);

/* letter_make - make, record and place one letter for case id */
int	letter_make(struct store *st, const char *home, const struct config *cfg, int64_t id,
	    const struct letter_args *a, char *path, size_t plen, char *why, size_t wlen);

#endif
