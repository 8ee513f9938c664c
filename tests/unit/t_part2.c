/* t_part2.c - the Part 2 rules file: every bad line refused, the shipped
 * file accepted; the scan: SUD content found through OCR noise, ordinary
 * mental-health content and traps left alone, the 2.32 notice seen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "part2.h"

static struct part2_rules *shipped;

static void
test_parse_errors(void **state)
{
	static const char *bad[] = {
		"term a \\bx\\b\n",				/* before any category */
		"category a\n",					/* no terms */
		"category a\nterm x (unclosed\n",
		"category a\nterm onlyid\n",
		"category a\nextent word\nterm x y\n",
		"category a\ncontext x y\nterm x y\n",		/* no window */
		"category a\ncontext 5 y\ncontext 5 z\nterm x y\n",
		"category a\nterm x y\nnegate y\n",		/* no window */
		"category a\nterm x y\nprovenance onlyid\n",
		"category a\nterm x y\nwhat is this\n",
		"category a\nterm x y\nscope-end (unclosed\n",
		"# nothing\n",
	};
	struct part2_rules *r;
	size_t	i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (part2_parse(bad[i], "test.rules", &r) != -1)
			fail_msg("case %zu parsed: %s", i, bad[i]);
		assert_null(r);
	}
	assert_int_equal(part2_parse("category a\nlabel A\nextent term\nflag-only\n"
	    "context 3 \\bctx\\b\nterm x \\bx\\b\nnegate 2 \\bno\\b\nscope-end \\bbut\\b\n"
	    "program Example House\n",
	    "t", &r), 0);
	assert_int_equal(part2_count(r), 1);
	part2_free(r);
}

/* test_error_line - an error about a category names the category's line,
 * not the end of the file (issue 22) */
static void
test_error_line(void **state)
{
	struct part2_rules *r;
	char	path[] = "/tmp/t_part2.err.XXXXXX", got[512] = "";
	int	fd = mkstemp(path), saved = dup(2);
	FILE	*fp;

	assert_true(fd != -1 && saved != -1);
	fflush(stderr);
	assert_int_equal(dup2(fd, 2), 2);
	assert_int_equal(part2_parse("category a\nterm x \\bx\\b\ncategory empty\nlabel E\n\n"
	    "# more below\ncategory b\nterm y \\by\\b\n", "test.rules", &r), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_null(r);
	fp = fdopen(fd, "r");
	assert_non_null(fp);
	rewind(fp);
	if (fgets(got, sizeof got, fp) == NULL)
		got[0] = '\0';
	fclose(fp);
	unlink(path);
	if (strstr(got, "test.rules:3: category empty has no term lines") == NULL)
		fail_msg("got '%s'", got);
}

/* found - the rule ids of the hits in text, "category/rule" joined by spaces */
static char *
found(const char *text, int *prov)
{
	static char	out[1024];
	struct part2_hit *h;
	int		n, i, p;

	n = part2_scan(shipped, text, &h, &p);
	assert_true(n >= 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s/%s=%.*s", i ? " " : "",
		    h[i].category, h[i].rule, (int)(h[i].end - h[i].start), text + h[i].start);
	}
	free(h);
	if (prov)
		*prov = p;
	return out;
}

/* proposed - the rules of the hits in text that would be proposed (not
 * flag-only), "category/rule" joined by spaces, each once, in scan order */
static char *
proposed(const char *text)
{
	static char	out[1024];
	char		seen[64][100];
	struct part2_hit *h;
	int		n, i, k, ns = 0, p;

	n = part2_scan(shipped, text, &h, &p);
	assert_true(n >= 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		char	one[100];

		if (h[i].flag_only)
			continue;
		snprintf(one, sizeof one, "%s/%s", h[i].category, h[i].rule);
		for (k = 0; k < ns && strcmp(seen[k], one) != 0; k++)
			;
		if (k < ns || ns == 64)
			continue;
		snprintf(seen[ns++], sizeof seen[0], "%s", one);
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", out[0] ? " " : "", one);
	}
	free(h);
	return out;
}

struct want {
	const char	*text, *want;
};

/* check - each text's proposed rules are exactly its want ("" none) */
static void
check(const char *name, const struct want *cases, size_t n)
{
	size_t	i;
	int	bad = 0;

	for (i = 0; i < n; i++) {
		const char *got = proposed(cases[i].text);

		if (strcmp(got, cases[i].want) != 0) {
			print_error("%s case %zu: \"%s\": got \"%s\", want \"%s\"\n", name, i,
			    cases[i].text, got, cases[i].want);
			bad++;
		}
	}
	if (bad)
		fail_msg("%s: %d of %zu cases wrong", name, bad, n);
}

static void
test_scan(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		/* codes, through OCR noise */
		{ "Dx: F11.20 opioid use disorder", "sud_diagnosis/icd10=F11.20 sud_diagnosis/dsm5=opioid use disorder" },
		{ "Dx: F1 1.20", "sud_diagnosis/icd10=F1 1.20" },
		{ "Dx: Fl0.20", "sud_diagnosis/icd10=Fl0.20" },
		{ "Dx: F1O.21", "sud_diagnosis/icd10=F1O.21" },
		{ "alcohol use dis-\norder, moderate", "sud_diagnosis/dsm5=alcohol use dis-\norder" },
		/* ordinary mental-health content stays */
		{ "F32.1 major depressive disorder; F41.1 GAD; sertraline 50 mg; CBT; PHQ-9 12", "" },
		{ "dependent personality disorder F60.7", "" },
		/* traps */
		{ "uses alcohol-based hand rub", "" },
		{ "Patient denies alcohol use disorder.", "" },
		{ "UDS negative", "" },
		{ "Father has alcoholism.", "" },
		{ "Z63.72 noted", "" },
		/* "denies" in one sentence does not cancel the next */
		{ "Denies suicidal ideation. Heroin use daily.", "substances/drugs=Heroin" },
		/* medications count in SUD context only */
		{ "buprenorphine 8 mg for opioid use disorder", "sud_diagnosis/dsm5=opioid use disorder sud_medication/buprenorphine=buprenorphine" },
		{ "Butrans buprenorphine patch for chronic back pain", "" },
		/* nicotine: found, flag only */
		{ "F17.210 nicotine dependence", "nicotine/icd10=F17.210 nicotine/words=nicotine dependence" },
		/* fax speckle read as a token of its own does not split a phrase */
		{ "alcohol use \xc2\xb0 disorder", "sud_diagnosis/dsm5=alcohol use \xc2\xb0 disorder" },
		/* a code prefix F read as a currency sign */
		{ "Dx: \xc2\xa5" "10.20", "sud_diagnosis/icd10=\xc2\xa5" "10.20" },
		/* a stop before a lower-case word is OCR noise: the context holds */
		{ "methadone 80 mg daily. at the OTP", "sud_medication/methadone=methadone sud_treatment/otp=at the OTP" },
		/* "negative" on the next row of a panel is another analyte's result */
		{ "Fentanyl: POSITIVE\nOpiates: negative", "toxicology/result=Fentanyl: POSITIVE substances/drugs=Fentanyl substances/fentanyl_ocr=Fentanyl" },
		/* "mood" misread as "moud" is not a treatment */
		{ "six months of low moud and poor sleep", "" },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = found(cases[i].text, NULL);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\": got \"%s\", want \"%s\"", i, cases[i].text, got,
			    cases[i].want);
	}
}

/* test_oud_only - products sold only for OUD or AUD count with no SUD word
 * near them; the same molecules sold for pain (Butrans, Belbuca, methadone
 * and Methadose tablets) or other uses (low-dose naltrexone, naloxone with
 * a pain opioid) still need SUD context (issue 16, must-have 2.1) */
static void
test_oud_only(void **state)
{
	static const struct want cases[] = {
		{ "Suboxone 8-2 mg film daily", "sud_medication_only/buprenorphine_naloxone" },
		{ "Zubsolv 5.7-1.4 mg one tablet daily", "sud_medication_only/buprenorphine_naloxone" },
		{ "buprenorphine-naloxone 8-2 mg sublingual film",
		    "sud_medication_only/buprenorphine_naloxone" },
		{ "Sublocade 300 mg monthly injection", "sud_medication_only/buprenorphine_oud" },
		{ "Brixadi weekly", "sud_medication_only/buprenorphine_oud" },
		{ "buprenorphine 8 mg SL daily", "sud_medication_only/buprenorphine_oud" },
		{ "Vivitrol 380 mg IM every 4 weeks", "sud_medication_only/naltrexone_er" },
		{ "naltrexone ER 380 mg injection", "sud_medication_only/naltrexone_er" },
		{ "Methadose Dispersible 40 mg", "sud_medication_only/methadone_oud" },
		{ "Antabuse 250 mg daily", "sud_medication_only/disulfiram" },
		{ "disulfiram 250 mg", "sud_medication_only/disulfiram" },
		{ "Campral 666 mg three times a day", "sud_medication_only/acamprosate" },
		{ "Past medications: Sublacade monthly injections",
		    "sud_medication_only/buprenorphine_oud" },
		/* other uses: not without SUD context */
		{ "Butrans 10 mcg/hr patch weekly for low back pain", "" },
		{ "Belbuca buccal film for chronic pain", "" },
		{ "buprenorphine transdermal patch", "" },
		{ "methadone 10 mg every 8 hours for cancer pain", "" },
		{ "Methadose 10 mg tablets for pain", "" },
		{ "low-dose naltrexone 4.5 mg at bedtime for fibromyalgia", "" },
		{ "naloxone nasal spray with his oxycodone", "" },
		{ "metronidazole: avoid alcohol, disulfiram-like reaction", "" },
	};

	(void)state;
	check("oud_only", cases, sizeof cases / sizeof cases[0]);
}

/* test_negation_scope - a negation applies to the term it negates: a bare
 * "no" only when attached to it, "denies" and the like up to a clause
 * break (issue 16, must-have 2.2) */
static void
test_negation_scope(void **state)
{
	static const struct want cases[] = {
		{ "No missed doses of methadone at the OTP.",
		    "sud_medication/methadone sud_treatment/otp" },
		{ "He no longer uses heroin.", "substances/drugs" },
		{ "Denies cocaine but relapsed on heroin last week.",
		    "substances/drugs substances/relapse" },
		{ "Denies SI, reports heroin use daily.", "substances/drugs" },
		{ "Methadone positive, all other analytes negative", "toxicology/result" },
		/* negated */
		{ "No heroin use.", "" },
		{ "No recent relapse on alcohol.", "" },
		{ "No heavy drinking.", "" },
		{ "No cravings for alcohol.", "" },
		{ "Denies heroin, fentanyl or cocaine use.", "" },
		{ "Negative for fentanyl.", "" },
		/* "negative" after the term, on its line: its result (issue 22) */
		{ "Fentanyl: negative", "" },
		{ "UDS: heroin negative, cocaine negative.", "" },
		{ "No history of alcohol withdrawal.", "" },
	};

	(void)state;
	check("negation_scope", cases, sizeof cases / sizeof cases[0]);
}

/* test_collateral - what a relative reports about the patient is the
 * patient's; a relative's own history is not (issue 16, must-have 2.3) */
static void
test_collateral(void **state)
{
	static const struct want cases[] = {
		{ "His wife reports he relapsed on heroin.", "substances/drugs substances/relapse" },
		{ "His spouse drove him to the methadone clinic.", "sud_treatment/program" },
		{ "Mother states she has been drinking daily.", "use_history/drink_pattern" },
		{ "His wife has noticed he drinks 6 beers a night.", "use_history/drink_count" },
		{ "His sister brought him to detox.", "sud_treatment/program" },
		/* family history: someone else's */
		{ "Father had a history of alcoholism.", "" },
		{ "Family history of alcohol use disorder.", "" },
		{ "FH: mother alcoholic.", "" },
		{ "His brother uses heroin.", "" },
		{ "Father drinks daily.", "" },
		{ "Father's alcoholism was never treated.", "" },
	};

	(void)state;
	check("collateral", cases, sizeof cases / sizeof cases[0]);
}

/* test_use_history - narrative substance use history, each kind under its
 * own rule id; look-alikes left alone (issue 16, must-have 2.4) */
static void
test_use_history(void **state)
{
	static const struct want cases[] = {
		{ "He drinks a fifth of vodka daily.", "use_history/drink_amount" },
		{ "6-8 beers nightly", "use_history/drink_count" },
		{ "Drinks 3 glasses of wine daily.", "use_history/drink_count" },
		{ "He was smoking meth on weekends.", "use_history/use_route" },
		{ "Reports snorting pills.", "use_history/use_route" },
		{ "She uses 2 bundles a day.", "use_history/use_amount" },
		{ "He tried to quit drinking.", "use_history/quit_attempt" },
		{ "He cut back on his drinking.", "use_history/quit_attempt" },
		{ "She wants help with her drinking.", "use_history/wants_help" },
		{ "Cravings for alcohol persist.", "use_history/craving" },
		{ "Urges to use when stressed.", "use_history/craving" },
		/* as standard-resolution fax OCR reads them */
		{ "He still has cravings for alcohal.", "use_history/craving" },
		{ "He notices urges to us\xc3\xa9 when he drives by.", "use_history/craving" },
		{ "He has bean abstinent from alcoho! for 90 days.", "use_history/abstinent" },
		{ "He tried to quit alcoho! twice.", "use_history/quit_attempt" },
		{ "Abstinent from alcohol for 90 days.", "use_history/abstinent" },
		{ "Clean for 6 months.", "use_history/abstinent" },
		{ "He attends an IOP group for alcohol.", "sud_context/iop" },
		{ "She joined a relapse prevention group.", "sud_treatment/sud_group" },
		{ "Attends AA twice a week.", "sud_treatment/sud_group" },
		/* look-alikes */
		{ "Drinks 8 glasses of water a day.", "" },
		{ "Drinks three cups of coffee daily.", "" },
		{ "Drinks 1-2 glasses of wine per week.", "" },
		{ "Tried to quit smoking.", "" },
		{ "Urges to self-harm have lessened.", "" },
		{ "IOP 14 mmHg on the left.", "" },
		{ "Attends a depression IOP group.", "" },
		{ "Cravings for sweets.", "" },
	};

	(void)state;
	check("use_history", cases, sizeof cases / sizeof cases[0]);
}

/* test_not_sud - what 42 CFR 2.11 and 2.12(e)(4) leave out, and what only
 * looks like SUD content, is not proposed (issue 16, must-have 2.5) */
static void
test_not_sud(void **state)
{
	static const struct want cases[] = {
		{ "Non-alcoholic fatty liver disease (NAFLD).", "" },
		{ "Intentional overdose of acetaminophen, a suicide attempt.", "" },
		{ "Tylenol overdose in 2019.", "" },
		{ "UDS positive for benzodiazepines, consistent with prescribed clonazepam.", "" },
		{ "Positive for amphetamine, prescribed Adderall.", "" },
		{ "Drinks 3 glasses of wine daily, low risk.", "" },
		{ "Social drinker, 1 drink/week.", "" },
		{ "Addiction to nicotine since age 15.", "" },
		{ "Smokes 1 ppd; tobacco use disorder; caffeine use, 4 cups a day.", "" },
		{ "Service codes H0002, H0017, H0018, H0019, H0023, H0024, H0025, H0030.", "" },
		/* the same words when they are SUD content */
		{ "Overdosed on fentanyl in May.", "sud_context/overdose substances/drugs "
		    "substances/overdose substances/fentanyl_ocr" },
		{ "Overdose requiring Narcan in May.", "sud_context/overdose" },
		{ "UDS positive for benzodiazepines, not prescribed.",
		    "toxicology/screen toxicology/positive" },
		{ "Positive for benzodiazepines (prescribed clonazepam) and cocaine.",
		    "toxicology/positive" },
		{ "Drinks 6 beers nightly, not low risk.", "use_history/drink_count" },
		{ "H0020 and H0005 billed.", "sud_treatment/hcpcs" },
	};

	(void)state;
	check("not_sud", cases, sizeof cases / sizeof cases[0]);
}

static void
test_provenance(void **state)
{
	int p;

	found("This record is protected by 42 CFR Part 2. Federal law prohibits any further"
	    " disclosure of it without the patient's written consent.", &p);
	assert_int_equal(p, 1);
	found("This information has been disclosed to you from records protected by federal"
	    " confidentiality rules (42 CFR part 2).", &p);
	assert_int_equal(p, 1);
	found("Progress note. Mood improved; continue sertraline.", &p);
	assert_int_equal(p, 0);
}

static void
test_flag_only(void **state)
{
	struct part2_hit *h;
	int	p, n = part2_scan(shipped, "F17.210", &h, &p);

	assert_int_equal(n, 1);
	assert_int_equal(h[0].flag_only, 1);
	free(h);
	n = part2_scan(shipped, "F10.20", &h, &p);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].flag_only, 0);
	assert_int_equal(h[0].extent, 'p');
	free(h);
}

static int
setup(void **state)
{
	setenv("ROI_RULES", "rules", 1);
	return part2_load(NULL, &shipped);
}

static int
teardown(void **state)
{
	part2_free(shipped);
	return 0;
}

/*
 * test_match_limit - a pattern that gives up on hostile text (PCRE2's
 * match limit, as rules_match_context sets it) fails closed: the whole
 * page comes back as an "unchecked" hit, never as "no match"; and a
 * category's context that cannot be checked keeps its hit.
 */
static void
test_match_limit(void **state)
{
	struct part2_rules *r = NULL;
	struct part2_hit *h = NULL;
	char	text[200];
	int	n, p, i, unchecked = 0, term = 0;

	(void)state;
	/* (a+)+$ backtracks exponentially on a run of a's that does not end the text */
	assert_int_equal(part2_parse("category opioid\nlabel Opioid\nextent term\n"
	    "term m \\bmethadone\\b\nterm slow (a+)+$\n", "t", &r), 0);
	memset(text, 'a', 60);
	snprintf(text + 60, sizeof text - 60, "! nothing else here");
	n = part2_scan(r, text, &h, &p);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].category, PART2_UNCHECKED);
	assert_int_equal(h[0].start, 0);
	assert_int_equal(h[0].end, strlen(text));
	assert_string_equal(part2_label(r, h[0].category), part2_label(r, PART2_UNCHECKED));
	free(h);
	part2_free(r);

	/* the hit found before the limit is kept, with the whole-page hit */
	assert_int_equal(part2_parse("category opioid\nlabel Opioid\nextent term\n"
	    "context 5 (x+)+$\nterm m \\bmethadone\\b\n", "t", &r), 0);
	memset(text, 'x', 60);
	snprintf(text + 60, sizeof text - 60, " methadone");
	n = part2_scan(r, text, &h, &p);
	for (i = 0; i < n; i++) {
		unchecked += strcmp(h[i].category, PART2_UNCHECKED) == 0;
		term += strcmp(h[i].rule, "m") == 0;
	}
	assert_int_equal(unchecked, 1);
	assert_int_equal(term, 1);
	free(h);
	/* an ordinary page is not touched by any of this */
	n = part2_scan(r, "no such words here", &h, &p);
	assert_int_equal(n, 0);
	free(h);
	part2_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_oud_only),
		cmocka_unit_test(test_negation_scope),
		cmocka_unit_test(test_collateral),
		cmocka_unit_test(test_use_history),
		cmocka_unit_test(test_not_sud),
		cmocka_unit_test(test_provenance),
		cmocka_unit_test(test_flag_only),
		cmocka_unit_test(test_match_limit),
	};

	return cmocka_run_group_tests_name("part2", tests, setup, teardown);
}
