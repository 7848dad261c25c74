/*
 * test_redact.c: http_redact (http.h), which takes credentials out of every
 * text libcurl writes: a URL's userinfo however its password is written,
 * and known secrets wherever they stand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http.h"

#define SENTINEL "S3NTINEL"

static char out[1024];

static const char *
redact(const char *in, const char *const *secrets)
{
	http_redact(in, secrets, out, sizeof out);
	return out;
}

/* The password is gone, the user name and the host stay. */
static void
test_userinfo_shapes(void **state)
{
	static const char *const shapes[] = {
		"http://alice:" SENTINEL "@127.0.0.1:3128",
		"http://alice:S3NT INEL@127.0.0.1:3128",
		"http://alice:S3NT%20INEL@[::1:1",
		"http://alice:S3NT'INEL@127.0.0.1:1",
		"http://alice:S3NT\"INEL@127.0.0.1:1",
		"http://alice:S3NT@INEL@127.0.0.1:1",
		"http://alice:S3NT%40INEL@127.0.0.1:1",
		"http://alice:S3NT/INEL@127.0.0.1:1",
		"http://alice:S3NT#INEL@127.0.0.1:1",
		"ftp://alice:S3NT INEL @127.0.0.1:1",
	};
	char in[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		/* as libcurl quotes it, and bare at the end of a line */
		snprintf(in, sizeof in, "Unsupported proxy syntax in '%s'", shapes[i]);
		redact(in, NULL);
		assert_null(strstr(out, "S3NT"));
		assert_null(strstr(out, "INEL"));
		assert_non_null(strstr(out, "alice:<redacted>@"));
		snprintf(in, sizeof in, "cannot connect to https://h:1 (via %s)", shapes[i]);
		redact(in, NULL);
		assert_null(strstr(out, "S3NT"));
		assert_null(strstr(out, "INEL"));
		assert_non_null(strstr(out, "https://h:1 (via "));
	}
}

static void
test_no_userinfo_unchanged(void **state)
{
	const char *in = "GET https://example.com:8443/api/2.0/token/list?x=1 -> 200 (http://a/b)";

	(void)state;
	assert_string_equal(redact(in, NULL), in);
	assert_string_equal(redact("no URL at all: a@b", NULL), "no URL at all: a@b");
}

/* A token used as a user name (no ':') goes whole. */
static void
test_user_only(void **state)
{
	(void)state;
	assert_string_equal(redact("to https://dapi0123456789@host/x", NULL),
			    "to https://<redacted>@host/x");
}

static void
test_two_urls(void **state)
{
	(void)state;
	assert_string_equal(redact("'http://a:" SENTINEL "@p:1' then 'https://b:" SENTINEL
				   "@q:2/x'", NULL),
			    "'http://a:<redacted>@p:1' then 'https://b:<redacted>@q:2/x'");
}

/* Known secrets go wherever they are, raw or as given. */
static void
test_known_secrets(void **state)
{
	const char *const secrets[] = { "S3NT INEL", "pw", NULL };

	(void)state;
	assert_string_equal(redact("Proxy said S3NT INEL twice: S3NT INEL", secrets),
			    "Proxy said <redacted> twice: <redacted>");
	/* too short to look for */
	assert_string_equal(redact("pw", secrets), "pw");
}

/* A small buffer truncates, never overflows. */
static void
test_truncates(void **state)
{
	char small[8];

	(void)state;
	http_redact("http://a:" SENTINEL "@host:1", NULL, small, sizeof small);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_null(strstr(small, "S3N"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userinfo_shapes),
		cmocka_unit_test(test_no_userinfo_unchanged),
		cmocka_unit_test(test_user_only),
		cmocka_unit_test(test_two_urls),
		cmocka_unit_test(test_known_secrets),
		cmocka_unit_test(test_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
