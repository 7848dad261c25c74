/* sanitize.c: being written. */
