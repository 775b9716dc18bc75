/* See http_client.h. */
#include "http_client.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static size_t collect(char *data, size_t size, size_t n, void *userdata) {
        struct http_answer *a = userdata;
        size_t len = size * n;

        if (a->len + len > HTTP_CLIENT_MAX_ANSWER) {
                a->too_long = 1;
                return 0; /* libcurl stops with CURLE_WRITE_ERROR */
        }
        memcpy(a->buf + a->len, data, len);
        a->len += len;
        a->buf[a->len] = '\0';
        return len;
}

int http_client_setup(CURL *easy, const char *url, const char *ca_file, struct curl_slist *headers,
                      struct http_answer *answer) {
        CURLcode c = CURLE_OK;

        answer->len = 0;
        answer->too_long = 0;
        answer->buf[0] = '\0';
#define SET(opt, val)                                                                              \
        do {                                                                                       \
                if (c == CURLE_OK)                                                                 \
                        c = curl_easy_setopt(easy, opt, val);                                      \
        } while (0)
        SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
        SET(CURLOPT_PROTOCOLS_STR, "https");
#endif
        SET(CURLOPT_SSL_VERIFYPEER, 1L);
        SET(CURLOPT_SSL_VERIFYHOST, 2L);
        SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
        if (ca_file) {
                /* the configured CA alone: libcurl would also trust every authority in the
                 * system's directory (and load them all: 8 MiB of the worker's heap) */
                SET(CURLOPT_CAINFO, ca_file);
                SET(CURLOPT_CAPATH, NULL);
        }
        SET(CURLOPT_HTTPHEADER, headers);
        SET(CURLOPT_WRITEFUNCTION, collect);
        SET(CURLOPT_WRITEDATA, answer);
        SET(CURLOPT_CONNECTTIMEOUT, 10L);
        /* a server that stalls is given up on and tried again later, with backoff */
        SET(CURLOPT_TIMEOUT, 60L);
        SET(CURLOPT_NOSIGNAL, 1L);
        SET(CURLOPT_FOLLOWLOCATION, 0L);
        SET(CURLOPT_USERAGENT, "counterguard-agent/" COUNTERGUARD_VERSION);
#undef SET
        if (c == CURLE_OUT_OF_MEMORY)
                return -ENOMEM;
        return c == CURLE_OK ? 0 : -EINVAL;
}

const char *http_client_error_text(const struct http_answer *a, char *buf, size_t size) {
        json_t *j = json_loadb(a->buf, a->len, 0, NULL);
        const char *error = j ? json_string_value(json_object_get(j, "error")) : NULL;
        const char *detail = j ? json_string_value(json_object_get(j, "detail")) : NULL;
        char *clean;

        if (error)
                snprintf(buf, size, "%s%s%s", error, detail ? ": " : "", detail ? detail : "");
        else
                snprintf(buf, size, "%s", a->len ? "an answer that is not JSON" : "no answer");
        json_decref(j);
        /* the server's words reach the log: no control characters, valid UTF-8 */
        clean = text_sanitize(buf, strlen(buf), size - 1);
        if (clean) {
                text_cell(clean, size - 1, buf, size);
                free(clean);
        }
        return buf;
}
