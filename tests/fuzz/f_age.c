/*
 * f_age.c - fuzz the age header and payload reader (age_decrypt_to):
 * roi release open reads a package that may come back from anywhere,
 * binary or ASCII armored.  The keys are those of the age testkit
 * (C2SP CCTV, ../shared/vectors/age): its X25519 identity and its
 * passphrase, with scrypt work factors up to its 2^10, so the seeds
 * (testkit files without their header lines) open and the fuzzer gets
 * past the header MAC into the payload, and spends its time parsing
 * rather than in scrypt.
 */
#include "age.h"
#include "fuzz.h"

#define FUZZ_IDENTITY	"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
#define FUZZ_LOGN	10

static int
sink(void *arg, const unsigned char *p, size_t n)
{
	*(size_t *)arg += n;
	(void)p;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char	sk[1][AGE_KEYBYTES];
	static const char	*const pass[] = { "password" };
	struct age_keys		keys;
	char			why[AGE_WHYLEN];
	size_t			got = 0;
	FILE			*in;

	if (age_identity_parse(FUZZ_IDENTITY, sk[0], why) == -1)
		abort();
	memset(&keys, 0, sizeof keys);
	keys.ident = (const unsigned char (*)[AGE_KEYBYTES])sk;
	keys.nident = 1;
	keys.pass = pass;
	keys.npass = 1;
	keys.max_logn = FUZZ_LOGN;
	/* (fmemopen refuses an empty buffer) */
	if ((in = size ? fmemopen((void *)data, size, "rb") : fopen("/dev/null", "rb")) == NULL)
		abort();
	(void)age_decrypt_to(&keys, in, sink, &got, why);
	fclose(in);
	return 0;
}
