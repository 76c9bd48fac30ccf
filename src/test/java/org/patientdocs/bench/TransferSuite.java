package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.auth.Caller;
import org.patientdocs.storage.ContentSpool;
import org.patientdocs.query.Dialect;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.DatabaseDocumentStore;
import org.patientdocs.storage.DocumentIds;
import org.patientdocs.storage.DocumentRecord;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.Keyring;
import org.patientdocs.storage.PendingContent;
import org.patientdocs.storage.S3ProxyServer;

/**
 * The transfer suite, run in a JVM of its own with {@code -Xmx256m} (started by {@link Benchmark}): for each document
 * store, the rate of 25 MiB {@code $value} downloads and multipart uploads next to a plain Jetty servlet in the same
 * JVM serving the same file and reading and discarding the same body ({@link PlainJetty}), measured in alternation
 * (for the s3 store, next to S3Proxy's own get and put of the same bytes, {@link S3Floor});
 * then the heap while {@code --parallel} downloads and then as many uploads run at once. With {@code --encryption on},
 * each store also with encryption at rest, its transfers alternating with those without. Per store, too: a 1 MiB range
 * from the middle of the 25 MiB document next to the download of a whole 1 MiB document (what a range costs should be
 * what its bytes cost, not the document's).
 */
public final class TransferSuite {

    /** The document size: the service's upload limit, 25 MiB. */
    static final int DOCUMENT_BYTES = 26_214_400;
    /** The small document, and the range taken from the large one: 1 MiB. */
    static final int RANGE_BYTES = 1024 * 1024;
    /** Where the range starts: in the middle of the document, inside a chunk and an encrypted segment. */
    private static final long RANGE_OFFSET = 12L * 1024 * 1024 + 12345;
    /** Downloads each parallel client makes while the heap is sampled. */
    private static final int HEAP_ROUNDS = 3;

    private final BenchOptions options;
    private final PlainJetty plain;
    private final Path source;
    private final Path smallSource;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** With {@code --encryption on}: the run's keyring, which every service of the run reads. */
    private Path keyringFile;

    private TransferSuite(BenchOptions options, PlainJetty plain, Path source, Path smallSource) {
        this.options = options;
        this.plain = plain;
        this.source = source;
        this.smallSource = smallSource;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        if (options.documents().contains("s3")) {
            // the s3 store's SDK takes its credentials from its default chain, here the JVM's system properties
            System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
            // on disk, as a real S3's objects are outside the service's heap
            S3ProxyServer.keepSharedObjectsIn(options.workDir().resolve("transfer").resolve("s3proxy"));
        }
        Path dir = Files.createDirectories(options.workDir().resolve("transfer"));
        ServiceLog.toFile(options.workDir().resolve("service-transfer.log"));
        Path source = writeSource(dir.resolve("source.pdf"), DOCUMENT_BYTES);
        Path smallSource = writeSource(dir.resolve("small.pdf"), RANGE_BYTES);
        BenchDatabase database = new BenchDatabase.Coordinates(options.dbUrl(), options.dbUser(),
                options.dbPassword());
        System.out.printf(Locale.ROOT, "%n== Transfer suite: %s, document stores %s, %d MiB document, max heap %d MiB,"
                        + " %d timed transfers each ==%n", options.store(), options.documents(), DOCUMENT_BYTES >> 20,
                Runtime.getRuntime().maxMemory() >> 20, options.transferIterations());
        List<TransferReport.StoreResult> results = new ArrayList<>();
        try (PlainJetty plain = PlainJetty.start(source)) {
            TransferSuite suite = new TransferSuite(options, plain, source, smallSource);
            for (String store : options.documents()) {
                results.add(suite.measure(database, store, dir.resolve(store)));
            }
        }
        TransferReport.print(results, options.parallel(), HEAP_ROUNDS);
        System.exit(0);
    }

    /** A valid PDF of random content, written once per run (not the bench's own {@link Samples}). */
    private static Path writeSource(Path file, int size) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            org.patientdocs.server.Samples.writePdf(out, size);
        }
        return file;
    }

    private TransferReport.StoreResult measure(BenchDatabase database, String store, Path dataDir) throws Exception {
        // with --encryption on both services read with the run's one keyring, as every instance of a deployment
        // does: the database is shared, and the start refuses rows encrypted with a key its keyring lacks
        Map<String, String> keyring = options.encryption()
                ? Map.of("documents.encryption.keyring-file", keyring(dataDir).toString()) : Map.of();
        try (BenchService service = BenchService.start(database, store, dataDir, keyring);
             BenchService encryptedService = options.encryption() ? encrypted(database, store, dataDir, keyring)
                     : null;
             HikariDataSource probePool = store.equals("database")
                     ? DataSources.open(service.config.database(), Dialect.fromJdbcUrl(service.config.database().url()))
                     : null;
             S3Floor s3 = store.equals("s3") ? new S3Floor(source) : null) {
            DatabaseDocumentStore probeStore = probePool == null ? null : new DatabaseDocumentStore(
                    dataDir.resolve("database-probe"), probePool, new DocumentRecords(probePool));
            Service target = new Service(service, "T-" + store);
            target.createPatient();
            String id = target.upload();
            URI download = target.download(id);
            URI smallDownload = target.download(target.upload(smallSource));
            Service encrypted = encryptedService == null ? null : new Service(encryptedService, "E-" + store);
            URI encryptedDownload = null;
            URI encryptedSmallDownload = null;
            if (encrypted != null) {
                encrypted.createPatient();
                encryptedDownload = encrypted.download(encrypted.upload());
                encryptedSmallDownload = encrypted.download(encrypted.upload(smallSource));
            }
            URI file = plain.base.resolve("file");
            URI discard = plain.base.resolve("discard");

            // the s3 store's floor is S3Proxy's own get and put of the same bytes; the others' a plain servlet's
            Rate downloadFloor = s3 != null ? s3::getRate : () -> downloadRate(file, Map.of());
            Rate uploadFloor = s3 != null ? s3::putRate : () -> uploadRate(discard, 204);
            for (int i = 0; i < Math.min(options.warmup(), 5); i++) {
                downloadRate(download, service.credentials());
                downloadFloor.measure();
                target.delete(target.upload());
                uploadFloor.measure();
                if (encrypted != null) {
                    downloadRate(encryptedDownload, encryptedService.credentials());
                    encrypted.delete(encrypted.upload());
                }
            }
            Samples encryptedDownloads = encrypted == null ? null : new Samples();
            Samples encryptedUploads = encrypted == null ? null : new Samples();
            Samples serviceDownload = new Samples();
            Samples plainDownload = new Samples();
            Samples serviceUpload = new Samples();
            Samples plainUpload = new Samples();
            Samples spool = new Samples();
            Samples hash = new Samples();
            Samples durable = new Samples();
            Samples range = new Samples();
            Samples small = new Samples();
            Samples encryptedRange = new Samples();
            Samples encryptedSmall = new Samples();
            for (int i = 0; i < options.transferIterations(); i++) {
                range.add(rangeMillis(download, service.credentials()));
                small.add(smallMillis(smallDownload, service.credentials()));
                if (encrypted != null) {
                    encryptedRange.add(rangeMillis(encryptedDownload, encryptedService.credentials()));
                    encryptedSmall.add(smallMillis(encryptedSmallDownload, encryptedService.credentials()));
                }
                serviceDownload.add(downloadRate(download, service.credentials()));
                plainDownload.add(downloadFloor.measure());
                long started = System.nanoTime();
                String uploaded = target.upload();
                serviceUpload.add(rate(System.nanoTime() - started));
                target.delete(uploaded);
                plainUpload.add(uploadFloor.measure());
                spool.add(spoolRate(dataDir, store.equals("filesystem")));
                hash.add(hashRate());
                durable.add(probeStore != null ? databaseRate(probeStore, target.patient)
                        : s3 != null ? s3.putRate() : diskRate(dataDir));
                if (encrypted != null) {
                    // alternating with the unencrypted transfers above, so that both meet the same machine
                    encryptedDownloads.add(downloadRate(encryptedDownload, encryptedService.credentials()));
                    long encryptedStarted = System.nanoTime();
                    String encryptedUpload = encrypted.upload();
                    encryptedUploads.add(rate(System.nanoTime() - encryptedStarted));
                    encrypted.delete(encryptedUpload);
                }
            }

            printRange(store, range, small);
            if (encrypted != null) {
                printRange(store + ", encrypted", encryptedRange, encryptedSmall);
            }

            HeapSampler downloads = new HeapSampler();
            long started = System.nanoTime();
            parallel(() -> {
                for (int round = 0; round < HEAP_ROUNDS; round++) {
                    downloadRate(download, service.credentials());
                }
                return null;
            });
            double parallelDownloads = options.parallel() * HEAP_ROUNDS * rate(System.nanoTime() - started);
            HeapSampler.Figures downloadHeap = downloads.stop();
            HeapSampler uploads = new HeapSampler();
            started = System.nanoTime();
            List<String> uploaded = parallel(target::upload);
            double parallelUploads = options.parallel() * rate(System.nanoTime() - started);
            HeapSampler.Figures uploadHeap = uploads.stop();
            for (String each : uploaded) {
                target.delete(each);
            }
            return new TransferReport.StoreResult(store, serviceDownload, plainDownload,
                    serviceUpload, plainUpload, spool, hash, durable,
                    new TransferReport.Parallel(parallelDownloads, downloadHeap),
                    new TransferReport.Parallel(parallelUploads, uploadHeap), encryptedDownloads, encryptedUploads);
        }
    }

    /** The same store with encryption at rest, in a data directory of its own. */
    private static BenchService encrypted(BenchDatabase database, String store, Path dataDir,
                                          Map<String, String> keyring) throws Exception {
        Path encryptedDir = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-encrypted"));
        Map<String, String> settings = new HashMap<>(keyring);
        settings.put("documents.encryption", "on");
        return BenchService.start(database, store, encryptedDir, settings);
    }

    /** The run's keyring, made at its first use beside the stores' data directories. */
    private Path keyring(Path dataDir) throws IOException {
        if (keyringFile == null) {
            keyringFile = Files.writeString(Files.createDirectories(dataDir.getParent()).resolve("keyring.json"),
                    Keyring.newKeyring("bench-1"));
        }
        return keyringFile;
    }

    /** Runs the task on {@code --parallel} threads at once and returns their results. */
    private <T> List<T> parallel(Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(options.parallel());
        try {
            List<Future<T>> running = new ArrayList<>();
            for (int i = 0; i < options.parallel(); i++) {
                running.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> each : running) {
                results.add(each.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** MiB/s of one whole download; the body must be the document's full length. */
    private double downloadRate(URI uri, Map<String, String> headers) throws IOException {
        long started = System.nanoTime();
        RawHttp.Response response = RawHttp.get(uri, headers).expect(200, "GET " + uri.getPath());
        long elapsed = System.nanoTime() - started;
        if (response.bodyBytes() != DOCUMENT_BYTES) {
            throw new IllegalStateException("downloaded " + response.bodyBytes() + " bytes, expected "
                    + DOCUMENT_BYTES);
        }
        return rate(elapsed);
    }

    /** Milliseconds of one 1 MiB range out of the middle of the 25 MiB document. */
    private static double rangeMillis(URI uri, Map<String, String> credentials) throws IOException {
        Map<String, String> headers = new HashMap<>(credentials);
        headers.put("Range", "bytes=" + RANGE_OFFSET + "-" + (RANGE_OFFSET + RANGE_BYTES - 1));
        long started = System.nanoTime();
        RawHttp.Response response = RawHttp.get(uri, headers).expect(206, "GET a range of " + uri.getPath());
        long elapsed = System.nanoTime() - started;
        if (response.bodyBytes() != RANGE_BYTES) {
            throw new IllegalStateException("the range had " + response.bodyBytes() + " bytes");
        }
        return elapsed / 1e6;
    }

    /** Milliseconds of one whole download of the 1 MiB document. */
    private static double smallMillis(URI uri, Map<String, String> credentials) throws IOException {
        long started = System.nanoTime();
        RawHttp.Response response = RawHttp.get(uri, credentials).expect(200, "GET " + uri.getPath());
        long elapsed = System.nanoTime() - started;
        if (response.bodyBytes() != RANGE_BYTES) {
            throw new IllegalStateException("the small document had " + response.bodyBytes() + " bytes");
        }
        return elapsed / 1e6;
    }

    private static void printRange(String store, Samples range, Samples small) {
        System.out.printf(Locale.ROOT, "%s: 1 MiB range of the 25 MiB document p50 %.2f ms (max %.2f), whole 1 MiB"
                        + " document p50 %.2f ms (max %.2f); range / whole %.2f%n", store, range.median(), range.max(),
                small.median(), small.max(), range.median() / small.median());
    }

    private double uploadRate(URI uri, int status) throws IOException {
        long started = System.nanoTime();
        RawHttp.post(uri, Map.of(), form()).expect(status, "POST " + uri.getPath());
        return rate(System.nanoTime() - started);
    }

    /**
     * MiB/s of the service's own spool receiving the document from the local file as the store's uploads do: hashed,
     * written, and forced to disk when the spool file becomes the stored document; without HTTP or multipart.
     */
    private double spoolRate(Path dataDir, boolean durable) throws IOException {
        ContentSpool spool = new ContentSpool(dataDir.resolve("spool-probe"), durable);
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(source);
             PendingContent received = spool.write(in, DOCUMENT_BYTES)) {
            if (durable) {
                // as the filesystem store's commit does before the file becomes the document
                try (FileChannel file = FileChannel.open(received.tempFile(), StandardOpenOption.WRITE)) {
                    file.force(true);
                }
            }
            return rate(System.nanoTime() - started);
        }
    }

    /**
     * MiB/s of the disk alone making a document durable: 25 MiB written from memory in 512 KiB writes, then forced to
     * disk, as {@code dd conv=fsync} would. An upload acknowledged only once durable cannot be faster.
     */
    private double diskRate(Path dataDir) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(512 * 1024);
        new Random(26).nextBytes(block.array());
        Path file = dataDir.resolve("disk-probe.bin");
        Files.deleteIfExists(file);
        long started = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int written = 0; written < DOCUMENT_BYTES; written += block.capacity()) {
                block.clear();
                while (block.hasRemaining()) {
                    channel.write(block);
                }
            }
            channel.force(true);
            return rate(System.nanoTime() - started);
        } finally {
            Files.delete(file);
        }
    }

    /**
     * MiB/s of PostgreSQL alone storing a received document as the database store does
     * ({@link DatabaseDocumentStore#create}: the row and its 1 MiB chunk rows in one transaction, read from the
     * local spool file): the part of a database-store upload after the body has arrived.
     *
     * @param store a database store over a pool of the benchmark's own to the service's database
     */
    private double databaseRate(DatabaseDocumentStore store, String patient) throws IOException {
        try (InputStream in = Files.newInputStream(source);
             PendingContent received = store.receive(in, DOCUMENT_BYTES)) {
            DocumentRecord record = new DocumentRecord(Caller.DEFAULT_TENANT, DocumentIds.newId(), patient,
                    "probe.pdf", "application/pdf", received.size(), null, null, "bench", Instant.now(),
                    received.sha256Hex());
            long started = System.nanoTime();
            store.create(received, record);
            double rate = rate(System.nanoTime() - started);
            store.delete(record.tenant(), record.id());
            return rate;
        }
    }

    /** MiB/s of SHA-256 over the document read from the local file (from the page cache): hashing alone. */
    private double hashRate() throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(source)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        digest.digest();
        return rate(System.nanoTime() - started);
    }

    /** One timed transfer of the document: its MiB/s. */
    @FunctionalInterface
    private interface Rate {
        double measure() throws IOException;
    }

    /** MiB/s of moving one document in the given nanoseconds. */
    static double rate(long nanos) {
        return DOCUMENT_BYTES / 1048576.0 / (nanos / 1e9);
    }

    /** The spec's upload form with the 25 MiB document. */
    private RawHttp.Body form() {
        return form(source);
    }

    /** The spec's upload form: the file and a document type, as curl -F sends them. */
    private RawHttp.Body form(Path file) {
        String boundary = "------------------------bench" + Long.toHexString(System.nanoTime());
        return new RawHttp.Body("multipart/form-data; boundary=" + boundary, formHead(boundary), file,
                formTail(boundary));
    }

    /** What comes before a PDF's bytes in the spec's upload form as curl -F sends it: a document type, the file. */
    static byte[] formHead(String boundary) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"document_type\"\r\n\r\nReferral"
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** What comes after the file's bytes in that form. */
    static byte[] formTail(String boundary) {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The service's side of the suite: one patient, uploads to it, downloads and deletes of its documents. */
    private final class Service {
        private final BenchService service;
        final String patient;

        Service(BenchService service, String patient) {
            this.service = service;
            this.patient = patient;
        }

        void createPatient() throws IOException, InterruptedException {
            service.createPatient(http, patient, "Bench");
        }

        /** Uploads the document (201: hashed, durable, committed) and returns its id. */
        String upload() throws IOException {
            return upload(source);
        }

        String upload(Path file) throws IOException {
            RawHttp.Response response = RawHttp.post(documents(), service.credentials(), form(file))
                    .expect(201, "upload");
            String location = response.headers().get("location");
            int open = location.lastIndexOf("('");
            return location.substring(open + 2, location.length() - 2);
        }

        URI download(String id) {
            return service.base.resolve("Patients('" + patient + "')/Documents('" + id + "')/$value");
        }

        void delete(String id) throws IOException, InterruptedException {
            HttpResponse<String> deleted = http.send(service.request("Patients('" + patient + "')/Documents('" + id
                    + "')").DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (deleted.statusCode() != 204) {
                throw new IllegalStateException("deleting a document answered " + deleted.statusCode());
            }
        }

        private URI documents() {
            return service.base.resolve("Patients('" + patient + "')/Documents");
        }
    }
}
