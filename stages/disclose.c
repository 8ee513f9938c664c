/*
 * disclose.c - roi-disclose: a packaged release gets its disclosure log
 * entry, then goes to outbox/
 *
 * Takes the appender's lock, first brings the log files up to the store
 * and finishes any publish a crash left undone (chainlog_sync), then, if
 * the case's release is 'packaged': checks that the package in
 * spool/packages/ is still the file that was packed (its SHA-256), builds
 * the entry (chain.h: the public fields, and the accounting of
 * disclosures fields of 45 CFR 164.528(b) sealed to the practice's key),
 * commits it with the new signed checkpoint (chainlog_append), and syncs
 * again, which writes the entry to log/disclosures.log and moves the
 * package to outbox/ (outbox/fax/ for a fax).  The store's commit is the
 * single commit point: before it nothing has left; after it, every start
 * completes the publish.
 *
 * SECURITY: parses nothing hostile (store rows, our own manifest); reads
 * keys/log.key to sign checkpoints, the only stage that does.
 * FILES: HOME/log/ (the log files), HOME/spool/packages (in), HOME/outbox (out).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "chainlog.h"
#include "clock.h"
#include "msg.h"
#include "spool.h"
#include "stage.h"

static const char *
col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* login_of - a reviewer name in the log's login form (lower case, [a-z0-9_.-]) */
static void
login_of(const char *who, char out[33])
{
	size_t i;

	for (i = 0; who[i] && i < 32; i++) {
		char c = who[i] >= 'A' && who[i] <= 'Z' ? (char)(who[i] - 'A' + 'a') : who[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '-' || c == '_' ? c : '_';
	}
	out[i] = '\0';
	if (i == 0 || !((out[0] >= 'a' && out[0] <= 'z') || out[0] == '_'))
		snprintf(out, 33, "_%.31s", i ? out : "unknown");
}

/* hex_or_zero - a SHA-256 field: the hex given, or 64 zeros when unknown */
static void
hex_or_zero(const char *h, char out[65])
{
	size_t i;

	for (i = 0; i < 64 && ((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')); i++)
		;
	if (i == 64 && h[64] == '\0')
		memcpy(out, h, 65);
	else {
		memset(out, '0', 64);
		out[64] = '\0';
	}
}

/*
 * description - what was disclosed, in words, as the accounting shows it to
 * the patient: "2 documents, 5 pages: Progress note, 2024-09-16, 2 pages
 * (3 redactions); ...; withheld as federal or state law requires: Clinical
 * record, date unknown, 1 page".  Documents by type and date of service
 * only (describe.h), never a file name or why (those stay in the sealed
 * "practice" member).
 */
static char *
description(json_t *man)
{
	json_t	*f;
	size_t	i, cap = 4096, len = 0;
	char	*d = malloc(cap);
	int	docs = 0, pages = 0, red;

	if (d == NULL)
		return NULL;
	json_array_foreach(json_object_get(man, "files"), i, f) {
		if (json_object_get(f, "doc") == NULL)
			continue;
		docs++;
		pages += (int)json_integer_value(json_object_get(f, "pages"));
	}
	len += (size_t)snprintf(d + len, cap - len, "%d document%s, %d page%s:", docs,
	    docs == 1 ? "" : "s", pages, pages == 1 ? "" : "s");
	json_array_foreach(json_object_get(man, "files"), i, f) {
		if (json_object_get(f, "doc") == NULL || len >= cap - 1)
			continue;
		red = (int)json_integer_value(json_object_get(f, "redactions"));
		len += (size_t)snprintf(d + len, cap - len, " %s (%d redaction%s);",
		    json_string_value(json_object_get(f, "document")) ?
		    json_string_value(json_object_get(f, "document")) : "document",
		    red, red == 1 ? "" : "s");
	}
	json_array_foreach(json_object_get(man, "withheld"), i, f)
		if (len < cap - 1)
			len += (size_t)snprintf(d + len, cap - len, " %s: %s;",
			    json_string_value(json_object_get(f, "reason")) ?
			    json_string_value(json_object_get(f, "reason")) : "withheld",
			    json_string_value(json_object_get(f, "document")) ?
			    json_string_value(json_object_get(f, "document")) : "document");
	if (len > 0 && len < cap && d[len - 1] == ';')
		d[len - 1] = '\0';
	return d;
}

/* disclose - the entry for one packaged release, committed; 0, 1 (left packaged: said), -1 */
static int
disclose(struct stage_ctx *ctx)
{
	sqlite3_stmt		*s;
	struct chain_entry	e;
	struct chainlog		*cl = NULL;
	json_t			*man = NULL, *auth = NULL, *acc = NULL;
	char			path[SPOOL_PATH], sha[65], outbox[160], *json = NULL, *desc = NULL;
	char			recipient[128] = "", pkgpath[128] = "", pkgsha[65] = "", kind[16] = "";
	char			address[300] = "", fax[64] = "", pname[200] = "", dob[32] = "";
	char			digits[32], patient[64] = "", override[1024] = "", basis[1100];
	uint64_t		seq;
	size_t			i, k;
	int			found = 0, rc = -1;

	s = store_prepare(ctx->st, "SELECT r.recipient, r.path, r.sha256, r.manifest,"
	    " coalesce(rc.kind, ''), coalesce(rc.address, ''), coalesce(rc.fax, ''),"
	    " coalesce(a.result, '{}'), coalesce(p.first_name || ' ' || p.last_name, ''),"
	    " coalesce(p.dob, ''), coalesce(nullif(v.patient, ''), json_extract(a.result,"
	    " '$.patient'), ''), coalesce(v.override, '') FROM releases r LEFT JOIN recipients rc"
	    " ON rc.name = r.recipient LEFT JOIN auth a ON a.case_id = r.case_id LEFT JOIN review v"
	    " ON v.case_id = r.case_id LEFT JOIN patients p ON p.id = coalesce(nullif(v.patient,"
	    " ''), json_extract(a.result, '$.patient')) WHERE r.case_id = ? AND r.state = 'packaged'");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, ctx->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		snprintf(recipient, sizeof recipient, "%s", col(s, 0));
		snprintf(pkgpath, sizeof pkgpath, "%s", col(s, 1));
		snprintf(pkgsha, sizeof pkgsha, "%s", col(s, 2));
		man = json_loads(col(s, 3), 0, NULL);
		snprintf(kind, sizeof kind, "%s", col(s, 4));
		snprintf(address, sizeof address, "%s", col(s, 5));
		snprintf(fax, sizeof fax, "%s", col(s, 6));
		auth = json_loads(col(s, 7), 0, NULL);
		snprintf(pname, sizeof pname, "%s", col(s, 8));
		snprintf(dob, sizeof dob, "%s", col(s, 9));
		snprintf(patient, sizeof patient, "%s", col(s, 10));
		snprintf(override, sizeof override, "%s", col(s, 11));
	}
	sqlite3_finalize(s);
	if (!found) {
		rc = 0;		/* released already, or not packaged */
		goto out;
	}
	if (man == NULL || auth == NULL) {
		msg_error("disclose: case C-%lld: its manifest or authorization is unreadable",
		    (long long)ctx->id);
		goto out;
	}
	/* only the file that was packed and checked goes out */
	spool_path(path, ctx->home, "%s", pkgpath);
	if (spool_sha256_file(path, sha, NULL) == -1 || strcmp(sha, pkgsha) != 0) {
		msg_error("disclose: case C-%lld: %s is missing or changed since it was packed: not"
		    " released", (long long)ctx->id, pkgpath);
		if ((s = store_prepare(ctx->st, "UPDATE releases SET state = 'blocked', reason ="
		    " 'the package changed or went missing after it was packed and checked; nothing"
		    " was released' WHERE case_id = ? AND state = 'packaged'")) != NULL) {
			sqlite3_bind_int64(s, 1, ctx->id);
			if (sqlite3_step(s) != SQLITE_DONE)
				store_err(ctx->st, "release");
			sqlite3_finalize(s);
		}
		rc = 1;
		goto out;
	}
	/* the accounting of disclosures, 45 CFR 164.528(b)(2): date, recipient
	 * and address, what, purpose (or the authorization): sealed */
	for (i = 0, k = 0; fax[i] && k < sizeof digits - 1; i++)
		if (fax[i] >= '0' && fax[i] <= '9')
			digits[k++] = fax[i];
	digits[k] = '\0';
	if ((desc = description(man)) == NULL)
		goto out;
	/* the basis the accounting states: the patient's authorization or
	 * consent, or the reviewer's override and its reason (164.528(b)(2)(iv)) */
	if (override[0])
		snprintf(basis, sizeof basis, "override: %s", override);
	else
		snprintf(basis, sizeof basis, "%s", strcmp(json_string_value(json_object_get(
		    json_object_get(man, "part2"), "mode")) ? json_string_value(json_object_get(
		    json_object_get(man, "part2"), "mode")) : "", "disclose") == 0 ?
		    "your written consent" : "your written authorization");
	acc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O}",
	    "case", json_string_value(json_object_get(man, "case")),
	    "patient", patient, "basis", basis,
	    "patient_name", pname, "dob", dob, "recipient", recipient,
	    "recipient_address", address, "fax", fax,
	    "purpose", json_string_value(json_object_get(auth, "purpose")) ?
	    json_string_value(json_object_get(auth, "purpose")) : "",
	    "description", desc, "files", json_object_get(man, "files"),
	    "withheld", json_object_get(man, "withheld"),
	    /* why, per record: the practice's own, never shown to a recipient */
	    "practice", json_object_get(man, "practice") ? json_object_get(man, "practice") :
	    json_null());
	if (acc == NULL || (json = json_dumps(acc, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
		msg_error("out of memory");
		goto out;
	}
	memset(&e, 0, sizeof e);	/* e.time: chainlog_append, from the real clock */
	snprintf(e.case_id, sizeof e.case_id, "C-%lld", (long long)ctx->id);
	snprintf(e.channel, sizeof e.channel, "%s", kind);
	snprintf(e.part2, sizeof e.part2, "%s",
	    json_string_value(json_object_get(json_object_get(man, "part2"), "mode")) ?
	    json_string_value(json_object_get(json_object_get(man, "part2"), "mode")) : "none");
	e.notice = json_is_true(json_object_get(json_object_get(man, "part2"), "notice"));
	memcpy(e.package, pkgsha, 65);
	hex_or_zero(json_string_value(json_object_get(man, "authorization_sha256")) ?
	    json_string_value(json_object_get(man, "authorization_sha256")) : "", e.auth);
	hex_or_zero(json_string_value(json_object_get(man, "rules_sha256")) ?
	    json_string_value(json_object_get(man, "rules_sha256")) : "", e.rules);
	login_of(json_string_value(json_object_get(man, "reviewer")) ?
	    json_string_value(json_object_get(man, "reviewer")) : "", e.reviewer);
	if (strcmp(kind, "fax") == 0)
		snprintf(outbox, sizeof outbox, "outbox/fax/C-%lld to %s.pdf", (long long)ctx->id,
		    digits);
	else
		snprintf(outbox, sizeof outbox, "outbox/C-%lld.%s", (long long)ctx->id,
		    strcmp(kind, "zip") == 0 ? "zip" : "age");
	/* the log's key: made before the stage was confined */
	if (chainlog_open(&cl, ctx->st, ctx->home) == -1)
		goto out;
	if (chainlog_append(cl, ctx->id, &e, json, outbox, &seq) == -1)
		goto out;
	msg_event("case C-%lld: released: disclosure log entry %llu", (long long)ctx->id,
	    (unsigned long long)seq);
	rc = 0;
out:
	chainlog_close(cl);
	if (json) {
		sodium_memzero(json, strlen(json));
		free(json);
	}
	free(desc);
	json_decref(acc);
	json_decref(man);
	json_decref(auth);
	return rc;
}

/* the log's key is made with the first release, named after the practice
 * as roi.conf names it by then; before the stage is confined, which
 * leaves it only reading the key (stagetab.h) */
int
stage_disclose_prepare(const char *home, const struct config *cfg)
{
	return chainlog_keys(home, cfg->practice_name);
}

int
stage_disclose_main(int argc, char **argv)
{
	struct stage_ctx	ctx;
	int			lock, rc = 1;

	stage_setup(&ctx, argc, argv);
	if ((lock = chainlog_lock(ctx.home)) == -1)
		goto out;
	if ((rc = stage_is_ready(&ctx)) != 1) {
		rc = rc == 0 ? 0 : 1;	/* released and published already */
		goto out;
	}
	/* whatever a crash left: the files brought up to the store first */
	if (chainlog_sync(ctx.st, ctx.home) == -1)
		goto out;
	switch (disclose(&ctx)) {
	case 0:
		rc = chainlog_sync(ctx.st, ctx.home) == 0 ? 0 : 1;
		break;
	case 1:
		rc = 1;
		break;
	default:
		rc = 1;
	}
out:
	if (lock != -1)
		close(lock);
	return stage_teardown(&ctx, rc);
}
