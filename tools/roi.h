/*
 * roi.h - shared by the command families of `roi` (tools/cmd_*.c)
 *
 * Each family is cmd_NAME(argc, argv, home) with argv[0] the family name;
 * it returns the process exit code: 0 ok, 1 the thing asked failed, 2 usage.
 */
#ifndef ROI_TOOL_H
#define ROI_TOOL_H

#include <jansson.h>
#include <stdint.h>

#define EXIT_USAGE	2

int	cmd_init(int argc, char **argv, const char *home);
int	cmd_run(int argc, char **argv, const char *home);
int	cmd_status(int argc, char **argv, const char *home);
int	cmd_doc(int argc, char **argv, const char *home);
int	cmd_patient(int argc, char **argv, const char *home);
int	cmd_case(int argc, char **argv, const char *home);
int	cmd_rules(int argc, char **argv, const char *home);
int	cmd_auth(int argc, char **argv, const char *home);
int	cmd_review(int argc, char **argv, const char *home);
int	cmd_recipient(int argc, char **argv, const char *home);
int	cmd_release(int argc, char **argv, const char *home);
int	cmd_log(int argc, char **argv, const char *home);
int	cmd_panel(int argc, char **argv, const char *home);
int	cmd_appt(int argc, char **argv, const char *home);
int	cmd_noshow(int argc, char **argv, const char *home);
int	cmd_waitlist(int argc, char **argv, const char *home);
int	cmd_backup(int argc, char **argv, const char *home);
int	cmd_restore(int argc, char **argv, const char *home);
int	cmd_purge(int argc, char **argv, const char *home);
int	cmd_user(int argc, char **argv, const char *home);
int	cmd_serve(int argc, char **argv, const char *home);

/* has_flag - is FLAG among argv[1..]? removes it */
int	take_flag(int *argc, char **argv, const char *flag);
/* take_opt - remove "--name VALUE" from argv; the value (the last given),
 * NULL if absent; *bad set (and said) when the value is missing */
const char *take_opt(int *argc, char **argv, const char *name, int *bad);
/* help_wanted - -h or --help in argv */
int	help_wanted(int argc, char **argv);
/* case_arg - "C-12", "c12" or "12" to 12; 0 if not a case name */
int64_t	case_arg(const char *arg);
/* roi_whoami - the OS login name: who did it, in the records */
const char *roi_whoami(void);
/* must_be_reviewer - is the OS user among roi.conf [review] reviewers?
 * 1, or 0 with one line saying who may WHAT (cmd_review.c) */
int	must_be_reviewer(const char *home, const char *what);
/* json_print - dump to stdout (indented, stable key order), free; 0 or 1 */
int	json_print(json_t *j);

#endif
