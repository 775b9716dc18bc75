/* The host firewall: the rules that judge the firewall collector's facts (is a ruleset
 * active, what a new inbound packet gets by default, which listening sockets a packet from
 * outside reaches) against the policy's firewall requirements. Nothing is judged when the
 * collector did not run or a ruleset could not be read whole (missing[]: firewall.nftables,
 * firewall.iptables, firewall.rules): the part not read may hold the very rule in question. */
#include <stdio.h>
#include <string.h>

#include "catalogue.h"
#include "facts.h"

static const struct report_firewall *judged(const struct policy_eval *ev) {
        const struct report *r = ev->facts;

        if (!r->firewall || !policy_collector_ran(r, "firewall") ||
            policy_fact_missing(r, "firewall.nftables") ||
            policy_fact_missing(r, "firewall.iptables") || policy_fact_missing(r, "firewall.rules"))
                return NULL;
        return r->firewall;
}

static const char *or_q(const char *s) {
        return s && *s ? s : "?";
}

/* "inet filter input policy accept, ip6 filter input policy drop" */
static void chains_text(const struct report_firewall *fw, char *buf, size_t size) {
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < fw->n_input_chains; i++) {
                const struct report_fw_chain *c = &fw->input_chains[i];
                int n = snprintf(buf + used, size - used, "%s%s %s %s policy %s", i ? ", " : "",
                                 or_q(c->family), or_q(c->table), or_q(c->name), or_q(c->policy));
                if (n < 0 || (size_t)n >= size - used) {
                        buf[used] = '\0';
                        return; /* what fits: the report has them all */
                }
                used += (size_t)n;
        }
        if (!used)
                snprintf(buf, size, "none");
}

static bool fw_001_applies(const struct policy_eval *ev, const struct report_firewall *fw) {
        return ev->policy->firewall.required && fw->active == 0;
}

static int eval_fw_001(const struct policy_rule *rule, struct policy_eval *ev) {
        const struct report_firewall *fw = judged(ev);
        char chains[512];

        if (!fw || !fw_001_applies(ev, fw))
                return 0;
        chains_text(fw, chains, sizeof(chains));
        return policy_found(ev, rule, "backend=%s; frontend=%s; active=no; input chains: %s",
                            or_q(fw->backend), or_q(fw->frontend), chains);
}

static int eval_fw_002(const struct policy_rule *rule, struct policy_eval *ev) {
        const struct report_firewall *fw = judged(ev);
        char chains[512];

        /* "unknown" (IPv4 and IPv6 differ, or it cannot be told) is no finding; a firewall
         * that is off is CG-FW-001's (unless the policy does not require one) */
        if (!fw || !ev->policy->firewall.inbound_default_deny || !fw->default_inbound ||
            strcmp(fw->default_inbound, "accept") != 0 ||
            (fw_001_applies(ev, fw) && !policy_rule_disabled(ev->policy, "CG-FW-001")))
                return 0;
        chains_text(fw, chains, sizeof(chains));
        return policy_found(ev, rule,
                            "backend=%s; frontend=%s; default_inbound=accept; input chains: %s",
                            or_q(fw->backend), or_q(fw->frontend), chains);
}

/* An allowed service matches on protocol and port, and on the program when the policy names
 * one and the facts know it (an unknown program is not held against the service). */
static bool allowed(const struct policy *p, const struct report_port *port) {
        for (size_t i = 0; i < p->firewall.n_allowed_services; i++) {
                const struct policy_service *s = &p->firewall.allowed_services[i];

                if (strcmp(s->protocol == 0 ? "tcp" : "udp", port->protocol) != 0 ||
                    s->port != port->port)
                        continue;
                if (!s->program || !port->program || strcmp(s->program, port->program) == 0)
                        return true;
        }
        return false;
}

static int eval_fw_003(const struct policy_rule *rule, struct policy_eval *ev) {
        const struct report_firewall *fw = judged(ev);

        for (size_t i = 0; fw && i < fw->n_open_ports; i++) {
                const struct report_port *p = &fw->open_ports[i];
                int r;

                /* not reachable (loopback, dropped) is no way in; unknown is not known to be */
                if (p->reachable != 1 || !p->protocol || allowed(ev->policy, p))
                        continue;
                r = policy_found(ev, rule, "%s/%lld on %s; reachable=yes%s%s", p->protocol,
                                 (long long)p->port, or_q(p->address),
                                 p->program ? "; program=" : "", p->program ? p->program : "");
                if (r < 0)
                        return r;
        }
        return 0;
}

#define RULE(id_, sev, title_vi, title_en, why_vi, why_en, fix_vi, fix_en, fn, ...)                \
        {                                                                                          \
                .id = id_, .family = "firewall", .severity = POLICY_SEVERITY_##sev,                \
                .title = {title_vi, title_en}, .why = {why_vi, why_en}, .fix = {fix_vi, fix_en},   \
                .refs = {__VA_ARGS__}, .eval = fn,                                                 \
        }

static const struct policy_rule rules[] = {
        RULE("CG-FW-001", HIGH, "Tường lửa của máy tính chưa được bật", "Host firewall not active",
             "Không có tường lửa, mọi dịch vụ đang mở trên máy tính đều có thể bị truy cập từ "
             "mạng.",
             "Without a firewall every listening service is reachable from the network.",
             "Bật tường lửa (nftables, ufw hoặc firewalld) và chặn kết nối vào theo mặc định.",
             "Turn on the firewall (nftables, ufw or firewalld) with inbound denied by default.",
             eval_fw_001, &legal_security_level, &legal_tcvn),
        RULE("CG-FW-002", MEDIUM, "Tường lửa không chặn kết nối vào theo mặc định",
             "Firewall does not deny inbound by default",
             "Chính sách mặc định cho phép kết nối vào làm lộ các dịch vụ không cần thiết.",
             "An accepting inbound default exposes services nobody meant to offer.",
             "Đặt chính sách mặc định cho kết nối vào là chặn (drop hoặc reject); chỉ mở các "
             "dịch vụ được phép.",
             "Set the inbound default to drop or reject; open only the allowed services.",
             eval_fw_002, &legal_security_level, &legal_tcvn),
        RULE("CG-FW-003", MEDIUM, "Dịch vụ mạng đang mở chưa được phép",
             "Listening service not allowed",
             "Mỗi dịch vụ mở ra mạng là một điểm có thể bị tấn công; chỉ các dịch vụ được chính "
             "sách cho phép mới được mở.",
             "Every listening service is a way in; only those the policy allows may listen.",
             "Tắt dịch vụ hoặc bổ sung vào danh sách dịch vụ được phép của chính sách.",
             "Stop the service or add it to the policy's allowed services.", eval_fw_003,
             &legal_security_level, &legal_tcvn),
};

const struct policy_family policy_family_firewall = {rules, sizeof(rules) / sizeof(rules[0])};
