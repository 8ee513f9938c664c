/*
 * orgname.h - is this person or organisation the one a form names?
 *
 * A form names a recipient (or a discloser) as the sender typed it and OCR
 * read it: "Harborview Legal Services, LLP, fax (555) 010-4478", "the law
 * offices of Harborview Legal Svcs".  The practice knows its recipients
 * by the name it gave them and their aliases.  orgname_in() says whether
 * one of those names is written in the form's text:
 *
 *   - both are cut into words of letters and digits, lower case; "&" is
 *     "and"; the words that say only what kind of body it is (llc, llp,
 *     pc, pllc, inc, ltd, co, corp, the, of) and the titles (dr, mr, mrs,
 *     ms) are left out of both;
 *   - every remaining word of the name must appear in the text, in order
 *     and next to each other (so "Ann Lee" is not in "Lee Ann Smith");
 *   - a word of 5 letters or more may differ by one letter (an edit: OCR
 *     reading "Harborvlew");
 *   - a name left with no word (all of it legal form or titles) matches
 *     nothing.
 *
 * The comparison is deliberately on words, not substrings: "Harbor Law"
 * is not in "Harborview Legal Services".
 */
#ifndef ROI_ORGNAME_H
#define ROI_ORGNAME_H

#include <stddef.h>

/* orgname_in - 1 when name is written in text (as above), else 0 */
int	orgname_in(const char *text, const char *name);

/* orgname_any - 1 when name or one of aliases (';' or ',' between) is in text */
int	orgname_any(const char *text, const char *name, const char *aliases);

#endif
