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

/* rules_path - the path of rules/NAME into buf; NULL if not found */
char	*rules_path(const char *home, const char *name, char *buf, size_t len);
/* rules_read - the text of rules/NAME; NULL + message if missing */
char	*rules_read(const char *home, const char *name);

#endif
