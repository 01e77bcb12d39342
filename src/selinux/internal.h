/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the SELinux compiler and the reference decision only. */
#ifndef NSLSM_SE_INTERNAL_H
#define NSLSM_SE_INTERNAL_H

#include "selinux/policy.h"

int se_hash_put(struct se_hash *h, uint64_t key, uint32_t val);
bool se_hash_get(const struct se_hash *h, uint64_t key, uint32_t *val);
void se_hash_free(struct se_hash *h);

/* ABI keys packed into a hash key (every field nonzero in a valid key). */
static inline uint64_t se_key4(uint16_t a, uint16_t b, uint16_t c, uint16_t d)
{
	return (uint64_t)a | (uint64_t)b << 16 | (uint64_t)c << 32 | (uint64_t)d << 48;
}

static inline uint64_t se_pair(uint16_t a, uint16_t b)
{
	return se_key4(a, b, 0, 0);
}

static inline bool se_cat_get(const struct nslsm_se_level *l, uint32_t bit)
{
	return bit < NSLSM_SE_MAX_CATS && (l->cats[bit / 64] >> (bit % 64)) & 1;
}

static inline void se_cat_set(struct nslsm_se_level *l, uint32_t bit)
{
	l->cats[bit / 64] |= 1ULL << (bit % 64);
}

/* Order of filename transition keys: source, target, class, then name. */
int se_name_trans_cmp(const struct nslsm_se_name_trans_key *a,
		      const struct nslsm_se_name_trans_key *b);

#endif /* NSLSM_SE_INTERNAL_H */
