#!/usr/bin/env python3
"""UI benchmarks through a real pty (make bench): bytes written to the
terminal for the first frame at 80x24 and per `j` keystroke, and the time
from exec to the first frame. Prints medians; never fails on a number."""
import fcntl, os, pty, select, struct, sys, termios, time

PATROL = sys.argv[1]
RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def spawn():
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LC_ALL"] = "C.UTF-8"
        os.execv(PATROL, [PATROL])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def read_until(fd, needle, limit=10.0):
    """Read output until needle appeared and the terminal went quiet."""
    data, end, seen = b"", time.monotonic() + limit, None
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.15 if seen else 0.5)
        if not r:
            if seen is not None:
                return data, seen
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if seen is None and needle in data + chunk:
            seen = time.monotonic()
        data += chunk
    return data, seen


def median(v):
    v = sorted(v)
    return v[len(v) // 2]


def one_run():
    pid, fd = spawn()
    first, _ = read_until(fd, b"COMMENT", 2.0)
    frame, _ = read_until(fd, b"tagged", 10.0)
    keys = []
    for _ in range(10):
        os.write(fd, b"j")
        out, _ = read_until(fd, b"", 1.0)
        keys.append(len(out))
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    return len(first + frame), keys


def first_frame_ms():
    """Exec to the first frame: the column titles on screen (painted
    before any network answer)."""
    t0 = time.monotonic()
    pid, fd = spawn()
    _, seen = read_until(fd, b"COMMENT", 5.0)
    ms = ((seen or time.monotonic()) - t0) * 1000
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    return ms


frames, per_key = [], []
for _ in range(max(3, RUNS // 4)):
    f, k = one_run()
    frames.append(f)
    per_key.extend(k)
times = [first_frame_ms() for _ in range(RUNS)]
print("%-44s %8d bytes" % ("UI first frame + data at 80x24 (median)", median(frames)))
print("%-44s %8d bytes (max %d)" % ("UI bytes per j keystroke (median)", median(per_key), max(per_key)))
print("%-44s %8.1f ms" % ("UI exec to first frame (median)", median(times)))
