package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Content that also hands out its bytes a buffer at a time, for a writer that sends a buffer as it is (a download
 * written to Jetty): each byte is then copied once fewer than through {@link java.io.InputStream#read(byte[])}.
 * A download of decrypted content is one ({@link DecryptedContent}).
 */
public interface ContentBuffers {

    /**
     * The next bytes of the content, which the caller consumes (moving the buffer's position) before it calls again,
     * reads otherwise or closes the content; null at the end. Failures are those of reading the content.
     */
    ByteBuffer nextBuffer() throws IOException;
}
