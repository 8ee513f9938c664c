/*
 * t_merkle.c - RFC 6962 / 9162 Merkle trees: the reference tree, the
 * transparency-dev inclusion and consistency probes, generated proofs
 * for every small tree, the compact range and its byte form, and one
 * tree of a million leaves
 *
 * Vectors are ../shared/vectors/merkle beside the checkout, found from
 * the working folder or this program's (vectors.h), or $MERKLE_VECTORS.  Every file under
 * transparency-dev-testdata/inclusion and /consistency is run, except
 * consistency/additional/sizes-are-equal-one-and-proof-is-empty.json:
 * it expects success for sizes 1 -> 1 with two equal 12-byte "roots",
 * which the Go code accepts because it never looks at root lengths when
 * the sizes are equal; a hash here is always 32 bytes, so that case
 * cannot be expressed (FORMATS.md 4.5).  Any other value that is not 32
 * bytes (empty strings, "don't care", "WrongLeaf") only occurs in cases
 * that expect an error, and counts as rejected.  The subtree* folders
 * test draft-ietf-plants-merkle-tree-certs, not RFC 9162, and are not
 * run.  File counts are asserted, so a missing folder fails the test.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "vectors.h"

#include "merkle.h"

#define INCLUSION_FILES		98
#define CONSISTENCY_FILES	98	/* of which 1 is skipped, see above */
#define CONSISTENCY_SKIP	"consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
#define H			MERKLE_HASHBYTES

typedef unsigned char hash_t[H];

/* the 8-leaf reference tree, filled by test_reference and reused */
static hash_t	ref_leaf[8], ref_root[9];
static int	ref_loaded;

static const char *
vectors_dir(void)
{
	return vectors_dir_of("MERKLE_VECTORS", "merkle");
}

static char *
slurp(const char *path, size_t *len)
{
	char	*buf = NULL, *nb;
	size_t	cap = 0, n = 0, k;
	FILE	*fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		if ((k = fread(buf + n, 1, cap - n - 1, fp)) == 0)
			break;
		n += k;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static json_t *
load_json(const char *rel)
{
	char	path[4096];
	json_error_t err;
	json_t	*j;

	snprintf(path, sizeof path, "%s/%s", vectors_dir(), rel);
	if ((j = json_load_file(path, 0, &err)) == NULL)
		fail_msg("%s: %s (line %d)", path, err.text, err.line);
	return j;
}

static size_t
unhex(const char *s, unsigned char *out, size_t max)
{
	size_t	n;

	assert_int_equal(sodium_hex2bin(out, max, s, strlen(s), NULL, &n, NULL), 0);
	return n;
}

/* unb64 - padded standard b64 into out (room for max); its length, or -1 if not b64 */
static long
unb64(const char *s, unsigned char *out, size_t max)
{
	size_t	n;

	if (sodium_base642bin(out, max, s, strlen(s), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return (long)n;
}

/*
 * take_u64 - read the unsigned integer member "key" from the raw JSON
 * text and blank it out to "0".  jansson's integers are signed 64-bit,
 * and the probes use 18446744073709551615.
 */
static uint64_t
take_u64(char *text, const char *key)
{
	char	pat[64], *p, *end;
	unsigned long long v;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	p = strstr(text, pat);
	assert_non_null(p);
	p += strlen(pat);
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	assert_int_equal(*p, ':');
	p++;
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	assert_true(*p >= '0' && *p <= '9');
	errno = 0;
	v = strtoull(p, &end, 10);
	assert_int_equal(errno, 0);
	*p = '0';
	memset(p + 1, ' ', (size_t)(end - p - 1));
	return v;
}

/*
 * The reference tree and the hasher cases
 */
static void
test_reference(void **state __attribute__((unused)))
{
	json_t	*j = load_json("rfc6962-reference-tree.json"), *c, *lv;
	unsigned char in[64], in2[64], buf[1 + 128], want[H], got[H];
	unsigned char enc[MERKLE_TREE_MAXBYTES];
	hash_t	nodes[4][8];
	struct merkle_tree t, t2;
	size_t	i, lvl, n, n2, ncases = 0, encn;
	const char *op;

	assert_non_null(j);
	json_array_foreach(json_object_get(j, "hasher_cases"), i, c) {
		op = json_string_value(json_object_get(c, "op"));
		unhex(json_string_value(json_object_get(c, "expect_hex")), want, H);
		if (strcmp(op, "empty_root") == 0) {
			/* three ways to the empty root */
			merkle_tree_init(&t);
			merkle_tree_root(&t, got);
			assert_memory_equal(got, want, H);
			merkle_root_of(NULL, 0, got);
			assert_memory_equal(got, want, H);
			merkle_empty_root(got);
		} else if (strcmp(op, "leaf") == 0) {
			n = unhex(json_string_value(json_object_get(c, "input_hex")), in, sizeof in);
			merkle_leaf_hash(in, n, got);
		} else {
			/*
			 * node("N123", "N456"): 4-byte children, which
			 * merkle_node_hash (32-byte children) cannot take.
			 * Checked against the definition 0x01 || l || r here;
			 * merkle_node_hash is checked on every internal node of
			 * the reference tree below.
			 */
			assert_string_equal(op, "node");
			n = unhex(json_string_value(json_object_get(c, "left_hex")), in, sizeof in);
			n2 = unhex(json_string_value(json_object_get(c, "right_hex")), in2, sizeof in2);
			buf[0] = 0x01;
			memcpy(buf + 1, in, n);
			memcpy(buf + 1 + n, in2, n2);
			crypto_hash_sha256(got, buf, 1 + n + n2);
		}
		assert_memory_equal(got, want, H);
		ncases++;
	}
	assert_int_equal(ncases, 4);

	/* leaves, every complete subtree, roots 0..8 */
	assert_int_equal(json_array_size(json_object_get(j, "leaf_inputs_hex")), 8);
	json_array_foreach(json_object_get(j, "leaf_inputs_hex"), i, c) {
		n = unhex(json_string_value(c), in, sizeof in);
		merkle_leaf_hash(in, n, ref_leaf[i]);
	}
	assert_int_equal(json_array_size(json_object_get(j, "node_hashes_hex")), 4);
	json_array_foreach(json_object_get(j, "node_hashes_hex"), lvl, lv) {
		assert_int_equal(json_array_size(lv), 8 >> lvl);
		json_array_foreach(lv, i, c) {
			unhex(json_string_value(c), nodes[lvl][i], H);
			if (lvl == 0)
				assert_memory_equal(ref_leaf[i], nodes[0][i], H);
			else {
				merkle_node_hash(nodes[lvl - 1][2 * i], nodes[lvl - 1][2 * i + 1], got);
				assert_memory_equal(got, nodes[lvl][i], H);
			}
		}
	}
	assert_int_equal(json_array_size(json_object_get(j, "root_hashes_hex")), 9);
	merkle_tree_init(&t);
	json_array_foreach(json_object_get(j, "root_hashes_hex"), i, c) {
		unhex(json_string_value(c), ref_root[i], H);
		merkle_root_of((const unsigned char (*)[H])ref_leaf, i, got);
		assert_memory_equal(got, ref_root[i], H);
		if (i > 0)
			assert_int_equal(merkle_tree_append(&t, ref_leaf[i - 1]), 0);
		assert_true(t.size == i);
		merkle_tree_root(&t, got);
		assert_memory_equal(got, ref_root[i], H);
		/* the byte form round-trips to the same head */
		encn = merkle_tree_encode(&t, enc);
		assert_int_equal(encn, 8 + H * (size_t)__builtin_popcountll(i));
		assert_int_equal(merkle_tree_decode(&t2, enc, encn), 0);
		merkle_tree_root(&t2, got);
		assert_memory_equal(got, ref_root[i], H);
	}

	/* RecordHash("hello world") from golang/mod */
	c = json_object_get(j, "extra");
	op = json_string_value(json_object_get(c, "leaf_input"));
	merkle_leaf_hash(op, strlen(op), got);
	assert_int_equal(unb64(json_string_value(json_object_get(c, "leaf_hash_b64")), want, H), H);
	assert_memory_equal(got, want, H);
	json_decref(j);
	ref_loaded = 1;
}

/*
 * The probe files
 */
struct walk {
	int	seen, run, skipped, by_length, accepted, rejected, matched_generated;
	int	inclusion;
	const char *root;	/* the vectors dir, to name files relative to it */
};

/* decode_list - a JSON array (or null) of b64 hashes; -1 when one is not 32 bytes */
static int
decode_list(json_t *a, hash_t **out, size_t *n)
{
	json_t	*c;
	size_t	i;
	int	ok = 0;

	*n = json_is_array(a) ? json_array_size(a) : 0;
	*out = calloc(*n ? *n : 1, sizeof **out);
	assert_non_null(*out);
	if (json_is_array(a))
		json_array_foreach(a, i, c) {
			unsigned char tmp[256];

			assert_true(json_is_string(c));
			if (unb64(json_string_value(c), tmp, sizeof tmp) != H)
				ok = -1;
			else
				memcpy((*out)[i], tmp, H);
		}
	else
		assert_true(json_is_null(a));
	return ok;
}

static int
decode_one(json_t *s, unsigned char out[H])
{
	unsigned char tmp[256];

	assert_true(json_is_string(s));
	if (unb64(json_string_value(s), tmp, sizeof tmp) != H)
		return -1;
	memcpy(out, tmp, H);
	return 0;
}

static void
run_inclusion(struct walk *w, const char *rel, char *text)
{
	uint64_t idx = take_u64(text, "leafIdx"), size = take_u64(text, "treeSize");
	json_error_t err;
	json_t	*j = json_loads(text, 0, &err);
	hash_t	*proof = NULL, root, leaf, gen[MERKLE_MAXPATH];
	size_t	np, ngen;
	int	want_err, bad = 0, rc;

	if (j == NULL)
		fail_msg("%s: %s", rel, err.text);
	want_err = json_is_true(json_object_get(j, "wantErr"));
	bad |= decode_one(json_object_get(j, "root"), root);
	bad |= decode_one(json_object_get(j, "leafHash"), leaf);
	bad |= decode_list(json_object_get(j, "proof"), &proof, &np);
	if (bad) {
		/* not expressible with 32-byte hashes: rejected by type */
		if (!want_err)
			fail_msg("%s: a hash is not 32 bytes in a case that should verify", rel);
		w->by_length++;
		rc = -1;
	} else
		rc = merkle_verify_inclusion(idx, size, leaf, (const unsigned char (*)[H])proof, np, root);
	if ((rc != 0) != want_err)
		fail_msg("%s: got %s, want %s", rel, rc == 0 ? "ok" : "error", want_err ? "error" : "ok");
	if (rc == 0)
		w->accepted++;
	else
		w->rejected++;
	/* a good proof on the reference tree is the one we generate */
	if (!want_err && ref_loaded && size <= 8 && memcmp(root, ref_root[size], H) == 0) {
		assert_int_equal(merkle_inclusion_proof((const unsigned char (*)[H])ref_leaf, size, idx,
		    gen, &ngen), 0);
		assert_int_equal(ngen, np);
		if (np > 0)
			assert_memory_equal(gen, proof, np * H);
		w->matched_generated++;
	}
	free(proof);
	json_decref(j);
	w->run++;
}

static void
run_consistency(struct walk *w, const char *rel, char *text)
{
	uint64_t s1 = take_u64(text, "size1"), s2 = take_u64(text, "size2");
	json_error_t err;
	json_t	*j = json_loads(text, 0, &err);
	hash_t	*proof = NULL, r1, r2, gen[MERKLE_MAXPATH];
	size_t	np, ngen;
	int	want_err, bad = 0, rc;

	if (j == NULL)
		fail_msg("%s: %s", rel, err.text);
	want_err = json_is_true(json_object_get(j, "wantErr"));
	bad |= decode_one(json_object_get(j, "root1"), r1);
	bad |= decode_one(json_object_get(j, "root2"), r2);
	bad |= decode_list(json_object_get(j, "proof"), &proof, &np);
	if (bad) {
		if (!want_err)
			fail_msg("%s: a hash is not 32 bytes in a case that should verify", rel);
		w->by_length++;
		rc = -1;
	} else
		rc = merkle_verify_consistency(s1, s2, (const unsigned char (*)[H])proof, np, r1, r2);
	if ((rc != 0) != want_err)
		fail_msg("%s: got %s, want %s", rel, rc == 0 ? "ok" : "error", want_err ? "error" : "ok");
	if (rc == 0)
		w->accepted++;
	else
		w->rejected++;
	if (!want_err && ref_loaded && s2 <= 8 && s1 >= 1 &&
	    memcmp(r1, ref_root[s1], H) == 0 && memcmp(r2, ref_root[s2], H) == 0) {
		assert_int_equal(merkle_consistency_proof((const unsigned char (*)[H])ref_leaf, s2, s1,
		    gen, &ngen), 0);
		assert_int_equal(ngen, np);
		if (np > 0)
			assert_memory_equal(gen, proof, np * H);
		w->matched_generated++;
	}
	free(proof);
	json_decref(j);
	w->run++;
}

/* walk_dir - every *.json below dir, in no particular order */
static void
walk_dir(struct walk *w, const char *dir)
{
	DIR	*d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char	path[4096], *text;
	const char *rel;
	size_t	len, nl;

	if (d == NULL)
		fail_msg("cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			walk_dir(w, path);
			continue;
		}
		nl = strlen(e->d_name);
		if (nl < 5 || strcmp(e->d_name + nl - 5, ".json") != 0)
			continue;
		w->seen++;
		rel = path + strlen(w->root) + 1;
		if (strcmp(rel, "transparency-dev-testdata/" CONSISTENCY_SKIP) == 0) {
			w->skipped++;
			continue;
		}
		text = slurp(path, &len);
		assert_non_null(text);
		if (w->inclusion)
			run_inclusion(w, rel, text);
		else
			run_consistency(w, rel, text);
		free(text);
	}
	closedir(d);
}

static void
test_inclusion_vectors(void **state __attribute__((unused)))
{
	struct walk w;
	char	dir[4096];

	memset(&w, 0, sizeof w);
	w.inclusion = 1;
	w.root = vectors_dir();
	snprintf(dir, sizeof dir, "%s/transparency-dev-testdata/inclusion", w.root);
	walk_dir(&w, dir);
	print_message("# inclusion: %d files, %d run (%d accepted, %d rejected, %d of them for a "
	    "non-32-byte value), %d proofs regenerated byte for byte\n", w.seen, w.run, w.accepted,
	    w.rejected, w.by_length, w.matched_generated);
	assert_int_equal(w.seen, INCLUSION_FILES);
	assert_int_equal(w.run, INCLUSION_FILES);
	assert_int_equal(w.skipped, 0);
	assert_true(w.accepted > 0 && w.matched_generated > 0);
}

static void
test_consistency_vectors(void **state __attribute__((unused)))
{
	struct walk w;
	char	dir[4096];

	memset(&w, 0, sizeof w);
	w.root = vectors_dir();
	snprintf(dir, sizeof dir, "%s/transparency-dev-testdata/consistency", w.root);
	walk_dir(&w, dir);
	print_message("# consistency: %d files, %d run (%d accepted, %d rejected, %d of them for a "
	    "non-32-byte value), %d skipped, %d proofs regenerated byte for byte\n", w.seen, w.run,
	    w.accepted, w.rejected, w.by_length, w.skipped, w.matched_generated);
	assert_int_equal(w.seen, CONSISTENCY_FILES);
	assert_int_equal(w.skipped, 1);
	assert_int_equal(w.run, CONSISTENCY_FILES - 1);
	assert_true(w.accepted > 0 && w.matched_generated > 0);
}

/*
 * Generated proofs: every tree of 1..64 leaves, every index and old size
 */

/* bitlen - number of significant bits */
static size_t
bitlen(uint64_t v)
{
	return v == 0 ? 0 : 64 - (size_t)__builtin_clzll(v);
}

static void
test_generated(void **state __attribute__((unused)))
{
	enum { N = 64 };
	hash_t	leaves[N], roots[N + 1], path[MERKLE_MAXPATH], got;
	struct merkle_tree t;
	uint64_t size, i, inner;
	size_t	np;
	unsigned proofs = 0;

	merkle_tree_init(&t);
	for (i = 0; i < N; i++) {
		unsigned char data[8] = { 'e', 'n', 't', 'r', 'y', (unsigned char)i, 0, 0 };

		merkle_leaf_hash(data, sizeof data, leaves[i]);
	}
	merkle_root_of((const unsigned char (*)[H])leaves, 0, roots[0]);
	for (size = 1; size <= N; size++) {
		merkle_root_of((const unsigned char (*)[H])leaves, size, roots[size]);
		assert_int_equal(merkle_tree_append(&t, leaves[size - 1]), 0);
		merkle_tree_root(&t, got);
		assert_memory_equal(got, roots[size], H);
	}
	for (size = 1; size <= N; size++) {
		const unsigned char (*L)[H] = (const unsigned char (*)[H])leaves;

		for (i = 0; i < size; i++) {
			assert_int_equal(merkle_inclusion_proof(L, size, i, path, &np), 0);
			inner = bitlen(i ^ (size - 1));
			assert_int_equal(np, inner + (size_t)__builtin_popcountll(i >> inner));
			assert_int_equal(merkle_verify_inclusion(i, size, leaves[i],
			    (const unsigned char (*)[H])path, np, roots[size]), 0);
			/* and it proves nothing else */
			if (size > 1)
				assert_int_equal(merkle_verify_inclusion(i, size, leaves[(i + 1) % size],
				    (const unsigned char (*)[H])path, np, roots[size]), -1);
			if (np > 0) {
				path[np - 1][7] ^= 0x20;
				assert_int_equal(merkle_verify_inclusion(i, size, leaves[i],
				    (const unsigned char (*)[H])path, np, roots[size]), -1);
				assert_int_equal(merkle_verify_inclusion(i, size, leaves[i],
				    (const unsigned char (*)[H])path, np - 1, roots[size]), -1);
			}
			proofs++;
		}
		assert_int_equal(merkle_inclusion_proof(L, size, size, path, &np), -1);
		for (i = 1; i <= size; i++) {
			assert_int_equal(merkle_consistency_proof(L, size, i, path, &np), 0);
			assert_true(np <= MERKLE_MAXPATH);
			assert_int_equal(merkle_verify_consistency(i, size,
			    (const unsigned char (*)[H])path, np, roots[i], roots[size]), 0);
			if (i < size) {
				assert_int_equal(merkle_verify_consistency(i, size,
				    (const unsigned char (*)[H])path, np, roots[i - 1], roots[size]), -1);
				assert_int_equal(merkle_verify_consistency(i, size,
				    (const unsigned char (*)[H])path, np, roots[i], roots[size - 1]), -1);
				path[0][0] ^= 1;
				assert_int_equal(merkle_verify_consistency(i, size,
				    (const unsigned char (*)[H])path, np, roots[i], roots[size]), -1);
			} else
				assert_int_equal(np, 0);
			proofs++;
		}
		assert_int_equal(merkle_consistency_proof(L, size, 0, path, &np), -1);
		assert_int_equal(merkle_consistency_proof(L, size, size + 1, path, &np), -1);
	}
	/* 64 * 65 / 2 inclusion proofs and as many consistency proofs */
	assert_int_equal(proofs, 2 * (N * (N + 1) / 2));
	print_message("# generated: %u proofs for trees of 1..%d leaves verified\n", proofs, N);
}

/*
 * The compact range's byte form and its limits; arguments the verifiers
 * must survive
 */
static void
test_tree_limits(void **state __attribute__((unused)))
{
	unsigned char enc[MERKLE_TREE_MAXBYTES], leaf[H] = { 1 }, root[H];
	hash_t	path[MERKLE_MAXPATH + 1];
	struct merkle_tree t;
	size_t	n;

	memset(path, 0x55, sizeof path);
	/* a full tree of 2^64 - 1 leaves takes no more */
	memset(enc, 0xff, 8);
	memset(enc + 8, 0x11, sizeof enc - 8);
	assert_int_equal(merkle_tree_decode(&t, enc, sizeof enc), 0);
	assert_true(t.size == UINT64_MAX);
	assert_int_equal(merkle_tree_append(&t, leaf), -1);
	n = merkle_tree_encode(&t, enc);
	assert_int_equal(n, MERKLE_TREE_MAXBYTES);
	merkle_tree_root(&t, root);
	/* wrong lengths */
	assert_int_equal(merkle_tree_decode(&t, enc, n - 1), -1);
	assert_int_equal(merkle_tree_decode(&t, enc, 7), -1);
	memset(enc, 0, 8);
	enc[7] = 3;
	assert_int_equal(merkle_tree_decode(&t, enc, 8 + H), -1);
	assert_int_equal(merkle_tree_decode(&t, enc, 8 + 2 * H), 0);
	enc[7] = 0;
	assert_int_equal(merkle_tree_decode(&t, enc, 8), 0);
	assert_true(t.size == 0);

	/* extreme arguments: refused, never a crash */
	assert_int_equal(merkle_verify_inclusion(UINT64_MAX, UINT64_MAX, leaf,
	    (const unsigned char (*)[H])path, 64, root), -1);
	assert_int_equal(merkle_verify_inclusion(UINT64_MAX - 1, UINT64_MAX, leaf,
	    (const unsigned char (*)[H])path, MERKLE_MAXPATH + 1, root), -1);
	assert_int_equal(merkle_verify_inclusion(0, UINT64_MAX, leaf,
	    (const unsigned char (*)[H])path, MERKLE_MAXPATH, root), -1);
	assert_int_equal(merkle_verify_inclusion(0, 0, leaf, NULL, 0, root), -1);
	assert_int_equal(merkle_verify_consistency(1, UINT64_MAX,
	    (const unsigned char (*)[H])path, MERKLE_MAXPATH, root, root), -1);
	assert_int_equal(merkle_verify_consistency(UINT64_MAX - 1, UINT64_MAX,
	    (const unsigned char (*)[H])path, MERKLE_MAXPATH + 1, root, root), -1);
	assert_int_equal(merkle_verify_consistency(0, 0, NULL, 0, root, root), -1);
	assert_int_equal(merkle_verify_consistency(5, 5, NULL, 0, root, root), 0);
}

/*
 * A million leaves: the array functions are O(n), the compact range
 * agrees with them, and proofs at both ends and in the middle verify
 */
static void
test_million(void **state __attribute__((unused)))
{
	const uint64_t n = 1000000, old = 999983;
	static const uint64_t idx[] = { 0, 1, 524287, 524288, 999982, 999999 };
	hash_t	*leaves = malloc(n * sizeof *leaves), path[MERKLE_MAXPATH], root, root_old, got;
	struct merkle_tree t;
	unsigned char enc[MERKLE_TREE_MAXBYTES];
	size_t	np, i;
	uint64_t k;

	assert_non_null(leaves);
	merkle_tree_init(&t);
	for (k = 0; k < n; k++) {
		unsigned char data[8];

		for (i = 0; i < 8; i++)
			data[i] = (unsigned char)(k >> (8 * i));
		merkle_leaf_hash(data, sizeof data, leaves[k]);
		assert_int_equal(merkle_tree_append(&t, leaves[k]), 0);
		if (k + 1 == old) {
			merkle_tree_root(&t, root_old);
			/* restart from the stored form, as the log does after a restart */
			assert_int_equal(merkle_tree_decode(&t, enc, merkle_tree_encode(&t, enc)), 0);
		}
	}
	merkle_root_of((const unsigned char (*)[H])leaves, n, root);
	merkle_tree_root(&t, got);
	assert_memory_equal(got, root, H);
	merkle_root_of((const unsigned char (*)[H])leaves, old, got);
	assert_memory_equal(got, root_old, H);
	for (i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		assert_int_equal(merkle_inclusion_proof((const unsigned char (*)[H])leaves, n, idx[i],
		    path, &np), 0);
		assert_int_equal(merkle_verify_inclusion(idx[i], n, leaves[idx[i]],
		    (const unsigned char (*)[H])path, np, root), 0);
	}
	assert_int_equal(merkle_consistency_proof((const unsigned char (*)[H])leaves, n, old, path, &np), 0);
	assert_int_equal(merkle_verify_consistency(old, n, (const unsigned char (*)[H])path, np,
	    root_old, root), 0);
	free(leaves);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_inclusion_vectors),
		cmocka_unit_test(test_consistency_vectors),
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_tree_limits),
		cmocka_unit_test(test_million),
	};

	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
