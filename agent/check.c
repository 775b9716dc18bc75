/* `counterguard-agent check`: every collector, then the policy over their facts, then the
 * findings grouped by severity (or the whole report with its findings, in JSON). It only
 * reads: block mode acts when a device is plugged in (watch, run), not here. */
#include "check.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opts.h"
#include "collector.h"
#include "findings_print.h"
#include "log.h"
#include "model.h"
#include "policy_file.h"
#include "snapshot.h"
#include "usb_control.h"

#define usage_error(...) cli_usage_error("counterguard-agent", __VA_ARGS__)

struct check_args {
        enum format fmt;
        const char *lang;
        int fail_on; /* enum policy_severity */
        const char *policy_path;
};

static void check_usage(void) {
        puts("Usage: counterguard-agent check [--format table|json] [--lang vi|en]\n"
             "                                [--fail-on SEVERITY] [--policy FILE]\n"
             "Runs every collector and prints what the policy finds. SEVERITY: info, low,\n"
             "medium (or warning, the default), high, critical. Exit status: 0 nothing at or\n"
             "above it, 1 something, 2 usage or configuration error.");
}

static int parse_check(int argc, char **argv, struct check_args *a) {
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},  {"lang", required_argument, NULL, 'l'},
                {"fail-on", required_argument, NULL, 'F'}, {"policy", required_argument, NULL, 'p'},
                {"help", no_argument, NULL, 'h'},          {0},
        };
        int c;

        while ((c = getopt_long(argc, argv, "f:l:p:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        if (cli_parse_format(optarg, &a->fmt, true) < 0)
                                return usage_error("unknown format '%s' (table, json)", optarg);
                        break;
                case 'l':
                        if (cli_parse_lang(optarg, &a->lang) < 0)
                                return usage_error("unknown language '%s' (vi, en)", optarg);
                        break;
                case 'F':
                        a->fail_on = policy_severity_from_string(optarg);
                        if (a->fail_on < 0)
                                return usage_error("unknown severity '%s' (info, low, medium "
                                                   "or warning, high, critical)",
                                                   optarg);
                        break;
                case 'p':
                        a->policy_path = optarg;
                        break;
                case 'h':
                        check_usage();
                        return -1;
                default:
                        return CLI_EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        return 0;
}

static bool fails(const struct report *r, int fail_on) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (policy_severity_from_string(r->findings[i].severity) >= fail_on)
                        return true;
        return false;
}

/* Which policy judged, and who controls USB authorization: a heading for the table. */
static void print_heading(const struct policy *p, const struct check_args *a) {
        bool vi = strcmp(a->lang, "vi") == 0;
        int guard = usb_control_usbguard_pid();

        if (!a->policy_path && access(POLICY_DEFAULT_PATH, F_OK) < 0)
                puts(vi ? "Chính sách: mặc định (chưa có tệp " POLICY_DEFAULT_PATH ")"
                        : "Policy: the built-in defaults (no " POLICY_DEFAULT_PATH ")");
        else
                printf(vi ? "Chính sách: %s (phiên bản %s)\n" : "Policy: %s (version %s)\n",
                       a->policy_path ? a->policy_path : POLICY_DEFAULT_PATH,
                       p->version ? p->version : "-");
        if (guard > 0)
                printf(vi ? "USBGuard đang chạy (pid %d) và quản lý việc cho phép thiết bị USB; "
                            "chế độ chặn của chính sách không được áp dụng.\n"
                          : "USBGuard runs (pid %d) and controls USB authorization; the policy's "
                            "block mode stays off.\n",
                       guard);
        else if (guard < 0)
                puts(vi ? "USBGuard đang chạy (socket của USBGuard đang mở) và quản lý việc cho "
                          "phép thiết bị USB; chế độ chặn của chính sách không được áp dụng."
                        : "USBGuard runs (its socket is open) and controls USB authorization; the "
                          "policy's block mode stays off.");
}

static int output(const struct report *r, const struct policy *p, const struct check_args *a) {
        if (a->fmt == FORMAT_JSON) {
                char *s = model_dump(&report_desc, r, true);
                int e = s ? cli_write_all(s) : -ENOMEM;
                free(s);
                return e;
        }
        print_heading(p, a);
        if (findings_print(r, a->lang, stdout) < 0 || fflush(stdout) != 0)
                return -EIO;
        return 0;
}

int check_main(int argc, char **argv, const struct agent_config *config, const char *policy_path) {
        struct check_args a = {FORMAT_TABLE, cli_default_lang(), POLICY_SEVERITY_MEDIUM,
                               policy_path ? policy_path : config->policy_path};
        struct policy_result res = {0};
        struct policy p;
        struct report r;
        int e = parse_check(argc, argv, &a);

        if (e != 0)
                return e < 0 ? 0 : e;
        if (policy_file_load(a.policy_path, &p) < 0)
                return CLI_EXIT_USAGE;
        report_init(&r);
        e = snapshot_collect(collectors, COLLECTOR_SET_ALL, &r);
        if (e == 0)
                e = agent_config_locate(config, &r);
        if (e == 0)
                e = policy_evaluate(&r, &p, &res);
        if (e == 0)
                e = policy_apply(&r, &p, &res);
        if (e == 0)
                e = output(&r, &p, &a);
        if (e == 0)
                e = fails(&r, a.fail_on) ? 1 : 0;
        policy_result_free(&res);
        report_free(&r);
        policy_free(&p);
        if (e < 0) {
                log_error_errno(e, "check failed");
                return 1;
        }
        return e;
}
