#!/usr/bin/env python3
"""measure.py RUNS CMD ARGS... [--- CMD ARGS...]...: run each CMD RUNS
times (stdout and stderr to /dev/null) and print a line per CMD, in order:
"MEDIAN_MS MAX_RSS_KB FAILED MEDIAN_CPU_MS": the median wall time in
milliseconds, the largest peak resident set of the runs (the kernel's
ru_maxrss of the child), how many runs exited non-zero, and the median CPU
time (user + system) of the child. With several commands their runs
alternate (one of each, RUNS times), so a load on the machine that comes
and goes weighs on all of them alike. make bench uses it to set patrol,
curl and the Python SDK side by side."""
import os
import sys
import time


def one(argv):
    devnull = os.open(os.devnull, os.O_WRONLY)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    ms = (time.monotonic() - t0) * 1000
    os.close(devnull)
    cpu = (ru.ru_utime + ru.ru_stime) * 1000
    return ms, ru.ru_maxrss, os.waitstatus_to_exitcode(status) != 0, cpu


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def main():
    runs = int(sys.argv[1])
    cmds, cur = [], []
    for a in sys.argv[2:]:
        if a == "---":
            cmds.append(cur)
            cur = []
        else:
            cur.append(a)
    cmds.append(cur)
    got = [([], 0, 0, []) for _ in cmds]
    for _ in range(runs):
        for i, argv in enumerate(cmds):
            ms, kb, bad, cpu = one(argv)
            times, rss, failed, cpus = got[i]
            times.append(ms)
            cpus.append(cpu)
            got[i] = (times, max(rss, kb), failed + bad, cpus)
    for times, rss, failed, cpus in got:
        print("%.1f %d %d %.1f" % (median(times), rss, failed, median(cpus)))


main()
