/* What every request of the agent to its server shares (enrollment, the uplink): TLS only,
 * the server verified against the configured CA (or the system's), bounded time and size. */
#pragma once

#include <curl/curl.h>
#include <stddef.h>

/* Answers are small JSON objects: more than this is not the counterguard server. */
#define HTTP_CLIENT_MAX_ANSWER ((size_t)64 * 1024)

struct http_answer {
        char buf[HTTP_CLIENT_MAX_ANSWER + 1];
        size_t len;
        int too_long;
};

/* Set up easy for a POST of a JSON body to url; its answer is collected into answer. 0, or
 * -ENOMEM / -EINVAL (an option libcurl refused). */
int http_client_setup(CURL *easy, const char *url, const char *ca_file, struct curl_slist *headers,
                      struct http_answer *answer);

/* The server's {"error": ..., "detail": ...} as one line for a log, into buf. */
const char *http_client_error_text(const struct http_answer *a, char *buf, size_t size);
