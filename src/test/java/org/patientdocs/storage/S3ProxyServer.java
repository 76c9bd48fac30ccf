package org.patientdocs.storage;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.patientdocs.config.S3Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A real S3-compatible server inside the test JVM: S3Proxy on its in-memory backend (or, for the benchmark, its file
 * system backend), on a free loopback port, with one
 * bucket, checking AWS signatures against the credentials the SDK's default chain finds in this JVM's system
 * properties {@code aws.accessKeyId} and {@code aws.secretAccessKey} (set by the build's {@code it-s3} run; fixed
 * test values elsewhere). One shared server per JVM ({@link #shared()}); a test that stops S3 starts one of its own
 * ({@link #startOwn()}).
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String BUCKET = "documents";
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = System.getProperty("aws.accessKeyId", "test-access-key");
    public static final String SECRET_KEY = System.getProperty("aws.secretAccessKey", "test-secret-key");

    private static final Map<URI, S3ProxyServer> RUNNING = new ConcurrentHashMap<>();
    private static S3ProxyServer shared;
    private static Path sharedDir;

    private final Holding blobs;
    private final int port;
    private S3Proxy proxy;

    private S3ProxyServer(BlobStore store) throws Exception {
        blobs = new Holding(store);
        proxy = proxy(0);
        proxy.start();
        port = proxy.getPort();
        try (S3Client client = client()) {
            client.createBucket(b -> b.bucket(BUCKET));
        } catch (BucketAlreadyOwnedByYouException keptOnDiskByAnEarlierRun) {
            // the benchmark's directory from an earlier run
        }
        RUNNING.put(endpoint(), this);
    }

    /** The server of this JVM at the endpoint, shared or a test's own. */
    public static S3ProxyServer at(URI endpoint) {
        S3ProxyServer server = RUNNING.get(endpoint);
        if (server == null) {
            throw new IllegalArgumentException("no S3Proxy of this JVM at " + endpoint);
        }
        return server;
    }

    /** The server of this JVM, started on first use; it runs until the JVM ends. */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            try {
                shared = new S3ProxyServer(sharedDir == null ? new TransientNio2BlobStore()
                        : new FilesystemNio2BlobStore(Files.createDirectories(sharedDir).toString()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return shared;
    }

    /** A server of the caller's own, to stop and start again; closing it stops it. */
    public static S3ProxyServer startOwn() throws Exception {
        return new S3ProxyServer(new TransientNio2BlobStore());
    }

    /**
     * Makes the shared server, when it starts, keep its objects in files under {@code dir} rather than in memory: for
     * the benchmark, whose heap figures must not count the objects.
     */
    public static synchronized void keepSharedObjectsIn(Path dir) {
        if (shared != null) {
            throw new IllegalStateException("the shared S3Proxy has started already");
        }
        sharedDir = dir;
    }

    private S3Proxy proxy(int listenOn) {
        return S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:" + listenOn))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // a stop is an outage: connections are closed at once, requests in flight aborted
                .stopTimeout(0)
                .build();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The store's configuration for this server, its objects under {@code prefix}. */
    public S3Config config(String prefix, Duration timeout) {
        return new S3Config(endpoint(), REGION, BUCKET, prefix, true, timeout, 20, 5L * 1024 * 1024);
    }

    /** A client of the test's own, with the same credentials. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    /** The keys of the objects under the prefix. */
    public List<String> keys(String prefix) {
        try (S3Client client = client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                    .map(S3Object::key).toList();
        }
    }

    /** Deletes every object under the prefix. */
    public void deleteAll(String prefix) {
        try (S3Client client = client()) {
            for (String key : keys(prefix)) {
                client.deleteObject(b -> b.bucket(BUCKET).key(key));
            }
        }
    }

    /**
     * Makes S3 stop answering: every request to store or read an object from now on waits, its connection open,
     * until {@link #release()}. The latch opens once {@code requests} of them are waiting.
     */
    public CountDownLatch holdEverything(int requests) {
        return blobs.hold(0, requests);
    }

    /**
     * Makes the upload of part {@code partNumber} of a multipart upload wait, once all its bytes have arrived, until
     * {@link #release()}; the latch opens when it does.
     */
    public CountDownLatch holdPart(int partNumber) {
        return blobs.hold(partNumber, 1);
    }

    /** Lets the requests held by {@link #holdEverything} or {@link #holdPart} go on. */
    public void release() {
        blobs.release();
    }

    /** Stops listening: open connections are closed, new ones refused. */
    public synchronized void stop() throws Exception {
        proxy.stop();
    }

    /** Starts again on the same port, with the objects it had. */
    public synchronized void start() throws Exception {
        proxy = proxy(port);
        proxy.start();
    }

    @Override
    public void close() throws Exception {
        RUNNING.remove(endpoint());
        release();
        proxy.stop();
    }

    /** The blob store, with requests that wait when a test says so. */
    private static final class Holding extends ForwardingBlobStore {

        private volatile int heldPart = -1;
        private volatile CountDownLatch reached = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(0);

        Holding(BlobStore blobs) {
            super(blobs);
        }

        /** Holds part {@code partNumber} of multipart uploads, or everything when it is 0. */
        synchronized CountDownLatch hold(int partNumber, int requests) {
            reached = new CountDownLatch(requests);
            released = new CountDownLatch(1);
            heldPart = partNumber;
            return reached;
        }

        synchronized void release() {
            heldPart = -1;
            released.countDown();
        }

        private void await(boolean held) {
            if (!held) {
                return;
            }
            reached.countDown();
            try {
                if (!released.await(2, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("a held S3 request was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request,
                                                      InputStream in) {
            UploadPartResponse response = super.uploadMultipartPart(mpu, request, in);
            await(heldPart == 0 || heldPart == request.partNumber());
            return response;
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
            await(heldPart == 0);
            return super.putBlob(request, payload);
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            await(heldPart == 0);
            return super.initiateMultipartUpload(request);
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            await(heldPart == 0);
            return super.getBlob(request);
        }
    }
}
