/* passwd, shadow, group and login.defs parsing: any bytes give accounts with valid UTF-8
 * strings, or bad-line reports, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>

#include "accounts_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *)data;
        struct accounts_db db;

        accounts_db_init(&db);
        /* the same text as each file: a passwd line may be read as shadow */
        if (accounts_parse_passwd(&db, text, size, "passwd", NULL, NULL) == 0 &&
            accounts_parse_shadow(&db, text, size, "shadow", NULL, NULL) == 0 &&
            accounts_parse_group(&db, text, size, "group", NULL, NULL) == 0 &&
            accounts_parse_login_defs(&db, text, size) == 0)
                for (size_t i = 0; i < db.n_users; i++)
                        for (size_t j = 0; j < db.n_groups; j++)
                                (void)accounts_db_in_group(&db.groups[j], &db.users[i]);
        accounts_db_free(&db);
        return 0;
}
