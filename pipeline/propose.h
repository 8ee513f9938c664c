/*
 * propose.h - from a page's words to Part 2 redaction proposals
 *
 * The page's text is rebuilt from its words exactly as OCR built it (words
 * of a line joined by one blank, lines by '\n'), scanned with part2_scan(),
 * and each hit becomes a proposal:
 *   - widened to its rule's extent: term and phrase as matched, the whole
 *     line, or the whole sentence (a sentence continues over a line break
 *     only where its line runs on to the right margin, so table rows and
 *     headings are not swallowed);
 *   - widened further by unsure words next to it: a word beside the span on
 *     the same line read with confidence under PROPOSE_UNSURE is taken in
 *     (up to two each side), since a misread word next to a Part 2 term is
 *     more likely part of it than not;
 *   - as boxes: one per run of the span's words on a line that sit at one
 *     height (a skewed scan's line climbs: it takes several boxes, not one
 *     as tall as the climb), padded by PROPOSE_PAD points, so no ink of the
 *     words is left outside;
 *   - hits whose spans share a word merge into one proposal.
 * Flag-only hits (nicotine) come back with flag_only set: shown to the
 * reviewer, not redacted.
 *
 * Boxes are page points, origin top left, y down (as ocr_word).
 */
#ifndef ROI_PROPOSE_H
#define ROI_PROPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "part2.h"

#define PROPOSE_PAD	2.0f	/* points around the words */
#define PROPOSE_UNSURE	50.0f	/* word confidence under which a neighbour is taken in */

struct propose_word {
	const char	*text;
	float		x0, y0, x1, y1;
	float		conf;
	int		line;
};

struct proposal {
	char		category[48];
	char		rule[96];
	char		*text;		/* the words covered, as read */
	float		(*boxes)[4];
	int		nboxes;
	int		flag_only;
	char		extent;
	int		drawn_only;	/* propose_merge: found on the page as
					   drawn only, not in its words */
};

/* propose_page - proposals for one page (free with propose_free); count or
 * -1; *provenance set when the page carries a 2.32 notice */
int	propose_page(const struct part2_rules *r, const struct propose_word *w, size_t n,
	    float page_w, float page_h, struct proposal **out, int *provenance);
/* propose_phrase - a proposal for each place the words of phrase appear in
 * a row (case and surrounding punctuation ignored, over line breaks), read
 * OCR-tolerantly: letters OCR confuses (0/o, 1/l/i, 5/s, 8/b, rn/m, cl/d,
 * vv/w) are one, and a word of 5 letters or more may be one edit away (two
 * from 9), so a misread copy is found too; shorter words match exactly:
 * what a reviewer asks for with roi review redact --text; count or -1 */
int	propose_phrase(const struct propose_word *w, size_t n, const char *phrase,
	    float page_w, float page_h, struct proposal **out);
void	propose_free(struct proposal *p, int n);
/*
 * propose_merge - the union of the proposals of one page read two ways:
 * *a (its words, n of them) and b (the page as drawn, nb; consumed and
 * freed).  A proposal of b whose boxes overlap a proposal of a is the same
 * finding: its boxes are joined into that one (an overlapping box grows
 * to cover both, any other is added) and a redaction outranks a flag;
 * the others are added with drawn_only set.  Returns the new count of *a
 * (realloc'd), or -1 out of memory (*a and b then freed, *a NULL).
 */
int	propose_merge(struct proposal **a, int n, struct proposal *b, int nb);

struct store;
/* propose_words_load - the words of one page from the store, in reading
 * order (free with propose_words_free); 0 or -1 */
int	propose_words_load(struct store *st, int64_t doc, int pageno,
	    struct propose_word **out, size_t *n);
/* propose_drawn_load - the same for the page as drawn (drawn_words;
 * none when the page's words are that reading, or it was not read so) */
int	propose_drawn_load(struct store *st, int64_t doc, int pageno,
	    struct propose_word **out, size_t *n);
void	propose_words_free(struct propose_word *w, size_t n);

#endif
