/* The firewall evaluator on hand-built rulesets, table-driven: each row is a small ruleset
 * (chains of rules in a tiny notation) and what a packet to a port gets. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"
#include "firewall_watch.h"

/* A rule in words: "[match ...] verdict", matches "tcp", "udp", "dport=N", "dport=A-B",
 * "!dport=N", "est" (ct state established,related), "new", "lo", "saddr" (unknown), verdicts
 * "accept", "drop", "reject", "jump:CHAIN", "goto:CHAIN", "return", "log". */
static void rule(struct fw_ruleset *rs, struct fw_chain *c, const char *text) {
        struct fw_rule *r = fw_rule_add(rs, c);
        char buf[128], *save = NULL;

        assert_non_null(r);
        snprintf(buf, sizeof(buf), "%s", text);
        for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                struct fw_match *m = &r->matches[r->n_matches];
                unsigned lo, hi;
                bool inv = w[0] == '!';

                if (inv)
                        w++;
                if (strcmp(w, "tcp") == 0 || strcmp(w, "udp") == 0) {
                        m->kind = FW_M_L4PROTO;
                        fw_match_add_range(m, w[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP,
                                           w[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP);
                } else if (sscanf(w, "dport=%u-%u", &lo, &hi) == 2) {
                        m->kind = FW_M_DPORT;
                        fw_match_add_range(m, (uint16_t)lo, (uint16_t)hi);
                } else if (sscanf(w, "dport=%u", &lo) == 1) {
                        m->kind = FW_M_DPORT;
                        fw_match_add_range(m, (uint16_t)lo, (uint16_t)lo);
                } else if (strcmp(w, "est") == 0 || strcmp(w, "new") == 0) {
                        m->kind = FW_M_CTSTATE;
                        m->value = w[0] == 'e' ? FW_CT_ESTABLISHED | FW_CT_RELATED : FW_CT_NEW;
                } else if (strcmp(w, "lo") == 0) {
                        m->kind = FW_M_IIF_LO;
                } else if (strcmp(w, "saddr") == 0) {
                        m->kind = FW_M_OTHER;
                } else {
                        r->verdict = strcmp(w, "accept") == 0      ? FW_V_ACCEPT
                                     : strcmp(w, "drop") == 0      ? FW_V_DROP
                                     : strcmp(w, "reject") == 0    ? FW_V_REJECT
                                     : strcmp(w, "return") == 0    ? FW_V_RETURN
                                     : strncmp(w, "jump:", 5) == 0 ? FW_V_JUMP
                                     : strncmp(w, "goto:", 5) == 0 ? FW_V_GOTO
                                                                   : FW_V_NONE;
                        if (r->verdict == FW_V_JUMP || r->verdict == FW_V_GOTO)
                                snprintf(r->target_name, sizeof(r->target_name), "%s", w + 5);
                        continue;
                }
                m->invert = inv;
                r->n_matches++;
        }
}

/* "name:policy" for a base input chain of the inet family, "name" for a regular one */
static struct fw_chain *chain(struct fw_ruleset *rs, const char *spec) {
        struct fw_chain *c = fw_chain_add(rs);
        const char *colon = strchr(spec, ':');

        assert_non_null(c);
        snprintf(c->table, sizeof(c->table), "t");
        snprintf(c->name, sizeof(c->name), "%.*s", colon ? (int)(colon - spec) : 63, spec);
        c->family = FW_FAMILY_INET;
        if (colon) {
                c->base = c->input = true;
                c->policy = strcmp(colon + 1, "drop") == 0 ? FW_V_DROP : FW_V_ACCEPT;
        }
        return c;
}

struct row {
        const char *what;
        const char *chains[4][8]; /* [0]: the chain's spec, then its rules */
        int dport;                /* -1: the default (a port no rule names) */
        enum fw_result want;
};

static const struct row rows[] = {
        {"no chains", {{NULL}}, 22, FW_R_ACCEPT},
        {"policy drop", {{"in:drop"}}, 22, FW_R_DROP},
        {"port open", {{"in:drop", "est accept", "tcp dport=22 accept"}}, 22, FW_R_ACCEPT},
        {"other port", {{"in:drop", "tcp dport=22 accept"}}, 8080, FW_R_DROP},
        {"range", {{"in:drop", "tcp dport=1000-2000 accept"}}, 1500, FW_R_ACCEPT},
        {"inverted", {{"in:accept", "tcp !dport=22 drop"}}, 22, FW_R_ACCEPT},
        {"inverted, other", {{"in:accept", "tcp !dport=22 drop"}}, 80, FW_R_DROP},
        {"udp rule, tcp packet", {{"in:drop", "udp dport=22 accept"}}, 22, FW_R_DROP},
        {"final reject", {{"in:accept", "tcp dport=22 accept", "reject"}}, 80, FW_R_REJECT},
        {"unknown source", {{"in:drop", "saddr tcp dport=22 accept"}}, 22, FW_R_UNKNOWN},
        {"unknown but same verdict", {{"in:accept", "saddr tcp dport=22 accept"}}, 22, FW_R_ACCEPT},
        {"default ignores unknown", {{"in:drop", "saddr accept"}}, -1, FW_R_DROP},
        {"loopback only", {{"in:drop", "lo accept"}}, 22, FW_R_DROP},
        {"log is no verdict", {{"in:drop", "tcp dport=22 log"}}, 22, FW_R_DROP},
        {"jump and accept",
         {{"in:drop", "jump:user"}, {"user", "tcp dport=22 accept"}},
         22,
         FW_R_ACCEPT},
        {"jump and fall back",
         {{"in:drop", "jump:user"}, {"user", "tcp dport=22 accept"}},
         23,
         FW_R_DROP},
        {"return",
         {{"in:drop", "jump:user", "tcp dport=23 accept"}, {"user", "return", "accept"}},
         23,
         FW_R_ACCEPT},
        {"goto ends the caller",
         {{"in:accept", "goto:user", "drop"}, {"user", "tcp dport=9 drop"}},
         22,
         FW_R_ACCEPT},
        {"missing chain", {{"in:drop", "jump:nowhere"}}, 22, FW_R_UNKNOWN},
        {"two base chains",
         {{"a:accept", "tcp dport=22 accept"}, {"b:drop", "tcp dport=22 accept"}},
         22,
         FW_R_ACCEPT},
        {"the second drops", {{"a:accept", "tcp dport=22 accept"}, {"b:drop"}}, 22, FW_R_DROP},
        {"a loop", {{"in:drop", "jump:x"}, {"x", "jump:x"}}, 22, FW_R_UNKNOWN},
};

static void test_eval_table(void **state) {
        (void)state;
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                const struct row *row = &rows[i];
                struct fw_ruleset rs;
                struct fw_packet p = {.nfproto = NFPROTO_IPV4,
                                      .l4proto = IPPROTO_TCP,
                                      .dport = (uint32_t)row->dport,
                                      .ctstate = FW_CT_NEW,
                                      .unknown_other = true};
                enum fw_result got;

                if (row->dport < 0) {
                        p.l4proto = p.dport = FW_ANY;
                        p.unknown_other = false;
                }
                fw_ruleset_init(&rs);
                for (size_t c = 0; c < 4 && row->chains[c][0]; c++) {
                        struct fw_chain *ch = chain(&rs, row->chains[c][0]);
                        for (size_t r = 1; r < 8 && row->chains[c][r]; r++)
                                rule(&rs, ch, row->chains[c][r]);
                }
                fw_ruleset_link(&rs);
                got = firewall_eval(&rs, &p);
                if (got != row->want)
                        fail_msg("%s: got %s, want %s", row->what, firewall_result_string(got),
                                 firewall_result_string(row->want));
                fw_ruleset_free(&rs);
        }
}

/* xt blobs as iptables writes them */
static void test_xt(void **state) {
        struct xt_tcp tcp = {.spts = {0, 0xffff}, .dpts = {22, 22}};
        struct xt_conntrack_mtinfo3 ct = {.match_flags =
                                                  XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS,
                                          .state_mask = FW_CT_ESTABLISHED | FW_CT_RELATED};
        struct fw_match m[2];
        size_t n;

        (void)state;
        n = firewall_xt_match("tcp", 0, &tcp, sizeof(tcp), m);
        assert_int_equal(n, 1);
        assert_int_equal(m[0].kind, FW_M_DPORT);
        assert_int_equal(m[0].ranges[0].lo, 22);
        free(m[0].ranges);
        /* a blob too short is "unknown", never read past its end */
        n = firewall_xt_match("tcp", 0, &tcp, 3, m);
        assert_int_equal(n, 1);
        assert_int_equal(m[0].kind, FW_M_OTHER);
        n = firewall_xt_match("conntrack", 3, &ct, sizeof(ct), m);
        assert_int_equal(n, 1);
        assert_int_equal(m[0].kind, FW_M_CTSTATE);
        assert_int_equal(m[0].value, FW_CT_ESTABLISHED | FW_CT_RELATED);
        assert_int_equal(firewall_xt_match("comment", 0, "x", 1, m), 0);
        assert_int_equal(firewall_xt_match("recent", 0, NULL, 0, m), 1);
        assert_int_equal(m[0].kind, FW_M_OTHER);
        assert_int_equal(firewall_xt_target("REJECT"), FW_V_REJECT);
        assert_int_equal(firewall_xt_target("LOG"), FW_V_NONE);
        assert_int_equal(firewall_xt_target("NFQUEUE"), FW_V_UNKNOWN);
}

/* what watch says changed */
static void test_diff(void **state) {
        struct report_port p_old = {.protocol = (char *)"tcp",
                                    .port = 8080,
                                    .address = (char *)"0.0.0.0",
                                    .reachable = 0};
        struct report_port p_new = p_old;
        struct report_firewall a = {.active = 1,
                                    .default_inbound = (char *)"drop",
                                    .established_accepted = 1,
                                    .frontend = (char *)"nftables",
                                    .open_ports = &p_old,
                                    .n_open_ports = 1};
        struct report_firewall b = a;
        char **changes = NULL;
        size_t n = 0;

        (void)state;
        assert_int_equal(firewall_diff(&a, &b, &changes, &n), 0);
        assert_int_equal(n, 0);
        p_new.reachable = 1;
        b.open_ports = &p_new;
        b.active = 0;
        b.default_inbound = (char *)"accept";
        assert_int_equal(firewall_diff(&a, &b, &changes, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(changes[0], "active: true -> false");
        assert_string_equal(changes[1], "default_inbound: drop -> accept");
        assert_string_equal(changes[2], "tcp/8080 on 0.0.0.0: reachable");
        for (size_t i = 0; i < n; i++)
                free(changes[i]);
        free(changes);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_eval_table),
                cmocka_unit_test(test_xt),
                cmocka_unit_test(test_diff),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
