package org.patientdocs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WrkTest {

    /** wrk 4.1's report of a run with --latency, as it prints it. */
    private static final String REPORT = """
            Running 5s test @ http://127.0.0.1:18080/
              1 threads and 2 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   162.43us  254.67us   9.12ms   97.69%
                Req/Sec    12.08k     1.03k   13.47k    79.00%
              Latency Distribution
                 50%  118.00us
                 75%  151.00us
                 90%  204.00us
                 99%    1.08ms
              60091 requests in 5.00s, 24.25MB read
              Non-2xx or 3xx responses: 60091
            Requests/sec:  12014.70
            Transfer/sec:      4.85MB
            """;

    @Test
    void theReportsRatePercentilesAndRefusalsAreRead() {
        assertEquals(new Wrk.Run(12014.70, 0.118, 1.08, 60091, 60091), Wrk.parse(REPORT));
        Wrk.Run slow = Wrk.parse(REPORT.replace("  118.00us", "    1.50s").replace("    1.08ms", "    2.00m")
                .replace("  Non-2xx or 3xx responses: 60091\n", ""));
        assertEquals(1500, slow.p50Ms());
        assertEquals(120_000, slow.p99Ms());
        assertEquals(0, slow.unexpected());
    }
}
