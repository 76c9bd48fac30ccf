package org.patientdocs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

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

    @Test
    void aRequestIsWarmedUpUntilItsRateStopsRising() throws Exception {
        assertEquals(List.of(1582.0, 2705.0, 3967.0, 6143.0, 7237.0, 7400.0),
                Wrk.warmUp(rounds(1582, 2705, 3967, 6143, 7237, 7400, 7900)));
        // a round slower than the one before has stopped rising too
        assertEquals(List.of(12000.0, 11000.0), Wrk.warmUp(rounds(12000, 11000, 17000)));
        // never more than the most rounds, however it climbs
        assertEquals(Wrk.MAX_WARM_UP_ROUNDS, Wrk.warmUp(rounds(1, 2, 4, 8, 16, 32, 64, 128)).size());
        assertFalse(Wrk.stoppedRising(List.of(5000.0)));
        assertTrue(Wrk.stoppedRising(List.of(5000.0, 5250.0)));
        assertFalse(Wrk.stoppedRising(List.of(5000.0, 5251.0)));
        assertEquals("1,582 > 7.5 req/s", Wrk.describe(List.of(1582.0, 7.5)));
    }

    /** Rounds sending at these rates, one after the other. */
    private static Wrk.Round rounds(double... rates) {
        Deque<Double> left = new ArrayDeque<>();
        for (double rate : rates) {
            left.add(rate);
        }
        return () -> new Wrk.Run(left.remove(), 1, 2, 100, 0);
    }
}
