/* secret.c: being written. */
