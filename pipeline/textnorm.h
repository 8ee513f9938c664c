/*
 * textnorm.h - a word as the classifier reads it
 *
 * A sender controls the characters of a text layer; a reader sees only
 * their shapes.  Three tricks make text that reads "methadone" on the page
 * match nothing: format characters inside the word (zero-width space or
 * joiner, soft hyphen, bidi marks: Unicode category Cf), compatibility
 * forms (fullwidth letters, ligatures), and letters of another script
 * that look like Latin ones (Cyrillic "е", Greek "ο").  textnorm_word
 * undoes all three, with ICU: Cf removed, NFKC, then each non-ASCII
 * letter whose confusable skeleton (Unicode TR39, uspoof_getSkeleton) is
 * ASCII replaced by that skeleton.  ASCII is never changed (the skeleton
 * of "m" is "rn": the whole-word skeleton would break every rule).
 *
 * Words are normalised one at a time, so a caller keeps its word index
 * and the word's box: offsets into text built from normalised words map
 * back to the right words (propose.c does this).
 *
 * SECURITY: the input is hostile OCR or text-layer output; invalid UTF-8
 * becomes U+FFFD; memory is bounded by a small multiple of the input.
 */
#ifndef ROI_TEXTNORM_H
#define ROI_TEXTNORM_H

/* textnorm_word - the normalised copy of a UTF-8 word (free it); NULL
 * when out of memory or ICU fails (with a message) */
char	*textnorm_word(const char *word);

#endif
