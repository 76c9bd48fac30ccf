package org.patientdocs.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A request body whose last bytes wait for a latch: an upload the test holds in flight as long as it wants. */
final class HeldBody extends InputStream {

    private final CountDownLatch release;
    private final InputStream rest;

    private HeldBody(CountDownLatch release, byte[] rest) {
        this.release = release;
        this.rest = new ByteArrayInputStream(rest);
    }

    /** The body, sent at once up to its last {@code heldBack} bytes, which follow once {@code release} opens. */
    static InputStream of(byte[] body, int heldBack, CountDownLatch release) {
        return new SequenceInputStream(new ByteArrayInputStream(body, 0, body.length - heldBack),
                new HeldBody(release, Arrays.copyOfRange(body, body.length - heldBack, body.length)));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            if (!release.await(2, TimeUnit.MINUTES)) {
                throw new IOException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return rest.read(b, off, len);
    }
}
