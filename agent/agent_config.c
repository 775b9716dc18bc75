#include "agent_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini_config.h"
#include "log.h"
#include "text.h"

#define UNIT_MAX    64  /* as the server's unit codes */
#define COUNTER_MAX 128 /* bytes of UTF-8 */

static const struct ini_key keys[] = {
        {"agent", "unit", INI_STRING, offsetof(struct agent_config, unit), 0, 0},
        {"agent", "counter", INI_STRING, offsetof(struct agent_config, counter), 0, 0},
};

void agent_config_free(struct agent_config *c) {
        if (!c)
                return;
        free(c->unit);
        free(c->counter);
        c->unit = c->counter = NULL;
}

static bool valid_unit(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > UNIT_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z') || strchr("._-", s[i])))
                        return false;
        return true;
}

/* What must hold once the file is read; the whole file is refused otherwise. */
static int check(const char *name, struct agent_config *c) {
        if (c->unit && !valid_unit(c->unit)) {
                log_error("%s: [agent] unit: '%.80s' is not a unit code (1 to %d letters, digits, "
                          "'.', '_' or '-')",
                          name, c->unit, UNIT_MAX);
                return -EINVAL;
        }
        if (c->counter) {
                char *clean = text_sanitize(c->counter, strlen(c->counter), COUNTER_MAX);
                bool same = clean && strcmp(clean, c->counter) == 0;
                free(clean);
                if (!clean)
                        return -ENOMEM;
                if (!same) {
                        log_error("%s: [agent] counter: not valid UTF-8, or longer than %d bytes",
                                  name, COUNTER_MAX);
                        return -EINVAL;
                }
        }
        return 0;
}

static int finish(const char *name, int r, struct agent_config *ret) {
        if (r == 0)
                r = check(name, ret);
        if (r < 0)
                agent_config_free(ret);
        return r;
}

int agent_config_load_string(const char *name, const char *text, struct agent_config *ret) {
        return finish(name, ini_config_load_string(name, text, keys, 2, ret), ret);
}

int agent_config_load(const char *path, bool required, struct agent_config *ret) {
        /* Without --config, a PC that has no agent.ini yet is fine: it reports no unit. */
        if (!required && access(path, F_OK) < 0 && errno == ENOENT)
                return -ENOENT;
        return finish(path, ini_config_load(path, keys, 2, ret), ret);
}

int agent_config_locate(const struct agent_config *c, struct report *r) {
        struct report_host *h = report_ensure_host(r);

        if (!h)
                return -ENOMEM;
        if ((c->unit && !(h->unit = strdup(c->unit))) ||
            (c->counter && !(h->counter = strdup(c->counter))))
                return -ENOMEM;
        return 0;
}
