/* iptables-legacy's filter table as the producer writes it (ipt_getinfo, ipt_get_entries and
 * the entries): every offset and size in them may lie, never a crash or an endless walk. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>

#include "firewall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct report r;
        struct report_firewall *fw = calloc(1, sizeof(*fw));
        struct fw_ruleset rs;

        if (!fw)
                return 0;
        fw_ruleset_init(&rs);
        if (firewall_ipt_parse(data, size, &rs) == 0) {
                fw_ruleset_link(&rs);
                (void)firewall_facts(&rs, fw);
        }
        fw_ruleset_free(&rs);
        report_init(&r);
        r.firewall = fw;
        report_free(&r);
        return 0;
}
