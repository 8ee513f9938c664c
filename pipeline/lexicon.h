/*
 * lexicon.h - reading OCR'd words back as the words a rules file expects
 *
 * A fax read at 98 lines per inch gives "Oate of birth", "disclase",
 * "intormation".  A label pattern written for "date of birth" misses them.
 * A lexicon holds the words the rules rely on; lexicon_fix() rewrites each
 * word of a line that is not one of them but reads as exactly one of them
 * through likely OCR confusions (O/D, a/o, f/t, l/1/I/|, rn...): a
 * substitution of two letters OCR often confuses costs 1, any other 2; a
 * word of 4-5 characters may cost 1, 6-7 cost 2, longer 3.  Words only
 * change in place (same length), so offsets in the fixed line are offsets
 * in the OCR line: callers match patterns on the fixed text and take values
 * from the original.  A tie between two lexicon words changes nothing.
 */
#ifndef ROI_LEXICON_H
#define ROI_LEXICON_H

#include <stddef.h>

struct lexicon;

struct lexicon *lexicon_new(void);
void	lexicon_free(struct lexicon *lx);
/* lexicon_add - words separated by blanks (letters only, 4..31 long);
 * 0, or -1 naming the first word that is not one in *bad */
int	lexicon_add(struct lexicon *lx, const char *words, const char **bad);
size_t	lexicon_count(const struct lexicon *lx);
/* lexicon_has - is s[0..n) one of the words (case ignored)? */
int	lexicon_has(const struct lexicon *lx, const char *s, size_t n);
/* lexicon_fix - in into out (same length, NUL-terminated; out may be in);
 * returns how many words were changed */
int	lexicon_fix(const struct lexicon *lx, const char *in, char *out);

/* lexicon_ascii - in to out with accented Latin letters (U+00C0-U+00FF:
 * é, Ñ, ü...) as their plain letters, other bytes as they are; OCR reads
 * "namé" for "name", and names are matched without accents */
void	lexicon_ascii(const char *in, char *out, size_t len);

#endif
