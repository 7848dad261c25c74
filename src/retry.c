/* retry.c: being written. */
