/* The process table: which executable every process runs, read from /proc/PID/exe.
 *
 * PRIVILEGED_PROCESSES is produced by processes_produce() (in the privileged parent, which
 * holds CAP_SYS_PTRACE to read the exe of another user's process) as text, one record per
 * line, after a first line "counterguard-processes 1 ptrace" ("no-ptrace" when the producer
 * lacked CAP_SYS_PTRACE: an unreadable exe may then be one it had no right to):
 *
 *     PID UID FLAG EXE
 *
 * PID and UID are decimal (UID: the owner of /proc/PID, the process's effective user; root
 * for a process that made itself non-dumpable); FLAG is "-" (exe read), "d" (exe read, the file was
 * deleted or replaced since the process started: the kernel's " (deleted)" is taken off EXE) or "?"
 * (exe not readable: a kernel thread, a process gone meanwhile, or no right; EXE is then the errno
 * name's number, "13"). EXE is the path with every byte below 0x21, 0x7f and '\' written as
 * \xNN, so a record is one line whatever a path holds. The collectors parse it with
 * processes_parse(); the network watch will read the same table. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCESSES_MAGIC    "counterguard-processes 1"
#define PROCESSES_MAX      65536       /* records kept: pid_max is 4 M, a PC runs hundreds */
#define PROCESSES_EXE_MAX  4096        /* PATH_MAX */
#define PROCESSES_READ_MAX (32u << 20) /* a record is ~60 bytes, a hostile path at most 16 KiB */

struct process_record {
        pid_t pid;
        uid_t uid;
        bool readable; /* exe was read; else error holds why not (an errno) */
        bool deleted;
        int error;
        char exe[PROCESSES_EXE_MAX + 1]; /* decoded, NUL-terminated */
};

/* The table of this machine's processes, as a memfd at offset 0 (O_CLOEXEC), or -errno. */
int processes_produce(void);

/* Called per record; a negative return stops the parse and is returned. */
typedef int (*processes_fn)(const struct process_record *p, void *userdata);

/* Parse a table (buf, len: need not be NUL-terminated). 0, or -EBADMSG at the first line that
 * is not a record (its 1-based number in *ret_line when not NULL), or what fn returned. At
 * most PROCESSES_MAX records are passed on; more is -E2BIG. *ret_ptrace (when not NULL): the
 * producer had CAP_SYS_PTRACE. */
int processes_parse(const char *buf, size_t len, processes_fn fn, void *userdata, size_t *ret_line,
                    bool *ret_ptrace);

/* Read a whole table from fd into a malloc'ed, NUL-terminated buffer, at most
 * PROCESSES_READ_MAX bytes. 0 or -errno; -EFBIG past the cap. */
int processes_read_fd(int fd, char **ret, size_t *ret_len);
