/*
 * replay.c: run a libFuzzer target over saved inputs, with any compiler.
 *
 * Linked with one tests/fuzz/fuzz_NAME.c, it calls LLVMFuzzerInitialize (if
 * the target has one) and then LLVMFuzzerTestOneInput once for every regular
 * file in the directories (or the files) named on the command line, each in a
 * buffer of its exact size so a sanitizer sees any overread. A target reports
 * a failure by crashing or aborting; the driver itself fails only when it
 * cannot read an input. make check uses it to replay tests/fuzz/corpus/NAME/.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_INPUT (64u * 1024 * 1024)

/* Read all of path into a malloc'd buffer of exactly *size bytes (at
 * least one byte allocated). NULL on error, with errno set. */
static uint8_t *
replay_read(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *data;
	FILE *f;
	size_t got;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 ||
	    (uintmax_t)st.st_size > REPLAY_MAX_INPUT) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	*size = (size_t)st.st_size;
	if ((data = malloc(*size != 0 ? *size : 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	got = fread(data, 1, *size, f);
	fclose(f);
	if (got != *size) {
		free(data);
		errno = EIO;
		return NULL;
	}
	return data;
}

/* Run the target on one file. Returns 0, or -1 if it could not be read. */
static int
replay_file(const char *path)
{
	uint8_t *data;
	size_t size;

	if ((data = replay_read(path, &size)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Run the target on every regular, non-hidden file in dir; count them. */
static int
replay_dir(const char *dir, size_t *count)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >=
		    (int)sizeof path || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) != 0)
			rc = -1;
		else
			(*count)++;
	}
	closedir(d);
	return rc;
}

static int
replay_arg(const char *arg, size_t *count)
{
	struct stat st;

	if (stat(arg, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(arg, count);
	if (replay_file(arg) != 0)
		return -1;
	(*count)++;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (replay_arg(argv[i], &count) != 0)
			rc = 1;
	}
	printf("%s: %zu inputs replayed\n", argv[0], count);
	return rc;
}
