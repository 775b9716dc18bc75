/* counterguard-server: the command line. Each command is a function; main() only parses the
 * global options and dispatches. Exit: 0 success, 1 failure, 2 usage or configuration. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "json_budget.h"
#include "log.h"
#include "serve.h"
#include "store.h"

#define EXIT_USAGE CLI_EXIT_USAGE

static const char usage_text[] =
        "Usage: counterguard-server [--config FILE] [--verbose] COMMAND [ARGS]\n"
        "\n"
        "The central inventory server of counterguard: agents enroll and send their\n"
        "records over HTTPS; the server keeps them in SQLite or PostgreSQL.\n"
        "\n"
        "Commands:\n"
        "  serve                          run the server in the foreground (SIGHUP reloads\n"
        "                                 the configuration, SIGTERM stops cleanly)\n"
        "  serve -n                       check the configuration, the TLS files and the\n"
        "                                 database, then exit\n"
        "  migrate                        create the database or bring it to this version\n"
        "  token create --unit CODE [--uses N] [--expires DAYS]\n"
        "                                 create an enrollment token for a unit and print it\n"
        "                                 alone on stdout (default: 1 use, expires in 7 days;\n"
        "                                 --expires 0: never)\n"
        "  token list                     list tokens (never the tokens themselves)\n"
        "  token revoke ID                no further enrollment with token ID\n"
        "  agents list                    list enrolled agents\n"
        "  agents revoke ID               refuse every further request of agent ID\n"
        "  units add CODE --name NAME --kind KIND [--parent CODE]\n"
        "                                 add a unit; KIND is province, department,\n"
        "                                 district, commune, ward or counter\n"
        "  units rename CODE --name NAME  correct a unit's name\n"
        "  units remove CODE              remove a unit nothing refers to (no units under it,\n"
        "                                 no agents, no tokens)\n"
        "  units list                     list units\n"
        "  units tree                     show the unit tree\n"
        "  dump                           every table as JSON lines on stdout\n"
        "\n"
        "Options:\n"
        "  -c, --config FILE   server.ini (default " SERVER_CONFIG_DEFAULT_PATH ")\n"
        "  -v, --verbose       log debug messages\n"
        "  -h, --help          this text\n"
        "      --version       the version\n"
        "\n"
        "Exit status: 0 success, 1 failure, 2 usage or configuration error.\n"
        "See counterguard-server(8) and server.ini(5).\n";

#define usage_error(...) cli_usage_error("counterguard-server", __VA_ARGS__)

static int parse_int(const char *s, long long min, long long max, long long *ret) {
        char *end;
        long long v;

        if (!s || *s == '\0')
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno || *end != '\0' || v < min || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

static int open_store(const struct server_config *c, struct store **ret) {
        struct store_options o = {.busy_timeout_ms = c->busy_timeout_ms};
        return store_open(c->store_url, &o, ret);
}

/* Admin commands other than migrate need a migrated database. */
static int open_migrated(const struct server_config *c, struct store **ret) {
        struct store *s = NULL;
        int r = open_store(c, &s);

        if (r >= 0)
                r = store_check_schema(s);
        if (r < 0) {
                store_close(s);
                return r;
        }
        *ret = s;
        return 0;
}

static int cmd_migrate(const struct server_config *c, int argc, char **argv) {
        struct store *s = NULL;
        int r;

        (void)argv;
        if (argc != 1)
                return usage_error("migrate takes no arguments");
        r = open_store(c, &s);
        if (r >= 0)
                r = store_migrate(s);
        if (r >= 0) {
                int64_t v = 0;
                r = store_schema_version(s, &v);
                if (r >= 0)
                        log_info("schema version %lld", (long long)v);
        }
        store_close(s);
        if (r < 0) {
                log_error_errno(r, "migrate failed");
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}

static int cmd_token(const struct server_config *c, int argc, char **argv) {
        static const struct option opts[] = {
                {"unit", required_argument, NULL, 'u'},
                {"uses", required_argument, NULL, 'n'},
                {"expires", required_argument, NULL, 'e'},
                {},
        };
        const char *unit = NULL;
        long long uses = 1, expires = 7;
        struct store *s = NULL;
        char *token = NULL;
        int o, r;

        if (argc < 2)
                return usage_error("token: expected create, list or revoke");
        if (strcmp(argv[1], "revoke") == 0) {
                if (argc != 3)
                        return usage_error("token revoke: expected one ID (see 'token list')");
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_token_revoke(s, argv[2]);
                store_close(s);
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (strcmp(argv[1], "list") == 0) {
                if (argc != 2)
                        return usage_error("token list takes no arguments");
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_tokens_list(s, stdout);
                store_close(s);
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (strcmp(argv[1], "create") != 0)
                return usage_error("token: unknown command '%s'", argv[1]);
        /* optind = 0 makes getopt start afresh (main's "+" mode included); argv[1] ("create")
         * stands in for the program name. */
        argc--;
        argv++;
        optind = 0;
        while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
                switch (o) {
                case 'u':
                        unit = optarg;
                        break;
                case 'n':
                        if (parse_int(optarg, 1, 1000000, &uses) < 0)
                                return usage_error("--uses: expected 1 to 1000000, got '%s'",
                                                   optarg);
                        break;
                case 'e':
                        if (parse_int(optarg, 0, 36500, &expires) < 0)
                                return usage_error("--expires: expected days (0 to 36500), "
                                                   "got '%s'",
                                                   optarg);
                        break;
                default:
                        return EXIT_USAGE;
                }
        }
        if (!unit)
                return usage_error("token create: --unit CODE is required");
        if (optind != argc)
                return usage_error("token create: unexpected argument '%s'", argv[optind]);
        r = open_migrated(c, &s);
        if (r >= 0)
                r = store_token_create(s, unit, uses, expires, &token);
        store_close(s);
        if (r == -ENOENT) {
                log_error("no unit '%s' (see 'units list')", unit);
                return EXIT_FAILURE;
        }
        if (r < 0)
                return EXIT_FAILURE;
        /* Alone on stdout, so a script can capture it. */
        printf("%s\n", token);
        free(token);
        return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int cmd_agents(const struct server_config *c, int argc, char **argv) {
        struct store *s = NULL;
        int r;

        if (argc == 2 && strcmp(argv[1], "list") == 0) {
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_agents_list(s, stdout);
        } else if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_agent_revoke(s, argv[2]);
                if (r == -ENOENT)
                        log_error("no agent '%s'", argv[2]);
                else if (r >= 0)
                        log_info("agent %s revoked", argv[2]);
        } else
                return usage_error("agents: expected 'list' or 'revoke ID'");
        store_close(s);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_units(const struct server_config *c, int argc, char **argv) {
        static const struct option opts[] = {
                {"name", required_argument, NULL, 'n'},
                {"kind", required_argument, NULL, 'k'},
                {"parent", required_argument, NULL, 'p'},
                {},
        };
        const char *name = NULL, *kind = NULL, *parent = NULL, *code;
        struct store *s = NULL;
        bool rename;
        int o, r;

        if (argc == 2 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "tree") == 0)) {
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_units_list(s, stdout, strcmp(argv[1], "tree") == 0);
                store_close(s);
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (argc >= 2 && strcmp(argv[1], "remove") == 0) {
                if (argc != 3)
                        return usage_error("units remove: expected one CODE");
                r = open_migrated(c, &s);
                if (r >= 0)
                        r = store_unit_remove(s, argv[2]);
                store_close(s);
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "rename") != 0))
                return usage_error("units: expected add, rename, remove, list or tree");
        rename = strcmp(argv[1], "rename") == 0;
        argc--;
        argv++;
        optind = 0;
        while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
                switch (o) {
                case 'n':
                        name = optarg;
                        break;
                case 'k':
                        kind = optarg;
                        break;
                case 'p':
                        parent = optarg;
                        break;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind != argc - 1)
                return usage_error("units %s: expected one CODE", rename ? "rename" : "add");
        code = argv[optind];
        if (rename && (!name || kind || parent))
                return usage_error("units rename: --name and only --name");
        if (!rename && (!name || !kind))
                return usage_error("units add: --name and --kind are required");
        r = open_migrated(c, &s);
        if (r >= 0)
                r = rename ? store_unit_rename(s, code, name)
                           : store_unit_add(s, code, name, kind, parent);
        store_close(s);
        if (r == -EINVAL)
                return EXIT_USAGE;
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int cmd_dump(const struct server_config *c, int argc, char **argv) {
        struct store *s = NULL;
        int r;

        (void)argv;
        if (argc != 1)
                return usage_error("dump takes no arguments");
        r = open_migrated(c, &s);
        if (r >= 0)
                r = store_dump(s, stdout);
        store_close(s);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                {"config", required_argument, NULL, 'c'},
                {"verbose", no_argument, NULL, 'v'},
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, 'V'},
                {},
        };
        static const struct {
                const char *name;
                int (*run)(const struct server_config *c, int argc, char **argv);
        } commands[] = {
                {"migrate", cmd_migrate}, {"token", cmd_token}, {"agents", cmd_agents},
                {"units", cmd_units},     {"dump", cmd_dump},
        };
        const char *config_path = SERVER_CONFIG_DEFAULT_PATH;
        struct server_config config;
        bool verbose = false;
        int o, ret;

        /* Before any JSON exists: the parse of a request is held to a memory budget. */
        json_budget_install();
        log_setup("counterguard-server", LOG_LEVEL_INFO);
        /* The SQLite file and its WAL hold personal data and credential hashes: nothing we
         * create is for other users. */
        umask(0027);
        /* '+': stop at the command; its own options come after it. */
        while ((o = getopt_long(argc, argv, "+c:vh", opts, NULL)) >= 0) {
                switch (o) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'v':
                        verbose = true;
                        break;
                case 'h':
                        fputs(usage_text, stdout);
                        return EXIT_SUCCESS;
                case 'V':
                        printf("counterguard-server %s\n", COUNTERGUARD_VERSION);
                        return EXIT_SUCCESS;
                default:
                        return EXIT_USAGE;
                }
        }
        if (optind >= argc)
                return usage_error("a command is required");

        config_init(&config);
        if (config_load(config_path, &config) < 0)
                return EXIT_USAGE;
        log_setup("counterguard-server", verbose ? LOG_LEVEL_DEBUG : config.log_level);
        if (verbose)
                config.log_level = LOG_LEVEL_DEBUG;

        argc -= optind;
        argv += optind;
        if (strcmp(argv[0], "serve") == 0) {
                if (argc == 2 && strcmp(argv[1], "-n") == 0) {
                        ret = serve_check(&config) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
                        config_free(&config);
                        return ret;
                }
                if (argc != 1) {
                        config_free(&config);
                        return usage_error("serve takes no arguments but -n");
                }
                return serve_run(config_path, &config);
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[0], commands[i].name) == 0) {
                        ret = commands[i].run(&config, argc, argv);
                        config_free(&config);
                        return ret;
                }
        config_free(&config);
        return usage_error("unknown command '%s'", argv[0]);
}
