/* cli.c: being written. */
