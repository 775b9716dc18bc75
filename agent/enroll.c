/* `counterguard-agent enroll`: trade a one-time token for this PC's own credential. The
 * server is verified against the CA; the answer is checked before anything is written; the
 * credential file is written whole or not at all, mode 0600, owned by the worker's user. */
#include "enroll.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector.h"
#include "credential.h"
#include "fileio.h"
#include "http_client.h"
#include "log.h"
#include "server_answer.h"
#include "model.h"
#include "snapshot.h"

/* {"token": ..., "host": {...}} with this PC's facts, as the system collector has them. */
static char *enroll_body(const struct agent_config *config, const char *token) {
        extern const struct collector collector_system;
        const struct collector *only[] = {&collector_system, NULL};
        struct report r;
        json_t *j = NULL;
        char *body = NULL;

        report_init(&r);
        if (snapshot_collect(only, 1, &r) == 0 && agent_config_locate(config, &r) == 0)
                j = json_pack("{s:s, s:o*}", "token", token, "host",
                              model_to_json(&report_host_desc, r.host));
        if (j)
                body = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        report_free(&r);
        return body;
}

static int post(const char *url, const char *ca_file, const char *body, struct http_answer *answer,
                long *ret_code) {
        char endpoint[600], curl_error[CURL_ERROR_SIZE] = "";
        struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
        size_t n = strlen(url);
        CURL *easy = curl_easy_init();
        CURLcode c;
        int r = 0;

        snprintf(endpoint, sizeof(endpoint), "%.*s/api/v1/enroll",
                 (int)(n && url[n - 1] == '/' ? n - 1 : n), url);
        if (!easy || !headers || http_client_setup(easy, endpoint, ca_file, headers, answer) < 0 ||
            curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error) != CURLE_OK ||
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body) != CURLE_OK) {
                r = log_error_errno(-ENOMEM, "cannot set up the enrollment request");
        } else if ((c = curl_easy_perform(easy)) != CURLE_OK) {
                log_error("cannot reach %s: %s%s%s", url, curl_easy_strerror(c),
                          curl_error[0] ? ": " : "", curl_error);
                r = -EHOSTUNREACH;
        } else {
                (void)curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, ret_code);
        }
        curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
        return r;
}

/* The credential's directory, made if the package did not yet (0750), and who gets it. */
static int prepare(const struct agent_config *config, uid_t *ret_uid, gid_t *ret_gid) {
        char dir[4096];
        struct passwd *pw;

        *ret_uid = (uid_t)-1;
        *ret_gid = (gid_t)-1;
        if (fileio_dir_of(config->credential, dir, sizeof(dir)) < 0)
                return -ENAMETOOLONG;
        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
                return log_error_errno(-errno, "%s: cannot create", dir);
        if (geteuid() != 0)
                return 0; /* a test or a developer: the file is theirs */
        pw = getpwnam(config->user);
        if (!pw) {
                log_warn("user '%s' does not exist (yet): the enrollment stays root's, and the "
                         "agent's worker will not be able to read it",
                         config->user);
                return 0;
        }
        *ret_uid = pw->pw_uid;
        *ret_gid = pw->pw_gid;
        if (chown(dir, pw->pw_uid, pw->pw_gid) < 0)
                return log_error_errno(-errno, "%s: cannot give it to '%s'", dir, config->user);
        return 0;
}

int enroll_run(const struct agent_config *config, const char *server, const char *ca_file,
               const char *token) {
        struct http_answer *answer = calloc(1, sizeof(*answer));
        struct credential c = {0};
        char *body = NULL, text[256];
        uid_t uid;
        gid_t gid;
        long code = 0;
        int r;

        if (!answer)
                return -ENOMEM;
        r = prepare(config, &uid, &gid);
        if (r == 0) {
                body = enroll_body(config, token);
                r = body ? post(server, ca_file, body, answer, &code) : -ENOMEM;
        }
        if (r == 0 && code != 200) {
                http_client_error_text(answer, text, sizeof(text));
                if (code == 403)
                        log_error("%s refused the token (unknown, expired or used up: ask for a "
                                  "new one): %s",
                                  server, text);
                else
                        log_error("%s answered %ld: %s", server, code, text);
                r = -EACCES;
        }
        if (r == 0)
                r = server_answer_enrollment(server, answer->buf, answer->len, &c);
        if (r == 0)
                r = credential_save(config->credential, &c, uid, gid);
        if (r == 0)
                printf("enrolled with %s as agent %s; credential in %s\n", server, c.agent_id,
                       config->credential);
        credential_free(&c);
        free(body);
        free(answer);
        return r;
}
