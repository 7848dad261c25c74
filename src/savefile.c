/*
 * savefile.c: write a file whole or not at all (see savefile.h).
 *
 * The stream writes through a buffer on this function's stack, wiped when
 * the file is closed: a new token's secret leaves no copy in a stdio buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "savefile.h"
#include "secret.h"

char *
savefile_expand(const char *path)
{
	const char *home = getenv("HOME");
	char *out;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return strdup(path);
	if (home == NULL || *home == '\0')
		return NULL;
	if ((out = malloc(strlen(home) + strlen(path))) == NULL)
		return NULL;
	sprintf(out, "%s%s", home, path + 1);
	return out;
}

bool
savefile_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The directory of path ("." when it has none), malloc'd. */
static char *
savefile_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Fill a new temporary file (fd, 0600) and sync it. 0 or -1 (errno set). */
static int
savefile_fill(int fd, savefile_fill_fn fill, const void *ctx)
{
	char buf[BUFSIZ];
	FILE *fp = fdopen(fd, "w");
	int rc, saved;

	if (fp == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	setvbuf(fp, buf, _IOFBF, sizeof buf);
	errno = 0;
	rc = fill(fp, ctx);
	if (rc == 0 && (fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0))
		rc = -1;
	saved = errno != 0 ? errno : EIO;
	if (fclose(fp) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	secret_wipe(buf, sizeof buf);
	errno = saved;
	return rc;
}

/* Give tmp the name path without ever replacing what is there. */
static int
savefile_link_new(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	/* a file system without hard links */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	if (savefile_exists(path)) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

static void
savefile_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
}

/* The temporary file's name: ".BASE.XXXXXX", BASE cut so that the name
 * fits NAME_MAX (a legal destination name of up to NAME_MAX bytes must
 * not fail for its temporary name). */
static void
savefile_tmpname(char *tmp, const char *dir, const char *base)
{
	const int keep = NAME_MAX - (int)strlen("..XXXXXX");   /* "." BASE ".XXXXXX" */

	sprintf(tmp, "%s/.%.*s.XXXXXX", dir, keep, base);
}

/* Write the temporary file tmp (a template) and give it the name path. */
static int
savefile_commit(char *tmp, const char *path, enum savefile_mode mode, savefile_fill_fn fill,
		const void *ctx)
{
	int fd, saved;

	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	if (savefile_fill(fd, fill, ctx) == 0 &&
	    (mode == SAVEFILE_REPLACE ? rename(tmp, path) : savefile_link_new(tmp, path)) == 0)
		return 0;
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

enum patrol_status
savefile_write(const char *path, enum savefile_mode mode, savefile_fill_fn fill,
	       const void *ctx, struct patrol_err *err)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	char *dir = savefile_dir(path), *tmp = NULL;
	int rc = -1;

	if (dir == NULL || (tmp = malloc(strlen(dir) + strlen(base) + 16)) == NULL) {
		free(dir);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	savefile_tmpname(tmp, dir, base);
	if (*base == '\0')
		errno = EISDIR;
	else if ((rc = savefile_commit(tmp, path, mode, fill, ctx)) == 0)
		savefile_sync_dir(dir);
	free(dir);
	free(tmp);
	if (rc == 0)
		return PATROL_OK;
	if (errno == EEXIST)
		return status_set(err, PATROL_CONFLICT, "%s: File exists", path);
	return status_set(err, PATROL_IO, "cannot write %s: %s", path, strerror(errno));
}
