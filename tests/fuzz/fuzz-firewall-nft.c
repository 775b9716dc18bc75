/* The nftables dump parser (netlink messages read with libnftnl) and what follows from its
 * model: any bytes give a ruleset whose facts and evaluation end, bounded, never a crash. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>

#include "firewall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct report r;
        struct report_firewall *fw = calloc(1, sizeof(*fw));
        struct fw_ruleset rs;
        struct fw_packet p = {.nfproto = 2 /* NFPROTO_IPV4 */, .l4proto = IPPROTO_TCP,
                              .dport = 22, .ctstate = FW_CT_NEW, .unknown_other = true};

        if (!fw)
                return 0;
        fw_ruleset_init(&rs);
        if (firewall_nft_parse(data, size, &rs) == 0) {
                (void)firewall_eval(&rs, &p);
                (void)firewall_facts(&rs, fw);
        }
        fw_ruleset_free(&rs);
        report_init(&r);
        r.firewall = fw;
        report_free(&r);
        return 0;
}
