#!/usr/bin/env python3
"""measure.py RUNS CMD ARGS...: run CMD RUNS times (stdout and stderr to
/dev/null) and print "MEDIAN_MS MAX_RSS_KB FAILED": the median wall time in
milliseconds, the largest peak resident set of the runs (the kernel's
ru_maxrss of the child) and how many runs exited non-zero. make bench uses
it to set patrol, curl and the Python SDK side by side."""
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
    return ms, ru.ru_maxrss, os.waitstatus_to_exitcode(status) != 0


def main():
    runs = int(sys.argv[1])
    argv = sys.argv[2:]
    times, rss, failed = [], 0, 0
    for _ in range(runs):
        ms, kb, bad = one(argv)
        times.append(ms)
        rss = max(rss, kb)
        failed += bad
    times.sort()
    print("%.1f %d %d" % (times[len(times) // 2], rss, failed))


main()
