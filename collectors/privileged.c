/* The privileged sources: their fixed list and their producers (privileged.h). */
#include "privileged.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "firewall.h"
#include "processes.h"

static const char *const source_names[PRIVILEGED_SOURCE_MAX] = {
        [PRIVILEGED_FILE] = "file",
        [PRIVILEGED_DIR_LIST] = "dir-list",
        [PRIVILEGED_NFT_RULESET] = "nft-ruleset",
        [PRIVILEGED_IPTABLES] = "iptables",
        [PRIVILEGED_PROCESSES] = "processes",
};

/* Files only root reads that hold facts an inspector asks for. Each entry: why. */
static const char *const allowed_files[] = {
        "/etc/shadow",   /* locked, empty password, last change, maximum age (never the hash) */
        "/etc/gshadow",  /* group administrators */
        "/etc/sudoers",  /* who is an administrator */
        "/var/log/btmp", /* failed logins */
        /* ClamAV's last signature update and its result (Debian: mode 640, clamav:adm) */
        "/var/log/clamav/freshclam.log",
        NULL,
};
/* Directories whose entries are listed, and whose regular files (one level) may be opened. */
static const char *const allowed_dirs[] = {
        "/etc/sudoers.d", /* sudoers grants */
        NULL,
};

const char *privileged_source_to_string(enum privileged_source s) {
        return (unsigned)s < PRIVILEGED_SOURCE_MAX ? source_names[s] : "?";
}

static bool on_list(const char *const *list, const char *path) {
        for (size_t i = 0; list[i]; i++)
                if (strcmp(list[i], path) == 0)
                        return true;
        return false;
}

/* dir + "/" + one name that is not ".", ".." and holds no '/' */
static bool in_allowed_dir(const char *path) {
        for (size_t i = 0; allowed_dirs[i]; i++) {
                size_t n = strlen(allowed_dirs[i]);
                const char *name = path + n + 1;

                if (strncmp(path, allowed_dirs[i], n) != 0 || path[n] != '/')
                        continue;
                if (*name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
                    strcmp(name, "..") != 0)
                        return true;
        }
        return false;
}

bool privileged_allowed(enum privileged_source s, const char *arg) {
        switch (s) {
        case PRIVILEGED_FILE:
                return arg && (on_list(allowed_files, arg) || in_allowed_dir(arg));
        case PRIVILEGED_DIR_LIST:
                return arg && on_list(allowed_dirs, arg);
        case PRIVILEGED_NFT_RULESET:
        case PRIVILEGED_IPTABLES:
        case PRIVILEGED_PROCESSES:
                return !arg;
        case PRIVILEGED_SOURCE_MAX:
                break;
        }
        return false;
}

int privileged_memfd(const char *name) {
        int fd = memfd_create(name, MFD_CLOEXEC);

        return fd < 0 ? -errno : fd;
}

int privileged_rewind(int fd) {
        return lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

static int open_file(const char *path) {
        /* O_NOFOLLOW|O_NONBLOCK: never a symlink's target, never a FIFO that blocks the parent */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

        return fd < 0 ? -errno : fd;
}

static int list_dir(const char *path) {
        DIR *d = opendir(path);
        struct dirent *e;
        FILE *out;
        int fd, r = 0;

        if (!d)
                return -errno;
        fd = privileged_memfd("dir-list");
        if (fd < 0) {
                closedir(d);
                return fd;
        }
        out = fdopen(dup(fd), "w");
        if (!out) {
                r = -errno;
                goto out;
        }
        while ((e = readdir(d)))
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                    !strchr(e->d_name, '\n'))
                        fprintf(out, "%s\n", e->d_name);
        if (fclose(out) != 0)
                r = -EIO;
        if (r == 0)
                r = privileged_rewind(fd);
out:
        closedir(d);
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

int privileged_produce(enum privileged_source s, const char *arg) {
        switch (s) {
        case PRIVILEGED_FILE:
                return arg ? open_file(arg) : -EINVAL;
        case PRIVILEGED_DIR_LIST:
                return arg ? list_dir(arg) : -EINVAL;
        case PRIVILEGED_PROCESSES:
                return arg ? -EINVAL : processes_produce();
        case PRIVILEGED_NFT_RULESET:
                return firewall_nft_dump();
        case PRIVILEGED_IPTABLES:
                return firewall_ipt_dump();
        case PRIVILEGED_SOURCE_MAX:
                break;
        }
        return -EINVAL;
}
