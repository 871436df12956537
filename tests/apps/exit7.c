/* exit7: returns 7 from main, nothing else. The runner checks that the
 * exit status travels through exit_group to the machine's exit code. */
int main(void)
{
    return 7;
}
