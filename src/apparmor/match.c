// SPDX-License-Identifier: GPL-2.0
/*
 * The reference matcher: the DFA walk and the permission mapping exactly as
 * the kernel's AppArmor does them, in plain C. Unit tests and `nslsm
 * apparmor check` use it; the BPF walk must agree with it.
 */
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "policy.h"

#define MATCH_FLAG_DIFF_ENCODE 0x80000000u
#define base_idx(x) ((x) & 0xffffff)

uint32_t aa_dfa_next(const struct aa_dfa *d, uint32_t state, uint8_t c)
{
	uint8_t cls = d->has_ec ? d->ec[c] : c;

	/* Follow default states (repeatedly for diff-encoded states) until a
	 * state owns the transition. Validation guarantees the chain ends. */
	for (;;) {
		uint32_t b = d->base[state];
		uint32_t pos = base_idx(b) + cls;

		if (d->check[pos] != state) {
			state = d->def[state];
			if (b & MATCH_FLAG_DIFF_ENCODE)
				continue;
			return state;
		}
		return d->next[pos];
	}
}

uint32_t aa_dfa_match_len(const struct aa_dfa *d, uint32_t state, const char *s, size_t len)
{
	if (!state)
		return 0;
	for (size_t i = 0; i < len; i++)
		state = aa_dfa_next(d, state, (uint8_t)s[i]);
	return state;
}

uint32_t aa_dfa_match(const struct aa_dfa *d, uint32_t state, const char *s)
{
	return aa_dfa_match_len(d, state, s, strlen(s));
}

/* Old (accept1/accept2 packed) file permissions to the internal layout. */
static uint32_t map_old_perms(uint32_t old)
{
	uint32_t n = old & 0xf;

	if (old & AA_MAY_READ)
		n |= AA_MAY_GETATTR | AA_MAY_OPEN;
	if (old & AA_MAY_WRITE)
		n |= AA_MAY_SETATTR | AA_MAY_CREATE | AA_MAY_DELETE | AA_MAY_CHMOD |
		     AA_MAY_CHOWN | AA_MAY_OPEN;
	if (old & 0x10)
		n |= AA_MAY_LINK;
	if (old & 0x20)
		n |= AA_MAY_LOCK | AA_LINK_SUBSET;
	if (old & 0x40)
		n |= AA_EXEC_MMAP;
	return n;
}

static uint32_t map_xindex(uint32_t mask)
{
	uint32_t old = (mask >> 10) & 0xf, x = 0;

	if (mask & 0x100)
		x |= AA_X_UNSAFE;
	if (mask & 0x200)
		x |= AA_X_INHERIT;
	if (mask & 0x80)
		x |= AA_X_UNCONFINED;
	if (old == 1)
		x |= AA_X_UNCONFINED;
	else if (old == 2)
		x |= AA_X_NAME;
	else if (old == 3)
		x |= AA_X_NAME | AA_X_CHILD;
	else if (old)
		x |= AA_X_TABLE | (old - 4);
	return x;
}

struct nslsm_aa_perms aa_file_perms(const struct aa_dfa *d, uint32_t state, bool owner)
{
	struct nslsm_aa_perms p = { 0 };
	uint32_t a1, a2;

	if (d->perms) {
		p = d->perms[d->accept[state]];
		return p;
	}
	a1 = d->accept[state];
	a2 = d->accept2 ? d->accept2[state] : 0;
	if (owner) {
		p.allow = map_old_perms(a1 & 0x7f);
		p.audit = map_old_perms(a2 & 0x7f);
		p.quiet = map_old_perms((a2 >> 7) & 0x7f);
		p.xindex = map_xindex(a1 & 0x3fff);
	} else {
		p.allow = map_old_perms((a1 >> 14) & 0x7f);
		p.audit = map_old_perms((a2 >> 14) & 0x7f);
		p.quiet = map_old_perms((a2 >> 21) & 0x7f);
		p.xindex = map_xindex((a1 >> 14) & 0x3fff);
	}
	p.allow |= AA_MAY_GETATTR;
	if (a1 & 0x80000000u)
		p.allow |= AA_MAY_CHANGE_PROFILE;
	if (a1 & 0x40000000u)
		p.allow |= AA_MAY_ONEXEC;
	return p;
}

static uint32_t map_other(uint32_t x)
{
	return ((x & 0x3) << 8) | ((x & 0x1c) << 18) | ((x & 0x60) << 19);
}

struct nslsm_aa_perms aa_policy_perms(const struct aa_dfa *d, uint32_t state)
{
	struct nslsm_aa_perms p = { 0 };
	uint32_t a1, a2;

	if (!state)
		return p;
	if (d->perms)
		return d->perms[d->accept[state]];
	a1 = d->accept[state];
	a2 = d->accept2 ? d->accept2[state] : 0;
	p.allow = (a1 & 0x7f) | (a1 & 0x80000000u);
	p.audit = a2 & 0x7f;
	p.quiet = (a2 >> 7) & 0x7f;
	p.allow |= map_other(((a1 >> 14) & 0x7f) | (a1 & 0x80000000u));
	p.audit |= map_other((a2 >> 14) & 0x7f);
	p.quiet |= map_other((a2 >> 21) & 0x7f);
	return p;
}

struct nslsm_aa_perms aa_profile_file_perms(const struct aa_profile *p, const char *path, bool owner)
{
	struct nslsm_aa_perms none = { .allow = 0 };
	uint32_t s;

	if (!p->file.dfa || !p->file_start)
		return none;
	s = aa_dfa_match(p->file.dfa, p->file_start, path);
	return aa_file_perms(p->file.dfa, s, owner);
}

uint32_t aa_profile_net_start(const struct aa_profile *p)
{
	if (!p->policy.dfa)
		return 0;
	return aa_dfa_next(p->policy.dfa, p->policy.start, AA_CLASS_NET);
}

struct nslsm_aa_perms aa_profile_net_perms(const struct aa_profile *p, unsigned int family,
					   unsigned int type)
{
	uint32_t s = aa_profile_net_start(p);
	char buf[4] = { (char)(family >> 8), (char)family, (char)(type >> 8), (char)type };

	if (!s) {
		struct nslsm_aa_perms all = { .allow = ~0u };
		return all;
	}
	s = aa_dfa_match_len(p->policy.dfa, s, buf, 4);
	return aa_policy_perms(p->policy.dfa, s);
}

bool aa_profile_attaches(const struct aa_profile *p, const char *path, uint32_t *len)
{
	uint32_t s;

	if (!p->xmatch.dfa)
		return false;
	s = aa_dfa_match(p->xmatch.dfa, 1, path);
	if (!s || !(p->xmatch.dfa->accept[s] & AA_MAY_EXEC))
		return false;
	*len = p->xmatch_len;
	return true;
}

/* The kernel's audit spelling of a file permission mask: one letter per
 * bit, lowest bit first ("xwracd" then k, m, l). */
void aa_perm_mask_str(uint32_t mask, char *buf, size_t len)
{
	static const char chrs[] = "xwracd         km l";
	size_t o = 0;

	for (unsigned int bit = 0; bit < sizeof(chrs) - 1 && o + 1 < len; bit++)
		if ((mask & (1u << bit)) && chrs[bit] != ' ')
			buf[o++] = chrs[bit];
	buf[o] = '\0';
}

int aa_perm_mask_parse(const char *s, uint32_t *mask)
{
	*mask = 0;
	if (!*s)
		return nslsm_fail("empty permission mask");
	for (const char *c = s; *c; c++) {
		switch (*c) {
		case 'r': *mask |= AA_MAY_READ; break;
		case 'w': *mask |= AA_MAY_WRITE; break;
		case 'a': *mask |= AA_MAY_APPEND; break;
		case 'x': *mask |= AA_MAY_EXEC; break;
		case 'm': *mask |= AA_EXEC_MMAP; break;
		case 'k': *mask |= AA_MAY_LOCK; break;
		case 'l': *mask |= AA_MAY_LINK; break;
		case 'c': *mask |= AA_MAY_CREATE; break;
		case 'd': *mask |= AA_MAY_DELETE; break;
		case 'o': *mask |= AA_MAY_CHOWN; break;
		case 'M': *mask |= AA_MAY_CHMOD; break;
		default:
			return nslsm_fail("unknown permission '%c' in '%s' (use r w a x m k l c d o M)",
					  *c, s);
		}
	}
	return 0;
}

/* AppArmor's names of ptrace permissions: the tracer's trace and read, the
 * tracee's tracedby and readby (the same bits shifted by two). */
void aa_ptrace_mask_str(uint32_t mask, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ AA_MAY_WRITE, "trace" }, { AA_MAY_READ, "read" },
		{ AA_MAY_WRITE << 2, "tracedby" }, { AA_MAY_READ << 2, "readby" },
	};
	size_t o = 0;

	if (len)
		buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(mask & names[i].bit))
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? " " : "", names[i].name);
		if (n < 0 || (size_t)n >= len - o)
			return;
		o += n;
	}
}
