/* nftables sets, as far as rules' lookups need them: the 1- and 2-byte keys (protocols,
 * ports) of each set and whether they are intervals. Anything else makes the set unusable,
 * and a lookup in it "unknown". */
#include <errno.h>
#include <stdio.h> /* libnftnl's headers use FILE */
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall_nft.h"

#define SET_MAX_ELEMS 8192

void firewall_nft_sets_free(struct nft_sets *sets) {
        for (size_t i = 0; i < sets->n; i++)
                free(sets->v[i].elems);
        free(sets->v);
        sets->v = NULL;
        sets->n = 0;
}

const struct nft_set *firewall_nft_set_find(const struct nft_sets *sets, uint32_t family,
                                            const char *table, const char *name) {
        for (size_t i = 0; i < sets->n; i++) {
                const struct nft_set *s = &sets->v[i];
                if (s->family == family && strcmp(s->table, table) == 0 &&
                    strcmp(s->name, name) == 0)
                        return s;
        }
        return NULL;
}

static int add_set(struct nftnl_set *ns, struct nft_sets *sets) {
        struct nft_set *v, *s;

        if (sets->n >= FW_MAX_SETS)
                return 0; /* a lookup in a set not kept is "unknown" */
        v = realloc(sets->v, (sets->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        sets->v = v;
        s = &v[sets->n++];
        memset(s, 0, sizeof(*s));
        s->family = nftnl_set_get_u32(ns, NFTNL_SET_FAMILY);
        snprintf(s->table, sizeof(s->table), "%s", nftnl_set_get_str(ns, NFTNL_SET_TABLE));
        snprintf(s->name, sizeof(s->name), "%s", nftnl_set_get_str(ns, NFTNL_SET_NAME));
        s->flags = nftnl_set_get_u32(ns, NFTNL_SET_FLAGS);
        s->key_len = nftnl_set_get_u32(ns, NFTNL_SET_KEY_LEN);
        /* concatenations and maps are not judged */
        s->unusable = (s->key_len != 1 && s->key_len != 2 && s->key_len != 4) ||
                      (s->flags & NFT_SET_MAP) || (s->flags & NFT_SET_CONCAT);
        return 0;
}

static void add_elems(struct nftnl_set *ns, struct nft_set *s) {
        struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(ns);
        struct nftnl_set_elem *e;

        if (!it) {
                s->unusable = true;
                return;
        }
        for (e = nftnl_set_elems_iter_cur(it); e && !s->unusable;
             e = nftnl_set_elems_iter_next(it)) {
                uint32_t klen = 0;
                const uint8_t *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
                uint32_t flags = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS)
                                         ? nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS)
                                         : 0;
                struct nft_set_elem *v;

                if (!k || klen < s->key_len || nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END) ||
                    s->n_elems >= SET_MAX_ELEMS) {
                        s->unusable = true;
                        break;
                }
                v = realloc(s->elems, (s->n_elems + 1) * sizeof(*v));
                if (!v) {
                        s->unusable = true;
                        break;
                }
                s->elems = v;
                /* keys are in network order, as the packet's bytes */
                if (s->key_len == 4)
                        memcpy(&v[s->n_elems].key, k, 4); /* ct state: host order */
                else
                        v[s->n_elems].key = s->key_len == 2 ? (uint32_t)(k[0] << 8 | k[1]) : k[0];
                v[s->n_elems].end = flags & NFT_SET_ELEM_INTERVAL_END;
                s->n_elems++;
        }
        nftnl_set_elems_iter_destroy(it);
}

int firewall_nft_set(const struct nlmsghdr *nlh, bool elems, struct nft_sets *sets) {
        struct nftnl_set *ns = nftnl_set_alloc();
        int r = 0;

        if (!ns)
                return -ENOMEM;
        if (!elems) {
                if (firewall_nft_set_sane(nlh, false) && nftnl_set_nlmsg_parse(nlh, ns) == 0 &&
                    nftnl_set_is_set(ns, NFTNL_SET_NAME) && nftnl_set_is_set(ns, NFTNL_SET_TABLE))
                        r = add_set(ns, sets);
        } else if (firewall_nft_set_sane(nlh, true) && nftnl_set_elems_nlmsg_parse(nlh, ns) == 0 &&
                   nftnl_set_is_set(ns, NFTNL_SET_NAME) && nftnl_set_is_set(ns, NFTNL_SET_TABLE)) {
                const struct nft_set *found =
                        firewall_nft_set_find(sets, nftnl_set_get_u32(ns, NFTNL_SET_FAMILY),
                                              nftnl_set_get_str(ns, NFTNL_SET_TABLE),
                                              nftnl_set_get_str(ns, NFTNL_SET_NAME));
                if (found && !found->unusable)
                        add_elems(ns, (struct nft_set *)(uintptr_t)found);
        }
        nftnl_set_free(ns);
        return r;
}

static int by_key(const void *a, const void *b) {
        const struct nft_set_elem *x = a, *y = b;

        if (x->key != y->key)
                return x->key < y->key ? -1 : 1;
        return (int)x->end - (int)y->end; /* an end before a start at the same key */
}

bool firewall_nft_set_mask(const struct nft_set *s, uint32_t *ret) {
        uint32_t mask = 0;

        if (s->unusable || s->key_len != 4 || (s->flags & NFT_SET_INTERVAL))
                return false;
        for (size_t i = 0; i < s->n_elems; i++)
                mask |= s->elems[i].key;
        *ret = mask;
        return true;
}

bool firewall_nft_set_ranges(const struct nft_set *s, struct fw_match *m) {
        struct nft_set_elem *e;

        if (s->unusable || s->key_len > 2)
                return false;
        if (!(s->flags & NFT_SET_INTERVAL)) {
                for (size_t i = 0; i < s->n_elems; i++)
                        fw_match_add_range(m, (uint16_t)s->elems[i].key, (uint16_t)s->elems[i].key);
                return m->kind != FW_M_OTHER;
        }
        if (s->n_elems == 0)
                return true; /* an empty set: the match is never true */
        /* intervals: a start key, then the end key (exclusive) flagged INTERVAL_END; a start
         * with no end after it runs to the last value */
        e = malloc((s->n_elems ? s->n_elems : 1) * sizeof(*e));
        if (!e)
                return false;
        memcpy(e, s->elems, s->n_elems * sizeof(*e));
        qsort(e, s->n_elems, sizeof(*e), by_key);
        for (size_t i = 0; i < s->n_elems; i++) {
                uint32_t hi = s->key_len == 2 ? 0xffff : 0xff;
                if (e[i].end)
                        continue;
                if (i + 1 < s->n_elems && e[i + 1].end) {
                        if (e[i + 1].key == 0)
                                continue;
                        hi = e[i + 1].key - 1;
                }
                fw_match_add_range(m, (uint16_t)e[i].key, (uint16_t)hi);
        }
        free(e);
        return m->kind != FW_M_OTHER;
}
