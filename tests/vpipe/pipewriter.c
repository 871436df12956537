/* pipewriter: the writing half of userapps/pipedemo as a program of its own,
 * for a pipe between two VMs (tests/vpipe/pipeline.sh): three messages of
 * 30, 30 and 20 bytes on the standard output, one write each. */
#include <unistd.h>

int main(void)
{
    static const char *msgs[] = {"the first message, of 30 bytes", "the second one: also 30 bytes.",
                                 "a third of 20 bytes."};
    for (int i = 0; i < 3; i++) {
        size_t n = i < 2 ? 30 : 20;
        if (write(1, msgs[i], n) != (ssize_t)n)
            return 1;
    }
    return 0;
}
