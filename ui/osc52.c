/*
 * osc52.c: the escape sequence that puts text on the terminal's clipboard.
 *
 * OSC 52 (ESC ] 52 ; c ; base64 BEL) works over SSH because it travels in
 * the terminal stream. Multiplexers swallow unknown sequences, so the
 * sequence is wrapped in a DCS passthrough: for tmux, ESC P tmux; … ESC \
 * with every ESC inside doubled (tmux also needs allow-passthrough on); for
 * GNU screen, ESC P … ESC \. Screen limits one DCS string to 768 bytes, so
 * the sequence is cut into chunks of at most 76 bytes, each wrapped on its
 * own; screen forwards them back to back and the outer terminal sees one
 * OSC 52 (the way hterm's osc52.sh and vim-oscyank do it).
 *
 * No curses here: the UI writes the result to the terminal itself. Text with
 * control characters is refused, so a clipboard payload can never carry a
 * command line ending in a newline.
 */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "secret.h"

#define OSC52_DEFAULT_MAX	8192
#define OSC52_SCREEN_CHUNK	76

static const char osc52_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

enum osc52_wrap {
	OSC52_PLAIN,
	OSC52_TMUX,
	OSC52_SCREEN,
};

/* Whether s holds a C0 control, DEL or a C1 control (U+0080..U+009F). */
static int
osc52_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* Encode n bytes of in as padded base64 into out (4 * ceil(n / 3) + 1 bytes). */
static size_t
osc52_base64(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = osc52_b64[v >> 18 & 63];
		out[o++] = osc52_b64[v >> 12 & 63];
		out[o++] = osc52_b64[v >> 6 & 63];
		out[o++] = osc52_b64[v & 63];
	}
	if (i < n) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = osc52_b64[v >> 18 & 63];
		out[o++] = osc52_b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? osc52_b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static enum osc52_wrap
osc52_choose(const char *tmux_env, const char *term_env)
{
	if (tmux_env != NULL && *tmux_env != '\0')
		return OSC52_TMUX;
	if (term_env != NULL && strncmp(term_env, "screen", 6) == 0)
		return OSC52_SCREEN;
	return OSC52_PLAIN;
}

/* Copy the plain sequence into out with every ESC doubled. */
static size_t
osc52_tmux(const char *seq, size_t len, char *out)
{
	size_t i, o = 0;

	memcpy(out, "\033Ptmux;", 7);
	o = 7;
	for (i = 0; i < len; i++) {
		if (seq[i] == '\033')
			out[o++] = '\033';
		out[o++] = seq[i];
	}
	memcpy(out + o, "\033\\", 3);
	return o + 2;
}

/* Copy the plain sequence into out in DCS chunks of at most 76 bytes. */
static size_t
osc52_screen(const char *seq, size_t len, char *out)
{
	size_t i, n, o = 0;

	for (i = 0; i < len; i += n) {
		n = len - i < OSC52_SCREEN_CHUNK ? len - i : OSC52_SCREEN_CHUNK;
		memcpy(out + o, "\033P", 2);
		memcpy(out + o + 2, seq + i, n);
		memcpy(out + o + 2 + n, "\033\\", 2);
		o += n + 4;
	}
	out[o] = '\0';
	return o;
}

/* Wrap the plain sequence seq for the multiplexer; returns a malloc'd string. */
static char *
osc52_wrap(const char *seq, size_t len, enum osc52_wrap how)
{
	size_t chunks, cap;
	char *out;

	if (how == OSC52_PLAIN)
		return strdup(seq);
	chunks = (len + OSC52_SCREEN_CHUNK - 1) / OSC52_SCREEN_CHUNK;
	cap = how == OSC52_TMUX ? 2 * len + 10 : len + 4 * chunks + 1;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	if (how == OSC52_TMUX)
		osc52_tmux(seq, len, out);
	else
		osc52_screen(seq, len, out);
	return out;
}

char *
osc52_sequence(const char *text, size_t max, const char *tmux_env, const char *term_env)
{
	size_t n, len, cap;
	char *seq, *out;

	if (text == NULL || osc52_has_control(text))
		return NULL;
	n = strlen(text);
	if (n > (max != 0 ? max : OSC52_DEFAULT_MAX))
		return NULL;
	cap = 4 * ((n + 2) / 3) + 9;
	if ((seq = malloc(cap)) == NULL)
		return NULL;
	memcpy(seq, "\033]52;c;", 7);
	len = 7 + osc52_base64((const unsigned char *)text, n, seq + 7);
	seq[len++] = '\a';
	seq[len] = '\0';
	out = osc52_wrap(seq, len, osc52_choose(tmux_env, term_env));
	secret_wipe(seq, len);
	free(seq);
	return out;
}
