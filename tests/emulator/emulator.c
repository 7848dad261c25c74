/* placeholder until the emulator lands */
int main(void) { return 1; }
