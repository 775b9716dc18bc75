/* Inside the nftables parser: its sets (for rules' lookups) and its rule interpreter. */
#pragma once

#include <stdio.h> /* libnftnl's headers use FILE */
#include <libnftnl/rule.h>
#include <linux/netlink.h>

#include "firewall.h"

struct nft_set_elem {
        uint32_t key; /* a 1- or 2-byte key (protocol, port) in host order; 4 bytes: ct state */
        bool end;     /* the end (exclusive) of an interval */
};

struct nft_set {
        uint32_t family;
        char table[FW_NAME_MAX];
        char name[FW_NAME_MAX];
        uint32_t flags;   /* NFT_SET_* */
        uint32_t key_len; /* bytes: 1 (protocols), 2 (ports), 4 (ct state) are judged */
        struct nft_set_elem *elems;
        size_t n_elems;
        bool unusable; /* too many elements, ranged ends, out of memory */
};

struct nft_sets {
        struct nft_set *v;
        size_t n;
};

/* Whether a NEWSET or NEWSETELEM message may be given to libnftnl (firewall_nft_parse.c). */
bool firewall_nft_set_sane(const struct nlmsghdr *nlh, bool elems);
/* A NEWSET (elems false) or NEWSETELEM message, added to sets. 0 or -ENOMEM. */
int firewall_nft_set(const struct nlmsghdr *nlh, bool elems, struct nft_sets *sets);
void firewall_nft_sets_free(struct nft_sets *sets);
/* The set named by a rule's lookup, or NULL. */
const struct nft_set *firewall_nft_set_find(const struct nft_sets *sets, uint32_t family,
                                            const char *table, const char *name);
/* Fill m's ranges with the set's keys; false when the set cannot be judged. */
bool firewall_nft_set_ranges(const struct nft_set *s, struct fw_match *m);
/* The OR of a set of ct states (4-byte keys, not intervals); false when it is not one. */
bool firewall_nft_set_mask(const struct nft_set *s, uint32_t *ret);

/* Interpret the rule's expressions into rule (of a chain of family f). */
void firewall_nft_rule(struct nftnl_rule *nr, enum fw_family f, const struct nft_sets *sets,
                       struct fw_rule *rule);
