/*
 * merkle.c - RFC 6962 / RFC 9162 Merkle tree hashing, proofs and checks
 *
 * Definitions and the verification algorithms: ../shared/FORMATS.md
 * section 4.  Proof generation follows the recursive definitions of
 * RFC 6962 2.1.1 and 2.1.2, unrolled into loops that walk from the root
 * down and then reverse the path.  libc and libsodium only: the auditor's
 * verifier links this file alone.
 *
 * SECURITY: proofs, sizes, indexes and hashes given to the verifiers are
 * hostile (they come from a log or a file the auditor was handed).  The
 * verifiers use unsigned 64-bit arithmetic, index nothing by a value from
 * the input, and bound the work by the path length they are given (which
 * they refuse above MERKLE_MAXPATH).  Nothing here is secret.
 * FILES: none.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "merkle.h"

/* split - the largest power of two below n (n >= 2): RFC 6962's k */
static uint64_t
split(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

void
merkle_leaf_hash(const void *data, size_t n, unsigned char out[MERKLE_HASHBYTES])
{
	crypto_hash_sha256_state st;
	static const unsigned char prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, data, n);
	crypto_hash_sha256_final(&st, out);
}

void
merkle_node_hash(const unsigned char l[MERKLE_HASHBYTES], const unsigned char r[MERKLE_HASHBYTES],
    unsigned char out[MERKLE_HASHBYTES])
{
	unsigned char buf[1 + 2 * MERKLE_HASHBYTES];

	/* copied first, so out may be l or r */
	buf[0] = 0x01;
	memcpy(buf + 1, l, MERKLE_HASHBYTES);
	memcpy(buf + 1 + MERKLE_HASHBYTES, r, MERKLE_HASHBYTES);
	crypto_hash_sha256(out, buf, sizeof buf);
}

void
merkle_empty_root(unsigned char out[MERKLE_HASHBYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

/*
 * The compact range
 */

void
merkle_tree_init(struct merkle_tree *t)
{
	memset(t, 0, sizeof *t);
}

/* merkle_tree_append - carry the new leaf up through the full levels, as in binary addition */
int
merkle_tree_append(struct merkle_tree *t, const unsigned char leaf[MERKLE_HASHBYTES])
{
	unsigned char h[MERKLE_HASHBYTES];
	int	lvl;

	if (t->size == UINT64_MAX)
		return -1;
	memcpy(h, leaf, sizeof h);
	/* size < 2^64 - 1 has a clear bit at or below 63, so lvl stays < 64 */
	for (lvl = 0; (t->size >> lvl) & 1; lvl++) {
		merkle_node_hash(t->level[lvl], h, h);
		memset(t->level[lvl], 0, MERKLE_HASHBYTES);
	}
	memcpy(t->level[lvl], h, MERKLE_HASHBYTES);
	t->size++;
	return 0;
}

/* merkle_tree_root - fold the subtree roots from the smallest (rightmost) to the largest */
void
merkle_tree_root(const struct merkle_tree *t, unsigned char out[MERKLE_HASHBYTES])
{
	unsigned char r[MERKLE_HASHBYTES];
	int	lvl, have = 0;

	for (lvl = 0; lvl < MERKLE_MAXDEPTH; lvl++) {
		if (!((t->size >> lvl) & 1))
			continue;
		if (!have)
			memcpy(r, t->level[lvl], sizeof r);
		else
			merkle_node_hash(t->level[lvl], r, r);
		have = 1;
	}
	if (have)
		memcpy(out, r, sizeof r);
	else
		merkle_empty_root(out);
}

size_t
merkle_tree_encode(const struct merkle_tree *t, unsigned char out[MERKLE_TREE_MAXBYTES])
{
	size_t	n = 8;
	int	i;

	for (i = 0; i < 8; i++)
		out[i] = (unsigned char)(t->size >> (56 - 8 * i));
	for (i = MERKLE_MAXDEPTH - 1; i >= 0; i--)
		if ((t->size >> i) & 1) {
			memcpy(out + n, t->level[i], MERKLE_HASHBYTES);
			n += MERKLE_HASHBYTES;
		}
	return n;
}

int
merkle_tree_decode(struct merkle_tree *t, const unsigned char *in, size_t n)
{
	uint64_t size = 0;
	size_t	off = 8;
	int	i;

	if (n < 8)
		return -1;
	for (i = 0; i < 8; i++)
		size = (size << 8) | in[i];
	if (n != 8 + (size_t)__builtin_popcountll(size) * MERKLE_HASHBYTES)
		return -1;
	merkle_tree_init(t);
	t->size = size;
	for (i = MERKLE_MAXDEPTH - 1; i >= 0; i--)
		if ((size >> i) & 1) {
			memcpy(t->level[i], in + off, MERKLE_HASHBYTES);
			off += MERKLE_HASHBYTES;
		}
	return 0;
}

/*
 * Trees given as arrays of leaf hashes
 */

/* mth - MTH of leaves[0..n), n >= 1, by the RFC's recursion (depth <= 64) */
static void
mth(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t n, unsigned char out[MERKLE_HASHBYTES])
{
	unsigned char l[MERKLE_HASHBYTES], r[MERKLE_HASHBYTES];
	uint64_t k;

	if (n == 1) {
		memcpy(out, leaves[0], MERKLE_HASHBYTES);
		return;
	}
	k = split(n);
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	merkle_node_hash(l, r, out);
}

void
merkle_root_of(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t n,
    unsigned char out[MERKLE_HASHBYTES])
{
	if (n == 0)
		merkle_empty_root(out);
	else
		mth(leaves, n, out);
}

/* reverse - the loops below find the path root first; proofs list it leaf first */
static void
reverse(unsigned char (*path)[MERKLE_HASHBYTES], size_t n)
{
	unsigned char tmp[MERKLE_HASHBYTES];
	size_t	i;

	for (i = 0; i < n / 2; i++) {
		memcpy(tmp, path[i], sizeof tmp);
		memcpy(path[i], path[n - 1 - i], sizeof tmp);
		memcpy(path[n - 1 - i], tmp, sizeof tmp);
	}
}

/*
 * merkle_inclusion_proof - walk down from the whole tree to the leaf; at
 * each split the sibling subtree's root is the next element (RFC 6962
 * PATH appends it after the deeper part, hence the final reverse)
 */
int
merkle_inclusion_proof(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t size,
    uint64_t index, unsigned char (*path)[MERKLE_HASHBYTES], size_t *npath)
{
	uint64_t lo = 0, n = size, m = index, k;
	size_t	cnt = 0;

	if (index >= size)
		return -1;
	while (n > 1) {			/* n at least halves: at most 64 rounds */
		k = split(n);
		if (m < k) {
			mth(leaves + lo + k, n - k, path[cnt++]);
			n = k;
		} else {
			mth(leaves + lo, k, path[cnt++]);
			lo += k;
			m -= k;
			n -= k;
		}
	}
	reverse(path, cnt);
	*npath = cnt;
	return 0;
}

/*
 * merkle_consistency_proof - SUBPROOF(m, D[lo:lo+n], b) unrolled: b is
 * true until the walk first goes right; when m reaches the subtree size
 * the subtree's own root closes the proof unless b still holds
 */
int
merkle_consistency_proof(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t size2,
    uint64_t size1, unsigned char (*path)[MERKLE_HASHBYTES], size_t *npath)
{
	uint64_t lo = 0, n = size2, m = size1, k;
	size_t	cnt = 0;
	int	b = 1;

	if (size1 == 0 || size1 > size2)
		return -1;
	while (m != n) {		/* 1 <= m < n here; n shrinks every round */
		k = split(n);
		if (m <= k) {
			mth(leaves + lo + k, n - k, path[cnt++]);
			n = k;
		} else {
			mth(leaves + lo, k, path[cnt++]);
			lo += k;
			m -= k;
			n -= k;
			b = 0;
		}
	}
	if (!b)
		mth(leaves + lo, n, path[cnt++]);
	reverse(path, cnt);
	*npath = cnt;
	return 0;
}

/*
 * Verification, RFC 9162 2.1.3.2 and 2.1.4.2
 */

int
merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[MERKLE_HASHBYTES],
    const unsigned char (*path)[MERKLE_HASHBYTES], size_t npath,
    const unsigned char root[MERKLE_HASHBYTES])
{
	unsigned char r[MERKLE_HASHBYTES];
	uint64_t fn, sn;
	size_t	i;

	if (index >= size || npath > MERKLE_MAXPATH)
		return -1;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, sizeof r);
	for (i = 0; i < npath; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) == 1 || fn == sn) {
			merkle_node_hash(path[i], r, r);
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			merkle_node_hash(r, path[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, sizeof r) == 0 ? 0 : -1;
}

int
merkle_verify_consistency(uint64_t size1, uint64_t size2,
    const unsigned char (*path)[MERKLE_HASHBYTES], size_t npath,
    const unsigned char root1[MERKLE_HASHBYTES], const unsigned char root2[MERKLE_HASHBYTES])
{
	unsigned char fr[MERKLE_HASHBYTES], sr[MERKLE_HASHBYTES];
	const unsigned char *c;
	uint64_t fn, sn;
	size_t	i, first;

	if (size2 < size1 || size1 == 0 || npath > MERKLE_MAXPATH)
		return -1;
	if (size1 == size2)
		return npath == 0 && memcmp(root1, root2, MERKLE_HASHBYTES) == 0 ? 0 : -1;
	if (npath == 0)
		return -1;
	/*
	 * When size1 is a power of two the proof leaves out root1 (it is a
	 * complete subtree of the new tree); the RFC puts it in front.  Here
	 * the first element is read from root1 instead of copying the path.
	 */
	first = (size1 & (size1 - 1)) == 0 ? 0 : 1;
	c = first == 0 ? root1 : path[0];
	fn = size1 - 1;
	sn = size2 - 1;
	while ((fn & 1) == 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, sizeof fr);
	memcpy(sr, c, sizeof sr);
	for (i = first; i < npath; i++) {
		c = path[i];
		if (sn == 0)
			return -1;
		if ((fn & 1) == 1 || fn == sn) {
			merkle_node_hash(c, fr, fr);
			merkle_node_hash(c, sr, sr);
			if ((fn & 1) == 0)
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else
			merkle_node_hash(sr, c, sr);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root1, sizeof fr) == 0 &&
	    memcmp(sr, root2, sizeof sr) == 0 ? 0 : -1;
}
