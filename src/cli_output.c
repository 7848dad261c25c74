/* cli_output.c: being written. */
