package org.patientdocs.odata;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

import org.patientdocs.error.ServiceException;

/**
 * A request body that fails as soon as more than a limit has been read, for bodies that may come without a
 * Content-Length: those read whole (JSON entities, batches) and upload forms.
 */
final class LimitedInput extends FilterInputStream {

    private final long limit;
    private final Supplier<ServiceException> tooLarge;
    private long count;

    LimitedInput(InputStream in, long limit, Supplier<ServiceException> tooLarge) {
        super(in);
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) {
        count += n;
        if (count > limit) {
            throw tooLarge.get();
        }
    }
}
