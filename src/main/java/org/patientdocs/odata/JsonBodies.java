package org.patientdocs.odata;

import java.io.IOException;
import java.io.InputStream;

import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.deserializer.DeserializerException;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** Reads small JSON entity bodies (patients, document labels), bounded in size. */
final class JsonBodies {

    /** Entity bodies here are a few hundred bytes; anything this large is a mistake or an attack. */
    static final int MAX_BYTES = 64 * 1024;

    private JsonBodies() {
    }

    static Entity entity(OData odata, ODataRequest request, ContentType format, EdmEntityType type)
            throws DeserializerException {
        if (format == null || !format.isCompatible(ContentType.APPLICATION_JSON)) {
            throw new ServiceException.UnsupportedMediaType("The body must be application/json");
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > MAX_BYTES) {
            throw new ServiceException.PayloadTooLarge(null, "An entity body may have at most " + MAX_BYTES + " bytes");
        }
        return odata.createDeserializer(format).entity(new Bounded(request.getBody()), type).getEntity();
    }

    /** Fails once more than {@link #MAX_BYTES} have been read, for bodies sent without a Content-Length. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long count;

        Bounded(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                check(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                check(n);
            }
            return n;
        }

        private void check(int n) {
            count += n;
            if (count > MAX_BYTES) {
                throw new ServiceException.PayloadTooLarge(null,
                        "An entity body may have at most " + MAX_BYTES + " bytes");
            }
        }
    }
}
