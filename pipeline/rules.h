/*
 * rules.h - where the rules files are, and reading them
 *
 * Contract: rules_path() finds rules/NAME, looking in order at $ROI_RULES,
 * HOME/rules/ (a practice's own edited copy), the installed
 * PREFIX/share/roi/rules/ next to the program, and the source tree's
 * rules/ (for a build run in place).  rules_read() returns the file's
 * text (free it) or NULL with a message.
 */
#ifndef ROI_RULES_H
#define ROI_RULES_H

#include <stddef.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/* rules_path - the path of rules/NAME into buf; NULL if not found */
char	*rules_path(const char *home, const char *name, char *buf, size_t len);
/* rules_read - the text of rules/NAME; NULL + message if missing */
char	*rules_read(const char *home, const char *name);
/* rules_read_path - the text of a file (a rules file named by path) */
char	*rules_read_path(const char *path);
/* rules_load - find and read rules/NAME; its path in path too */
char	*rules_load(const char *home, const char *name, char *path, size_t len);

/* rules_text_check - every file a person edits (rules, payer files, column
 * mappings, templates, roi.conf) is text: no NUL byte (which would cut what
 * C reads short) and UTF-8 only.  Reports "FILE:LINE: ..." for the first
 * bad byte and returns -1; 0 if s[0..n) is text */
int	rules_text_check(const char *file, const char *s, size_t n);
/* rules_file_check - rules_text_check on a file's bytes; -1 + message if
 * it cannot be read or is not text */
int	rules_file_check(const char *path);

/* rules_sha256 - SHA-256 (hex, 65 bytes) of rules/NAME as found ("" if none),
 * recorded with every decision made from it */
void	rules_sha256(const char *home, const char *name, char hex[65]);
/* rules_line - the next line of *p that is not blank or a comment, with
 * surrounding blanks removed, into line; *lineno counts; returns 1, 0 at
 * the end, -1 for a line longer than len (reported by the caller) */
int	rules_line(const char **p, char *line, size_t len, int *lineno);
/* rules_bad - report "FILE:LINE: what"; returns 1 (an error count) */
int	rules_bad(const char *file, int line, const char *what);
/* rules_regex - compile a pattern (case ignored, UTF-8; multiline if set),
 * reporting a bad one with its line; NULL then */
pcre2_code *rules_regex(const char *pat, int multiline, const char *file, int line);
/* rules_weighted - a "WEIGHT PATTERN" line (doctypes.rules, requests.rules):
 * the weight (-100 to 100, not 0) into *w and the compiled pattern into
 * *re; -1 with the fault reported (the caller counts one error) */
int	rules_weighted(const char *s, const char *file, int line, int *w, pcre2_code **re);
/* rules_match_context - match limits for hostile text; NULL if no memory */
pcre2_match_context *rules_match_context(void);

#endif
