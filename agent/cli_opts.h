/* What the agent's commands parse alike: --format, --lang, and writing a whole document. */
#pragma once

#include <stdbool.h>

enum format { FORMAT_TABLE, FORMAT_JSON };

/* "json", or "table" where table_allowed. 0 or -EINVAL. */
int cli_parse_format(const char *s, enum format *ret, bool table_allowed);

/* "vi" or "en", as given. 0 or -EINVAL. */
int cli_parse_lang(const char *s, const char **ret);
/* The language of the environment: "vi" when LC_ALL, LC_MESSAGES or LANG (the first one set,
 * as setlocale would take them) starts with "vi", else "en". */
const char *cli_default_lang(void);

/* Write s and a newline to stdout, all of it or -EIO. */
int cli_write_all(const char *s);
