/* What only root may read, as a readable fd: the collectors' one way to it.
 *
 * A collector asks with collector_privileged_fd() (collector.h). Run by `counterguard-agent
 * run` as root, the worker has no privileges and the request goes to the privileged parent
 * (agent/privsep_parent.c), which checks it against privileged_allowed(), produces the fd with
 * privileged_produce() and passes it back; anywhere else (inventory, watch, tests) the request
 * is produced in-process, with the process's own rights. Either way the collector parses what
 * it reads: the parent never parses anything a user or a device controls. */
#pragma once

#include <stdbool.h>

enum privileged_source {
        /* arg: an absolute path on privileged_allowed()'s fixed list; the file opened read-only */
        PRIVILEGED_FILE,
        /* arg: a directory on the fixed list; a memfd holding its entries' names, each ended
         * by '\n' (names with '\n' or '/' left out) */
        PRIVILEGED_DIR_LIST,
        /* arg: NULL; a memfd holding the nftables ruleset dump as netlink messages (needs
         * CAP_NET_ADMIN: the kernel refuses nftables dumps to others) */
        PRIVILEGED_NFT_RULESET,
        /* arg: NULL; a memfd holding the iptables-legacy tables (needs CAP_NET_ADMIN) */
        PRIVILEGED_IPTABLES,
        /* arg: NULL; a memfd holding every process's pid, uid and /proc/PID/exe (needs
         * CAP_SYS_PTRACE to read the exe of another user's process) */
        PRIVILEGED_PROCESSES,
        PRIVILEGED_SOURCE_MAX,
};

const char *privileged_source_to_string(enum privileged_source s);

/* Whether the parent answers (s, arg): the fixed list. */
bool privileged_allowed(enum privileged_source s, const char *arg);

/* Produce (s, arg) in this process: a readable fd (O_CLOEXEC, at offset 0) or -errno. Does not
 * check privileged_allowed(): the parent does, before calling it. */
int privileged_produce(enum privileged_source s, const char *arg);

/* A memfd (O_CLOEXEC) named name, for producers; -errno on failure. Rewind it with
 * privileged_rewind() before handing it over. */
int privileged_memfd(const char *name);
int privileged_rewind(int fd);
