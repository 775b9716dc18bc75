/* The process table (processes.h): its producer, which reads /proc, and its parser. */
#include "processes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privileged.h"
#include "text.h"

#define DELETED_SUFFIX " (deleted)"

static bool needs_escape(unsigned char c) {
        return c < 0x21 || c == 0x7f || c == '\\';
}

static void put_escaped(FILE *out, const char *s) {
        for (; *s; s++) {
                if (needs_escape((unsigned char)*s))
                        fprintf(out, "\\x%02x", (unsigned char)*s);
                else
                        fputc(*s, out);
        }
}

/* pid's record: its owner from /proc/PID's inode, its executable from the exe link. */
static void put_record(FILE *out, int proc_fd, const char *pid) {
        char link[PROCESSES_EXE_MAX + 1], path[64];
        struct stat st, exe_st;
        size_t n, suffix = strlen(DELETED_SUFFIX);
        ssize_t len;
        bool deleted = false;

        if (fstatat(proc_fd, pid, &st, 0) < 0)
                return; /* gone since the directory was read */
        snprintf(path, sizeof(path), "%s/exe", pid);
        len = readlinkat(proc_fd, path, link, sizeof(link) - 1);
        if (len < 0 || (size_t)len >= sizeof(link) - 1) {
                int e = len < 0 ? errno : ENAMETOOLONG;
                fprintf(out, "%s %u ? %d\n", pid, (unsigned)st.st_uid, e);
                return;
        }
        link[len] = '\0';
        n = (size_t)len;
        /* The kernel appends " (deleted)" to an unlinked file's path, but a file may also be
         * named so: an exe whose inode has no link left is what deleted means. */
        if (n > suffix && strcmp(link + n - suffix, DELETED_SUFFIX) == 0 &&
            fstatat(proc_fd, path, &exe_st, 0) == 0 && exe_st.st_nlink == 0) {
                link[n - suffix] = '\0';
                deleted = true;
        }
        fprintf(out, "%s %u %s ", pid, (unsigned)st.st_uid, deleted ? "d" : "-");
        put_escaped(out, link);
        fputc('\n', out);
}

static bool all_digits(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

/* CAP_SYS_PTRACE in this process's effective set, asked of the kernel directly (libcap-ng
 * keeps a process-wide state the privileged parent uses for its own changes). */
static bool have_ptrace(void) {
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

        memset(data, 0, sizeof(data));
        if (syscall(SYS_capget, &hdr, data) < 0)
                return false;
        return data[CAP_TO_INDEX(CAP_SYS_PTRACE)].effective & CAP_TO_MASK(CAP_SYS_PTRACE);
}

int processes_produce(void) {
        int proc_fd, fd, r = 0;
        struct dirent *e;
        FILE *out;
        DIR *d;

        proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (proc_fd < 0)
                return -errno;
        d = fdopendir(dup(proc_fd));
        if (!d) {
                r = -errno;
                close(proc_fd);
                return r;
        }
        fd = privileged_memfd("processes");
        out = fd >= 0 ? fdopen(dup(fd), "w") : NULL;
        if (!out) {
                r = fd < 0 ? fd : -errno;
                goto out;
        }
        fputs(have_ptrace() ? PROCESSES_MAGIC " ptrace\n" : PROCESSES_MAGIC " no-ptrace\n", out);
        while ((e = readdir(d)))
                if (all_digits(e->d_name))
                        put_record(out, proc_fd, e->d_name);
        if (fclose(out) != 0)
                r = -EIO;
        if (r == 0)
                r = privileged_rewind(fd);
out:
        closedir(d);
        close(proc_fd);
        if (r < 0) {
                if (fd >= 0)
                        close(fd);
                return r;
        }
        return fd;
}

/* A decimal that fits in max; *p moves past it. */
static int parse_number(const char **p, const char *end, unsigned long max, unsigned long *ret) {
        unsigned long v = 0;
        const char *s = *p;

        if (s == end || *s < '0' || *s > '9')
                return -EBADMSG;
        for (; s < end && *s >= '0' && *s <= '9'; s++) {
                if (v > (max - (unsigned long)(*s - '0')) / 10)
                        return -EBADMSG;
                v = v * 10 + (unsigned long)(*s - '0');
        }
        *p = s;
        *ret = v;
        return 0;
}

static int expect_space(const char **p, const char *end) {
        if (*p == end || **p != ' ')
                return -EBADMSG;
        (*p)++;
        return 0;
}

/* The escaped path [s, end) into out; a byte the producer would have escaped is refused. */
static int parse_exe(const char *s, const char *end, char *out) {
        size_t o = 0;

        while (s < end) {
                int hi, lo;
                if (o == PROCESSES_EXE_MAX)
                        return -EBADMSG;
                if (needs_escape((unsigned char)*s) && *s != '\\')
                        return -EBADMSG;
                if (*s != '\\') {
                        out[o++] = *s++;
                        continue;
                }
                if (end - s < 4 || s[1] != 'x' || (hi = text_hex_value(s[2])) < 0 ||
                    (lo = text_hex_value(s[3])) < 0 || (hi == 0 && lo == 0))
                        return -EBADMSG;
                out[o++] = (char)(hi << 4 | lo);
                s += 4;
        }
        out[o] = '\0';
        return o ? 0 : -EBADMSG;
}

static int parse_record(const char *s, const char *end, struct process_record *rec) {
        unsigned long pid, uid, err;

        if (parse_number(&s, end, 0x7fffffff, &pid) < 0 || pid == 0 || expect_space(&s, end) < 0 ||
            parse_number(&s, end, 0xffffffff, &uid) < 0 || expect_space(&s, end) < 0)
                return -EBADMSG;
        rec->pid = (pid_t)pid;
        rec->uid = (uid_t)uid;
        if (end - s < 2 || s[1] != ' ')
                return -EBADMSG;
        switch (s[0]) {
        case '?':
                s += 2;
                if (parse_number(&s, end, 4095, &err) < 0 || s != end)
                        return -EBADMSG;
                rec->readable = rec->deleted = false;
                rec->error = (int)err;
                rec->exe[0] = '\0';
                return 0;
        case '-':
        case 'd':
                rec->readable = true;
                rec->deleted = s[0] == 'd';
                rec->error = 0;
                return parse_exe(s + 2, end, rec->exe);
        default:
                return -EBADMSG;
        }
}

/* "counterguard-processes 1 ptrace" or "... no-ptrace" in [s, e) */
static int parse_magic(const char *s, const char *e, bool *ptrace) {
        size_t n = strlen(PROCESSES_MAGIC), k = (size_t)(e - s);

        if (k < n || memcmp(s, PROCESSES_MAGIC, n) != 0)
                return -EBADMSG;
        if (k == n + 7 && memcmp(s + n, " ptrace", 7) == 0)
                *ptrace = true;
        else if (k == n + 10 && memcmp(s + n, " no-ptrace", 10) == 0)
                *ptrace = false;
        else
                return -EBADMSG;
        return 0;
}

int processes_parse(const char *buf, size_t len, processes_fn fn, void *userdata, size_t *ret_line,
                    bool *ret_ptrace) {
        struct process_record *rec = malloc(sizeof(*rec));
        const char *p = buf, *end = buf + len;
        size_t line = 0, n = 0;
        bool ptrace = false;
        int r = 0;

        if (!rec)
                return -ENOMEM;
        while (p < end && r == 0) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *eol = nl ? nl : end;
                line++;
                if (!nl) /* a table ends with a newline: a cut one is not a table */
                        r = -EBADMSG;
                else if (line == 1)
                        r = parse_magic(p, eol, &ptrace);
                else if (++n > PROCESSES_MAX)
                        r = -E2BIG;
                else if ((r = parse_record(p, eol, rec)) == 0)
                        r = fn(rec, userdata);
                p = eol + 1;
        }
        if (r == 0 && line == 0)
                r = -EBADMSG;
        if (r == -EBADMSG && ret_line)
                *ret_line = line ? line : 1;
        if (r == 0 && ret_ptrace)
                *ret_ptrace = ptrace;
        free(rec);
        return r;
}

int processes_read_fd(int fd, char **ret, size_t *ret_len) {
        size_t len = 0, cap = 65536;
        char *buf = malloc(cap + 1), *b;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n;
                if (len == cap) {
                        if (cap >= PROCESSES_READ_MAX) {
                                free(buf);
                                return -EFBIG;
                        }
                        cap *= 2;
                        b = realloc(buf, cap + 1);
                        if (!b) {
                                free(buf);
                                return -ENOMEM;
                        }
                        buf = b;
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int e = -errno;
                        free(buf);
                        return e;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        buf[len] = '\0';
        *ret = buf;
        *ret_len = len;
        return 0;
}
