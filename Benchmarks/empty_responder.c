/* The empty FastCGI responder: the HTTP ceiling of the benchmark.
 *
 * A single-threaded libfcgi accept loop that reads and discards the request body (as the
 * product does) and answers every request with
 *     Status: 200 / Content-Type: application/json / {}
 * It ignores its arguments, so scripts/lib.sh start_stack can launch it exactly like the
 * product (`--data-dir DIR --threads N ...`). Built by Benchmarks/run.sh with
 *     gcc -O2 -o empty-responder empty_responder.c -lfcgi
 */
#include <fcgiapp.h>
#include <signal.h>
#include <stdlib.h>

static const char answer[] = "Status: 200\r\nContent-Type: application/json\r\n\r\n{}";

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    if (FCGX_Init() != 0) return 1;
    FCGX_Request request;
    if (FCGX_InitRequest(&request, 0, 0) != 0) return 1;
    static char buffer[65536];
    while (FCGX_Accept_r(&request) >= 0) {
        while (FCGX_GetStr(buffer, sizeof buffer, request.in) > 0) {
        }
        FCGX_PutStr(answer, (int)sizeof answer - 1, request.out);
        FCGX_Finish_r(&request);
    }
    return 0;
}
