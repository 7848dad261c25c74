/* duration.c: being written. */
