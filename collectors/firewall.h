/* The `firewall` collector's model of a ruleset: the few things about each rule that decide
 * whether a new inbound packet gets through, read from nftables (firewall_nft_parse.c) or
 * iptables-legacy (firewall_ipt.c), evaluated by firewall_eval.c. Anything a rule matches on
 * that the model does not know becomes FW_M_OTHER, which the evaluator treats as "unknown". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "report.h"

/* Bounds on what a dump may make us hold: a hostile or huge ruleset is cut, and said so. */
#define FW_DUMP_MAX    ((size_t)64 << 20) /* bytes of a netlink dump read */
#define FW_MAX_CHAINS  16384
#define FW_MAX_RULES   262144
#define FW_MAX_MATCHES 16   /* per rule; more makes the rule FW_M_OTHER */
#define FW_MAX_RANGES  1024 /* port ranges in one match (a set's elements) */
#define FW_MAX_SETS    4096
#define FW_MAX_DEPTH   16 /* jumps followed */
#define FW_NAME_MAX    64

/* conntrack state bits, as nftables' ct state and xt_conntrack both number them */
#define FW_CT_INVALID     0x01u
#define FW_CT_ESTABLISHED 0x02u
#define FW_CT_RELATED     0x04u
#define FW_CT_NEW         0x08u
#define FW_CT_UNTRACKED   0x40u

enum fw_match_kind {
        FW_M_NFPROTO,   /* value: NFPROTO_IPV4 / NFPROTO_IPV6 */
        FW_M_L4PROTO,   /* value: IPPROTO_* */
        FW_M_DPORT,     /* ranges */
        FW_M_SPORT,     /* ranges */
        FW_M_CTSTATE,   /* value: a mask of FW_CT_*: true when the packet's state is in it */
        FW_M_IIF_LO,    /* the packet came in on loopback */
        FW_M_DST_LOCAL, /* the destination is a local unicast address (fib/addrtype) */
        FW_M_DST_MULTI, /* the destination is multicast or broadcast */
        FW_M_DNAT,      /* the destination was rewritten (ct status dnat) */
        FW_M_OTHER,     /* anything else: addresses, marks, rates, interfaces but lo... */
        FW_M_MAX,
};

struct fw_range {
        uint16_t lo, hi;
};

struct fw_match {
        enum fw_match_kind kind;
        bool invert;
        uint32_t value;
        struct fw_range *ranges; /* FW_M_DPORT/SPORT, owned */
        size_t n_ranges;
};

enum fw_verdict {
        FW_V_NONE, /* no verdict (counter, log): the next rule */
        FW_V_ACCEPT,
        FW_V_DROP,
        FW_V_REJECT,
        FW_V_JUMP, /* target: a chain index */
        FW_V_GOTO,
        FW_V_RETURN,
        FW_V_UNKNOWN, /* queue, a target we do not know */
        FW_V_MAX,
};

struct fw_rule {
        struct fw_match matches[FW_MAX_MATCHES];
        size_t n_matches;
        enum fw_verdict verdict;
        int target; /* chain index for JUMP/GOTO, -1 when unresolved */
        char target_name[FW_NAME_MAX];
        bool xt;  /* uses an iptables (xt) match or target: written by iptables-nft */
        bool nat; /* holds a nat or redirect expression */
};

enum fw_family { FW_FAMILY_IP, FW_FAMILY_IP6, FW_FAMILY_INET, FW_FAMILY_OTHER };

struct fw_chain {
        char table[FW_NAME_MAX];
        char name[FW_NAME_MAX];
        enum fw_family family;
        bool base;  /* hooked */
        bool input; /* on the input hook of ip, ip6 or inet */
        int priority;
        enum fw_verdict policy; /* ACCEPT or DROP for a base chain */
        struct fw_rule *rules;
        size_t n_rules, cap_rules;
        bool legacy; /* from iptables-legacy */
};

struct fw_ruleset {
        struct fw_chain *chains;
        size_t n_chains, cap_chains;
        size_t n_rules; /* all rules of all chains */
        size_t n_tables;
        bool cut; /* a bound was reached: what is here is a prefix */
        char cut_reason[96];
        bool have_nft, have_legacy;
        bool nft_tables_firewalld; /* a table named firewalld */
        bool has_nat;              /* some rule rewrites addresses: "ct status dnat" may hold */
        uint32_t generation;       /* nftables ruleset generation, when known */
};

void fw_ruleset_init(struct fw_ruleset *rs);
void fw_ruleset_free(struct fw_ruleset *rs);
struct fw_chain *fw_chain_add(struct fw_ruleset *rs);
struct fw_rule *fw_rule_add(struct fw_ruleset *rs, struct fw_chain *c);
int fw_chain_find(const struct fw_ruleset *rs, enum fw_family f, const char *table,
                  const char *name);
/* Resolve every JUMP/GOTO target name to its chain index (same family and table). */
void fw_ruleset_link(struct fw_ruleset *rs);
void fw_match_add_range(struct fw_match *m, uint16_t lo, uint16_t hi);
/* The next whole netlink message of buf (of len) at *off, advancing *off; NULL at the end or
 * at a length that does not fit. libmnl's mnl_nlmsg_ok casts the length to int: a length
 * above 2 GiB passes it. */
const struct nlmsghdr *fw_nlmsg_next(const void *buf, size_t len, size_t *off);

/* --- firewall_nft_dump.c: the producer (needs CAP_NET_ADMIN) --- */

/* A memfd holding the nftables ruleset as netlink messages: tables, chains, rules, sets and
 * set elements of every family, as the kernel sent them. At most FW_DUMP_MAX bytes: a cut
 * dump ends with an NLMSG_ERROR of -EFBIG. */
int firewall_nft_dump(void);
/* The ruleset's generation id (NFT_MSG_GETGEN), cheap: for the watch's re-check. */
int firewall_nft_generation(uint32_t *ret);

/* --- firewall_nft_parse.c --- */

/* Add the nftables ruleset in the dump buf (netlink messages) to rs. 0, or -ENOMEM; bytes
 * that do not parse are skipped, a cut dump sets rs->cut. */
int firewall_nft_parse(const void *buf, size_t len, struct fw_ruleset *rs);

/* --- firewall_xt.c: iptables' match and target blobs (nft_compat and legacy) --- */

/* The model's matches (0 to 2, into out) for an xt match: name, revision, its info. One
 * FW_M_OTHER when not known; none for one that always matches (comment). */
size_t firewall_xt_match(const char *name, uint32_t rev, const void *info, size_t len,
                         struct fw_match out[2]);
/* The verdict of an xt target (REJECT, LOG...), FW_V_UNKNOWN when not known. */
enum fw_verdict firewall_xt_target(const char *name);

/* --- firewall_ipt.c: iptables-legacy's filter table --- */

/* Producer: a memfd with `struct ipt_getinfo` then the `ipt_get_entries` of the filter
 * table; -ENOENT when the legacy filter table is not loaded (never loads the module). */
int firewall_ipt_dump(void);
int firewall_ipt_parse(const void *buf, size_t len, struct fw_ruleset *rs);

/* --- firewall_eval.c --- */

enum fw_result { FW_R_ACCEPT, FW_R_DROP, FW_R_REJECT, FW_R_UNKNOWN };

/* A packet to evaluate. A field of FW_ANY is "a value no rule names": equality with it is
 * false. */
#define FW_ANY 0xffffffffu
struct fw_packet {
        uint8_t nfproto; /* NFPROTO_IPV4 / NFPROTO_IPV6 */
        uint32_t l4proto;
        uint32_t dport;
        uint32_t ctstate;
        bool unknown_other; /* FW_M_OTHER and sport: unknown (true) or false (a default) */
};

enum fw_result firewall_eval(const struct fw_ruleset *rs, const struct fw_packet *p);
const char *firewall_result_string(enum fw_result r);

/* The facts of a ruleset: active, frontend, defaults, counts, input chains. */
int firewall_facts(const struct fw_ruleset *rs, struct report_firewall *fw);

/* --- firewall_sockets.c: listening sockets (NETLINK_SOCK_DIAG, unprivileged) --- */

/* Append a report_port per listening TCP and unconnected UDP socket, IPv4 and IPv6; their
 * `reachable` from rs (NULL: unknown). */
int firewall_sockets(const struct fw_ruleset *rs, struct report_firewall *fw);
/* Parse one sock_diag answer (netlink messages) into fw; for the fuzzer. */
int firewall_sockets_parse(const void *buf, size_t len, uint8_t protocol,
                           const struct fw_ruleset *rs, struct report_firewall *fw);
