#!/usr/bin/env python3
"""UI benchmarks through a real pty (make bench): bytes written to the
terminal for the first frame at 80x24 and per `j` keystroke, and the time
from exec to the first frame (mode frame); filter and sort keystrokes over
the token-management list and the peak memory across its load and three
refreshes (mode big TOTAL); how fast keys are answered while a big list
streams in from a slow emulator (mode stream). Prints medians; never fails
on a number. A LABEL after the mode is put after each figure's name."""
import fcntl, os, pty, re, select, struct, sys, termios, time

PATROL = sys.argv[1]
MODE = sys.argv[2] if len(sys.argv) > 2 else "frame"
ARG = sys.argv[3] if len(sys.argv) > 3 else ""
LABEL = sys.argv[4] if len(sys.argv) > 4 else ""
RUNS = int(os.environ.get("BENCH_RUNS", "21"))


def name(text):
    return text + (" " + LABEL if LABEL else "")


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


COUNTING = re.compile(rb"loading\xe2\x80\xa6 [0-9]")   # "loading… 4,200 tokens"


def wait_text(fd, needle, limit):
    """Read until needle (bytes, or a compiled pattern) appeared (then return
    at once); the bytes read."""
    data, end = b"", time.monotonic() + limit
    seen = (lambda d: needle.search(d) is not None) if hasattr(needle, "search") else \
        (lambda d: needle in d)
    while time.monotonic() < end and not seen(data):
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data += os.read(fd, 65536)
            except OSError:
                break
    return data


def key_until(fd, key, needle, limit=5.0):
    """Send one key; ms until needle is on its way to the terminal."""
    t0 = time.monotonic()
    os.write(fd, key)
    got = wait_text(fd, needle, limit)
    return (time.monotonic() - t0) * 1000 if needle in got else None


def quit_rss(pid, fd):
    """q, then the peak resident set of the whole run, in MB."""
    os.write(fd, b"q")
    _, _, ru = os.wait4(pid, 0)
    return ru.ru_maxrss / 1024


def load_and_refresh(total):
    """Peak memory across the load of the token-management list and three
    refreshes (r), each waited for to the end (the status line says the
    count again when a refresh is in)."""
    done = b"%d tokens" % total
    pid, fd = spawn(["--all"])
    wait_text(fd, b"admin mode:", 120.0)
    for _ in range(3):
        os.write(fd, b"r")
        wait_text(fd, b"refreshing", 10.0)
        wait_text(fd, done, 120.0)
    return quit_rss(pid, fd)


def big_table():
    """Keystrokes over the token-management list (run against an emulator
    with 100,000 tokens): a filter keystroke (/ then one letter: the filter
    is applied and the result sorted) and a sort (>); then the memory."""
    if ARG:
        print("%-44s %8.1f MB" % (name("UI peak RSS, load + 3 refreshes"),
                                  load_and_refresh(int(ARG))))
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
    print("%-44s %8.1f ms" % (name("UI filter keystroke, 100,000 rows (median)"), median(filt)))
    print("%-44s %8.1f ms" % (name("UI sort key (>), 100,000 rows (median)"), median(sort)))


def streaming():
    """Keys while the list streams in (an emulator sending it slowly): ? opens
    the help over the first load's empty table and q closes it; then, during
    a refresh over the rows already shown, the same again. Each time is from
    the key to the screen it changes (the help's text, the column titles)."""
    times = []
    pid, fd = spawn(["--all"])
    wait_text(fd, COUNTING, 60.0)                     # the count is on screen
    for _ in range(5):
        times.append(key_until(fd, b"?", b"revoke the staged"))
        times.append(key_until(fd, b"q", b"COMMENT"))
    wait_text(fd, b"admin mode:", 300.0)
    os.write(fd, b"r")
    wait_text(fd, COUNTING, 60.0)
    for _ in range(5):
        times.append(key_until(fd, b"?", b"revoke the staged"))
        times.append(key_until(fd, b"q", b"COMMENT"))
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    ok = [t for t in times if t is not None]
    if not ok:
        print("%-44s %8s" % (name("UI key while the list streams"), "n/a"))
        return
    print("%-44s %8.1f ms (max %.1f, %d keys)" % (name("UI key while the list streams (median)"),
                                                   median(ok), max(ok), len(ok)))


if MODE == "big":
    big_table()
    sys.exit(0)
if MODE == "stream":
    streaming()
    sys.exit(0)

frames, per_key = [], []
for _ in range(max(3, RUNS // 4)):
    f, k = one_run()
    frames.append(f)
    per_key.extend(k)
times = [first_frame_ms() for _ in range(RUNS)]
print("%-44s %8d bytes" % (name("UI first frame + data at 80x24 (median)"), median(frames)))
print("%-44s %8d bytes (max %d)" % (name("UI bytes per j keystroke (median)"), median(per_key),
                                    max(per_key)))
print("%-44s %8.1f ms" % (name("UI exec to first frame (median)"), median(times)))
