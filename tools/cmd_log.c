/*
 * cmd_log.c - roi log: the disclosure log, for staff and auditors
 *
 *   roi log verify [--checkpoint OLD]      the same check roi-verify makes
 *   roi log show [--json] [--last N]       the entries, unsealed for the practice
 *   roi log prove SEQ                      an inclusion proof bundle (stdout)
 *   roi log pubkey                         the key an auditor verifies with
 *   roi log accounting --patient ID [--since YYYY-MM-DD]
 *       [--format text|csv|json|pdf] [--out FILE] [--provided]
 *   roi log add --patient ID --date D --recipient WHO --purpose WHY --basis B
 *       [--description TEXT] [--address TEXT]   a disclosure made outside roi
 *   roi log request --patient ID [--date D]  a patient asked for an accounting
 *   roi log requests [--json]                those asked for, due, overdue
 *
 * The log file is the source: show and accounting read
 * log/disclosures.log and open each entry's sealed fields with the
 * practice's key (keys/practice.agekey), so an accounting can be rebuilt
 * from the log alone.  An accounting lists a patient's disclosures of the
 * last six years (45 CFR 164.528(a)), and those of Part 2 records under
 * consent of the last three (42 CFR 2.25); --since narrows it.
 *
 * SECURITY: reads the practice's secret key (show, accounting) and wipes
 * it; the unsealed fields are PHI and go only to stdout or --out (0600).
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "chainlog.h"
#include "clock.h"
#include "config.h"
#include "keys.h"
#include "merkle.h"
#include "msg.h"
#include "note.h"
#include "store.h"
#include "release.h"
#include "roi.h"
#include "spool.h"

/* slurp - a whole file into memory (NUL added); NULL said */
static char *
slurp(const char *path, size_t *len)
{
	struct stat	sb;
	char		*p;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1) {
		msg_error("log: cannot read %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if ((p = malloc((size_t)sb.st_size + 1)) == NULL) {
		close(fd);
		msg_error("out of memory");
		return NULL;
	}
	if (read(fd, p, (size_t)sb.st_size) != sb.st_size) {
		close(fd);
		free(p);
		msg_error("log: cannot read %s", path);
		return NULL;
	}
	close(fd);
	p[sb.st_size] = '\0';
	*len = (size_t)sb.st_size;
	return p;
}

/* local_of - an entry's UTC time ("...Z") as local "YYYY-MM-DD HH:MM" (clock_fmt) */
static char *
local_of(const char *utc, char out[CLOCK_FMTLEN])
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return strcpy(out, "?");
	return clock_fmt(timegm(&tm), out);
}

/* for_each - call fn on every entry of the log; -1 on a malformed line */
typedef int (*entry_fn)(void *arg, const char *line, size_t len, const struct chain_entry *e);

static int
for_each(const char *log, size_t len, entry_fn fn, void *arg)
{
	struct chain_entry	e;
	const char		*p = log, *nl;
	char			why[CHAIN_WHY];
	uint64_t		n = 0;

	while (p < log + len) {
		n++;
		if ((nl = memchr(p, '\n', (size_t)(log + len - p))) == NULL ||
		    chain_parse(p, (size_t)(nl - p) + 1, &e, why) == -1)
			return msg_error("log: line %llu: %s (roi log verify)", (unsigned long long)n,
			    nl ? why : "incomplete");
		if (fn(arg, p, (size_t)(nl - p) + 1, &e) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/* unseal - an entry's sealed fields as JSON (NULL when they do not open) */
static json_t *
unseal(const unsigned char sk[AGE_KEYBYTES], const struct chain_entry *e)
{
	unsigned char	*box = NULL;
	char		*plain = NULL;
	size_t		blen = 0;
	json_t		*j = NULL;

	if ((box = malloc(e->sealedlen)) == NULL)
		return NULL;
	if (sodium_base642bin(box, e->sealedlen, e->sealed, e->sealedlen, NULL, &blen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && blen > KEYS_SEALBYTES &&
	    (plain = malloc(blen - KEYS_SEALBYTES + 1)) != NULL &&
	    keys_unseal(sk, box, blen, plain) == 0) {
		plain[blen - KEYS_SEALBYTES] = '\0';
		j = json_loads(plain, 0, NULL);
		sodium_memzero(plain, blen - KEYS_SEALBYTES);
	}
	free(plain);
	free(box);
	return j;
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* verify - the home's log against its checkpoint and the store's count */
static int
verify(const char *home, const char *oldp)
{
	struct chain_verdict	v;
	struct stat		sb;
	char			path[SPOOL_PATH], cpath[SPOOL_PATH], vkey[NOTE_VKEY_STRLEN];
	char			*log = NULL, *cp = NULL, *old = NULL;
	size_t			ll = 0, cl = 0, ol = 0;
	int			rc = 1;

	spool_path(path, home, CHAINLOG_FILE);
	/* no file, or the empty one roi run's start leaves before any release */
	if (access(path, F_OK) == -1 || (stat(path, &sb) == 0 && sb.st_size == 0 &&
	    access(spool_path(cpath, home, CHAINLOG_CHECKPOINT), F_OK) == -1)) {
		printf("ok: no release yet, the log is empty\n");
		return 0;
	}
	if (chainlog_pubkey(home, vkey, sizeof vkey) == -1)
		return 1;
	if ((log = slurp(path, &ll)) == NULL ||
	    (cp = slurp(spool_path(path, home, CHAINLOG_CHECKPOINT), &cl)) == NULL ||
	    (oldp && (old = slurp(oldp, &ol)) == NULL))
		goto out;
	if (chain_verify(log, ll, vkey, cp, cl, old, ol, &v) == -1) {
		printf("FAILED: %s: %s\n", CHAINLOG_FILE, v.why);
		goto out;
	}
	printf("ok: %llu entr%s, chained, Merkle root matches the checkpoint signed by %.*s%s\n",
	    (unsigned long long)v.entries, v.entries == 1 ? "y" : "ies", (int)strcspn(vkey, "+"),
	    vkey, oldp ? "; the older checkpoint's entries are unchanged" : "");
	rc = 0;
out:
	free(log);
	free(cp);
	free(old);
	return rc;
}

struct show {
	unsigned char	sk[AGE_KEYBYTES];
	json_t		*arr;
};

static int
show_one(void *arg, const char *line, size_t len, const struct chain_entry *e)
{
	struct show	*s = arg;
	json_t		*acc = unseal(s->sk, e);

	json_array_append_new(s->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s,"
	    " s:o}", "seq", (json_int_t)e->seq, "time", e->time, "case", e->case_id, "channel",
	    e->channel, "part2", e->part2, "notice", e->notice, "package_sha256", e->package,
	    "authorization_sha256", e->auth, "reviewer", e->reviewer,
	    "accounting", acc ? acc : json_null()));
	return 0;
}

static int
show(const char *home, int as_json, long last)
{
	struct show	s;
	char		path[SPOOL_PATH], recip[AGE_RECIPIENT_STRLEN], *log = NULL, lt[CLOCK_FMTLEN];
	size_t		len, i;
	json_t		*o;
	int		rc = 1;

	spool_path(path, home, CHAINLOG_FILE);
	if (access(path, F_OK) == -1) {
		if (as_json)
			return json_print(json_array());
		printf("no disclosure yet\n");
		return 0;
	}
	if ((log = slurp(path, &len)) == NULL || keys_practice(home, 0, s.sk, recip) == -1) {
		free(log);
		return 1;
	}
	s.arr = json_array();
	if (for_each(log, len, show_one, &s) == -1)
		goto out;
	if (last > 0 && json_array_size(s.arr) > (size_t)last)
		while (json_array_size(s.arr) > (size_t)last)
			json_array_remove(s.arr, 0);
	if (as_json) {
		rc = json_print(json_incref(s.arr));
		goto out;
	}

	json_array_foreach(s.arr, i, o) {
		json_t *a = json_object_get(o, "accounting");

		
		printf("%4lld  %s  %-6s %-10s to %s%s%s\n", (long long)json_integer_value(
		    json_object_get(o, "seq")), local_of(str(o, "time"), lt), str(o, "case"),
		    str(o, "channel"),
		    str(a, "recipient"), strcmp(str(o, "part2"), "disclose") == 0 ?
		    "  (Part 2, with the 2.32 notice)" : "", a ? "" : "  (sealed for another key)");
	}
	rc = 0;
out:
	sodium_memzero(s.sk, sizeof s.sk);
	json_decref(s.arr);
	free(log);
	return rc;
}

/* prove - the inclusion proof bundle of entry seq against the latest checkpoint */
static int
prove(const char *home, const char *arg)
{
	char			path[SPOOL_PATH], *log = NULL, *cp = NULL, *end;
	unsigned char		(*leaves)[MERKLE_HASHBYTES] = NULL, path_h[MERKLE_MAXPATH][MERKLE_HASHBYTES];
	const char		*p, *nl, *want = NULL;
	size_t			len, cl, n = 0, cap = 0, np = 0, wantlen = 0, i;
	unsigned long long	seq = strtoull(arg, &end, 10);
	struct note_opened	*op = NULL;
	struct note_checkpoint	c;
	char			why[NOTE_WHYLEN], b64[64];
	int			rc = 1;

	if (*arg == '\0' || *end || seq == 0) {
		msg_error("log: '%s' is not an entry number", arg);
		return 1;
	}
	if ((log = slurp(spool_path(path, home, CHAINLOG_FILE), &len)) == NULL ||
	    (cp = slurp(spool_path(path, home, CHAINLOG_CHECKPOINT), &cl)) == NULL)
		goto out;
	if ((op = malloc(sizeof *op)) == NULL || note_parse(cp, cl, op, why) == -1 ||
	    note_checkpoint_parse(op->text, op->textlen, &c, why) == -1) {
		msg_error("log: the checkpoint: %s", op ? why : "out of memory");
		goto out;
	}
	for (p = log; p < log + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(log + len - p))) == NULL)
			break;
		if (n == cap) {
			void *x = realloc(leaves, (cap = cap ? 2 * cap : 1024) * sizeof *leaves);

			if (x == NULL) {
				msg_error("out of memory");
				goto out;
			}
			leaves = x;
		}
		merkle_leaf_hash(p, (size_t)(nl - p) + 1, leaves[n]);
		if (++n == seq) {
			want = p;
			wantlen = (size_t)(nl - p) + 1;
		}
		if (n == c.size)
			break;
	}
	if (n != c.size) {
		msg_error("log: the log has %zu entr%s, its checkpoint %llu (roi log verify)", n,
		    n == 1 ? "y" : "ies", (unsigned long long)c.size);
		goto out;
	}
	if (want == NULL) {
		msg_error("log: no entry %llu (the log has %zu)", seq, n);
		goto out;
	}
	if (merkle_inclusion_proof((const unsigned char (*)[MERKLE_HASHBYTES])leaves, n, seq - 1,
	    path_h, &np) == -1) {
		msg_error("log: cannot make the proof");
		goto out;
	}
	printf("%s\n%.*s%zu\n", CHAIN_PROOF_TAG, (int)wantlen, want, np);
	for (i = 0; i < np; i++) {
		sodium_bin2base64(b64, sizeof b64, path_h[i], MERKLE_HASHBYTES,
		    sodium_base64_VARIANT_ORIGINAL);
		printf("%s\n", b64);
	}
	fwrite(cp, 1, cl, stdout);
	rc = fflush(stdout) == 0 ? 0 : 1;
out:
	free(op);
	free(leaves);
	free(log);
	free(cp);
	return rc;
}

/* accounting */

struct acct {
	unsigned char	sk[AGE_KEYBYTES];
	const char	*patient;
	char		since6[21], since3[21], since[21];
	json_t		*arr;
	int		unopened;
};

static int
acct_one(void *arg, const char *line, size_t len, const struct chain_entry *e)
{
	struct acct	*a = arg;
	json_t		*acc;
	char		lt[CLOCK_FMTLEN];
	const char	*from = strcmp(e->part2, "disclose") == 0 ? a->since3 : a->since6;
	char		when[21];

	if ((acc = unseal(a->sk, e)) == NULL) {
		a->unopened++;
		return 0;
	}
	/* a disclosure recorded by hand counts from the day it was made */
	if (e->case_id[0] == 'M' && strlen(str(acc, "date")) == 10) {
		snprintf(when, sizeof when, "%sT12:00:00Z", str(acc, "date"));
		snprintf(lt, sizeof lt, "%s", str(acc, "date"));
	} else {
		snprintf(when, sizeof when, "%s", e->time);
		local_of(e->time, lt);
	}
	if (strcmp(when, from) < 0 || strcmp(when, a->since) < 0) {
		json_decref(acc);
		return 0;
	}
	if (strcmp(str(acc, "patient"), a->patient) == 0)
		json_array_append_new(a->arr, json_pack("{s:I, s:s%, s:s, s:s, s:s, s:s, s:s, s:s,"
		    " s:b, s:s}", "seq", (json_int_t)e->seq, "date", lt, (size_t)10, "time",
		    e->time, "case", e->case_id,
		    "recipient", str(acc, "recipient"), "recipient_address",
		    str(acc, "recipient_address"), "description", str(acc, "description"),
		    "purpose", str(acc, "purpose"), "part2", strcmp(e->part2, "disclose") == 0,
		    "basis", *str(acc, "basis") ? str(acc, "basis") : strcmp(e->part2,
		    "disclose") == 0 ? "your written consent" : "your written authorization"));
	json_decref(acc);
	return 0;
}

/* csv_field - a CSV field, quoted by libcsv, then a comma or the line's end */
static void
csv_field(FILE *fp, const char *s, int last)
{
	csv_fwrite(fp, s, strlen(s));
	fputc(last ? '\n' : ',', fp);
}

static int
date_cmp(const void *x, const void *y)
{
	json_t * const	*a = x, * const *b = y;
	int		c = strcmp(str(*a, "date"), str(*b, "date"));

	return c ? c : (int)(json_integer_value(json_object_get(*a, "seq")) -
	    json_integer_value(json_object_get(*b, "seq")));
}

/* by_date - the accounting in the order the disclosures were made (one
 * recorded by hand later may have been made earlier) */
static void
by_date(json_t *arr)
{
	size_t	n = json_array_size(arr), i;
	json_t	**v;

	if (n < 2 || (v = calloc(n, sizeof *v)) == NULL)
		return;
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof *v, date_cmp);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}

/* a_date - YYYY-MM-DD, a real day; its time (local noon), or -1 */
static time_t
a_date(const char *d)
{
	struct tm	tm;
	char		*e;
	char		back[11];
	time_t		t;

	memset(&tm, 0, sizeof tm);
	if (d == NULL || strlen(d) != 10 || (e = strptime(d, "%Y-%m-%d", &tm)) == NULL || *e)
		return -1;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == -1)	/* normalised: February 30 becomes March 2 */
		return -1;
	localtime_r(&t, &tm);
	strftime(back, sizeof back, "%Y-%m-%d", &tm);
	return strcmp(back, d) == 0 ? t : -1;
}

static const char *
login(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

/* the legal bases a disclosure outside roi commonly rests on (45 CFR
 * 164.512), by a short word; anything else is stored as written */
static const struct { const char *word, *text; } bases[] = {
	{ "abuse-report", "a report of abuse, neglect or domestic violence the law requires"
	    " (45 CFR 164.512(b)(1)(ii), 164.512(c))" },
	{ "duty-to-warn", "to prevent or lessen a serious and imminent threat to health or"
	    " safety (45 CFR 164.512(j))" },
	{ "court-order", "an order of a court or administrative tribunal (45 CFR"
	    " 164.512(e)(1)(i))" },
	{ "subpoena", "a subpoena with satisfactory assurances (45 CFR 164.512(e)(1)(ii))" },
	{ "law-enforcement", "to law enforcement as the law requires or permits (45 CFR"
	    " 164.512(f))" },
	{ "health-oversight", "to a health oversight agency (45 CFR 164.512(d))" },
	{ "coroner", "to a coroner or medical examiner (45 CFR 164.512(g)(1))" },
	{ "public-health", "for public health activities (45 CFR 164.512(b))" },
	{ "required-by-law", "as required by law (45 CFR 164.512(a))" },
	{ NULL, NULL }
};

/* patient_of - the registry's name and date of birth; 1 known, 0 not, -1 */
static int
patient_of(struct store *st, const char *id, char *name, size_t nlen, char *dob, size_t dlen)
{
	sqlite3_stmt	*s;
	int		known = 0;

	if ((s = store_prepare(st, "SELECT first_name || ' ' || last_name, dob FROM patients"
	    " WHERE id = ?")) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		known = 1;
		snprintf(name, nlen, "%s", (const char *)sqlite3_column_text(s, 0));
		snprintf(dob, dlen, "%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	return known;
}

/*
 * add_manual - roi log add: a disclosure made outside roi, into the same
 * chain (M-N), so the patient's accounting is complete (45 CFR 164.528)
 */
static int
add_manual(const char *home, const char *patient, const char *date, const char *recipient,
    const char *address, const char *purpose, const char *basis, const char *description)
{
	struct chainlog_manual	m;
	struct chain_entry	e;
	struct chainlog		*cl = NULL;
	struct config		cfg;
	struct store		*st = NULL;
	json_t			*acc = NULL;
	char			pname[200] = "", dob[32] = "", p[SPOOL_PATH], *json = NULL;
	const char		*who = login(), *btext = basis;
	uint64_t		seq;
	int64_t			id;
	time_t			when = a_date(date);
	int			i, lock = -1, rc = 1;

	if (when == -1) {
		msg_error("log: add --date '%s': not a date (YYYY-MM-DD)", date);
		return EXIT_USAGE;
	}
	if (when > clock_now() + 86400) {
		msg_error("log: add --date %s is in the future: record a disclosure once it is made",
		    date);
		return 1;
	}
	for (i = 0; bases[i].word; i++)
		if (strcmp(basis, bases[i].word) == 0)
			btext = bases[i].text;
	if (strlen(recipient) > 200 || strlen(purpose) > 500 || strlen(btext) > 500 ||
	    (description && strlen(description) > 1000) || (address && strlen(address) > 300)) {
		msg_error("log: add: a field is too long (recipient 200, purpose and basis 500,"
		    " description 1000, address 300 characters)");
		return 1;
	}
	memset(&e, 0, sizeof e);
	snprintf(e.reviewer, sizeof e.reviewer, "%s", who);
	config_defaults(&cfg);
	if (config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1 ||
	    store_open(&st, home) == -1)
		goto out;
	if ((i = patient_of(st, patient, pname, sizeof pname, dob, sizeof dob)) != 1) {
		if (i == 0)
			msg_error("log: no patient '%s' (roi patient list)", patient);
		goto out;
	}
	acc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "patient", patient,
	    "patient_name", pname, "dob", dob, "date", date, "recipient", recipient,
	    "recipient_address", address ? address : "", "purpose", purpose, "description",
	    description ? description : "", "basis", btext);
	if (acc == NULL || (json = json_dumps(acc, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		msg_error("out of memory");
		goto out;
	}
	snprintf(e.channel, sizeof e.channel, "outside");
	snprintf(e.part2, sizeof e.part2, "none");
	memset(e.package, '0', 64);
	memset(e.auth, '0', 64);
	memset(e.rules, '0', 64);
	m.patient = patient;
	m.date = date;
	m.basis = btext;
	if (chainlog_keys(home, cfg.practice_name) == -1 || (lock = chainlog_lock(home)) == -1 ||
	    chainlog_sync(st, home) == -1 || chainlog_open(&cl, st, home) == -1)
		goto out;
	if (chainlog_append_manual(cl, &m, &e, json, &seq, &id) == -1)
		goto out;
	if (chainlog_sync(st, home) == -1)
		goto out;
	printf("log: disclosure M-%lld of %s for patient %s recorded as entry %llu\n",
	    (long long)id, date, patient, (unsigned long long)seq);
	rc = 0;
out:
	chainlog_close(cl);
	if (lock != -1)
		close(lock);
	if (json) {
		sodium_memzero(json, strlen(json));
		free(json);
	}
	json_decref(acc);
	store_close(st);
	config_release(&cfg);
	return rc;
}

/*
 * An accounting a patient asks for is itself recorded: requested (the
 * 60-day clock of 45 CFR 164.528(c)(1) starts), provided (by whom, when).
 * request_add - roi log request --patient ID [--date D]
 */
static int
request_add(const char *home, const char *patient, const char *date)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	char		today[11], pname[200], dob[32], due[11];
	time_t		now = clock_now(), t;
	struct tm	tm;
	int		rc = 1, k;

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (date == NULL)
		date = today;
	if ((t = a_date(date)) == -1 || strcmp(date, today) > 0) {
		msg_error("log: request --date '%s': not a day up to today (YYYY-MM-DD)", date);
		return EXIT_USAGE;
	}
	t += 60 * 86400;
	localtime_r(&t, &tm);
	strftime(due, sizeof due, "%Y-%m-%d", &tm);
	if (store_open(&st, home) == -1)
		return 1;
	if ((k = patient_of(st, patient, pname, sizeof pname, dob, sizeof dob)) != 1) {
		if (k == 0)
			msg_error("log: no patient '%s' (roi patient list)", patient);
		goto out;
	}
	if ((s = store_prepare(st, "INSERT INTO accounting_requests(patient_id, requested, due,"
	    " created_at, created_by) VALUES (?, ?, ?, ?, ?)")) == NULL)
		goto out;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, due, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, clock_real());
	sqlite3_bind_text(s, 5, login(), -1, SQLITE_TRANSIENT);
	k = sqlite3_step(s);
	sqlite3_finalize(s);
	if (k != SQLITE_DONE) {
		store_err(st, "accounting request");
		goto out;
	}
	printf("log: accounting request A-%lld for patient %s, received %s: due %s (45 CFR"
	    " 164.528(c)(1): 60 days; one 30-day extension if the patient is told why in"
	    " writing)\n", (long long)sqlite3_last_insert_rowid(store_db(st)), patient, date, due);
	rc = 0;
out:
	store_close(st);
	return rc;
}

/* provided - the patient's oldest open request, answered today by login();
 * none open: a request made and answered today (the accounting was asked
 * for at the desk).  0 or -1 said */
static int
provided(const char *home, const char *patient)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	char		today[11], due[11];
	time_t		now = clock_now(), t = now + 60 * 86400;
	struct tm	tm;
	int		rc = -1;

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	localtime_r(&t, &tm);
	strftime(due, sizeof due, "%Y-%m-%d", &tm);
	if (store_open(&st, home) == -1)
		return -1;
	if (store_begin(st) == -1)
		goto out;
	s = store_prepare(st, "INSERT INTO accounting_requests(patient_id, requested, due,"
	    " created_at, created_by) SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM"
	    " accounting_requests WHERE patient_id = ?1 AND provided IS NULL)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, due, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, clock_real());
	sqlite3_bind_text(s, 5, login(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		goto err;
	}
	sqlite3_finalize(s);
	s = store_prepare(st, "UPDATE accounting_requests SET provided = ?2, provided_by = ?3"
	    " WHERE id = (SELECT min(id) FROM accounting_requests WHERE patient_id = ?1 AND"
	    " provided IS NULL)");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, login(), -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		goto err;
	}
	sqlite3_finalize(s);
	if (store_commit(st) == -1)
		goto fail;
	rc = 0;
	goto out;
err:
	store_err(st, "accounting request");
fail:
	store_rollback(st);
out:
	store_close(st);
	return rc;
}

/* requests - roi log requests [--json]: the accountings asked for, open first */
static int
requests(const char *home, int as_json)
{
	struct store	*st = NULL;
	sqlite3_stmt	*s;
	json_t		*arr = json_array(), *o;
	char		today[11];
	time_t		now = clock_now();
	struct tm	tm;
	size_t		i;
	int		rc = 1;

	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (store_open_ro(&st, home) == -1)
		return 1;
	if ((s = store_prepare(st, "SELECT id, patient_id, requested, due, coalesce(provided, ''),"
	    " coalesce(provided_by, '') FROM accounting_requests ORDER BY provided IS NOT NULL,"
	    " due, id")) == NULL)
		goto out;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *prov = (const char *)sqlite3_column_text(s, 4);
		const char *due = (const char *)sqlite3_column_text(s, 3);

		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
		    "request", "", "patient", (const char *)sqlite3_column_text(s, 1),
		    "requested", (const char *)sqlite3_column_text(s, 2), "due", due,
		    "provided", prov, "provided_by", (const char *)sqlite3_column_text(s, 5),
		    "overdue", *prov == '\0' && strcmp(due, today) < 0));
		json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "request",
		    json_sprintf("A-%lld", (long long)sqlite3_column_int64(s, 0)));
	}
	sqlite3_finalize(s);
	if (as_json)
		rc = json_print(json_incref(arr));
	else {
		if (json_array_size(arr) == 0)
			printf("no accounting of disclosures asked for (roi log request --patient ID)\n");
		json_array_foreach(arr, i, o)
			printf("%-6s patient %-10s requested %s  %s %s\n", str(o, "request"),
			    str(o, "patient"), str(o, "requested"), *str(o, "provided") ?
			    "provided" : json_is_true(json_object_get(o, "overdue")) ? "OVERDUE, was due" :
			    "due", *str(o, "provided") ? str(o, "provided") : str(o, "due"));
		rc = 0;
	}
out:
	json_decref(arr);
	store_close(st);
	return rc;
}

static int
accounting(const char *home, const char *patient, const char *since, const char *format,
    const char *out)
{
	struct acct	a;
	struct config	cfg;
	char		path[SPOOL_PATH], recip[AGE_RECIPIENT_STRLEN], why[RELEASE_WHY], *log = NULL;
	char		pname[200] = "", dob[32] = "", today[64];
	struct release_disclosure *items = NULL;
	time_t		now = clock_now();
	struct tm	tm;
	size_t		len = 0, i;
	json_t		*o;
	FILE		*fp = stdout;
	int		rc = 1, fd;

	memset(&a, 0, sizeof a);
	a.patient = patient;
	if (since) {
		struct tm	st;
		char		*e;

		memset(&st, 0, sizeof st);
		if ((e = strptime(since, "%Y-%m-%d", &st)) == NULL || *e) {
			msg_error("log: --since '%s': not a date (YYYY-MM-DD)", since);
			return 1;
		}
		snprintf(a.since, sizeof a.since, "%sT00:00:00Z", since);
	}
	if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json") &&
	    strcmp(format, "pdf")) {
		msg_error("log: --format '%s': text, csv, json or pdf", format);
		return 1;
	}
	if (strcmp(format, "pdf") == 0 && out == NULL) {
		msg_error("log: --format pdf needs --out FILE.pdf");
		return 1;
	}
	/* the patient must be one the practice knows */
	{
		struct store	*st = NULL;
		sqlite3_stmt	*s;
		int		known = 0;

		if (store_open_ro(&st, home) == -1)
			return 1;
		if ((s = store_prepare(st, "SELECT first_name || ' ' || last_name, dob FROM patients"
		    " WHERE id = ?")) != NULL) {
			sqlite3_bind_text(s, 1, patient, -1, SQLITE_STATIC);
			if (sqlite3_step(s) == SQLITE_ROW) {
				known = 1;
				snprintf(pname, sizeof pname, "%s", (const char *)sqlite3_column_text(s, 0));
				snprintf(dob, sizeof dob, "%s", (const char *)sqlite3_column_text(s, 1));
			}
			sqlite3_finalize(s);
		}
		store_close(st);
		if (!known) {
			msg_error("log: no patient '%s' (roi patient list)", patient);
			return 1;
		}
	}
	gmtime_r(&now, &tm);
	tm.tm_year -= 6;
	strftime(a.since6, sizeof a.since6, "%Y-%m-%dT%H:%M:%SZ", &tm);
	tm.tm_year += 3;
	strftime(a.since3, sizeof a.since3, "%Y-%m-%dT%H:%M:%SZ", &tm);
	a.arr = json_array();
	spool_path(path, home, CHAINLOG_FILE);
	if (access(path, F_OK) == 0) {
		if ((log = slurp(path, &len)) == NULL || keys_practice(home, 0, a.sk, recip) == -1)
			goto out;
		if (for_each(log, len, acct_one, &a) == -1)
			goto out;
	}
	by_date(a.arr);
	if (a.unopened)
		msg_warn("log: %d entr%s sealed to another key were skipped", a.unopened,
		    a.unopened == 1 ? "y" : "ies");
	if (strcmp(format, "pdf") == 0) {
		struct release_accounting ra;

		config_defaults(&cfg);
		if (config_load(&cfg, spool_path(path, home, CONFIG_FILE)) == -1)
			goto out;
		memset(&ra, 0, sizeof ra);
		if ((items = calloc(json_array_size(a.arr) + 1, sizeof *items)) == NULL) {
			config_release(&cfg);
			goto out;
		}
		json_array_foreach(a.arr, i, o) {
			items[i].date = str(o, "date");
			items[i].recipient = str(o, "recipient");
			items[i].address = str(o, "recipient_address");
			items[i].description = str(o, "description");
			items[i].purpose = str(o, "purpose");
			items[i].basis = str(o, "basis");
		}
		ra.items = items;
		ra.n = (int)json_array_size(a.arr);
		localtime_r(&now, &tm);
		strftime(today, sizeof today, "%B", &tm);
		snprintf(today + strlen(today), sizeof today - strlen(today), " %d, %d", tm.tm_mday,
		    tm.tm_year + 1900);
		ra.date = today;
		ra.practice_name = cfg.practice_name;
		ra.practice_address = cfg.practice_address;
		ra.practice_phone = cfg.practice_phone;
		ra.practice_fax = cfg.practice_fax;
		ra.patient_name = pname;
		ra.patient_dob = dob;
		ra.since = since;
		rc = release_accounting_letter(&ra, out, why, sizeof why) == 0 ? 0 : 1;
		config_release(&cfg);
		if (rc)
			msg_error("log: %s: %s", out, why);
		else
			printf("accounting of disclosures for patient %s: %zu disclosure%s, %s\n",
			    patient, json_array_size(a.arr), json_array_size(a.arr) == 1 ? "" : "s", out);
		goto out;
	}
	if (out) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1 ||
		    (fp = fdopen(fd, "w")) == NULL) {
			msg_error("log: cannot write %s: %s", out, strerror(errno));
			goto out;
		}
	}
	if (strcmp(format, "json") == 0) {
		json_dumpf(a.arr, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		fputc('\n', fp);
	} else if (strcmp(format, "csv") == 0) {
		fputs("date,recipient,recipient_address,description,purpose,basis,case\n", fp);
		json_array_foreach(a.arr, i, o) {
			csv_field(fp, str(o, "date"), 0);
			csv_field(fp, str(o, "recipient"), 0);
			csv_field(fp, str(o, "recipient_address"), 0);
			csv_field(fp, str(o, "description"), 0);
			csv_field(fp, str(o, "purpose"), 0);
			csv_field(fp, str(o, "basis"), 0);
			csv_field(fp, str(o, "case"), 1);
		}
	} else {
		fprintf(fp, "Accounting of disclosures: patient %s, %zu disclosure%s\n", patient,
		    json_array_size(a.arr), json_array_size(a.arr) == 1 ? "" : "s");
		json_array_foreach(a.arr, i, o)
			fprintf(fp, "\n%.10s  to %s%s%s\n  what: %s\n  purpose: %s\n  basis: %s\n",
			    str(o, "date"), str(o, "recipient"), *str(o, "recipient_address") ? ", " : "",
			    str(o, "recipient_address"), str(o, "description"), str(o, "purpose"),
			    str(o, "basis"));
	}
	rc = 0;
	if (fp != stdout && fclose(fp) != 0) {
		msg_error("log: cannot write %s: %s", out, strerror(errno));
		rc = 1;
	} else if (fp != stdout)
		printf("accounting of disclosures for patient %s: %zu disclosure%s, %s (%s)\n",
		    patient, json_array_size(a.arr), json_array_size(a.arr) == 1 ? "" : "s", out,
		    format);
out:
	free(items);
	sodium_memzero(a.sk, sizeof a.sk);
	json_decref(a.arr);
	free(log);
	return rc;
}

int
cmd_log(int argc, char **argv, const char *home)
{
	const char	*old, *patient, *since, *format, *out, *last, *date, *recipient, *address;
	const char	*purpose, *basis, *description;
	char		vkey[NOTE_VKEY_STRLEN];
	int		as_json, bad = 0, given;

	if (help_wanted(argc, argv)) {
		printf("usage: roi [-C DIR] log verify [--checkpoint OLD]\n"
		    "       roi [-C DIR] log show [--json] [--last N]\n"
		    "       roi [-C DIR] log prove SEQ\n"
		    "       roi [-C DIR] log pubkey\n"
		    "       roi [-C DIR] log accounting --patient ID [--since YYYY-MM-DD]"
		    " [--format text|csv|json|pdf] [--out FILE] [--provided]\n"
		    "       roi [-C DIR] log add --patient ID --date YYYY-MM-DD --recipient WHO"
		    " --purpose WHY --basis BASIS [--description TEXT] [--address TEXT]\n"
		    "       roi [-C DIR] log request --patient ID [--date YYYY-MM-DD]\n"
		    "       roi [-C DIR] log requests [--json]\n\n"
		    "The disclosure log: one entry per release, chained, signed.  verify checks\n"
		    "it (auditors use roi-verify LOG PUBKEY); pubkey prints the key to give them;\n"
		    "prove writes one entry's inclusion proof; accounting lists a patient's\n"
		    "disclosures (six years; three for Part 2 consent) for 45 CFR 164.528.\n"
		    "add records a disclosure made outside roi in the same log, so the\n"
		    "accounting is complete; BASIS is abuse-report, duty-to-warn, court-order,\n"
		    "subpoena, law-enforcement, health-oversight, coroner, public-health,\n"
		    "required-by-law (each stated with its 45 CFR 164.512 paragraph) or your own\n"
		    "words.  request records that a patient asked for an accounting (due in 60\n"
		    "days, 164.528(c)); accounting --provided records that it was given;\n"
		    "requests lists them, the overdue first.\n");
		return 0;
	}
	as_json = take_flag(&argc, argv, "--json");
	old = take_opt(&argc, argv, "--checkpoint", &bad);
	patient = take_opt(&argc, argv, "--patient", &bad);
	since = take_opt(&argc, argv, "--since", &bad);
	format = take_opt(&argc, argv, "--format", &bad);
	out = take_opt(&argc, argv, "--out", &bad);
	last = take_opt(&argc, argv, "--last", &bad);
	date = take_opt(&argc, argv, "--date", &bad);
	recipient = take_opt(&argc, argv, "--recipient", &bad);
	address = take_opt(&argc, argv, "--address", &bad);
	purpose = take_opt(&argc, argv, "--purpose", &bad);
	basis = take_opt(&argc, argv, "--basis", &bad);
	description = take_opt(&argc, argv, "--description", &bad);
	given = take_flag(&argc, argv, "--provided");
	if (bad || argc < 2)
		goto usage;
	if (spool_home_check(home) == -1)
		return 1;
	if (strcmp(argv[1], "verify") == 0 && argc == 2)
		return verify(home, old);
	if (strcmp(argv[1], "show") == 0 && argc == 2)
		return show(home, as_json, last ? atol(last) : 0);
	if (strcmp(argv[1], "prove") == 0 && argc == 3)
		return prove(home, argv[2]);
	if (strcmp(argv[1], "pubkey") == 0 && argc == 2) {
		struct config	cfg;
		char		p[SPOOL_PATH];
		int		rc;

		/* made now if no release has made it yet */
		config_defaults(&cfg);
		rc = config_load(&cfg, spool_path(p, home, CONFIG_FILE)) == -1 ||
		    chainlog_keys(home, cfg.practice_name) == -1 ||
		    chainlog_pubkey(home, vkey, sizeof vkey) == -1;
		config_release(&cfg);
		if (rc)
			return 1;
		printf("%s\n", vkey);
		return 0;
	}
	if (strcmp(argv[1], "accounting") == 0 && argc == 2 && patient) {
		int rc = accounting(home, patient, since, format ? format : as_json ? "json" : "text",
		    out);

		if (rc == 0 && given) {
			if (provided(home, patient) == -1)
				return 1;
			printf("log: the accounting for patient %s recorded as provided today\n", patient);
		}
		return rc;
	}
	if (strcmp(argv[1], "add") == 0 && argc == 2) {
		if (!patient || !date || !recipient || !purpose || !basis) {
			msg_error("log: add needs --patient ID --date YYYY-MM-DD --recipient WHO --purpose"
			    " WHY --basis BASIS (roi help log)");
			return EXIT_USAGE;
		}
		return add_manual(home, patient, date, recipient, address, purpose, basis, description);
	}
	if (strcmp(argv[1], "request") == 0 && argc == 2 && patient)
		return request_add(home, patient, date);
	if (strcmp(argv[1], "requests") == 0 && argc == 2)
		return requests(home, as_json);
usage:
	msg_error("usage: roi log verify [--checkpoint OLD] | show [--json] [--last N] | prove SEQ |"
	    " pubkey | accounting --patient ID [--since DATE] [--format text|csv|json|pdf] [--out FILE]"
	    " [--provided] | add --patient ID --date D --recipient WHO --purpose WHY --basis BASIS"
	    " [--description TEXT] [--address TEXT] | request --patient ID [--date D] |"
	    " requests [--json]");
	return EXIT_USAGE;
}
