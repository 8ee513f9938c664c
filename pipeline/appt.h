/*
 * appt.h - appointments: the schedule no-show follow-up and rebooking work on
 *
 * Model.  An appointment is one patient (an id of the registry) with one
 * clinician (a name as the practice system writes it) at a start time
 * (local), for some minutes, in person or by telehealth, with a status:
 * scheduled, attended, no_show, late_cancel or cancelled.  Each row is
 * keyed by where it came from (source: manual, csv:MAPPING, ics) and the
 * export's own key (ext_id: the export's id column, or patient, clinician
 * and start; an iCalendar UID), so importing the same export again changes
 * nothing, and a later export of it updates it.
 *
 * Import (appt_import): a CSV report read through a column mapping
 * (rules/mappings/NAME.map, INI: [columns], [status], [modality]; shipped:
 * simplepractice, therapynotes), or an iCalendar feed (.ics, read with
 * libical: UID, DTSTART, DTEND or DURATION, STATUS, LOCATION; the patient
 * is the registry id written in SUMMARY; the clinician the calendar's name
 * or --clinician).  The whole file is checked first: every bad line is
 * reported as FILE:LINE: what (never a patient's values) and nothing is
 * imported unless all are good; then one transaction.  An import never
 * moves an appointment back to scheduled (calendar feeds carry no outcome);
 * an appointment that becomes no_show or late_cancel opens its outreach
 * task (noshow.h) in the same transaction.
 *
 * Errors: -1 with one line printed; lookups return 1 for "no such
 * appointment" (message printed, nothing changed).
 */
#ifndef ROI_APPT_H
#define ROI_APPT_H

#include <time.h>

#include "config.h"
#include "store.h"

#define APPT_IDLEN	64
#define APPT_NAMELEN	128

struct appt {
	int64_t	id;
	char	patient[APPT_IDLEN];
	char	clinician[APPT_NAMELEN];
	time_t	start;
	int	minutes;
	char	modality[16];		/* in_person, telehealth */
	char	status[16];
	char	source[64];
	char	ext_id[256];
	int64_t	rebooked_from;		/* 0 if none */
	int64_t	fills;			/* the freed slot it fills, 0 if none */
};

struct appt_counts {
	int	added, updated, unchanged, kept;	/* kept: status not moved back */
	int	missed;					/* outreach tasks opened */
	int	skipped;				/* all-day calendar events */
};

/* appt_status_valid - one of the five statuses */
int	appt_status_valid(const char *s);
/* appt_modality - "in person", "office", "video", "telehealth"... to the
 * stored name; NULL if not one */
const char *appt_modality(const char *s);
/* appt_arg - "A-12", "a12" or "12" to 12; 0 if not an appointment name */
int64_t	appt_arg(const char *s);
/* appt_time - a time of day ("14:30", "2:30 PM", "9am") to seconds after
 * midnight; -1 if not one */
int	appt_time(const char *s);
/* appt_when - a date (YYYY-MM-DD, MM/DD/YYYY) and a time, or one text
 * holding both ("2026-03-02 14:30", "2026-03-02T14:30", "3/2/2026 2:30 PM"
 * when time is NULL), to local time; -1 if malformed */
time_t	appt_when(const char *date, const char *time);
/* appt_minutes - "50", "50 min", "1:15", "1h" to minutes; -1 if not */
int	appt_minutes(const char *s);

/* appt_load - by id: 0, 1 if none (message printed), -1 */
int	appt_load(struct store *st, int64_t id, struct appt *a);
/* appt_insert - a new appointment (source and ext_id made if empty); in
 * the caller's transaction if one is open; id in a->id */
int	appt_insert(struct store *st, struct appt *a, time_t now);
/* appt_overlap - the id of a scheduled appointment of this clinician that
 * overlaps [start, start + minutes), other than except; 0 if none */
int64_t	appt_overlap(struct store *st, const char *clinician, time_t start, int minutes,
	    int64_t except);
/* appt_import - see above; mapping NULL for .ics; clinician overrides the
 * calendar's for .ics */
int	appt_import(struct store *st, const char *home, const struct config *cfg,
	    const char *path, const char *mapping, const char *clinician, time_t now,
	    struct appt_counts *c);
/* appt_mapping_check - is this mapping file usable? every bad line
 * reported; 0 or -1 */
int	appt_mapping_check(const char *path);
/* appt_clinician_set - add or update a clinician's e-mail / NPI (NULL: keep) */
int	appt_clinician_set(struct store *st, const char *name, const char *email,
	    const char *npi, time_t now);

#endif
