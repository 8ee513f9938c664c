/*
 * config.h - roi.conf, the practice's settings (INI, parsed with inih)
 *
 * Contract: config_defaults() fills every field; config_load() overlays the
 * file and fails with one line naming the file, the line and the key when a
 * line cannot be understood ("roi.conf:7: workers: not a number from 1 to
 * 64").  Unknown sections or keys are errors too, so a typo is never
 * silently ignored.  Strings are owned by the struct; config_release()
 * frees them.
 */
#ifndef ROI_CONFIG_H
#define ROI_CONFIG_H

#include <stddef.h>

#define CONFIG_FILE	"roi.conf"

struct config {
	char	*practice_name;
	char	*practice_address;
	char	*practice_phone;
	char	*practice_fax;
	char	*practice_aliases;	/* other names it goes by, ", " between (a
					 * form's discloser must be one of its names) */
	char	*practice_state;	/* two capital letters (VT), or "": whose
					 * deadlines apply (rules/deadlines.rules) */
	int	workers;		/* stage processes at once (0 = cores) */
	int	ocr_dpi;		/* render resolution for OCR */
	int	settle_ms;		/* a drop must be unchanged this long */
	int	scan_interval;		/* seconds between full scans of the inbox */
	int	max_attempts;		/* failures before quarantine */
	int	retry_base;		/* seconds; backoff is base * 2^(n-1) */
	int	stage_timeout;		/* seconds a stage process may run */
	int	mem_limit_mb;		/* address-space ceiling per stage process */
	int	page_cpu_secs;		/* CPU seconds one page (or opening a file) may take */
	char	*notify_command;	/* sendmail-compatible */
	char	*notify_to;		/* who is told (To:); "" = nobody yet */
	char	*sms_command;		/* [notify] sms_command: number appended, text on stdin */
	char	*digest_at;		/* [notify] digest_at: HH:MM of the daily digest ("" none) */
	int	noshow_due_hours;	/* [noshow] outreach due after a no-show */
	int	noshow_risk_due_hours;	/* the same for a risk-flagged patient */
	int	noshow_escalate_attempts; /* unanswered tries before escalating */
	char	*noshow_escalate_to;	/* escalations when a clinician has no address */
	char	*noshow_sender;		/* [noshow] sender: the practice's name in messages
					 * to patients ("" = neutral, from [practice] name) */
	int	offer_hours;		/* [waitlist] time to answer a slot offer */
	char	*reviewers;		/* [review] login names, ", " between */
	char	*reviewer_names;	/* [review] names: "login: Full Name, CRED, ..." */
	char	*part2_program;		/* [part2] program: yes, no or units */
	char	*part2_units;		/* [part2] units: names, "; " between */
	char	*part2_own_sud;		/* [part2] own_sud: flag or redact */
	char	*release_output;	/* [release] output: "pixels" (default) or "text" */
	char	*release_label;		/* [release] label drawn in every box ("REDACTED") */
	int	retention_years;	/* [retention] years: originals and packages kept
					 * at least this long (45 CFR 164.530(j): 6) */
	char	*fax_command;	/* [delivery] sends a fax release: NUMBER, FILE
				 * replaced; "" = faxed by a person, as before */
	char	*fax_status_command;	/* asks how job JOBID went ("" = not asked) */
	int	fax_timeout;		/* seconds either command may run */
	int	fax_attempts;		/* tries of one fax before a person is needed */
	int	fax_retry_minutes;	/* first wait before another try (doubling) */
	int	fax_confirm_hours;	/* a sent fax not done by then needs a person */
	char	*backup_recipient;	/* [backup] recipient: age1... keys backups are
					 * encrypted to ("" = not encrypted), ", " between */
	char	*web_listen;		/* [web] listen: ADDRESS:PORT of roi serve
					 * ("" = roi run starts no server) */
	char	*web_cert;		/* [web] cert, key: PEM files for TLS */
	char	*web_key;
	int	web_idle_minutes;	/* [web] idle_minutes: a session's idle timeout */
};

#define CONFIG_WEB_LISTEN	"127.0.0.1:8750"	/* roi serve's default */

#define CONFIG_PRACTICE_UNSET	"Our Practice"	/* [practice] name until it is set */

#define CONFIG_RETENTION_MIN	6	/* 45 CFR 164.530(j)(2): six years */

#define CONFIG_LABEL_MAX	40	/* characters of [release] label */

void	config_defaults(struct config *cfg);
/* config_load - read HOME/roi.conf (missing file: defaults); -1 + message */
int	config_load(struct config *cfg, const char *path);
int	config_workers(const struct config *cfg);	/* resolved worker count */
/* config_release_pixels - does a release go out as our pixels (1) or as
 * the redacted original PDF (0, [release] output = text)? */
int	config_release_pixels(const struct config *cfg);
/* config_reviewer_name - how login signs ([review] names), else login */
const char *config_reviewer_name(const struct config *cfg, const char *login, char *out,
	    size_t len);
/* config_is_reviewer - is this login name among [review] reviewers? */
int	config_is_reviewer(const struct config *cfg, const char *user);
void	config_release(struct config *cfg);
/* config_template - the commented roi.conf that roi init writes */
const char *config_template(void);

#endif
