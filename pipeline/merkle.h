/*
 * merkle.h - RFC 6962 / RFC 9162 Merkle trees over SHA-256
 *
 * Contract: the hashes, tree heads, proofs and proof checks of a
 * Certificate Transparency style log, as summarised in
 * ../shared/FORMATS.md section 4.  Every hash is MERKLE_HASHBYTES (32)
 * bytes:
 *
 *	leaf hash  = SHA-256(0x00 || data)
 *	node hash  = SHA-256(0x01 || left || right)
 *	MTH({})    = SHA-256("")
 *	MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
 *
 * This module uses libc and libsodium's crypto_hash_sha256 only, so the
 * auditor's standalone verifier can link it alone.  libsodium's SHA-256
 * needs no sodium_init(); nothing here allocates memory.
 *
 * Two ways to hold a tree:
 *
 *  - struct merkle_tree, the compact range of an append-only log: the
 *    root of each complete subtree, one per set bit of the size (at most
 *    64).  merkle_tree_init, then merkle_tree_append per leaf hash;
 *    merkle_tree_root gives the tree head at any time, in O(log n).
 *    Persist it with merkle_tree_encode / merkle_tree_decode, a portable
 *    byte form: size as 8 bytes big-endian, then the subtree roots from
 *    the largest subtree (highest bit of size) to the smallest, 32 bytes
 *    each, so 8 + 32 * popcount(size) bytes in all.
 *
 *  - an array of leaf hashes (leaves[i] = merkle_leaf_hash of entry i):
 *    merkle_root_of, merkle_inclusion_proof and merkle_consistency_proof
 *    recompute what they need, O(n) hashes each, no memory beyond the
 *    output (recursion depth <= 64).
 *
 * Proofs are arrays of hashes in RFC 6962 order (from the leaf upward);
 * a caller gives room for MERKLE_MAXPATH of them.  The verifiers follow
 * RFC 9162 sections 2.1.3.2 and 2.1.4.2 exactly, in unsigned 64-bit
 * arithmetic; they trust no argument (any size, index or path length is
 * safe to pass) and return 0 when the proof holds, -1 otherwise.
 *
 * Errors: functions returning int give 0, or -1 for arguments outside
 * their domain (stated per function); nothing is written to out then.
 */
#ifndef ROI_MERKLE_H
#define ROI_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASHBYTES	32
#define MERKLE_MAXDEPTH		64	/* levels of a tree of up to 2^64 - 1 leaves */
#define MERKLE_MAXPATH		(2 * MERKLE_MAXDEPTH)	/* room for any proof */
#define MERKLE_TREE_MAXBYTES	(8 + MERKLE_MAXDEPTH * MERKLE_HASHBYTES)

/*
 * The compact range.  level[h] is the root of the complete subtree of
 * 2^h leaves iff bit h of size is set; other slots are zero.  Treat it as
 * opaque: use the functions below, and merkle_tree_encode to store it.
 */
struct merkle_tree {
	uint64_t	size;
	unsigned char	level[MERKLE_MAXDEPTH][MERKLE_HASHBYTES];
};

/* merkle_leaf_hash - SHA-256(0x00 || data[0..n)) */
void	merkle_leaf_hash(const void *data, size_t n, unsigned char out[MERKLE_HASHBYTES]);
/* merkle_node_hash - SHA-256(0x01 || l || r); out may alias l or r */
void	merkle_node_hash(const unsigned char l[MERKLE_HASHBYTES],
	    const unsigned char r[MERKLE_HASHBYTES], unsigned char out[MERKLE_HASHBYTES]);
/* merkle_empty_root - the root of the empty tree, SHA-256("") */
void	merkle_empty_root(unsigned char out[MERKLE_HASHBYTES]);

/* merkle_tree_init - the empty tree */
void	merkle_tree_init(struct merkle_tree *t);
/* merkle_tree_append - add one leaf hash; -1 if the tree already has 2^64 - 1 leaves */
int	merkle_tree_append(struct merkle_tree *t, const unsigned char leaf[MERKLE_HASHBYTES])
	    __attribute__((warn_unused_result));
/* merkle_tree_root - the tree head MTH of the t->size leaves appended so far */
void	merkle_tree_root(const struct merkle_tree *t, unsigned char out[MERKLE_HASHBYTES]);
/* merkle_tree_encode - the byte form described above; returns its length */
size_t	merkle_tree_encode(const struct merkle_tree *t, unsigned char out[MERKLE_TREE_MAXBYTES]);
/* merkle_tree_decode - read the byte form; -1 unless n is exactly 8 + 32 * popcount(size) */
int	merkle_tree_decode(struct merkle_tree *t, const unsigned char *in, size_t n)
	    __attribute__((warn_unused_result));

/* merkle_root_of - MTH(leaves[0..n)); n == 0 gives SHA-256("") */
void	merkle_root_of(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t n,
	    unsigned char out[MERKLE_HASHBYTES]);

/*
 * merkle_inclusion_proof - PATH(index, leaves[0..size)) of RFC 6962
 * 2.1.1 into path (room for MERKLE_MAXPATH), its length in *npath.
 * -1 unless index < size.
 */
int	merkle_inclusion_proof(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t size,
	    uint64_t index, unsigned char (*path)[MERKLE_HASHBYTES], size_t *npath)
	    __attribute__((warn_unused_result));

/*
 * merkle_consistency_proof - PROOF(size1, leaves[0..size2)) of RFC 6962
 * 2.1.2 into path (room for MERKLE_MAXPATH), its length in *npath.
 * size1 == size2 gives the empty proof.  -1 unless 0 < size1 <= size2.
 */
int	merkle_consistency_proof(const unsigned char (*leaves)[MERKLE_HASHBYTES], uint64_t size2,
	    uint64_t size1, unsigned char (*path)[MERKLE_HASHBYTES], size_t *npath)
	    __attribute__((warn_unused_result));

/* merkle_verify_inclusion - 0 iff path proves leaf is entry index of the tree with root */
int	merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[MERKLE_HASHBYTES],
	    const unsigned char (*path)[MERKLE_HASHBYTES], size_t npath,
	    const unsigned char root[MERKLE_HASHBYTES]) __attribute__((warn_unused_result));

/*
 * merkle_verify_consistency - 0 iff path proves the tree of size2 leaves
 * with root2 extends the tree of size1 leaves with root1.  As in RFC 9162
 * size1 == 0 always fails (even 0 -> 0), and size1 == size2 holds only
 * with an empty path and root1 == root2.
 */
int	merkle_verify_consistency(uint64_t size1, uint64_t size2,
	    const unsigned char (*path)[MERKLE_HASHBYTES], size_t npath,
	    const unsigned char root1[MERKLE_HASHBYTES], const unsigned char root2[MERKLE_HASHBYTES])
	    __attribute__((warn_unused_result));

#endif
