/* The server's answers the agent acts on (agent/server_answer.c, and the error text it logs):
 * any bytes give a value, a refusal or a printable line, never a crash or a leak; an
 * accepted enrollment always has the shape credential_validate demands. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "server_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct http_answer a;
        struct credential c;
        char text[256];
        uint64_t seq;
        size_t index;

        if (size > HTTP_CLIENT_MAX_ANSWER)
                return 0;
        memcpy(a.buf, data, size);
        a.buf[size] = '\0';
        a.len = size;
        (void)server_answer_acked(a.buf, a.len, &seq);
        (void)server_answer_refused(a.buf, a.len, &index);
        if (server_answer_enrollment("https://server.example", a.buf, a.len, &c) == 0) {
                if (strlen(c.agent_id) != 32 || strlen(c.credential) != 97)
                        abort();
                credential_free(&c);
        }
        http_client_error_text(&a, text, sizeof(text));
        for (const char *p = text; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        abort(); /* it goes to the log as one line */
        return 0;
}
