/* The nftables dump parser (netlink messages read with libnftnl) and what follows from its
 * model: any bytes give a ruleset whose facts and evaluation end, bounded, never a crash.
 *
 * libnftnl calls exit() on an attribute of the wrong size ("nf_tables kernel ABI is broken"):
 * the agent contains that by parsing in a child (the snapshot runs aside, watch forks); here
 * exit() during a parse returns to the target instead, and what libnftnl had allocated then
 * leaks, so leak detection is off for this target's fuzzing (LLVMFuzzerInitialize), and
 * once an exit() was caught the process ends without its exit-time leak check. */
#include <dlfcn.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firewall.h"

static jmp_buf escape;
static volatile int parsing, escaped;

void exit(int status) {
        void (*real)(int) = (void (*)(int))dlsym(RTLD_NEXT, "exit");

        if (parsing) {
                escaped = 1;
                longjmp(escape, 1);
        }
        if (escaped) /* libnftnl's allocations of an escaped parse leak: no exit-time check */
                _exit(status);
        real(status);
        _exit(status); /* not reached */
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
        static char *args[64];
        static char no_leaks[] = "-detect_leaks=0";
        int n = *argc < 62 ? *argc : 62;

        memcpy(args, *argv, (size_t)n * sizeof(char *));
        args[n++] = no_leaks;
        args[n] = NULL;
        *argc = n;
        *argv = args;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct report r;
        struct report_firewall *fw = calloc(1, sizeof(*fw));
        static struct fw_ruleset rs; /* static: intact across a longjmp */
        struct fw_packet p = {.nfproto = 2 /* NFPROTO_IPV4 */,
                              .l4proto = IPPROTO_TCP,
                              .dport = 22,
                              .ctstate = FW_CT_NEW,
                              .unknown_other = true};

        if (!fw)
                return 0;
        fw_ruleset_init(&rs);
        parsing = 1;
        if (setjmp(escape) == 0 && firewall_nft_parse(data, size, &rs) == 0) {
                parsing = 0;
                (void)firewall_eval(&rs, &p);
                (void)firewall_facts(&rs, fw);
        }
        parsing = 0;
        fw_ruleset_free(&rs);
        report_init(&r);
        r.firewall = fw;
        report_free(&r);
        return 0;
}
