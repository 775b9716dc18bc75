/* Replays a fuzz target's corpus without libFuzzer, for `make check`: every file under the
 * directories (or the files) given is fed to LLVMFuzzerTestOneInput once. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
        char *buf = NULL;
        size_t len = 0;
        int e = fileio_read_capped(path, (size_t)16 * 1024 * 1024, &buf, &len);

        if (e < 0) {
                fprintf(stderr, "replay: %s: cannot read\n", path);
                return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        free(buf);
        return 0;
}

int main(int argc, char **argv) {
        int n = 0, failed = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;
                DIR *d;
                struct dirent *de;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: %s: no such corpus\n", argv[i]);
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        failed |= replay_file(argv[i]);
                        n++;
                        continue;
                }
                d = opendir(argv[i]);
                while (d && (de = readdir(d))) {
                        char path[4096];
                        if (de->d_name[0] == '.')
                                continue;
                        snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                        failed |= replay_file(path);
                        n++;
                }
                if (d)
                        closedir(d);
        }
        printf("replayed %d inputs\n", n);
        return failed || n == 0;
}
