/*
 * panel.h - insurance paneling (credentialing): providers, payers,
 * applications, what is due, notifications, calendar and CSV interop
 *
 * Model.  A provider is a clinician of the practice (NPI with its check
 * digit, licenses per state, DEA, board certification, malpractice, CAQH
 * ProView id and last attestation, documents with expiry).  A payer is a
 * data file, rules/payers/KEY.payer (INI): its credentialing route, the
 * checklist of what an application needs, the typical turnaround and the
 * follow-up cadence.  The files are the truth and are read at each use:
 * HOME/rules/payers/ (the practice's own and edited copies) shadows the
 * installed ones file by file; panel_payers_load() skips a bad file with
 * its FILE:LINE on stderr (roi rules check names them all).  An
 * application is one provider with one payer (at most one per pair); its
 * state moves only along
 *
 *   not_started -> caqh_ready -> submitted -> in_review <-> info_requested
 *   submitted -> info_requested (the payer's intake check asks first)
 *   in_review -> approved -> contracted -> effective
 *   submitted, in_review, info_requested -> denied
 *   every state but denied and withdrawn -> withdrawn (from effective:
 *   leaving the network)
 *   denied, withdrawn -> not_started (applying again; history kept)
 *
 * and every change is a dated event with the login name of who made it.
 * Dates are YYYY-MM-DD (local calendar days) everywhere.
 *
 * What is due (panel_due): follow-ups by the payer's cadence counted from
 * the last contact while an application waits on the payer; information
 * a payer asked for; applications pending past the payer's typical
 * maximum; CAQH re-attestation 120 days after the last; license, DEA,
 * board, malpractice and document expirations; recredentialing
 * recredential_months (36 commercial, 60 Medicare/Medicaid revalidation)
 * after the committee decision (approved), or the effective date.  Each
 * item has a stable key (kind, subject, due date): a new date is a new
 * item.  Each kind has a lead: the days before its date from which it is
 * due (PANEL_LEAD_*).
 *
 * Notifications: panel_notify_due() is the daily check: every item due
 * (by lead) that was never notified becomes a notice row, and every
 * unsent notice is sent through roi.conf's [notify] command (argv split
 * on blanks, no shell; the message on its stdin).  A notice is sent at
 * most once; a failure is recorded (attempts, last_error) and the notice
 * retried at the next check; a notice whose item went away before it
 * could be sent is marked resolved.  Moving an application to effective
 * adds a "billing can begin" notice (sent at once by the command, and
 * by the check if that failed).
 *
 * Errors: functions returning int give 0 on success and -1 with one line
 * already printed ("panel: ..."), unless said otherwise.  Refusals (an
 * illegal transition, an unknown provider) change nothing.
 */
#ifndef ROI_PANEL_H
#define ROI_PANEL_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "store.h"

#define PANEL_DATELEN	11		/* YYYY-MM-DD + NUL */
#define PANEL_CAQH_DAYS	120		/* CAQH ProView re-attestation cycle */

/* leads: how many days before its date an item is due */
#define PANEL_LEAD_EXPIRY	60	/* license, DEA, board, malpractice, documents */
#define PANEL_LEAD_CAQH		14
#define PANEL_LEAD_RECRED	90
#define PANEL_LEAD_NOW		0	/* follow-ups, information asked, stalled */

/* defaults for an application whose payer file is missing or broken */
#define PANEL_DEF_FOLLOW_UP	14
#define PANEL_DEF_TMAX		180
#define PANEL_DEF_RECRED	36

enum panel_state {
	PANEL_NOT_STARTED, PANEL_CAQH_READY, PANEL_SUBMITTED, PANEL_IN_REVIEW,
	PANEL_INFO_REQUESTED, PANEL_APPROVED, PANEL_CONTRACTED, PANEL_EFFECTIVE,
	PANEL_DENIED, PANEL_WITHDRAWN, PANEL_NSTATES
};

/* ---- dates, identifiers, the state machine (pure) ---- */

/* panel_date - a real calendar date written YYYY-MM-DD (1900..2199) */
int	panel_date(const char *in, char out[PANEL_DATELEN]);
/* panel_day - days since 1970-01-01 of a checked date */
int64_t	panel_day(const char *date);
void	panel_day_date(int64_t day, char out[PANEL_DATELEN]);
/* panel_today - the local calendar day of t */
void	panel_today(time_t t, char out[PANEL_DATELEN]);
/* panel_add_months - same day N months later (the month's last if shorter) */
void	panel_add_months(const char *date, int months, char out[PANEL_DATELEN]);
/* panel_npi_valid - 10 digits whose last is the Luhn check digit over
 * 80840 + the first nine (the NPI standard) */
int	panel_npi_valid(const char *npi);
/* panel_dea_valid - 2 letters + 7 digits, the last the DEA check digit */
int	panel_dea_valid(const char *dea);
const char *panel_state_name(enum panel_state s);
/* panel_state_parse - state name ("in_review"; "in-review" too) or -1 */
int	panel_state_parse(const char *s);
int	panel_move_allowed(enum panel_state from, enum panel_state to);
/* panel_next_states - the states FROM may move to, ", " between */
char	*panel_next_states(enum panel_state from, char *buf, size_t len);
/* panel_pending - waiting on the payer (submitted .. contracted) */
int	panel_pending(enum panel_state s);

/* ---- payers (rules/payers/KEY.payer) ---- */

struct panel_check {
	char	key[32];
	char	text[200];
};

struct panel_payer {
	char	key[64];		/* the file name without .payer */
	char	name[128];
	char	aliases[256];		/* ", " between */
	char	kind[16];		/* commercial, mbho, medicaid, medicare */
	char	route[600];
	char	portal[200];
	char	billing_note[400];
	int	uses_caqh;
	int	tmin, tmax;		/* typical turnaround, days */
	int	follow_up;		/* days between follow-ups while pending */
	int	recred_months;
	struct panel_check *items;
	int	nitems;
	char	path[4096];
};

struct panel_payers {
	struct panel_payer *v;
	size_t	n;
};

/* panel_payer_parse - read and check one payer file; every bad line is
 * reported as FILE:LINE: what; -1 if any */
int	panel_payer_parse(const char *path, struct panel_payer *p);
void	panel_payer_release(struct panel_payer *p);
/* panel_payers_load - every payer file roi uses ($ROI_RULES/payers,
 * HOME/rules/payers, the installed ones; the first of a name wins);
 * returns the number of bad files (skipped, reported), or -1 if none
 * could be found at all */
int	panel_payers_load(const char *home, struct panel_payers *ps);
void	panel_payers_free(struct panel_payers *ps);
/* panel_payer_find - by key, name or alias (case ignored); NULL if none */
const struct panel_payer *panel_payer_find(const struct panel_payers *ps, const char *ref);
/* panel_payer_lookup - panel_payer_find or "panel: no payer 'X'" */
const struct panel_payer *panel_payer_lookup(const struct panel_payers *ps, const char *ref);
json_t	*panel_payer_json(const struct panel_payer *p);

/* ---- providers ---- */

struct panel_license {
	char	state[3];
	char	number[41];
	char	expires[PANEL_DATELEN];
};

struct panel_doc {
	char	name[81];
	char	expires[PANEL_DATELEN];		/* "" if it does not expire */
};

struct panel_provider {
	int64_t	id;			/* 0 until saved */
	char	name[128];
	char	npi[11];
	char	email[128];
	char	specialties[256];
	int	prescriber;
	char	dea[10];
	char	dea_expires[PANEL_DATELEN];
	char	board[128];
	char	board_expires[PANEL_DATELEN];
	char	mal_carrier[128];
	char	mal_policy[64];
	char	mal_expires[PANEL_DATELEN];
	int	claims_attested;	/* claims history attested */
	char	caqh_id[16];
	char	caqh_attested[PANEL_DATELEN];
	int	active;
	struct panel_license *lic;
	size_t	nlic;
	struct panel_doc *docs;
	size_t	ndocs;
};

/* the fields panel_provider_set() knows, in CSV column order */
extern const char *const panel_provider_fields[];

void	panel_provider_init(struct panel_provider *p);
void	panel_provider_release(struct panel_provider *p);
/* panel_provider_set - set one field from text, checked: name, npi, email,
 * specialties, prescriber, dea, dea_expires, board, board_expires,
 * malpractice_carrier, malpractice_policy, malpractice_expires,
 * claims_attested, caqh_id, caqh_attested, active (yes/no for flags),
 * licenses ("ST:NUMBER:YYYY-MM-DD; ..." replaces all), documents ("NAME[:DATE];
 * ..."), license (one ST:NUMBER:DATE, added or updated), unlicense
 * (ST:NUMBER), document (one NAME[:DATE]), undocument (NAME).  0, or -1
 * with why (no message printed) */
int	panel_provider_set(struct panel_provider *p, const char *field, const char *value,
	    char *why, size_t whylen);
/* panel_provider_find - by NPI, whole name, or one word of the name that
 * fits one provider only; 0 with *id, or -1 (unknown, ambiguous) */
int	panel_provider_find(struct store *st, const char *ref, int64_t *id);
/* panel_provider_resolve - the same, quiet: -1 with why */
int	panel_provider_resolve(struct store *st, const char *ref, int64_t *id, char *why,
	    size_t whylen);
int	panel_provider_load(struct store *st, int64_t id, struct panel_provider *p);
/* panel_provider_save - insert (id 0; id set) or update, licenses and
 * documents replaced; in the caller's transaction if one is open */
int	panel_provider_save(struct store *st, struct panel_provider *p, time_t now);
json_t	*panel_provider_json(const struct panel_provider *p);

/* ---- applications ---- */

struct panel_app {
	int64_t	id;
	int64_t	provider_id;
	char	provider[128];
	char	npi[11];
	char	payer[64];		/* payer key */
	enum panel_state state;
	char	state_on[PANEL_DATELEN];	/* day of the last state change */
	char	submitted_on[PANEL_DATELEN];
	char	approved_on[PANEL_DATELEN];
	char	effective_on[PANEL_DATELEN];
	char	recred_on[PANEL_DATELEN];	/* last recredentialing done */
	char	touched_on[PANEL_DATELEN];	/* last contact with the payer */
	char	ref[64];
	char	contact[256];
};

/* panel_app_find - "12", or PROVIDER and PAYER (ref2 non-NULL) */
int	panel_app_find(struct store *st, const struct panel_payers *ps, const char *ref,
	    const char *ref2, int64_t *id);
int	panel_app_load(struct store *st, int64_t id, struct panel_app *a);
/* panel_app_add - a new application in not_started, begun on date (today
 * if NULL; not in the future); -1 if the pair exists */
int	panel_app_add(struct store *st, int64_t provider_id, const struct panel_payer *py,
	    const char *date, const char *ref, const char *contact, const char *note,
	    time_t now, int64_t *id);
/* panel_app_move - one state change on date (today if NULL; for
 * effective, the effective date and may be any day), with an optional
 * note and reference number.  Refused (1, message naming the allowed
 * states; nothing changed) when illegal or the date is bad; 0 done;
 * -1 store error */
int	panel_app_move(struct store *st, const struct panel_payers *ps, int64_t id,
	    enum panel_state to, const char *date, const char *note, const char *ref, time_t now);
/* panel_app_note - a note (a call, an e-mail: restarts the follow-up clock) */
int	panel_app_note(struct store *st, int64_t id, const char *text, const char *date,
	    time_t now);
/* panel_app_edit - new reference number and/or payer contact (NULL: keep) */
int	panel_app_edit(struct store *st, int64_t id, const char *ref, const char *contact,
	    time_t now);
/* panel_app_tick - tick (on) or untick a checklist item, by key or number */
int	panel_app_tick(struct store *st, const struct panel_payer *py, int64_t id,
	    const char *item, int on, time_t now);
/* panel_app_recredentialed - recredentialing done on date (today if NULL) */
int	panel_app_recredentialed(struct store *st, int64_t id, const char *date, time_t now);
/* panel_app_put - store an application as checked by the CSV import:
 * old NULL: a new one (no notice even if effective: it is history);
 * else every field replaced, the state change (checked legal by the
 * caller) an event, and a billing notice if it became effective.  In the
 * caller's transaction */
int	panel_app_put(struct store *st, const struct panel_payers *ps, struct panel_app *a,
	    const struct panel_app *old, const char *note, time_t now);
/* panel_app_json - one application with checklist, history, contacts, next states */
json_t	*panel_app_json(struct store *st, const struct panel_payers *ps, int64_t id);

/* ---- what is due ---- */

struct panel_item {
	char	kind[16];	/* follow_up info_requested stalled caqh license dea
				 * board malpractice document recredential */
	char	key[200];
	char	due[PANEL_DATELEN];
	int	days;		/* due - today; negative: overdue */
	int64_t	provider_id;
	int64_t	app_id;		/* 0 for provider items */
	char	provider[128];
	char	payer[128];	/* payer name, "" for provider items */
	char	text[400];	/* what to do */
	char	why[300];	/* the rule */
};

/* panel_due - the items due on now's day: within < 0 by each kind's lead,
 * else everything dated up to today + within; sorted by date; *items is
 * malloc'd (free it) */
int	panel_due(struct store *st, const struct panel_payers *ps, time_t now, int within,
	    struct panel_item **items, size_t *n);
json_t	*panel_item_json(const struct panel_item *it);

/* ---- notifications (panel_io.c) ---- */

/* panel_notify_due - the daily check (see above); the number of notices
 * sent, or -1 if one could not be sent (recorded, retried next time) */
int	panel_notify_due(struct store *st, const char *home, time_t now);
/* panel_notify_send - send the unsent notices now (billing only: just
 * the "billing can begin" ones); as panel_notify_due */
int	panel_notify_send(struct store *st, const char *home, time_t now, int billing_only);

/* ---- interop (panel_io.c) ---- */

/* panel_export_ics - every item with a date (due dates and expirations,
 * however far ahead) as all-day iCalendar events with stable UIDs; the
 * number of events, or -1 */
int	panel_export_ics(struct store *st, const struct panel_payers *ps, time_t now, FILE *out);
/* panel_export_csv - "providers" or "applications" with a header row;
 * the number of rows after the header, or -1 */
int	panel_export_csv(struct store *st, const char *which, FILE *out);
struct panel_import_counts {
	int	added, updated, unchanged;
};
/* panel_import_csv - the same columns (providers: name required and
 * matched by NPI, else name; applications: provider and payer required,
 * matched by the pair).  Every line is checked first and every bad one
 * reported (FILE:LINE: what); nothing changes unless all are good, then
 * one transaction */
int	panel_import_csv(struct store *st, const struct panel_payers *ps, const char *which,
	    const char *path, time_t now, struct panel_import_counts *c);

/* panel_who - the login name recorded with events */
const char *panel_who(void);

#endif
