/*
 * part2.h - finding 42 CFR Part 2 (SUD) content in a record's text
 * (rules/part2.rules; format documented in the file itself)
 *
 * part2_scan() reads a page's text as roi reads it (hyphenated line ends
 * joined, line breaks as spaces, OCR confusions inside codes undone) and
 * returns the hits that survive negation, family and allow-list cues, as
 * byte spans of the original text, with their category, rule and extent;
 * and whether the text carries a 2.32 notice (the record is Part 2 in
 * full).  propose.h turns hits into redaction proposals.
 */
#ifndef ROI_PART2_H
#define ROI_PART2_H

#include <stddef.h>

struct part2_rules;

struct part2_hit {
	size_t	start, end;		/* bytes of the scanned text */
	char	category[48];
	char	rule[48];
	char	extent;			/* 't' term, 'p' phrase, 'l' line, 's' sentence */
	int	flag_only;		/* shown, never proposed for redaction */
};

int	part2_parse(const char *text, const char *name, struct part2_rules **out);
int	part2_load(const char *home, struct part2_rules **out);
/* part2_load_good - rules/part2.rules and its SHA-256; when it has errors
 * (reported with file:line), the last good copy kept in
 * HOME/spool/rules/ instead, with a warning; -1 if there is none */
int	part2_load_good(const char *home, struct part2_rules **out, char sha[65]);
void	part2_free(struct part2_rules *r);
/* part2_label - a category's label for people ("sud_program": programs) */
const char *part2_label(const struct part2_rules *r, const char *category);
int	part2_count(const struct part2_rules *r);	/* categories */
/*
 * part2_scan - hits (free *hits) or -1; *provenance: a 2.32 notice found.
 * Fails closed: when a pattern cannot finish on this text (PCRE2's match
 * or depth limit, rules_match_context, hit by hostile text), the hits
 * found so far are kept, a context or cue that could not be checked keeps
 * its hit, and one more hit of category PART2_UNCHECKED spans the whole
 * text (extent phrase), so the whole page becomes a proposal the reviewer
 * must decide: never "no match".
 */
#define PART2_UNCHECKED	"unchecked"
int	part2_scan(const struct part2_rules *r, const char *text, struct part2_hit **hits,
	    int *provenance);

#endif
