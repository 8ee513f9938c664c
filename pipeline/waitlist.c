/*
 * waitlist.c - the waitlist and intake pipeline; ranking, offering and
 * booking freed slots; the in-network check through the paneling module
 *
 * SECURITY: runs as the practice's user; input is staff's own commands.
 * Offer messages come from checked templates (noshow.c) and go only to
 * patients who agreed to texts or e-mail.  Diagnostics name entry,
 * appointment and patient ids, never names.
 * FILES: HOME/roi.db; rules/templates/offer.*.tmpl; rules/payers/ (read by
 * the paneling module).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appt.h"
#include "clock.h"
#include "msg.h"
#include "noshow.h"
#include "panel.h"
#include "waitlist.h"

static const char *const states[] = { "referral", "contacted", "screened", "insurance_verified",
	"offered", "scheduled", "declined", "referred_out", NULL };

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

static int
state_index(const char *s)
{
	int i;

	for (i = 0; states[i]; i++)
		if (strcmp(s, states[i]) == 0)
			return i;
	return -1;
}

static int
closed(const char *s)
{
	return strcmp(s, "scheduled") == 0 || strcmp(s, "declined") == 0 ||
	    strcmp(s, "referred_out") == 0;
}

int
waitlist_move_allowed(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "referral", "contacted" }, { "contacted", "screened" },
		{ "screened", "insurance_verified" }, { "insurance_verified", "offered" },
		{ "offered", "scheduled" }, { "offered", "insurance_verified" },
		{ "insurance_verified", "scheduled" },
	};
	size_t i;

	if (state_index(from) == -1 || state_index(to) == -1 || closed(from))
		return 0;
	if (strcmp(to, "declined") == 0 || strcmp(to, "referred_out") == 0)
		return 1;
	for (i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return 1;
	return 0;
}

const char *
waitlist_next(const char *from)
{
	static const char *const next[][2] = {
		{ "referral", "contacted" }, { "contacted", "screened" },
		{ "screened", "insurance_verified" }, { "insurance_verified", "offered" },
		{ "offered", "scheduled" },
	};
	size_t i;

	for (i = 0; i < sizeof next / sizeof next[0]; i++)
		if (strcmp(next[i][0], from) == 0)
			return next[i][1];
	return NULL;
}

int
waitlist_urgency(const char *s)
{
	if (strcmp(s, "routine") == 0)
		return 0;
	if (strcmp(s, "soon") == 0)
		return 1;
	if (strcmp(s, "urgent") == 0)
		return 2;
	return -1;
}

static const char *
urgency_name(int u)
{
	return u == 2 ? "urgent" : u == 1 ? "soon" : "routine";
}

const char *
waitlist_network_name(int n)
{
	switch (n) {
	case WAITLIST_IN:	return "in";
	case WAITLIST_SELF_PAY:	return "self_pay";
	case WAITLIST_OUT:	return "out";
	default:		return "unknown";
	}
}

int64_t
waitlist_arg(const char *s)
{
	char		*end;
	long long	v;

	if (s[0] == 'W' || s[0] == 'w')
		s += s[1] == '-' ? 2 : 1;
	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && errno == 0 && v > 0 ? v : 0;
}

/* cand_cmp - best first: urgency, network, asked for this clinician, waiting longest */
static int
cand_cmp(const void *pa, const void *pb)
{
	const struct waitlist_cand *a = pa, *b = pb;
	int na = a->network == WAITLIST_SELF_PAY ? WAITLIST_IN : a->network;
	int nb = b->network == WAITLIST_SELF_PAY ? WAITLIST_IN : b->network;

	if (a->urgency != b->urgency)
		return b->urgency - a->urgency;
	if (na != nb)
		return na - nb;
	if (a->wants_clinician != b->wants_clinician)
		return b->wants_clinician - a->wants_clinician;
	if (a->referred != b->referred)
		return a->referred < b->referred ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void
waitlist_rank(struct waitlist_cand *v, size_t n)
{
	qsort(v, n, sizeof *v, cand_cmp);
}

/*
 * ---- the in-network check: the ONE place that asks the paneling module ----
 *
 * With the paneling module (issue 7, pipeline/panel.h) built in, the
 * clinician (by the NPI recorded with roi appt clinician, else by name)
 * must have an application with the payer in state effective, with an
 * effective date on or before the date of service.  A clinician or payer
 * the paneling module does not know is unknown, said as such: never
 * assumed in or out.
 */

/* titles and credentials a schedule or a provider record may add to a
 * person's name, compared without dots */
static const char *const credentials[] = { "dr", "doctor", "phd", "psyd", "md", "do", "edd",
	"lcsw", "licsw", "lisw", "lsw", "lmsw", "msw", "lpc", "lpcc", "lcpc", "lmft", "mft",
	"lmhc", "lp", "np", "pmhnp", "aprn", "dnp", "rn", "pa", "pac", "ma", "ms", "med",
	"lcadc", "ladc", "cadc", "bcba", "jr", "sr", "ii", "iii", NULL };

/* name_core - a person's name without titles and credentials, lower case,
 * one blank between words: "Dr. Dana Lee", "Dana Lee, PhD" and "dana
 * lee LCSW" are all "dana lee" */
static void
name_core(const char *in, char *out, size_t len)
{
	char	word[64];
	size_t	n = 0, k, i;
	int	cred;

	*out = '\0';
	while (*in && *in != ',') {
		while (*in == ' ' || *in == '\t')
			in++;
		for (k = 0; in[k] && in[k] != ' ' && in[k] != '\t' && in[k] != ','; k++)
			;
		for (i = 0, n = 0; i < k && n < sizeof word - 1; i++)
			if (in[i] != '.')
				word[n++] = (char)tolower((unsigned char)in[i]);
		word[n] = '\0';
		in += k;
		for (cred = 0, i = 0; credentials[i] && !cred; i++)
			cred = strcmp(word, credentials[i]) == 0;
		if (*word && !cred && strlen(out) + strlen(word) + 2 < len)
			snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? " " : "", word);
	}
}

int
waitlist_clinician_provider(struct store *st, const char *clinician, int64_t *prov,
    char *why, size_t len)
{
	sqlite3_stmt	*s;
	char		npi[16] = "", core[160], pcore[160];
	int		hits = 0;

	*prov = 0;
	if ((s = store_prepare(st, "SELECT npi FROM clinicians WHERE name = ?")) != NULL) {
		sqlite3_bind_text(s, 1, clinician, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(npi, sizeof npi, "%s", col(s, 0));
		sqlite3_finalize(s);
	}
	if (*npi) {
		if ((s = store_prepare(st, "SELECT id FROM panel_providers WHERE npi = ?")) == NULL)
			return snprintf(why, len, "store error"), WAITLIST_LINK_NONE;
		sqlite3_bind_text(s, 1, npi, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			*prov = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (*prov)
			return WAITLIST_LINK_NPI;
		snprintf(why, len, "%s has NPI %s, which no paneling provider has (roi panel"
		    " provider list)", clinician, npi);
		return WAITLIST_LINK_NONE;
	}
	name_core(clinician, core, sizeof core);
	if (*core && (s = store_prepare(st, "SELECT id, name FROM panel_providers")) != NULL) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			name_core(col(s, 1), pcore, sizeof pcore);
			if (strcmp(core, pcore) == 0 && hits++ == 0)
				*prov = sqlite3_column_int64(s, 0);
		}
		sqlite3_finalize(s);
	}
	if (hits == 1)
		return WAITLIST_LINK_NAME;
	*prov = 0;
	snprintf(why, len, "%s %s (roi appt clinician \"%s\" --npi NPI)", clinician, hits ?
	    "fits several paneling providers by name" : "is linked to no paneling provider",
	    clinician);
	return WAITLIST_LINK_NONE;
}

json_t *
waitlist_unlinked_json(struct store *st)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	char		why[300];
	int64_t		prov;

	if (arr == NULL || store_int(st, "SELECT count(*) FROM panel_providers", 0) == 0)
		return arr;
	s = store_prepare(st, "SELECT name FROM clinicians UNION SELECT clinician FROM waitlist"
	    " WHERE clinician <> '' AND state NOT IN ('scheduled', 'declined', 'referred_out')"
	    " ORDER BY 1");
	if (s == NULL)
		return arr;
	while (sqlite3_step(s) == SQLITE_ROW)
		if (waitlist_clinician_provider(st, col(s, 0), &prov, why, sizeof why) ==
		    WAITLIST_LINK_NONE)
			json_array_append_new(arr, json_pack("{s:s, s:s}", "clinician", col(s, 0),
			    "why", why));
	sqlite3_finalize(s);
	return arr;
}

static int
panel_check(struct store *st, const char *home, const char *clinician, const char *payer,
    time_t when, char *why, size_t len)
{
	struct panel_payers	ps = { NULL, 0 };
	const struct panel_payer *py;
	struct panel_app	a;
	sqlite3_stmt		*s;
	char			day[PANEL_DATELEN];
	int64_t			app, prov;
	int			rc = WAITLIST_UNKNOWN;

	if (panel_payers_load(home, &ps) < 0) {
		snprintf(why, len, "no payer files (rules/payers)");
		goto out;
	}
	if ((py = panel_payer_find(&ps, payer)) == NULL) {
		snprintf(why, len, "payer '%s' is not among rules/payers", payer);
		goto out;
	}
	if (waitlist_clinician_provider(st, clinician, &prov, why, len) == WAITLIST_LINK_NONE)
		goto out;	/* not a provider the paneling module knows: unknown */
	/* quietly (panel_app_find says "no application" on stderr): the pair */
	app = 0;
	if ((s = store_prepare(st, "SELECT id FROM panel_apps WHERE provider_id = ? AND"
	    " payer = ?")) != NULL) {
		sqlite3_bind_int64(s, 1, prov);
		sqlite3_bind_text(s, 2, py->key, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			app = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	if (app == 0) {
		snprintf(why, len, "%s has no application with %s (roi panel app list)", clinician,
		    py->name);
		rc = WAITLIST_OUT;
		goto out;
	}
	if (panel_app_load(st, app, &a) == -1)
		goto out;
	panel_today(when, day);
	if (a.state == PANEL_EFFECTIVE && a.effective_on[0] && strcmp(a.effective_on, day) <= 0) {
		snprintf(why, len, "%s is effective with %s since %s", clinician, py->name,
		    a.effective_on);
		rc = WAITLIST_IN;
	} else if (a.state == PANEL_EFFECTIVE) {
		snprintf(why, len, "%s is effective with %s only from %s", clinician, py->name,
		    a.effective_on);
		rc = WAITLIST_OUT;
	} else {
		snprintf(why, len, "%s's application with %s is %s, not effective", clinician,
		    py->name, panel_state_name(a.state));
		rc = WAITLIST_OUT;
	}
out:
	panel_payers_free(&ps);
	return rc;
}

int
waitlist_in_network(struct store *st, const char *home, const char *clinician,
    const char *payer, time_t when, char *why, size_t len)
{
	if (payer == NULL || *payer == '\0') {
		snprintf(why, len, "self-pay");
		return WAITLIST_SELF_PAY;
	}
	if (clinician == NULL || *clinician == '\0') {
		snprintf(why, len, "any clinician: checked for each slot offered");
		return WAITLIST_UNKNOWN;
	}
	return panel_check(st, home, clinician, payer, when, why, len);
}

/* ---- entries ---- */

struct entry {
	int64_t	id;
	char	patient[64];
	char	state[24];
	char	clinician[128];
	char	modality[16];
	char	payer[128];
	int	urgency;
	time_t	referred;
	char	*screening;
};

static int
entry_load(struct store *st, int64_t id, struct entry *e)
{
	sqlite3_stmt	*s;
	int		rc = 1;

	memset(e, 0, sizeof *e);
	s = store_prepare(st, "SELECT patient_id, state, clinician, modality, payer, urgency,"
	    " referred_at, screening FROM waitlist WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		e->id = id;
		snprintf(e->patient, sizeof e->patient, "%s", col(s, 0));
		snprintf(e->state, sizeof e->state, "%s", col(s, 1));
		snprintf(e->clinician, sizeof e->clinician, "%s", col(s, 2));
		snprintf(e->modality, sizeof e->modality, "%s", col(s, 3));
		snprintf(e->payer, sizeof e->payer, "%s", col(s, 4));
		e->urgency = sqlite3_column_int(s, 5);
		e->referred = (time_t)sqlite3_column_int64(s, 6);
		e->screening = strdup(col(s, 7));
		rc = e->screening ? 0 : msg_error("out of memory");
	} else
		msg_error("waitlist: no entry W-%lld", (long long)id);
	sqlite3_finalize(s);
	return rc;
}

static int
event(struct store *st, int64_t id, const char *state, const char *note, const char *who,
    time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "INSERT INTO waitlist_events(entry_id, at, who, state, note)"
	    " VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, note ? note : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "waitlist event");
	sqlite3_finalize(s);
	return rc;
}

/* set_state - the entry's state (caller's transaction) */
static int
set_state(struct store *st, int64_t id, const char *state, time_t now)
{
	sqlite3_stmt	*s;
	int		rc;

	s = store_prepare(st, "UPDATE waitlist SET state = ?, updated_at = ? WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_err(st, "waitlist");
	sqlite3_finalize(s);
	return rc;
}

int
waitlist_add(struct store *st, const char *patient, const char *clinician, const char *modality,
    const char *payer, int urgency, const char *source, time_t referred, const char *note,
    const char *who, time_t now, int64_t *id)
{
	sqlite3_stmt	*s = NULL;

	s = store_prepare(st, "SELECT 1 FROM patients WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return msg_error("waitlist: no patient '%s' in the registry (roi patient import)",
		    patient), 1;
	}
	sqlite3_finalize(s);
	if (store_begin(st) == -1)
		return -1;
	s = store_prepare(st, "INSERT INTO waitlist(patient_id, state, clinician, modality, payer,"
	    " urgency, source, referred_at, updated_at) VALUES (?, 'referral', ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, clinician ? clinician : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, modality ? modality : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, payer ? payer : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, urgency);
	sqlite3_bind_text(s, 6, source ? source : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, referred);
	sqlite3_bind_int64(s, 8, now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "waitlist");
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(store_db(st));
	sqlite3_finalize(s);
	s = NULL;
	if (event(st, *id, "referral", note, who, now) == -1)
		goto fail;
	return store_commit(st);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

int
waitlist_advance(struct store *st, const char *home, int64_t id, const char *to,
    json_t *answers, const char *payer, int urgency, int64_t appt, const char *note,
    const char *who, time_t now)
{
	struct entry	e;
	struct appt	a;
	sqlite3_stmt	*s = NULL;
	json_t		*scr = NULL;
	char		*scrtext = NULL, why[300] = "", ev[400];
	int		rc, net = -1;

	if ((rc = entry_load(st, id, &e)) != 0)
		return rc;
	rc = 1;
	if (to == NULL && (to = waitlist_next(e.state)) == NULL) {
		msg_error("waitlist: W-%lld is %s: the pipeline ends there", (long long)id, e.state);
		goto out;
	}
	if (strcmp(to, "offered") == 0) {
		msg_error("waitlist: W-%lld: a slot is offered with roi waitlist offer SLOT --to"
		    " W-%lld", (long long)id, (long long)id);
		goto out;
	}
	if (!waitlist_move_allowed(e.state, to)) {
		msg_error("waitlist: W-%lld is %s and cannot move to %s", (long long)id, e.state,
		    state_index(to) == -1 ? "an unknown state" : to);
		goto out;
	}
	if (payer)
		snprintf(e.payer, sizeof e.payer, "%s", payer);
	scr = json_loads(e.screening, 0, NULL);
	if (!json_is_object(scr)) {
		json_decref(scr);
		scr = json_object();
	}
	if (answers)
		json_object_update(scr, answers);
	if (strcmp(to, "screened") == 0 && json_object_size(scr) == 0) {
		msg_error("waitlist: W-%lld: screening needs the answers (--answer KEY=VALUE)",
		    (long long)id);
		goto out;
	}
	if (strcmp(to, "insurance_verified") == 0)
		net = waitlist_in_network(st, home, e.clinician, e.payer, now, why, sizeof why);
	if (strcmp(to, "scheduled") == 0) {
		if (appt <= 0) {
			msg_error("waitlist: W-%lld: scheduled needs the intake appointment (--appt A-N)",
			    (long long)id);
			goto out;
		}
		if ((rc = appt_load(st, appt, &a)) != 0)
			goto out;
		rc = 1;
		if (strcmp(a.patient, e.patient) != 0) {
			msg_error("waitlist: A-%lld is not an appointment of patient %s", (long long)appt,
			    e.patient);
			goto out;
		}
	}
	if ((scrtext = json_dumps(scr, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		rc = msg_error("out of memory");
		goto out;
	}
	rc = -1;
	if (store_begin(st) == -1)
		goto out;
	s = store_prepare(st, "UPDATE waitlist SET state = ?2, payer = ?3, screening = ?4,"
	    " urgency = CASE WHEN ?5 >= 0 THEN ?5 ELSE urgency END,"
	    " network = CASE WHEN ?6 >= 0 THEN ?7 ELSE network END,"
	    " network_note = CASE WHEN ?6 >= 0 THEN ?8 ELSE network_note END,"
	    " intake_appt = CASE WHEN ?9 > 0 THEN ?9 ELSE intake_appt END,"
	    " updated_at = ?10 WHERE id = ?1");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, e.payer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, scrtext, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, urgency);
	sqlite3_bind_int(s, 6, net);
	sqlite3_bind_text(s, 7, net >= 0 ? waitlist_network_name(net) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, why, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, strcmp(to, "scheduled") == 0 ? appt : 0);
	sqlite3_bind_int64(s, 10, now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "waitlist");
		goto fail;
	}
	snprintf(ev, sizeof ev, "%s%s%s%s%s", note ? note : "", note && net >= 0 ? "; " : "",
	    net >= 0 ? "network: " : "", net >= 0 ? waitlist_network_name(net) : "",
	    net >= 0 ? "" : "");
	if (net >= 0)
		snprintf(ev + strlen(ev), sizeof ev - strlen(ev), " (%s)", why);
	if (event(st, id, to, ev, who, now) == -1)
		goto fail;
	rc = store_commit(st);
	goto out;
fail:
	store_rollback(st);
out:
	sqlite3_finalize(s);
	json_decref(scr);
	free(scrtext);
	free(e.screening);
	return rc;
}

/* ---- slots and offers ---- */

/* slot_check - can this appointment's slot be offered? 0, 1 (why printed) */
static int
slot_check(struct store *st, int64_t slot, time_t now, struct appt *a)
{
	sqlite3_stmt	*s;
	int		rc;
	int64_t		by;

	if ((rc = appt_load(st, slot, a)) != 0)
		return rc;
	if (strcmp(a->status, "cancelled") != 0 && strcmp(a->status, "late_cancel") != 0 &&
	    strcmp(a->status, "no_show") != 0)
		return msg_error("waitlist: A-%lld is %s: only a cancelled or missed appointment"
		    " frees its slot", (long long)slot, a->status), 1;
	if (a->start <= now)
		return msg_error("waitlist: the slot of A-%lld has passed", (long long)slot), 1;
	by = 0;
	s = store_prepare(st, "SELECT id FROM appointments WHERE fills = ? AND status !="
	    " 'cancelled' LIMIT 1");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, slot);
	if (sqlite3_step(s) == SQLITE_ROW)
		by = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (by)
		return msg_error("waitlist: the slot of A-%lld is taken by A-%lld", (long long)slot,
		    (long long)by), 1;
	if ((by = appt_overlap(st, a->clinician, a->start, a->minutes, slot)) != 0)
		return msg_error("waitlist: the clinician has A-%lld in that slot already",
		    (long long)by), 1;
	/* DOMAIN 6.5: a risk patient's freed slot waits for that patient's follow-up */
	s = store_prepare(st, "SELECT 1 FROM outreach o WHERE o.appt_id = ? AND o.state = 'open'"
	    " AND EXISTS (SELECT 1 FROM risk_flags f WHERE f.patient_id = o.patient_id AND"
	    " f.cleared_at IS NULL)");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, slot);
	rc = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (rc)
		return msg_error("waitlist: the slot of A-%lld is held until the follow-up of its"
		    " patient (a risk flag) is settled", (long long)slot), 1;
	return 0;
}

struct ranked {
	struct waitlist_cand	*v;
	size_t			n;
	char			(*why)[300];
};

/* rank_for - the eligible entries for a slot, ranked */
static int
rank_for(struct store *st, const char *home, const struct appt *a, struct ranked *r)
{
	sqlite3_stmt	*s;
	struct waitlist_cand *nv;
	char		(*nw)[300];

	memset(r, 0, sizeof *r);
	s = store_prepare(st, "SELECT id, urgency, clinician, payer, referred_at FROM waitlist"
	    " WHERE state = 'insurance_verified' AND patient_id != ?1"
	    " AND (clinician = '' OR clinician = ?2 COLLATE NOCASE)"
	    " AND (modality = '' OR modality = ?3)"
	    " AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.entry_id = waitlist.id AND"
	    "  o.state = 'open')");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, a->patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->clinician, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->modality, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((nv = realloc(r->v, (r->n + 1) * sizeof *nv)) == NULL ||
		    (r->v = nv, (nw = realloc(r->why, (r->n + 1) * sizeof *nw)) == NULL)) {
			sqlite3_finalize(s);
			return msg_error("out of memory");
		}
		r->why = nw;
		memset(&r->v[r->n], 0, sizeof r->v[0]);
		r->v[r->n].id = sqlite3_column_int64(s, 0);
		r->v[r->n].urgency = sqlite3_column_int(s, 1);
		r->v[r->n].wants_clinician = *col(s, 2) != '\0';
		r->v[r->n].referred = (time_t)sqlite3_column_int64(s, 4);
		r->v[r->n].network = waitlist_in_network(st, home, a->clinician, col(s, 3),
		    a->start, r->why[r->n], sizeof r->why[0]);
		r->n++;
	}
	sqlite3_finalize(s);
	/* keep each one's reason with it through the sort */
	{
		struct { struct waitlist_cand c; char why[300]; } *tmp;
		size_t i, j;

		if (r->n == 0)
			return 0;
		if ((tmp = calloc(r->n, sizeof *tmp)) == NULL)
			return msg_error("out of memory");
		for (i = 0; i < r->n; i++) {
			tmp[i].c = r->v[i];
			memcpy(tmp[i].why, r->why[i], sizeof tmp[i].why);
		}
		waitlist_rank(r->v, r->n);
		for (i = 0; i < r->n; i++)
			for (j = 0; j < r->n; j++)
				if (tmp[j].c.id == r->v[i].id)
					memcpy(r->why[i], tmp[j].why, sizeof r->why[0]);
		free(tmp);
	}
	return 0;
}

/* excluded_json - the open entries rank_for() left out for slot a, each
 * with every reason: [{entry, patient, name, state, reasons: [...]}] */
static json_t *
excluded_json(struct store *st, const struct appt *a, const struct ranked *r)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *why;
	char		ref[32], text[200];
	size_t		i;
	int64_t		id;

	s = store_prepare(st, "SELECT w.id, w.patient_id, p.first_name || ' ' || p.last_name,"
	    " w.state, w.clinician, w.modality, (SELECT 'A-' || o.slot_appt FROM offers o"
	    " WHERE o.entry_id = w.id AND o.state = 'open') FROM waitlist w JOIN patients p"
	    " ON p.id = w.patient_id WHERE w.state NOT IN ('scheduled', 'declined',"
	    " 'referred_out') ORDER BY w.id");
	if (s == NULL || arr == NULL) {
		sqlite3_finalize(s);
		return arr;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		for (i = 0; i < r->n && r->v[i].id != id; i++)
			;
		if (i < r->n)
			continue;	/* a candidate */
		why = json_array();
		if (strcmp(col(s, 3), "offered") == 0)
			snprintf(text, sizeof text, "holds an open offer (%s)", *col(s, 6) ?
			    col(s, 6) : "another slot");
		else if (strcmp(col(s, 3), "insurance_verified") != 0)
			snprintf(text, sizeof text, "not insurance-verified yet (%s)", col(s, 3));
		else if (*col(s, 6))
			snprintf(text, sizeof text, "holds an open offer (%s)", col(s, 6));
		else
			text[0] = '\0';
		if (*text)
			json_array_append_new(why, json_string(text));
		if (strcmp(col(s, 1), a->patient) == 0)
			json_array_append_new(why, json_string("the patient whose appointment"
			    " this was"));
		if (*col(s, 4) && strcasecmp(col(s, 4), a->clinician) != 0) {
			snprintf(text, sizeof text, "clinician: asked for %s", col(s, 4));
			json_array_append_new(why, json_string(text));
		}
		if (*col(s, 5) && strcmp(col(s, 5), a->modality) != 0) {
			snprintf(text, sizeof text, "modality: %s only", strcmp(col(s, 5),
			    "in_person") == 0 ? "in person" : col(s, 5));
			json_array_append_new(why, json_string(text));
		}
		snprintf(ref, sizeof ref, "W-%lld", (long long)id);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:o}", "entry", ref,
		    "patient", col(s, 1), "name", col(s, 2), "state", col(s, 3), "reasons", why));
	}
	sqlite3_finalize(s);
	return arr;
}

static void
ranked_free(struct ranked *r)
{
	free(r->v);
	free(r->why);
}

int
waitlist_candidates(struct store *st, const char *home, int64_t slot, time_t now, json_t **out)
{
	struct appt	a;
	struct ranked	r;
	sqlite3_stmt	*s;
	json_t		*arr;
	char		t[CLOCK_FMTLEN], ref[32];
	size_t		i;
	int		rc;

	*out = NULL;
	if ((rc = slot_check(st, slot, now, &a)) != 0)
		return rc;
	if (rank_for(st, home, &a, &r) == -1)
		return -1;
	arr = json_array();
	s = store_prepare(st, "SELECT w.patient_id, p.first_name || ' ' || p.last_name,"
	    " w.clinician, w.modality, w.payer, w.referred_at FROM waitlist w JOIN patients p"
	    " ON p.id = w.patient_id WHERE w.id = ?");
	for (i = 0; s && i < r.n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, r.v[i].id);
		if (sqlite3_step(s) != SQLITE_ROW)
			continue;
		snprintf(ref, sizeof ref, "W-%lld", (long long)r.v[i].id);
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		    " s:s, s:b, s:i}",
		    "rank", (int)i + 1, "entry", ref, "patient", col(s, 0), "name", col(s, 1),
		    "urgency", urgency_name(r.v[i].urgency),
		    "network", waitlist_network_name(r.v[i].network), "network_why", r.why[i],
		    "payer", col(s, 4), "modality", *col(s, 3) ? col(s, 3) : "any",
		    "waiting_since", clock_fmt_iso(sqlite3_column_int64(s, 5), t),
		    "asked_for_clinician", r.v[i].wants_clinician,
		    "days_waiting", (int)((now - r.v[i].referred) / 86400)));
	}
	sqlite3_finalize(s);
	snprintf(ref, sizeof ref, "A-%lld", (long long)slot);
	*out = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:o}", "slot", ref,
	    "start", clock_fmt_iso(a.start, t), "clinician", a.clinician, "minutes", a.minutes,
	    "modality", a.modality, "candidates", arr, "excluded", excluded_json(st, &a, &r));
	ranked_free(&r);
	return *out ? 0 : msg_error("out of memory");
}

/* offer_message - tell the person by text or e-mail if they agreed to it;
 * the result for the offer's note */
static void
offer_message(struct store *st, const char *home, const struct config *cfg,
    const char *patient, time_t when, char *note, size_t len)
{
	sqlite3_stmt	*s;
	char		ch[16] = "", addr[256] = "", why[600] = "", *subject = NULL, *body = NULL;

	s = store_prepare(st, "SELECT preferred_channel, phone, email, consent_sms, consent_email"
	    " FROM patients WHERE id = ?");
	if (s == NULL)
		return;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(ch, sizeof ch, "%s", noshow_channel(col(s, 0), col(s, 1), col(s, 2),
		    sqlite3_column_int(s, 3), sqlite3_column_int(s, 4)));
		snprintf(addr, sizeof addr, "%s", strcmp(ch, "email") == 0 ? col(s, 2) : col(s, 1));
	}
	sqlite3_finalize(s);
	if (strcmp(ch, "sms") != 0 && strcmp(ch, "email") != 0) {
		snprintf(note, len, "call the patient (%s)", *ch ? ch : "no contact");
		return;
	}
	if (noshow_render(st, home, cfg, "offer", ch, patient, when, &subject, &body) == -1)
		snprintf(note, len, "no message: the offer template is not usable; call the patient");
	else if (noshow_deliver(cfg, ch, addr, subject, body, why, sizeof why) == 0)
		snprintf(note, len, "offered by %s", ch);
	else
		snprintf(note, len, "the %s was not sent (%s): call the patient", ch, why);
	free(subject);
	free(body);
}

int
waitlist_offer(struct store *st, const char *home, const struct config *cfg, int64_t slot,
    int64_t entry, const char *who, time_t now, int64_t *offer)
{
	struct appt	a;
	struct ranked	r;
	struct entry	e;
	sqlite3_stmt	*s = NULL;
	char		note[700] = "";
	size_t		i;
	int		rc, rank = 0;
	int64_t		open;

	memset(&e, 0, sizeof e);
	if ((rc = slot_check(st, slot, now, &a)) != 0)
		return rc;
	open = 0;
	if ((s = store_prepare(st, "SELECT entry_id FROM offers WHERE slot_appt = ? AND"
	    " state = 'open'")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, slot);
	if (sqlite3_step(s) == SQLITE_ROW)
		open = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (open)
		return msg_error("waitlist: the slot of A-%lld is offered to W-%lld already; wait for"
		    " the answer (roi waitlist answer) or its time to pass", (long long)slot,
		    (long long)open), 1;
	if (rank_for(st, home, &a, &r) == -1)
		return -1;
	if (entry == 0 && r.n)
		entry = r.v[0].id;
	for (i = 0; i < r.n; i++)
		if (r.v[i].id == entry)
			rank = (int)i + 1;
	ranked_free(&r);
	if (entry == 0)
		return msg_error("waitlist: nobody on the waitlist can take the slot of A-%lld",
		    (long long)slot), 1;
	if ((rc = entry_load(st, entry, &e)) != 0)
		return rc;
	if (rank == 0) {
		msg_error("waitlist: W-%lld cannot take the slot of A-%lld (it is %s; wanted: %s, %s)",
		    (long long)entry, (long long)slot, e.state, *e.clinician ? e.clinician :
		    "any clinician", *e.modality ? e.modality : "any modality");
		free(e.screening);
		return 1;
	}
	offer_message(st, home, cfg, e.patient, a.start, note, sizeof note);
	rc = -1;
	if (store_begin(st) == -1)
		goto out;
	s = store_prepare(st, "INSERT INTO offers(slot_appt, entry_id, rank, offered_at, expires_at,"
	    " who, state, note) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, slot);
	sqlite3_bind_int64(s, 2, entry);
	sqlite3_bind_int(s, 3, rank);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now + (time_t)cfg->offer_hours * 3600);
	sqlite3_bind_text(s, 6, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, note, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "offer");
		goto fail;
	}
	*offer = sqlite3_last_insert_rowid(store_db(st));
	if (set_state(st, entry, "offered", now) == -1 ||
	    event(st, entry, "offered", note, who, now) == -1)
		goto fail;
	rc = store_commit(st);
	goto out;
fail:
	store_rollback(st);
out:
	sqlite3_finalize(s);
	free(e.screening);
	return rc;
}

int
waitlist_answer(struct store *st, int64_t entry, int accept, const char *note, const char *who,
    time_t now, int64_t *appt)
{
	struct entry	e;
	struct appt	slot, n;
	sqlite3_stmt	*s = NULL;
	int64_t		offer = 0, slot_id = 0, clash;
	int		rc;

	*appt = 0;
	if ((rc = entry_load(st, entry, &e)) != 0)
		return rc;
	free(e.screening);
	if ((s = store_prepare(st, "SELECT id, slot_appt FROM offers WHERE entry_id = ? AND"
	    " state = 'open'")) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, entry);
	if (sqlite3_step(s) == SQLITE_ROW) {
		offer = sqlite3_column_int64(s, 0);
		slot_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (offer == 0)
		return msg_error("waitlist: W-%lld has no open offer", (long long)entry), 1;
	if ((rc = appt_load(st, slot_id, &slot)) != 0)
		return rc;
	if (accept && (clash = appt_overlap(st, slot.clinician, slot.start, slot.minutes,
	    slot_id)) != 0)
		return msg_error("waitlist: the slot of A-%lld was booked meanwhile (A-%lld)",
		    (long long)slot_id, (long long)clash), 1;
	if (store_begin(st) == -1)
		return -1;
	if (accept) {
		n = slot;
		n.id = 0;
		snprintf(n.patient, sizeof n.patient, "%s", e.patient);
		snprintf(n.status, sizeof n.status, "scheduled");
		n.source[0] = n.ext_id[0] = '\0';
		n.rebooked_from = 0;
		n.fills = slot_id;
		if (appt_insert(st, &n, now) == -1)
			goto fail;
		*appt = n.id;
	}
	s = store_prepare(st, "UPDATE offers SET state = ?, answered_at = ?, appt_id = ?,"
	    " note = CASE WHEN ? = '' THEN note ELSE note || '; ' || ?4 END WHERE id = ?");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, accept ? "accepted" : "declined", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	if (accept)
		sqlite3_bind_int64(s, 3, *appt);
	sqlite3_bind_text(s, 4, note ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, offer);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_err(st, "offer");
		goto fail;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (accept) {
		s = store_prepare(st, "UPDATE waitlist SET state = 'scheduled', intake_appt = ?,"
		    " updated_at = ? WHERE id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, *appt);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, entry);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_err(st, "waitlist");
			goto fail;
		}
	} else if (set_state(st, entry, "insurance_verified", now) == -1)
		goto fail;
	if (event(st, entry, accept ? "scheduled" : "insurance_verified", accept ?
	    (note && *note ? note : "offer accepted") : (note && *note ? note : "offer declined"),
	    who, now) == -1)
		goto fail;
	sqlite3_finalize(s);
	return store_commit(st);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	*appt = 0;
	return -1;
}

int
waitlist_expire(struct store *st, time_t now)
{
	sqlite3_stmt	*s;
	int64_t		ids[256], entries[256];
	int		n = 0, i;

	s = store_prepare(st, "SELECT id, entry_id FROM offers WHERE state = 'open' AND"
	    " expires_at <= ? LIMIT 256");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(s, 0);
		entries[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (n == 0)
		return 0;
	if (store_begin(st) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		char sql[200];

		snprintf(sql, sizeof sql, "UPDATE offers SET state = 'expired', answered_at = %lld"
		    " WHERE id = %lld AND state = 'open'", (long long)now, (long long)ids[i]);
		if (store_exec(st, sql) == -1 ||
		    set_state(st, entries[i], "insurance_verified", now) == -1 ||
		    event(st, entries[i], "insurance_verified", "offer expired without an answer",
		    "roi", now) == -1) {
			store_rollback(st);
			return -1;
		}
	}
	return store_commit(st) == 0 ? n : -1;
}

/* ---- views ---- */

#define ENTRY_SQL "SELECT w.id, w.patient_id, p.first_name || ' ' || p.last_name, w.state," \
	" w.clinician, w.modality, w.payer, w.urgency, w.source, w.referred_at, w.screening," \
	" w.network, w.network_note, w.intake_appt," \
	" (SELECT slot_appt FROM offers o WHERE o.entry_id = w.id AND o.state = 'open')," \
	" (SELECT expires_at FROM offers o WHERE o.entry_id = w.id AND o.state = 'open')" \
	" FROM waitlist w JOIN patients p ON p.id = w.patient_id"

static json_t *
entry_json(sqlite3_stmt *s, time_t now)
{
	char	ref[32], t[CLOCK_FMTLEN], t2[CLOCK_FMTLEN], slot[32], intake[32];
	json_t	*scr = json_loads(col(s, 10), 0, NULL);

	snprintf(ref, sizeof ref, "W-%lld", (long long)sqlite3_column_int64(s, 0));
	snprintf(slot, sizeof slot, "A-%lld", (long long)sqlite3_column_int64(s, 14));
	snprintf(intake, sizeof intake, "A-%lld", (long long)sqlite3_column_int64(s, 13));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:s,"
	    " s:s?, s:s?, s:s?}",
	    "entry", ref, "patient", col(s, 1), "name", col(s, 2), "state", col(s, 3),
	    "clinician", *col(s, 4) ? col(s, 4) : "any", "modality", *col(s, 5) ? col(s, 5) : "any",
	    "payer", *col(s, 6) ? col(s, 6) : "self-pay", "urgency",
	    urgency_name(sqlite3_column_int(s, 7)), "source", col(s, 8),
	    "referred", clock_fmt_iso(sqlite3_column_int64(s, 9), t),
	    "days_waiting", (int)((now - sqlite3_column_int64(s, 9)) / 86400),
	    "screening", scr ? scr : json_object(), "network", col(s, 11),
	    "network_why", col(s, 12),
	    "intake_appt", sqlite3_column_type(s, 13) == SQLITE_NULL ? NULL : intake,
	    "offered_slot", sqlite3_column_type(s, 14) == SQLITE_NULL ? NULL : slot,
	    "offer_expires", sqlite3_column_type(s, 15) == SQLITE_NULL ? NULL :
	    clock_fmt_iso(sqlite3_column_int64(s, 15), t2));
}

json_t *
waitlist_list_json(struct store *st, int all, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*a = json_array();

	s = store_prepare(st, all ? ENTRY_SQL " ORDER BY w.id" : ENTRY_SQL " WHERE w.state NOT IN"
	    " ('scheduled','declined','referred_out') ORDER BY w.urgency DESC, w.referred_at, w.id");
	if (s == NULL) {
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(a, entry_json(s, now));
	sqlite3_finalize(s);
	return a;
}

json_t *
waitlist_show_json(struct store *st, int64_t id, time_t now)
{
	sqlite3_stmt	*s;
	json_t		*j = NULL, *ev, *of;
	char		t[CLOCK_FMTLEN], t2[CLOCK_FMTLEN], ref[32];

	if ((s = store_prepare(st, ENTRY_SQL " WHERE w.id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		j = entry_json(s, now);
	sqlite3_finalize(s);
	if (j == NULL) {
		msg_error("waitlist: no entry W-%lld", (long long)id);
		return NULL;
	}
	ev = json_array();
	if ((s = store_prepare(st, "SELECT at, who, state, note FROM waitlist_events WHERE"
	    " entry_id = ? ORDER BY at, id")) != NULL) {
		sqlite3_bind_int64(s, 1, id);
		while (sqlite3_step(s) == SQLITE_ROW)
			json_array_append_new(ev, json_pack("{s:s, s:s, s:s, s:s}", "at",
			    clock_fmt_iso(sqlite3_column_int64(s, 0), t), "who", col(s, 1),
			    "state", col(s, 2), "note", col(s, 3)));
		sqlite3_finalize(s);
	}
	json_object_set_new(j, "history", ev);
	of = json_array();
	if ((s = store_prepare(st, "SELECT slot_appt, rank, offered_at, expires_at, who, state,"
	    " note, appt_id FROM offers WHERE entry_id = ? ORDER BY id")) != NULL) {
		sqlite3_bind_int64(s, 1, id);
		while (sqlite3_step(s) == SQLITE_ROW) {
			char booked[32];

			snprintf(ref, sizeof ref, "A-%lld", (long long)sqlite3_column_int64(s, 0));
			snprintf(booked, sizeof booked, "A-%lld", (long long)sqlite3_column_int64(s, 7));
			json_array_append_new(of, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s?}",
			    "slot", ref, "rank", sqlite3_column_int(s, 1),
			    "offered", clock_fmt_iso(sqlite3_column_int64(s, 2), t),
			    "expires", clock_fmt_iso(sqlite3_column_int64(s, 3), t2),
			    "who", col(s, 4), "state", col(s, 5), "note", col(s, 6),
			    "appt", sqlite3_column_type(s, 7) == SQLITE_NULL ? NULL : booked));
		}
		sqlite3_finalize(s);
	}
	json_object_set_new(j, "offers", of);
	return j;
}
