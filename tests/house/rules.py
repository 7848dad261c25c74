#!/usr/bin/env python3
"""rules.py ROOT: check the house rules of patrol's source tree (HACKING.md).

Prints one line per broken rule, "RULE: FILE:LINE: what", and exits 1 when
any is broken (0 when none, 2 on a usage error). Comments are left out
before looking, so a comment may name what the code must not use.

Rules (what may use what):
  curses       <curses.h> (and <ncurses.h>, <ncursesw/...>) only in
               ui/ui_curses.h; <term.h> only in ui/ui_terminfo.c (setupterm;
               its macros clash with ordinary names); nothing outside ui/
               includes a ui/ header or calls curses.
  model        the UI's model and views (ui_state.c, ui_columns.c,
               ui_util.c, ui_views.c) include no curses: they link without it.
  curl         <curl/...> and curl_ calls only in the transport
               (src/http.[ch]), the worker (src/worker.c) and src/main.c
               (curl_global_init, before any thread).
  jansson      <jansson.h>, json_t and json_ calls only in the API layer
               (src/api*.[ch]), the journal (src/journal.c), the zeroing
               allocators it is given (src/secret.c) and the output writer
               (src/cli_output.[ch] and the commands' own JSON results:
               src/cli_audit.c, src/cli_cmds.c, src/cli_journal.c,
               src/cli_scopes.c, src/cli_estate.c).
  yajl         <yajl/...> and yajl_ calls only in the API layer (src/api*.[ch]).
  include      no cycle of #include "..." among the headers of src/ and ui/.
  calls        no circle of calls between the .c files of ui/, nor of src/
               (a file calls a function another file of the folder defines).
"""
import os
import re
import sys

CURSES_HEADERS = re.compile(r'#\s*include\s*<(n?curses\.h|ncursesw/[^>]*|panel\.h|menu\.h|form\.h)>')
TERM_HEADER = re.compile(r'#\s*include\s*<term\.h>')
QUOTED = re.compile(r'#\s*include\s*"([^"]+)"')
CURSES_CALLS = re.compile(r'\b(initscr|newterm|endwin|delscreen|doupdate|wnoutrefresh|wrefresh|'
                          r'waddstr|mvwaddstr|wattrset|wget_wch|getch|keypad|start_color|init_pair|'
                          r'mousemask|curs_set|setupterm|tigetstr|newwin|delwin)\s*\(')
CURL = re.compile(r'#\s*include\s*<curl/|\bcurl_\w+\s*\(|\bCURL\w*\b')
JANSSON = re.compile(r'#\s*include\s*<jansson\.h>|\bjson_t\b|(?<![\w])json_\w+\s*\(')
YAJL = re.compile(r'#\s*include\s*<yajl/|(?<![\w])yajl_\w+\s*\(')

CURL_OK = {'src/http.c', 'src/http.h', 'src/worker.c', 'src/main.c'}
JANSSON_OK = {'src/journal.c', 'src/secret.c', 'src/cli_output.c', 'src/cli_output.h',
              'src/cli_audit.c', 'src/cli_cmds.c', 'src/cli_journal.c',
              'src/cli_estate.c', 'src/cli_permissions.c', 'src/cli_scopes.c'}
MODEL = {'ui/ui_state.c', 'ui/ui_columns.c', 'ui/ui_util.c', 'ui/ui_views.c'}
UI_HEADERS = {'ui_curses.h', 'ui_internal.h', 'dialog.h', 'form.h', 'lineedit.h'}   # not ui.h: the face's curses-free entry


def api_layer(path):
    return re.match(r'src/api[\w]*\.[ch]$', path) is not None


def strip_comments(text):
    """The text with comments and string literals blanked, newlines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text[i] == '"' and not re.search(r'#\s*include\s*$', text[text.rfind('\n', 0, i) + 1:i]):
            j = i + 1
            while j < n and text[j] != '"' and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append('"' + ' ' * (min(j, n) - i - 1))
            i = j
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def sources(root):
    files = {}
    for d in ('src', 'ui'):
        base = os.path.join(root, d)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if name.endswith(('.c', '.h')):
                rel = d + '/' + name
                with open(os.path.join(base, name), errors='replace') as f:
                    files[rel] = strip_comments(f.read())
    return files


def lines_matching(text, pattern):
    for no, line in enumerate(text.split('\n'), 1):
        m = pattern.search(line)
        if m:
            yield no, m.group(0).strip()


def check_libraries(files, broken):
    for path, text in files.items():
        in_ui = path.startswith('ui/')
        for no, what in lines_matching(text, CURSES_HEADERS):
            if path != 'ui/ui_curses.h':
                broken('curses', path, no, what + ' (only ui/ui_curses.h includes curses)')
        for no, what in lines_matching(text, TERM_HEADER):
            if path != 'ui/ui_terminfo.c':
                broken('curses', path, no, what + ' (only ui/ui_terminfo.c includes term.h)')
        if not in_ui:
            for no, line in enumerate(text.split('\n'), 1):
                m = QUOTED.search(line)
                if m and os.path.basename(m.group(1)) in UI_HEADERS:
                    broken('curses', path, no, m.group(0) + ' (a ui/ header outside ui/)')
            for no, what in lines_matching(text, CURSES_CALLS):
                broken('curses', path, no, what + ' (curses outside ui/)')
        if path in MODEL:
            for no, line in enumerate(text.split('\n'), 1):
                m = QUOTED.search(line)
                if m and m.group(1) in ('ui_curses.h', 'form.h'):
                    broken('model', path, no, m.group(0) + ' (the model links without curses)')
            for no, what in lines_matching(text, CURSES_HEADERS):
                broken('model', path, no, what + ' (the model links without curses)')
        if path not in CURL_OK:
            for no, what in lines_matching(text, CURL):
                broken('curl', path, no, what + ' (libcurl only in the transport and the worker)')
        if path not in JANSSON_OK and not api_layer(path):
            for no, what in lines_matching(text, JANSSON):
                broken('jansson', path, no, what + ' (JSON only in the API layer, the journal '
                       'and the output writer)')
        if not api_layer(path):
            for no, what in lines_matching(text, YAJL):
                broken('yajl', path, no, what + ' (YAJL only in the API layer)')


def check_includes(files, broken):
    """No cycle of quoted includes among the headers (and from .c files)."""
    names = {os.path.basename(p): p for p in files}
    graph = {}
    for path, text in files.items():
        graph[path] = []
        for no, line in enumerate(text.split('\n'), 1):
            m = QUOTED.search(line)
            if m and os.path.basename(m.group(1)) in names:
                graph[path].append((names[os.path.basename(m.group(1))], no))
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w, no in graph[v]:
            if state.get(w) == 1:
                cycle = stack[stack.index(w):] + [w]
                broken('include', v, no, 'a cycle: ' + ' -> '.join(cycle))
            elif w not in state:
                visit(w)
        stack.pop()
        state[v] = 2
    for v in sorted(graph):
        if v not in state:
            visit(v)


DEF_TWO_LINES = re.compile(r'^(static\s+)?[A-Za-z_][\w \t\*]*\n([A-Za-z_]\w*)\(', re.M)
DEF_ONE_LINE = re.compile(r'^(static\s+)?(?:const\s+)?[A-Za-z_]\w*[\s\*]+([A-Za-z_]\w*)\([^;{]*\)\s*\{',
                          re.M)
CALL = re.compile(r'\b([A-Za-z_]\w*)\s*\(')


def definitions(text):
    """(name, is_static) of each function a .c file defines."""
    out = []
    for rx in (DEF_TWO_LINES, DEF_ONE_LINE):
        for m in rx.finditer(text):
            rest = text[m.end():]
            close = rest.find(')')
            after = rest[close + 1:].lstrip() if close >= 0 else ''
            if rx is DEF_TWO_LINES and not after.startswith('{') and not re.match(r'[\w\s,()\*\[\]]*\{', after):
                continue
            out.append((m.group(2), bool(m.group(1))))
    return out


def check_calls(files, folder, broken):
    """No circle of calls between the .c files of folder (Tarjan's SCC)."""
    cfiles = sorted(p for p in files if p.startswith(folder + '/') and p.endswith('.c'))
    owner = {}
    for p in cfiles:
        for name, static in definitions(files[p]):
            if not static:
                owner.setdefault(name, p)
    edges = {p: set() for p in cfiles}
    for p in cfiles:
        for name in set(CALL.findall(files[p])):
            q = owner.get(name)
            if q is not None and q != p:
                edges[p].add(q)
    index, low, stack, on, n = {}, {}, [], set(), [0]

    def scc(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                scc(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                broken('calls', sorted(comp)[0], 0, 'a circle of calls: ' +
                       ' '.join(os.path.basename(x) for x in sorted(comp)))
    for v in cfiles:
        if v not in index:
            scc(v)


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(__doc__.split('\n')[0])
        return 2
    files = sources(argv[1])
    found = []

    def broken(rule, path, line, what):
        found.append('%s: %s:%d: %s' % (rule, path, line, what))
    check_libraries(files, broken)
    check_includes(files, broken)
    check_calls(files, 'ui', broken)
    check_calls(files, 'src', broken)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == '__main__':
    sys.setrecursionlimit(10000)
    sys.exit(main(sys.argv))
