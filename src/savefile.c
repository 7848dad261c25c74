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
#include <sys/random.h>
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

/* Give tmp the name base in directory dfd without ever replacing what is
 * there. */
static int
savefile_link_new(int dfd, const char *tmp, const char *base)
{
	struct stat st;

	if (linkat(dfd, tmp, dfd, base, 0) == 0) {
		unlinkat(dfd, tmp, 0);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	/* a file system without hard links */
	if (renameat2(dfd, tmp, dfd, base, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(dfd, tmp, dfd, base);
}

/* The directory dfd (an O_PATH descriptor) to disk. */
static void
savefile_sync_dir(int dfd)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
}

/* The directory the file goes in, opened once (O_PATH): the temporary
 * file, its name and the sync all go through this descriptor. follow: as
 * open(2) finds dir; else dir is absolute and none of its components may
 * be a symbolic link (ELOOP when one is). */
static int
savefile_open_dir(const char *dir, bool follow)
{
	char *copy, *comp, *save = NULL;
	int fd, next, saved;
	struct stat st;

	if (follow)
		return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if ((copy = strdup(dir)) == NULL)
		return -1;
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (comp = strtok_r(copy, "/", &save); fd != -1 && comp != NULL;
	     comp = strtok_r(NULL, "/", &save)) {
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -1 && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			errno = ELOOP;
		saved = errno;
		close(fd);
		errno = saved;
		fd = next;
	}
	free(copy);
	return fd;
}

/* A new temporary file (0600) in dfd, named ".BASE.XXXXXX" in tmp
 * (NAME_MAX + 1 bytes): BASE cut so that the name fits NAME_MAX (a legal
 * destination name must not fail for its temporary name). mkostemp(3) has
 * no form relative to a directory descriptor, hence this one. fd or -1. */
static int
savefile_mktemp(int dfd, const char *base, char *tmp)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const int keep = NAME_MAX - (int)strlen("..XXXXXX");   /* "." BASE ".XXXXXX" */
	unsigned char rnd[6];
	int len = snprintf(tmp, NAME_MAX + 1, ".%.*s.XXXXXX", keep, base), tries, fd;
	size_t i;

	for (tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
			return -1;
		for (i = 0; i < sizeof rnd; i++)
			tmp[len - (int)sizeof rnd + (int)i] = chars[rnd[i] % (sizeof chars - 1)];
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* Write a temporary file in dfd and give it the name base. */
static int
savefile_commit(int dfd, const char *base, enum savefile_mode mode, savefile_fill_fn fill,
		const void *ctx)
{
	char tmp[NAME_MAX + 1];
	int fd, saved;

	if ((fd = savefile_mktemp(dfd, base, tmp)) == -1)
		return -1;
	if (savefile_fill(fd, fill, ctx) == 0 &&
	    (mode == SAVEFILE_REPLACE ? renameat(dfd, tmp, dfd, base) :
	     savefile_link_new(dfd, tmp, base)) == 0)
		return 0;
	saved = errno;
	unlinkat(dfd, tmp, 0);
	errno = saved;
	return -1;
}

static enum patrol_status
savefile_write_in(const char *path, bool follow, enum savefile_mode mode, savefile_fill_fn fill,
		  const void *ctx, struct patrol_err *err)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	char *dir = savefile_dir(path);
	int dfd = -1, rc = -1, saved;

	if (dir == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (*base == '\0')
		errno = EISDIR;
	else if ((dfd = savefile_open_dir(dir, follow)) != -1 &&
		 (rc = savefile_commit(dfd, base, mode, fill, ctx)) == 0)
		savefile_sync_dir(dfd);
	saved = errno;
	if (dfd != -1)
		close(dfd);
	free(dir);
	if (rc == 0)
		return PATROL_OK;
	if (saved == EEXIST)
		return status_set(err, PATROL_CONFLICT, "%s: File exists", path);
	if (saved == ELOOP && !follow)
		return status_set(err, PATROL_IO, "cannot write %s: a directory on its path is a "
				  "symbolic link now: nothing was written through it", path);
	return status_set(err, PATROL_IO, "cannot write %s: %s", path, strerror(saved));
}

enum patrol_status
savefile_write(const char *path, enum savefile_mode mode, savefile_fill_fn fill,
	       const void *ctx, struct patrol_err *err)
{
	return savefile_write_in(path, true, mode, fill, ctx, err);
}

enum patrol_status
savefile_write_resolved(const char *path, enum savefile_mode mode, savefile_fill_fn fill,
			const void *ctx, struct patrol_err *err)
{
	return savefile_write_in(path, false, mode, fill, ctx, err);
}
