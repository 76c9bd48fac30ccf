package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

import org.patientdocs.storage.S3ProxyServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The s3 store's floor in the transfer suite: S3Proxy itself putting and getting the same bytes, called directly with
 * the AWS SDK from the same JVM, without the service. A download or upload through the service cannot outrun it.
 */
final class S3Floor implements AutoCloseable {

    private static final String KEY = "bench-floor/document";

    private final S3Client client = S3ProxyServer.shared().client();
    private final Path source;

    S3Floor(Path source) {
        this.source = source;
        client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(KEY), RequestBody.fromFile(source));
    }

    /** MiB/s of one getObject of the document, read to its end. */
    double getRate() throws IOException {
        long started = System.nanoTime();
        long read = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = client.getObject(b -> b.bucket(S3ProxyServer.BUCKET).key(KEY))) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read += n;
            }
        }
        if (read != TransferSuite.DOCUMENT_BYTES) {
            throw new IllegalStateException("S3Proxy returned " + read + " bytes");
        }
        return TransferSuite.rate(System.nanoTime() - started);
    }

    /** MiB/s of one putObject of the document from the local file. */
    double putRate() {
        long started = System.nanoTime();
        client.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(KEY), RequestBody.fromFile(source));
        return TransferSuite.rate(System.nanoTime() - started);
    }

    @Override
    public void close() {
        client.deleteObject(b -> b.bucket(S3ProxyServer.BUCKET).key(KEY));
        client.close();
    }
}
