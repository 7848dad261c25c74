#!/usr/bin/env python3
"""UI benchmarks through a real pty (make bench): bytes written to the
terminal for the first frame at 80x24 and per `j` keystroke, and the time
from exec to the first frame. Prints medians; never fails on a number."""
import fcntl, os, pty, select, struct, sys, termios, time

PATROL = sys.argv[1]
MODE = sys.argv[2] if len(sys.argv) > 2 else "frame"
RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def spawn(args=()):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LC_ALL"] = "C.UTF-8"
        os.execv(PATROL, [PATROL] + list(args))
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


def key_ms(fd, key):
    """Send one key; ms until the terminal receives the redraw."""
    t0 = time.monotonic()
    os.write(fd, key)
    select.select([fd], [], [], 5.0)
    ms = (time.monotonic() - t0) * 1000
    read_until(fd, b"", 1.0)
    return ms


def big_table():
    """Keystrokes over the token-management list (run against an emulator
    with 100,000 tokens): a filter keystroke (/ then one letter: the filter
    is applied and the result sorted) and a sort (>)."""
    pid, fd = spawn(["--all"])
    read_until(fd, b"tagged", 60.0)
    filt, sort = [], []
    for i in range(RUNS):
        read_until(fd, b"", 0.2)
        os.write(fd, b"/")
        read_until(fd, b"", 0.3)
        filt.append(key_ms(fd, b"aeiou"[i % 5:i % 5 + 1]))
        os.write(fd, b"\x1b")
        read_until(fd, b"", 0.5)
        sort.append(key_ms(fd, b">"))
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    print("%-44s %8.1f ms" % ("UI filter keystroke, 100,000 rows (median)", median(filt)))
    print("%-44s %8.1f ms" % ("UI sort key (>), 100,000 rows (median)", median(sort)))


if MODE == "big":
    big_table()
    sys.exit(0)

frames, per_key = [], []
for _ in range(max(3, RUNS // 4)):
    f, k = one_run()
    frames.append(f)
    per_key.extend(k)
times = [first_frame_ms() for _ in range(RUNS)]
print("%-44s %8d bytes" % ("UI first frame + data at 80x24 (median)", median(frames)))
print("%-44s %8d bytes (max %d)" % ("UI bytes per j keystroke (median)", median(per_key), max(per_key)))
print("%-44s %8.1f ms" % ("UI exec to first frame (median)", median(times)))
