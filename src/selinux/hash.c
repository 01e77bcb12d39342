// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space stand-in for a BPF hash map: 64-bit keys (an ABI key
 * struct packed), 32-bit values, open addressing. Keys are never 0.
 */
#include <stdlib.h>
#include <string.h>

#include "selinux/internal.h"

static uint32_t slot_of(uint64_t key, uint32_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	key *= 0xc4ceb9fe1a85ec53ULL;
	key ^= key >> 33;
	return (uint32_t)key & (cap - 1);
}

static int grow(struct se_hash *h)
{
	uint32_t cap = h->cap ? h->cap * 2 : 64;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (uint32_t i = 0; i < h->cap; i++) {
		uint32_t s;

		if (!h->keys[i])
			continue;
		for (s = slot_of(h->keys[i], cap); keys[s]; s = (s + 1) & (cap - 1))
			;
		keys[s] = h->keys[i];
		vals[s] = h->vals[i];
	}
	free(h->keys);
	free(h->vals);
	h->keys = keys;
	h->vals = vals;
	h->cap = cap;
	return 0;
}

int se_hash_put(struct se_hash *h, uint64_t key, uint32_t val)
{
	uint32_t s;

	if ((h->n + 1) * 2 > h->cap && grow(h))
		return -1;
	for (s = slot_of(key, h->cap); h->keys[s]; s = (s + 1) & (h->cap - 1))
		if (h->keys[s] == key) {
			h->vals[s] = val;
			return 0;
		}
	h->keys[s] = key;
	h->vals[s] = val;
	h->n++;
	return 0;
}

bool se_hash_get(const struct se_hash *h, uint64_t key, uint32_t *val)
{
	if (!h->cap)
		return false;
	for (uint32_t s = slot_of(key, h->cap); h->keys[s]; s = (s + 1) & (h->cap - 1))
		if (h->keys[s] == key) {
			if (val)
				*val = h->vals[s];
			return true;
		}
	return false;
}

void se_hash_free(struct se_hash *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}
