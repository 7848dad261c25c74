/* buf.c: being written. */
