/* server.ini: what the operator can set, parsed once at start and again on SIGHUP. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"

struct server_config {
        /* [server] */
        char *listen; /* "127.0.0.1:8443", "[::1]:8443", "*:8443" */
        bool tls;     /* off only for tests: plain HTTP */
        char *tls_cert;
        char *tls_key;
        char *tls_priorities;
        unsigned threads;       /* HTTP threads; 0 = one per core */
        size_t max_body;        /* bytes */
        size_t max_enroll_body; /* bytes of an /enroll body (a host object) */
        size_t max_body_memory; /* bytes of all request bodies in flight together */
        unsigned max_connections;
        unsigned max_connections_per_address; /* 0 = no limit */
        unsigned connection_timeout_s;        /* idle */
        unsigned header_timeout_s;            /* a connection's next request headers */
        unsigned request_timeout_s;           /* a request's headers and body */
        unsigned credential_cache_ttl_s;      /* 0 = every request asks the store */
        enum log_level log_level;
        /* [store] */
        char *store_url;
        unsigned store_workers;     /* store connections/threads; 0 = backend default */
        unsigned store_queue_max;   /* waiting store jobs before 429 */
        unsigned retry_after_s;     /* Retry-After on 429/503 */
        unsigned busy_timeout_ms;   /* SQLite */
        unsigned retention_days;    /* 0 = keep forever */
        unsigned max_batch_records; /* records per POST */
};

/* ECDHE key exchange and AEAD ciphers only, TLS 1.2 and 1.3 (docs/server.ini.5). */
#define CONFIG_TLS_PRIORITIES                                                                      \
        "SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"           \
        "-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:"                 \
        "%SERVER_PRECEDENCE"

#define SERVER_CONFIG_DEFAULT_PATH "/etc/counterguard/server.ini"

void config_init(struct server_config *c); /* the defaults */
void config_free(struct server_config *c); /* the contents; accepts NULL */

/* Parse path into ret (config_init'ed by the caller). Errors are logged as "file:line: what"
 * and return -EINVAL (or -errno when the file cannot be read); ret is freed on failure. */
int config_load(const char *path, struct server_config *ret);

/* Parse an already opened config text (for tests): same as config_load. */
int config_load_string(const char *name, const char *text, struct server_config *ret);
