package org.patientdocs.server;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.patientdocs.error.ServiceException;

/**
 * The floor on the rate of one request body ({@code http.min-request-bytes-per-second}): once a read returns, the
 * bytes read so far must be at least the floor times the time since the first of them, less a grace of one second.
 * A client that sends one byte every few seconds is so refused at its second byte, while an ordinary one whose first
 * few hundred bytes are followed by a pause of some milliseconds (its CPU busy elsewhere, a garbage collection) is
 * not: Jetty's own floor ({@code HttpConfiguration.setMinRequestDataRate}) has no grace and refused such uploads.
 * A read that waits for bytes that never come is ended by the idle timeout instead.
 */
final class BodyRate {

    /** How long a body may take before the floor applies, measured from its first byte. */
    static final long GRACE_MILLIS = 1_000;

    private final long minBytesPerSecond;
    private final LongSupplier nanoClock;
    private long firstNanos;
    private long bytes;

    /** @param minBytesPerSecond the floor; zero: none */
    BodyRate(long minBytesPerSecond) {
        this(minBytesPerSecond, System::nanoTime);
    }

    BodyRate(long minBytesPerSecond, LongSupplier nanoClock) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.nanoClock = nanoClock;
    }

    /**
     * Counts what a read returned.
     *
     * @param read the bytes a read returned; -1 at the end of the body
     * @throws ServiceException.RequestTimeout if the body has arrived below the floor
     */
    void arrived(int read) {
        if (minBytesPerSecond == 0 || read <= 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (bytes == 0) {
            firstNanos = now;
        }
        bytes += read;
        long judgedMillis = TimeUnit.NANOSECONDS.toMillis(now - firstNanos) - GRACE_MILLIS;
        // at most 10^9 bytes a second times at most a few days in milliseconds: far within a long
        if (judgedMillis > 0 && bytes < minBytesPerSecond * judgedMillis / 1_000) {
            throw new ServiceException.RequestTimeout("The request body arrived more slowly than "
                    + minBytesPerSecond + " bytes a second; send it again", null);
        }
    }
}
