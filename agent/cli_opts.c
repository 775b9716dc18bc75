#include "cli_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_format(const char *s, enum format *ret, bool table_allowed) {
        if (!s) /* getopt gives required arguments; the analyzer cannot know */
                return -EINVAL;
        if (strcmp(s, "json") == 0)
                *ret = FORMAT_JSON;
        else if (table_allowed && strcmp(s, "table") == 0)
                *ret = FORMAT_TABLE;
        else
                return -EINVAL;
        return 0;
}

int cli_parse_lang(const char *s, const char **ret) {
        if (s && strcmp(s, "vi") == 0)
                *ret = "vi";
        else if (s && strcmp(s, "en") == 0)
                *ret = "en";
        else
                return -EINVAL;
        return 0;
}

const char *cli_default_lang(void) {
        static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                const char *v = getenv(vars[i]);
                if (v && *v)
                        return strncmp(v, "vi", 2) == 0 ? "vi" : "en";
        }
        return "en";
}

/* Write the whole document or nothing: it is built in memory first, then written at once. */
int cli_write_all(const char *s) {
        size_t n = strlen(s);
        if (fwrite(s, 1, n, stdout) != n || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
                return -EIO;
        return 0;
}
