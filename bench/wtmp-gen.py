#!/usr/bin/python3
"""Write a wtmp of N records in glibc's struct utmpx layout (x86_64: 384 bytes), fast.

    wtmp-gen.py FILE N sessions   login/logout pairs on 40 lines, a boot every 5,000
                                  records, ending now (what a busy PC's wtmp looks like)
    wtmp-gen.py FILE N logouts    logouts only, all recent: nothing ends the agent's
                                  backward walk early, so it reads the whole file
The tests write theirs with updwtmpx() (tests/integration/utmp-writer.c); 1,000,000 calls
of it, each opening and locking the file, take minutes, hence this."""
import struct
import sys
import time

# ut_type, pad, ut_pid, ut_line, ut_id, ut_user, ut_host, e_termination, e_exit, ut_session,
# tv_sec, tv_usec, ut_addr_v6, unused
UTMPX = struct.Struct("<hxxi32s4s32s256shhiii16s20x")
assert UTMPX.size == 384
USER_PROCESS, DEAD_PROCESS, BOOT_TIME = 7, 8, 2


def main(path, n, kind):
    now = int(time.time())
    addr4 = bytes([192, 0, 2, 10]) + bytes(12)
    with open(path, "wb") as f:
        buf = []
        for i in range(n):
            t = now - (n - i) * 5  # one record every 5 s, the last one now
            line = b"pts/%d" % (i // 2 % 40)
            if kind == "logouts":
                rec = UTMPX.pack(DEAD_PROCESS, i, line, b"ts", b"", b"", 0, 0, 0, t, 0, bytes(16))
            elif i % 5000 == 0:
                rec = UTMPX.pack(BOOT_TIME, 0, b"~", b"~~", b"reboot", b"6.1.0", 0, 0, 0, t, 0,
                                 bytes(16))
            elif i % 2:
                rec = UTMPX.pack(USER_PROCESS, i, line, b"ts", b"user%d" % (i % 97),
                                 b"192.0.2.10", 0, 0, 0, t, 0, addr4)
            else:
                rec = UTMPX.pack(DEAD_PROCESS, i, line, b"ts", b"", b"", 0, 0, 0, t, 0, bytes(16))
            buf.append(rec)
            if len(buf) == 10000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
