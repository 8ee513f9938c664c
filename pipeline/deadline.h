/*
 * deadline.h - when a request is due (rules/deadlines.rules)
 *
 * Each line of the file is one clock: "due WHERE TYPE DAYS EXTENSION CITE":
 * WHERE is federal, practice (the practice's own policy where no law sets
 * a clock) or a state's two letters; TYPE a request type (reqtype.h) or *
 * (any); DAYS calendar days from the day of receipt, or "Nb" business
 * days (Monday to Friday; holidays are not known to roi); EXTENSION the
 * days one extension adds (45 CFR 164.524(b)(2): one, of 30 days, with a
 * written notice), or "-" for none; CITE the rule it rests on.
 *
 * Contract: deadline_for picks, for a case's type and the practice's state
 * (roi.conf [practice] state), the clocks that apply -- the state's line,
 * the federal line, else the practice's line, else a practice line for * --
 * and of those the one due first (a stricter state law controls: 45 CFR
 * 160.203).  The day of receipt counts as day 0.
 * Errors: -1 with every bad line reported.
 */
#ifndef ROI_DEADLINE_H
#define ROI_DEADLINE_H

#define DEADLINE_FILE	"deadlines.rules"

struct deadlines;

struct deadline {
	char	due[11];		/* YYYY-MM-DD */
	char	where[16];		/* federal, practice, or the state */
	char	cite[200];
	int	days, business;		/* the clock as written */
	int	extension;		/* days one extension adds; 0 none */
};

int	deadline_parse(const char *text, const char *name, struct deadlines **out);
int	deadline_load(const char *home, struct deadlines **out);
void	deadline_free(struct deadlines *dl);
int	deadline_count(const struct deadlines *dl);
/* deadline_for - the clock of a request of TYPE received on RECEIVED
 * (YYYY-MM-DD) in STATE ("" none); 0, or 1 if no line applies (out
 * cleared), -1 for a malformed date */
int	deadline_for(const struct deadlines *dl, const char *state, const char *type,
	    const char *received, struct deadline *out);
/* deadline_has_state - does the file have any line for STATE? */
int	deadline_has_state(const struct deadlines *dl, const char *state);
/* deadline_add - day + n days (business: Monday to Friday) into out; -1
 * if day is not YYYY-MM-DD */
int	deadline_add(const char *day, int n, int business, char out[11]);
/* deadline_days_between - whole days from a to b (YYYY-MM-DD), b - a */
int	deadline_days_between(const char *a, const char *b);
/* deadline_today - the day roi believes it is (clock_now), YYYY-MM-DD */
char	*deadline_today(char out[11]);

#endif
