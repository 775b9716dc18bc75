/* What the running daemon tells `counterguard-agent status`: a small key = value file
 * beside the outbox, rewritten (atomically) at most once a second when something changed.
 * The daemon owns it; status only reads it, so status never touches the outbox. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct daemon_state {
        pid_t pid;        /* the worker, which writes this */
        pid_t parent_pid; /* the privileged parent, 0 when privileges are not separated */
        char started[40];
        char last_ok[40]; /* the last time the server acknowledged a batch */
        char last_error[300];
        char agent_id[40];
        char server[520];
        uint64_t acked_seq;
        uint64_t waiting;     /* records in the outbox */
        uint64_t waiting_kib; /* their bodies */
        uint64_t dropped;     /* lost to the outbox's cap and not yet reported */
        char oldest[40];      /* the oldest waiting record's time */
        bool revoked;
};

/* "OUTBOX_DIR/daemon.state" for an outbox path. 0 or -ENAMETOOLONG. */
int daemon_state_path(const char *outbox_path, char *buf, size_t size);
int daemon_state_write(const char *path, const struct daemon_state *s);
/* 0, -ENOENT (no daemon has run), -EINVAL (a malformed file, logged). */
int daemon_state_read(const char *path, struct daemon_state *ret);
/* The same for the file's text (changed in place), named `name` in messages. */
int daemon_state_parse(const char *name, char *text, struct daemon_state *ret);
