/*
 * doctype.h - what kind of page is this? (rules/doctypes.rules)
 *
 * The rules file lists page types; each has a label, a minimum score and
 * weighted PCRE2 patterns (case-insensitive, matched against the page's
 * text with line breaks and hyphenation undone).  A page's score for a type
 * is the sum of the weights of its patterns that match (each counted once);
 * the best-scoring type at or above its minimum wins, else "other".  Ties go
 * to the type listed first.  Format (docs in the file itself):
 *
 *	type NAME
 *	label Human readable name
 *	min N
 *	W PATTERN
 *	title Words of a heading	(worth min alone: at a line's start, then the
 *				 line's end or punctuation, never more words)
 *	begins PATTERN		(optional, with ends: one document per form)
 *	ends PATTERN
 *
 * Calling sequence: doctype_load() (or doctype_parse() on text), then
 * doctype_classify() per page, doctype_free().  Errors: doctype_parse()
 * prints every bad line as "FILE:LINE: what" and returns -1.
 */
#ifndef ROI_DOCTYPE_H
#define ROI_DOCTYPE_H

#define DOCTYPE_OTHER	"other"

struct doctypes;

/* doctype_parse - rules text (name: for messages) to a classifier */
int	doctype_parse(const char *text, const char *name, struct doctypes **out);
/* doctype_load - rules/doctypes.rules as found by rules_path() */
int	doctype_load(const char *home, struct doctypes **out);
/* doctype_classify - the type NAME of a page's text; *score its score */
const char *doctype_classify(const struct doctypes *dt, const char *text, int *score);
/* doctype_label - the label of a type NAME ("other": "Other") */
const char *doctype_label(const struct doctypes *dt, const char *name);
int	doctype_count(const struct doctypes *dt);
/* doctype_ends - does this page of type NAME end one (a signed form)?
 * doctype_begins - does it start a new one (a patient named at its top)?
 * A page that begins, after a page that ended, starts a new document of
 * the same type: two authorizations in one fax are two documents.  Types
 * without both lines never split. */
int	doctype_ends(const struct doctypes *dt, const char *name, const char *text);
int	doctype_begins(const struct doctypes *dt, const char *name, const char *text);
/* doctype_is - does the page reach type NAME's min, whichever type wins?
 * (psychotherapy notes are looked for on every page: a page that scores
 * higher as a clinical record may still be one) */
int	doctype_is(const struct doctypes *dt, const char *name, const char *text);
void	doctype_free(struct doctypes *dt);

#endif
