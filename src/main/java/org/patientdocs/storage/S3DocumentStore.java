package org.patientdocs.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.patientdocs.config.S3Config;
import org.patientdocs.error.SafeTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Documents in an S3-compatible bucket ({@code documents.store=s3}), shared by every instance that uses the bucket:
 * the bytes as the object {@code <s3.prefix><document id>} (document ids are unique across tenants; a later version
 * of the bytes, stored by {@link #replaceContent}, as {@code <s3.prefix><document id>.v1} and so on, named as the file
 * store names its files), metadata in {@link DocumentRecords}. Like the {@linkplain FileDocumentStore file store}: an upload is received into the local
 * {@link ContentSpool}, then stored in S3 ({@link #prepare}, before the row's transaction begins; a multipart upload,
 * streamed part by part from the spool file, when larger than {@code s3.part-size-bytes}), and only then is its row
 * inserted; a failed insert deletes the object again, and a
 * crash in between leaves an object without a row, which {@link #deleteOrphans} removes. Deletion removes the row
 * first and the object once that has committed ({@link Transactions#afterCommit}).
 * <p>
 * With encryption at rest the {@link EncryptedDocumentStore} over this store hands it the ciphertext, which it
 * stores as any content.
 * <p>
 * A download streams the object from S3 as the client takes it: one pooled connection to S3 (at most
 * {@code s3.max-connections}), no database connection. Every call to S3 is bounded by {@code s3.timeout-ms}; S3
 * unreachable, refusing or not answering is a 503 ({@link StoreFailure#of(SdkException)}). Credentials come from the
 * AWS SDK's default chain.
 */
public final class S3DocumentStore implements DocumentStore {

    private static final Logger LOG = LoggerFactory.getLogger(S3DocumentStore.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long partSize;
    private final ContentSpool spool;
    private final DocumentRecords records;
    private final Transactions transactions;

    /**
     * @param spoolDir     where uploads are received before they are stored in S3
     * @param records      the metadata rows, reached through {@code transactions}' data source
     * @param transactions the transactions a deletion may be part of
     */
    public S3DocumentStore(S3Config config, Path spoolDir, DocumentRecords records, Transactions transactions)
            throws IOException {
        this(client(config), config, spoolDir, records, transactions);
        requireBucket(config);
    }

    S3DocumentStore(S3Client s3, S3Config config, Path spoolDir, DocumentRecords records,
                    Transactions transactions) throws IOException {
        // The spool is not the durable copy, so it is not forced to disk: S3's answer to the put is.
        this.spool = new ContentSpool(spoolDir, false);
        this.s3 = s3;
        this.bucket = config.bucket();
        this.prefix = config.prefix();
        this.partSize = config.partSizeBytes();
        this.records = records;
        this.transactions = transactions;
    }

    /**
     * The SDK's client for the configuration: the Apache HTTP client with a bounded pool, every call (retries
     * included) bounded by the timeout, and so are connecting, waiting for a pooled connection and waiting for the next
     * bytes of a download. Checksums only where S3 requires them: newer SDK defaults send checksums that several
     * S3-compatible services refuse, and the service keeps the content's SHA-256 itself.
     */
    static S3Client client(S3Config config) {
        Duration timeout = config.timeout();
        S3ClientBuilder builder = S3Client.builder()
                // environment, system properties, profile, container or instance role: never the properties file
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyleAccess())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(config.maxConnections())
                        .connectionTimeout(timeout)
                        .connectionAcquisitionTimeout(timeout)
                        .socketTimeout(timeout))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    /** The bucket answers (within {@code s3.timeout-ms}); a failure is logged without the bucket's objects' names. */
    @Override
    public boolean reachable() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException e) {
            LOG.warn("the S3 bucket cannot be reached: {}", SafeTrace.describe(e));
            return false;
        }
    }

    /**
     * Refuses to start, naming the setting, when the bucket cannot be reached (no credentials, a wrong endpoint,
     * region or bucket, no permission): a misconfiguration shows at start-up, not as the first upload's failure.
     */
    private void requireBucket(S3Config config) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            s3.close();
            String reason = e instanceof AwsServiceException aws ? "S3 answered " + aws.statusCode()
                    + (aws.awsErrorDetails() == null ? "" : " " + aws.awsErrorDetails().errorCode())
                    : e.getClass().getSimpleName();
            throw new IllegalStateException("s3.bucket " + bucket + " cannot be reached"
                    + (config.endpoint() == null ? " in AWS S3" : " at " + config.endpoint()) + " (s3.region "
                    + config.region() + "): " + reason, e);
        }
    }

    @Override
    public ContentSpool spool() {
        return spool;
    }

    /** Puts the object, outside the transaction that will insert the row: no pooled connection waits on S3. */
    @Override
    public void prepare(PendingContent content, String documentId) throws IOException {
        put(content, key(documentId, 0));
        content.markStored(documentId);
    }

    /** Stores the received file as the object; a failure leaves no object under the key but maybe an older one. */
    private void put(PendingContent content, String key) throws IOException {
        if (Files.size(content.tempFile()) != content.size()) {
            throw new IOException("the received file changed before it was stored");
        }
        try {
            if (content.size() > partSize) {
                putInParts(key, content);
            } else {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(content.tempFile()));
            }
        } catch (SdkException e) {
            throw StoreFailure.of(e);
        }
    }

    @Override
    public void abandon(PendingContent content, String documentId) {
        if (content.isStoredAs(documentId)) {
            deleteObject(key(documentId, 0), null);
        }
    }

    /** Inserts the row of bytes {@link #prepare} stored, or stores them now (the first version, as every new one). */
    @Override
    public void create(PendingContent content, DocumentRecord record) throws IOException {
        String key = key(record.id(), record.contentVersion());
        if (!content.isStoredAs(record.id()) || record.contentVersion() != 0) {
            put(content, key);
        }
        try {
            records.insert(record);
        } catch (RuntimeException e) {
            deleteObject(key, e);
            throw e;
        }
    }

    /** A multipart upload, each part streamed from its place in the spool file; aborted when a step fails. */
    private void putInParts(String key, PendingContent content) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            Path file = content.tempFile();
            for (long offset = 0; offset < content.size(); offset += partSize) {
                int number = parts.size() + 1;
                long length = Math.min(partSize, content.size() - offset);
                long from = offset;
                // the SDK may read a part more than once (signing, retries): each read opens the file anew
                RequestBody body = RequestBody.fromContentProvider(() -> slice(file, from, length), length,
                        "application/octet-stream");
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength(length), body).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException | Error e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                // left for the sweep, which aborts stale multipart uploads
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** {@code length} bytes of the file from {@code offset}. */
    private static InputStream slice(Path file, long offset, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new LimitedContent(in, length);
        } catch (IOException e) {
            throw new UncheckedIOException("the received file cannot be read", e);
        }
    }

    /**
     * The object of the document, or a range of it (a ranged GET: S3 sends only those bytes), streamed from S3 as it
     * is read. A read that fails midway (S3 gone or silent for {@code s3.timeout-ms}) throws an {@link IOException},
     * so that the download is aborted rather than ended short.
     *
     * @throws NoSuchFileException when S3 holds no object for the document
     */
    @Override
    public InputStream openContent(DocumentRecord document, long offset, long length) throws IOException {
        DocumentStore.requireWithin(document, offset, length);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        String range = offset == 0 && length == document.fileSizeBytes() ? null
                : "bytes=" + offset + "-" + (offset + length - 1);
        try {
            String key = key(document.id(), document.contentVersion());
            return new Download(s3.getObject(b -> b.bucket(bucket).key(key).range(range)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("no document with this id is stored");
        } catch (SdkException e) {
            throw StoreFailure.of(e);
        }
    }

    @Override
    public boolean delete(String tenant, String documentId) {
        if (!records.delete(tenant, documentId)) {
            return false;
        }
        transactions.afterCommit(() -> deleteObjects(documentId));
        return true;
    }

    /**
     * Puts the new bytes as the next version's object beside the current one while the row is locked, switches the
     * row ({@link DocumentRecords#switchLocked}), then deletes the current object. A download that opened the current
     * object just before may be cut short by that (unlike a file, S3 does not promise to finish a get of an object
     * deleted meanwhile): the client sees a broken download, never altered bytes, and a retry reads the new object. A
     * new object no row names is the sweep's.
     */
    @Override
    public boolean replaceContent(PendingContent content, DocumentRecord current, DocumentRecord replacement)
            throws IOException {
        String id = current.id();
        if (!records.switchLocked(current, replacement, () -> put(content, key(id, replacement.contentVersion())))) {
            return false;
        }
        deleteObject(key(id, current.contentVersion()), null);
        return true;
    }

    /**
     * Deletes stale spool files, objects under the prefix whose document has no row and that were last written more
     * than {@code minAge} ago, and multipart uploads begun before then that never completed.
     */
    @Override
    public int deleteOrphans(Duration minAge) throws IOException {
        int deleted = spool.deleteStale(minAge);
        Instant cutoff = Instant.now().minus(minAge);
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                DocumentIds.ContentName name = DocumentIds.parseContentName(object.key().substring(prefix.length()));
                if (name != null && object.lastModified().isBefore(cutoff)
                        && !records.referenced(name.documentId(), name.version())) {
                    s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                    deleted++;
                }
            }
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))
                    .uploads()) {
                if (upload.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    deleted++;
                }
            }
        } catch (SdkException e) {
            throw StoreFailure.of(e);
        }
        return deleted;
    }

    /** Closes the connections to S3. */
    @Override
    public void close() {
        s3.close();
    }

    /** The object of a version of a document's bytes: {@code <prefix><id>}, then {@code <prefix><id>.v1} and so on. */
    private String key(String documentId, int version) {
        return prefix + DocumentIds.contentName(documentId, version);
    }

    /**
     * Deletes every version of a document's bytes, once its row is gone: the objects listed under its id (another
     * id may begin with it, so each key is checked). A failure leaves orphans for the sweep.
     */
    private void deleteObjects(String documentId) {
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + documentId))
                    .contents()) {
                DocumentIds.ContentName name = DocumentIds.parseContentName(object.key().substring(prefix.length()));
                if (name != null && name.documentId().equals(documentId)) {
                    deleteObject(object.key(), null);
                }
            }
        } catch (RuntimeException leftForTheSweep) {
            // the row is gone: nobody reads these bytes any more
        }
    }

    /** Removes an object whose row is gone or never came; a failure leaves an orphan for the sweep. */
    private void deleteObject(String key, RuntimeException failure) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * A download from S3. A failure of the SDK while reading becomes an {@link IOException}, as a broken stream's
     * should; closing it before its end aborts the connection to S3 instead of reading the rest of the object only to
     * reuse the connection.
     */
    private static final class Download extends FilterInputStream {

        private final ResponseInputStream<GetObjectResponse> object;
        private boolean ended;

        Download(ResponseInputStream<GetObjectResponse> object) {
            super(object);
            this.object = object;
        }

        @Override
        public int read() throws IOException {
            try {
                return ended(super.read());
            } catch (SdkException e) {
                throw broken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return ended(super.read(b, off, len));
            } catch (SdkException e) {
                throw broken(e);
            }
        }

        private int ended(int read) {
            if (read < 0) {
                ended = true;
            }
            return read;
        }

        private static IOException broken(SdkException e) {
            return new IOException("the document storage failed during the download", e);
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                object.abort();
            }
            super.close();
        }
    }
}
