/* counterguard-agent: the command line. Each subcommand is one function; main() parses the
 * global options and dispatches. Exit status: 0 success, 1 failure, 2 usage error. */
#include <errno.h>
#include <curl/curl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opts.h"
#include "agent_config.h"
#include "collector.h"
#include "log.h"
#include "loop.h"
#include "model.h"
#include "report_table.h"
#include "daemon.h"
#include "enroll.h"
#include "check.h"
#include "policy.h"
#include "policy_runtime.h"
#include "snapshot.h"
#include "sessions.h"
#include "status.h"

#define EXIT_USAGE CLI_EXIT_USAGE

/* agent.ini, read once before any command runs (the daemon reads it again on SIGHUP) */
static struct agent_config config;
static const char *config_path_in_use = AGENT_CONFIG_DEFAULT_PATH;
static const char *policy_path; /* --policy; NULL: agent.ini's, or the default */

static void usage(FILE *f) {
        char names[256];

        fputs("Usage: counterguard-agent [OPTIONS] COMMAND [ARGS]\n"
              "\n"
              "Inventory and watch a counter PC for its inspection.\n"
              "\n"
              "Commands:\n"
              "  inventory [--format table|json] [--only LIST]\n"
              "                 print what this PC is and has: USB devices, printers,\n"
              "                 scanners, accounts, sessions, firewall, antivirus; LIST is\n"
              "                 a comma-separated list of collectors (",
              f);
        fputs(collector_names(collectors, names, sizeof(names)), f);
        fputs(")\n"
              "  watch [--format json]\n"
              "                 print one JSON line per event as it happens (a USB device\n"
              "                 plugged or pulled, a print queue or scanner added or gone,\n"
              "                 a login or logout, an account changed, the firewall or the\n"
              "                 antivirus switched off...), until interrupted; with --policy,\n"
              "                 devices carry their verdict, findings are told as they\n"
              "                 open and resolve, and block mode acts\n"
              "  enroll --server URL --token TOKEN [--ca FILE]\n"
              "                 enroll this PC with the inventory server, once\n"
              "  run [-n]       the daemon: report snapshots and events to the server;\n"
              "                 -n checks the configuration and the enrollment and exits\n"
              "  status         enrolled? running? last reached the server? outbox?\n"
              "  check [--format table|json] [--lang vi|en] [--fail-on SEVERITY]\n"
              "                 inventory, then the policy's findings by severity; exit 1\n"
              "                 when one is at or above SEVERITY (default warning = medium)\n"
              "  rules [--format table|json] [--lang vi|en]\n"
              "                 the rule catalogue (implemented and planned rules)\n"
              "  policy check FILE\n"
              "                 validate a policy file (errors as file:line: what)\n"
              "\n"
              "Options:\n"
              "  -c, --config FILE\n"
              "                 agent.ini (default " AGENT_CONFIG_DEFAULT_PATH ",\n"
              "                 if it exists): the PC's unit and counter label\n"
              "  -p, --policy FILE\n"
              "                 the policy (default agent.ini's [agent] policy, else\n"
              "                 " POLICY_DEFAULT_PATH ")\n"
              "  -v, --verbose  log more (twice: debug)\n"
              "  -h, --help     this help\n"
              "      --version  the agent's version\n"
              "\n"
              "Exit status: 0 success, 1 failure, 2 usage error.\n"
              "See counterguard-agent(1).\n",
              f);
}

#define usage_error(...) cli_usage_error("counterguard-agent", __VA_ARGS__)

static int cmd_inventory(int argc, char **argv) {
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {"only", required_argument, NULL, 'o'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        enum format fmt = FORMAT_TABLE;
        collector_set set = COLLECTOR_SET_ALL;
        char names[256];
        struct report r;
        const char *bad;
        int c, e;

        while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        if (cli_parse_format(optarg, &fmt, true) < 0)
                                return usage_error("unknown format '%s' (table, json)", optarg);
                        break;
                case 'o':
                        if (collector_set_parse(collectors, optarg, &set, &bad) < 0)
                                return usage_error(
                                        "unknown collector '%s' (%s)", bad,
                                        collector_names(collectors, names, sizeof(names)));
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);

        report_init(&r);
        e = snapshot_collect(collectors, set, &r);
        if (e == 0)
                e = agent_config_locate(&config, &r);
        if (e == 0 && fmt == FORMAT_JSON) {
                char *s = model_dump(&report_desc, &r, true);
                e = s ? cli_write_all(s) : -ENOMEM;
                free(s);
        } else if (e == 0) {
                e = report_table_print(&r, stdout);
                if (e == 0 && fflush(stdout) != 0)
                        e = -EIO;
        }
        report_free(&r);
        if (e < 0) {
                log_error_errno(e, "inventory failed");
                return 1;
        }
        return 0;
}

struct watch {
        struct loop *loop;
        struct collector_ctx *ctxs[32];
        size_t n_ctxs;
        struct policy_runtime *policy; /* with --policy: verdicts, findings, block mode */
};

static void write_event(const struct report_event *ev, void *userdata) {
        struct watch *w = userdata;
        char *s = model_dump(&report_event_desc, ev, false);

        if (!s || cli_write_all(s) < 0) {
                /* stdout gone (the reader quit): nothing left to watch for */
                log_error("cannot write the event (%s)", ev->event);
                loop_quit(w->loop, 1);
        }
        free(s);
}

static void print_event(const struct collector *c, const struct report_event *ev, void *userdata) {
        struct watch *w = userdata;

        (void)c;
        if (w->policy)
                policy_runtime_event(w->policy, ev, write_event, w);
        else
                write_event(ev, w);
}

/* Every collector with an event source, on one loop, until a signal. */
static int watch_run(struct watch *w) {
        static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP};
        int e = loop_new(&w->loop);

        if (e == 0)
                e = loop_quit_on_signals(w->loop, quit_signals, 3);
        if (e == 0)
                e = collector_start_all(collectors, w->loop, print_event, w, w->ctxs, 32,
                                        &w->n_ctxs);
        if (e == 0 && w->policy)
                e = policy_runtime_start(w->policy, write_event, w);
        if (e == 0) {
                log_info("watching; Ctrl-C to stop");
                e = loop_run(w->loop);
        }
        while (w->n_ctxs)
                collector_ctx_free(w->ctxs[--w->n_ctxs]);
        loop_free(w->loop);
        return e;
}

static int cmd_watch(int argc, char **argv) {
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        enum format fmt = FORMAT_JSON;
        struct watch w = {0};
        int c, e;

        while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        if (cli_parse_format(optarg, &fmt, false) < 0)
                                return usage_error("unknown format '%s' (json)", optarg);
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        /* judged only when a policy is named: watch shows facts otherwise */
        if ((policy_path || config.policy_path) &&
            policy_runtime_new(policy_path ? policy_path : config.policy_path, &w.policy) < 0)
                return EXIT_USAGE;
        (void)signal(SIGPIPE, SIG_IGN);
        e = watch_run(&w);
        policy_runtime_free(w.policy);
        if (e < 0) {
                log_error_errno(e, "watch failed");
                return 1;
        }
        return e;
}

static int cmd_enroll(int argc, char **argv) {
        static const struct option opts[] = {
                {"server", required_argument, NULL, 's'},
                {"token", required_argument, NULL, 't'},
                {"ca", required_argument, NULL, 'a'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        const char *server = config.server_url, *token = NULL, *ca = config.ca_file;
        int c;

        while ((c = getopt_long(argc, argv, "s:t:h", opts, NULL)) != -1) {
                switch (c) {
                case 's':
                        server = optarg;
                        break;
                case 't':
                        token = optarg;
                        break;
                case 'a':
                        ca = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        if (!server || strncmp(server, "https://", 8) != 0)
                return usage_error("enroll needs --server https://HOST:PORT (or [server] url)");
        if (!token || !*token)
                return usage_error("enroll needs --token TOKEN (counterguard-server token create)");
        return enroll_run(&config, server, ca, token) < 0 ? 1 : 0;
}

static int cmd_run(int argc, char **argv) {
        static const struct option opts[] = {
                {"check", no_argument, NULL, 'n'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        bool check_only = false;
        int c;

        while ((c = getopt_long(argc, argv, "nh", opts, NULL)) != -1) {
                switch (c) {
                case 'n':
                        check_only = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind < argc)
                return usage_error("unexpected argument '%s'", argv[optind]);
        (void)signal(SIGPIPE, SIG_IGN);
        return daemon_run(&config, config_path_in_use, policy_path, check_only);
}

static int cmd_check(int argc, char **argv) {
        return check_main(argc, argv, &config, policy_path);
}

static int cmd_status(int argc, char **argv) {
        (void)argv;
        if (argc > 1)
                return usage_error("status takes no arguments");
        return status_run(&config);
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                {"config", required_argument, NULL, 'c'}, {"policy", required_argument, NULL, 'p'},
                {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, 'V'},      {0},
        };
        static const struct {
                const char *name;
                int (*run)(int argc, char **argv);
        } commands[] = {
                {"inventory", cmd_inventory}, {"watch", cmd_watch},
                {"enroll", cmd_enroll},       {"run", cmd_run},
                {"status", cmd_status},       {"check", cmd_check},
                {"rules", rules_main},        {"policy", policy_main},
        };
        enum log_level level = LOG_LEVEL_WARN;
        const char *config_path = NULL;
        int c, r;

        /* Table widths need the terminal's idea of a character; the data is UTF-8. */
        if (!setlocale(LC_CTYPE, "C.UTF-8"))
                (void)setlocale(LC_CTYPE, "");
        /* '+': stop at the command; its own options are parsed by it */
        while ((c = getopt_long(argc, argv, "+c:p:vh", opts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'p':
                        policy_path = optarg;
                        break;
                case 'v':
                        if (level < LOG_LEVEL_DEBUG)
                                level++;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case 'V':
                        puts("counterguard-agent " COUNTERGUARD_VERSION);
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        }
        log_setup("counterguard-agent", level);
        if (optind >= argc) {
                usage(stderr);
                return EXIT_USAGE;
        }
        /* once, before anything could start a thread; `run` does it in its worker only, so
         * the privileged parent never initialises TLS (nor holds its pages) */
        if (strcmp(argv[optind], "run") != 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
                return 1;
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                if (strcmp(argv[optind], commands[i].name) != 0)
                        continue;
                /* a bad file stops every command: no report rather than one from the wrong
                 * counter. Without --config, no agent.ini yet is fine. */
                if (config_path)
                        config_path_in_use = config_path;
                r = agent_config_load(config_path_in_use, config_path != NULL, &config);
                if (r == -ENOMEM)
                        return 1;
                if (r < 0 && (r != -ENOENT || config_path))
                        return EXIT_USAGE;
                sessions_set_limits(config.sessions_max, config.sessions_max_days);
                argc -= optind;
                argv += optind;
                optind = 0; /* reset getopt for the command's own options */
                r = commands[i].run(argc, argv);
                agent_config_free(&config);
                return r;
        }
        return usage_error("unknown command '%s'", argv[optind]);
}
