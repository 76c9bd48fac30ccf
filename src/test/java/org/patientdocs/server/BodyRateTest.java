package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.patientdocs.error.ServiceException;

class BodyRateTest {

    private final AtomicLong now = new AtomicLong(123_456_789L);

    private BodyRate rate(long minBytesPerSecond) {
        return new BodyRate(minBytesPerSecond, now::get);
    }

    private void pass(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aSmallFirstChunkFollowedByAShortPauseIsNotRefused() {
        // Jetty's floor refused this: 150 bytes, then 50 ms without a byte, is below 4096 bytes a second on average
        BodyRate rate = rate(4096);
        rate.arrived(150);
        pass(50);
        assertDoesNotThrow(() -> rate.arrived(8192));
    }

    @Test
    void oneByteEveryFiveSecondsIsRefusedAtItsSecondByte() {
        BodyRate rate = rate(4096);
        rate.arrived(1);
        pass(5_000);
        assertThrows(ServiceException.RequestTimeout.class, () -> rate.arrived(1));
    }

    @Test
    void aBodyAtTheFloorIsAdmittedAndOneJustBelowItIsNot() {
        BodyRate steady = rate(1000);
        steady.arrived(1);
        for (int second = 0; second < 10; second++) {
            pass(1_000);
            steady.arrived(1000);
        }
        // three seconds in, less the grace of one, 2000 bytes are due
        BodyRate slower = rate(1000);
        slower.arrived(1);
        pass(3_000);
        assertThrows(ServiceException.RequestTimeout.class, () -> slower.arrived(1998));
    }

    @Test
    void noFloorAdmitsAnyRateAndTheEndOfTheBodyIsNeverJudged() {
        BodyRate none = rate(0);
        none.arrived(1);
        pass(600_000);
        assertDoesNotThrow(() -> none.arrived(1));
        BodyRate ending = rate(4096);
        ending.arrived(1);
        pass(60_000);
        assertDoesNotThrow(() -> ending.arrived(-1));
    }
}
