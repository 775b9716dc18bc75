/* server.ini: its keys, their defaults, and what must hold once the file is read. Parsing
 * is common/ini_config.c's. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ini_config.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

void config_init(struct server_config *c) {
        *c = (struct server_config){
                .tls = true,
                .max_body = 8u << 20,
                .max_enroll_body = 64u << 10,
                .max_body_memory = 256u << 20,
                .max_connections = 4096,
                .max_connections_per_address = 64,
                .connection_timeout_s = 30,
                .header_timeout_s = 10,
                .request_timeout_s = 120,
                .credential_cache_ttl_s = 60,
                .log_level = LOG_LEVEL_INFO,
                .store_queue_max = 64,
                .retry_after_s = 5,
                .busy_timeout_ms = 5000,
                .retention_days = 365,
                .max_batch_records = 1000,
        };
}

void config_free(struct server_config *c) {
        if (!c)
                return;
        free(c->listen);
        free(c->tls_cert);
        free(c->tls_key);
        free(c->tls_priorities);
        free(c->store_url);
        config_init(c);
}

/* clang-format off */ /* 14 and 19 format it differently */
#define K(sec, n, t, field, lo, hi)                                                                \
        { sec, n, t, offsetof(struct server_config, field), lo, hi }
/* clang-format on */

static const struct ini_key keys[] = {
        K("server", "listen", INI_STRING, listen, 0, 0),
        K("server", "tls", INI_BOOL, tls, 0, 0),
        K("server", "tls_cert", INI_STRING, tls_cert, 0, 0),
        K("server", "tls_key", INI_STRING, tls_key, 0, 0),
        K("server", "tls_priorities", INI_STRING, tls_priorities, 0, 0),
        K("server", "threads", INI_UINT, threads, 0, 256),
        K("server", "max_body", INI_SIZE, max_body, 0, 0),
        K("server", "max_enroll_body", INI_SIZE, max_enroll_body, 0, 0),
        K("server", "max_body_memory", INI_SIZE, max_body_memory, 0, 0),
        K("server", "max_connections", INI_UINT, max_connections, 1, 1000000),
        K("server", "max_connections_per_address", INI_UINT, max_connections_per_address, 0,
          1000000),
        K("server", "connection_timeout", INI_UINT, connection_timeout_s, 1, 3600),
        K("server", "header_timeout", INI_UINT, header_timeout_s, 1, 3600),
        K("server", "request_timeout", INI_UINT, request_timeout_s, 1, 86400),
        K("server", "credential_cache_ttl", INI_UINT, credential_cache_ttl_s, 0, 3600),
        K("server", "log_level", INI_LOG_LEVEL, log_level, 0, 0),
        K("store", "url", INI_STRING, store_url, 0, 0),
        K("store", "workers", INI_UINT, store_workers, 0, 256),
        K("store", "queue_max", INI_UINT, store_queue_max, 0, 1000000),
        K("store", "retry_after", INI_UINT, retry_after_s, 1, 3600),
        K("store", "busy_timeout_ms", INI_UINT, busy_timeout_ms, 0, 600000),
        K("store", "retention_days", INI_UINT, retention_days, 0, 36500),
        K("store", "max_batch_records", INI_UINT, max_batch_records, 1, 100000),
};

static int check(const char *name, struct server_config *c) {
        if (!c->listen) {
                c->listen = strdup("127.0.0.1:8443");
                if (!c->listen)
                        return -ENOMEM;
        }
        if (!c->tls_priorities) {
                c->tls_priorities = strdup(CONFIG_TLS_PRIORITIES);
                if (!c->tls_priorities)
                        return -ENOMEM;
        }
        if (c->max_body_memory < c->max_body || c->max_body_memory < c->max_enroll_body) {
                log_error("%s: [server] max_body_memory must be at least max_body and "
                          "max_enroll_body",
                          name);
                return -EINVAL;
        }
        if (!c->store_url) {
                log_error("%s: [store] url is required", name);
                return -EINVAL;
        }
        /* Certificates are checked only when serving: admin commands need no TLS. */
        return 0;
}

static int finish(const char *name, int r, struct server_config *ret) {
        if (r == 0)
                r = check(name, ret);
        if (r < 0)
                config_free(ret);
        return r;
}

int config_load_string(const char *name, const char *text, struct server_config *ret) {
        return finish(name, ini_config_load_string(name, text, keys, ELEMENTSOF(keys), ret), ret);
}

int config_load(const char *path, struct server_config *ret) {
        return finish(path, ini_config_load(path, keys, ELEMENTSOF(keys), ret), ret);
}
