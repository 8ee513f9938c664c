/*
 * escape.h - file names made safe to show on a terminal or in JSON
 *
 * A drop's file name comes from outside (a fax server, an SFTP user, a
 * scanner): it may hold terminal control sequences, bidirectional
 * overrides that make "fdp.exe" read as "exe.pdf", or bytes that are not
 * UTF-8 (which jansson refuses).  Every listing that prints a name (roi
 * status, doc list|show, case show, review show, the quarantine list)
 * passes it through escape_name first, in text and in --json alike, so the
 * two agree and the JSON stays valid.
 *
 * Contract: the output is valid UTF-8 with no C0/C1 control, DEL, bidi
 * control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069),
 * zero-width or line/paragraph separator (U+200B-U+200D, U+2028, U+2029,
 * U+FEFF).  Those are written \xNN (a byte below 0x80, or a byte that is
 * not part of valid UTF-8) or \uXXXX (a code point), and a backslash is
 * written \\, so the escaping is unambiguous and can be undone.  Any other
 * name is returned unchanged.
 */
#ifndef ROI_ESCAPE_H
#define ROI_ESCAPE_H

#include <stddef.h>

#define ESCAPE_MAX	2048		/* room for a 255-byte name escaped */

/* escape_name - escape in into out (always NUL-terminated, cut at a whole
 * escape if out is short); returns the length the whole result needs */
size_t	escape_name(char *out, size_t outlen, const char *in);
/* escape_name_tmp - escape_name into one of 8 rotating static buffers of
 * ESCAPE_MAX: for a printf or json_pack with a few names; NULL gives "" */
const char *escape_name_tmp(const char *in);
/* escape_needed - does in hold anything escape_name would change */
int	escape_needed(const char *in);
/* escape_utf8_valid - 1 if s[0..n) is UTF-8 (shortest forms, no surrogates,
 * at most U+10FFFF; a NUL byte is valid here: callers check for it) */
int	escape_utf8_valid(const char *s, size_t n);

#endif
