/* `counterguard-agent rules` (the catalogue) and `policy check FILE` (validate a file). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "cli_opts.h"
#include "findings_print.h"
#include "policy.h"

#define usage_error(...) cli_usage_error("counterguard-agent", __VA_ARGS__)

int rules_main(int argc, char **argv) {
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {"lang", required_argument, NULL, 'l'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        enum format fmt = FORMAT_TABLE;
        const char *lang = cli_default_lang();
        int c, e;

        while ((c = getopt_long(argc, argv, "f:l:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        if (cli_parse_format(optarg, &fmt, true) < 0)
                                return usage_error("unknown format '%s' (table, json)", optarg);
                        break;
                case 'l':
                        if (cli_parse_lang(optarg, &lang) < 0)
                                return usage_error("unknown language '%s' (vi, en)", optarg);
                        break;
                case 'h':
                        puts("Usage: counterguard-agent rules [--format table|json] "
                             "[--lang vi|en]");
                        return 0;
                default:
                        return CLI_EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        if (fmt == FORMAT_JSON) {
                char *s = rules_dump_json();
                e = s ? cli_write_all(s) : -ENOMEM;
                free(s);
        } else {
                e = rules_print_table(lang, stdout);
                if (e == 0 && fflush(stdout) != 0)
                        e = -EIO;
        }
        return e < 0 ? 1 : 0;
}

int policy_main(int argc, char **argv) {
        struct policy p;
        char err[1024];

        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                puts("Usage: counterguard-agent policy check FILE");
                return 0;
        }
        if (argc != 3 || strcmp(argv[1], "check") != 0)
                return usage_error("usage: policy check FILE");
        if (policy_load(argv[2], &p, err, sizeof(err)) < 0) {
                fprintf(stderr, "%s\n", err);
                return 1;
        }
        printf("%s: ok (version %s; USB storage: %s; %zu approved USB devices, %zu approved "
               "lookup tools, %zu rules disabled)\n",
               argv[2], p.version ? p.version : "-",
               p.usb.mode == POLICY_USB_BLOCK ? "block" : "audit", p.usb.n_approved,
               p.lookup.n_tools, p.rules.n_disabled);
        policy_free(&p);
        return fflush(stdout) == 0 ? 0 : 1;
}
