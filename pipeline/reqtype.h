/*
 * reqtype.h - what kind of request is this? (rules/requests.rules)
 *
 * A request is one of a few kinds, each with its own legal basis, clock
 * and letters (issue 18): patient_access (45 CFR 164.524), patient_directed
 * (164.524(c)(3)(ii)), third_party (an authorization, 164.508), treatment
 * (164.506), subpoena (a subpoena or court order, 164.512(e); 42 CFR
 * 2.61-2.67), other_164512 (law enforcement, oversight, coroner: a person
 * decides, never roi).  Which one is read from the request's pages by the
 * rules file, never by code: the kinds and their names are the file's.
 *
 * Contract: reqtype_load (or reqtype_parse for `roi rules check`), then
 * reqtype_classify on the request's text and the doctypes of its parts:
 * each type scores the weights of its patterns found in the text plus the
 * weights of its "part" lines whose doctype the request has; the highest
 * score reaching the type's min wins (ties: the one listed first); none:
 * the file's default.  A type marked "person" is decided by a person only
 * (reqtype_person).  Errors: -1 with every bad line reported.
 * SECURITY: the text is hostile (OCR of a fax): PCRE2 with match limits.
 */
#ifndef ROI_REQTYPE_H
#define ROI_REQTYPE_H

#define REQTYPE_FILE	"requests.rules"
#define REQTYPE_NAMELEN	48

struct reqtypes;

int	reqtype_parse(const char *text, const char *name, struct reqtypes **out);
int	reqtype_load(const char *home, struct reqtypes **out);
void	reqtype_free(struct reqtypes *rt);
int	reqtype_count(const struct reqtypes *rt);
/* reqtype_classify - the type of a request (a name from the file), its
 * score into *score; parts: its parts' doctypes, nparts of them */
const char *reqtype_classify(const struct reqtypes *rt, const char *text,
	    const char *const *parts, int nparts, int *score);
/* reqtype_known - is name a type of the file? */
int	reqtype_known(const struct reqtypes *rt, const char *name);
/* reqtype_label - a type's label for people (the name if not known or rt NULL) */
const char *reqtype_label(const struct reqtypes *rt, const char *name);
/* reqtype_cite - the rule a type rests on ("" if none) */
const char *reqtype_cite(const struct reqtypes *rt, const char *name);
/* reqtype_person - is a type's request decided by a person only? */
int	reqtype_person(const struct reqtypes *rt, const char *name);
/* reqtype_name - the i-th type's name (0 .. count-1), for lists */
const char *reqtype_name(const struct reqtypes *rt, int i);

#endif
