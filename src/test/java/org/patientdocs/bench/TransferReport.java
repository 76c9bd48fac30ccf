package org.patientdocs.bench;

import java.util.List;
import java.util.Locale;

/** Prints the transfer suite's table: rates against their floors and targets, then the heap under parallel load. */
final class TransferReport {

    /** The filesystem store's downloads must reach this share of the plain servlet's rate. */
    static final double FILESYSTEM_DOWNLOAD_TARGET = 0.90;
    /** The database store's downloads must reach this share of the plain servlet's rate. */
    static final double DATABASE_DOWNLOAD_TARGET = 0.25;
    /**
     * The s3 store's downloads must reach this share of S3Proxy's own get of the same bytes: a first target, set
     * before any figure was taken on a quiet machine.
     */
    static final double S3_DOWNLOAD_TARGET = 0.50;
    /** Uploads (hashed, durable) must reach this share of the rate of reading and discarding the same body. */
    static final double UPLOAD_TARGET = 0.50;
    /** Transfers with encryption at rest must reach this share of the same transfers without (issue 14). */
    static final double ENCRYPTION_TARGET = 0.70;

    private static final String ROW = "%-11s %-30s %9s %9s %9s | %-29s %9s %9s | %5s %8s %s%n";

    /**
     * Rates in MiB/s per transfer.
     *
     * @param spool      the service's spool receiving the document from a local file as the store's uploads do (hash,
     *                   write, and fsync for the filesystem store), no HTTP
     * @param hash       SHA-256 over the local file alone
     * @param durable    the store's durable write alone: the disk from memory (filesystem), PostgreSQL storing
     *                   the received file (database), or S3Proxy storing it (s3)
     * @param encryptedDownload the same downloads with encryption at rest; null when not measured
     * @param encryptedUpload   the same uploads with encryption at rest; null when not measured
     * @param plainDownload the floor of downloads: the plain servlet, or S3Proxy's own get (s3)
     * @param plainUpload   the floor of uploads: the plain servlet reading and discarding, or S3Proxy's own put (s3)
     */
    record StoreResult(String store, Samples serviceDownload, Samples plainDownload,
                       Samples serviceUpload, Samples plainUpload, Samples spool, Samples hash, Samples durable,
                       Parallel downloads, Parallel uploads, Samples encryptedDownload, Samples encryptedUpload) {
    }

    /** The parallel phase of one kind of transfer: all clients' MiB/s together, and the heap meanwhile. */
    record Parallel(double rate, HeapSampler.Figures heap) {
    }

    private TransferReport() {
    }

    static void print(List<StoreResult> results, int parallel, int heapRounds) {
        System.out.println();
        System.out.println("MiB/s per 25 MiB transfer over loopback (one connection each, alternating with the floor);"
                + " floor: a plain Jetty servlet in the same JVM (s3: S3Proxy's own get and put through the SDK)");
        System.out.printf(Locale.ROOT, ROW, "store", "service", "p50", "min", "max", "floor", "p50", "min", "ratio",
                "target", "");
        for (StoreResult result : results) {
            boolean s3 = result.store().equals("s3");
            double downloadTarget = result.store().equals("database") ? DATABASE_DOWNLOAD_TARGET
                    : s3 ? S3_DOWNLOAD_TARGET : FILESYSTEM_DOWNLOAD_TARGET;
            row(result.store(), "GET $value", result.serviceDownload(),
                    s3 ? "S3Proxy getObject (SDK)" : "GET file from local disk", result.plainDownload(),
                    downloadTarget);
            row(result.store(), s3 ? "POST multipart (hash, to S3)" : "POST multipart (hash, fsync)",
                    result.serviceUpload(), s3 ? "S3Proxy putObject (SDK)" : "POST, read and discard body",
                    result.plainUpload(), UPLOAD_TARGET);
        }
        System.out.println();
        for (StoreResult result : results) {
            String floor = result.store().equals("s3") ? "S3Proxy's put" : "read-and-discard";
            System.out.printf(Locale.ROOT, "%-11s upload without HTTP (the service's spool hashing and writing the"
                            + " local file%s): p50 %s MiB/s, %.2f of %s; the upload reaches %.2f of it."
                            + " SHA-256 alone: %s MiB/s%n", result.store(),
                    result.store().equals("filesystem") ? ", then fsyncing it" : "", rate(result.spool().median()),
                    result.spool().median() / result.plainUpload().median(), floor,
                    result.serviceUpload().median() / result.spool().median(), rate(result.hash().median()));
            System.out.printf(Locale.ROOT, "%-11s durable write alone (%s): p50 %s MiB/s, %.2f of %s%n",
                    result.store(), switch (result.store()) {
                        case "database" -> "PostgreSQL storing the received file as the store's chunk rows, one"
                                + " transaction";
                        case "s3" -> "S3Proxy storing the received file, one putObject through the SDK";
                        default -> "the disk, 25 MiB written from memory then fsynced, as dd conv=fsync";
                    },
                    rate(result.durable().median()), result.durable().median() / result.plainUpload().median(), floor);
        }
        System.out.println("(references, not part of the floor or the target: an upload is acknowledged once durable,"
                + " so it cannot outrun the durable write alone)");
        encryption(results);
        System.out.println();
        System.out.printf(Locale.ROOT, "Heap in use, MiB (max heap %d MiB): %d parallel clients x %d downloads, then %d"
                        + " parallel uploads%n", Runtime.getRuntime().maxMemory() >> 20, parallel, heapRounds,
                parallel);
        System.out.printf(Locale.ROOT, "%-11s %-10s %12s %9s %9s %12s %5s %12s%n", "store", "load", "MiB/s (all)",
                "baseline", "max used", "max after GC", "GCs", "after (GC)");
        for (StoreResult result : results) {
            heap(result.store(), "downloads", result.downloads());
            heap(result.store(), "uploads", result.uploads());
        }
        System.out.println("(max used includes uncollected garbage; max after GC is what the load kept alive: a"
                + " whole-document buffer per request would add 25 MiB per client there)");
    }

    /** Each store's transfers with encryption at rest next to the same without, when measured. */
    private static void encryption(List<StoreResult> results) {
        if (results.stream().allMatch(r -> r.encryptedDownload() == null)) {
            return;
        }
        System.out.println();
        System.out.println("Encryption at rest (documents.encryption=on), MiB/s p50 per 25 MiB transfer, alternating"
                + " with the same transfer without");
        String format = "%-11s %-28s %9s %9s %6s %8s %s%n";
        System.out.printf(Locale.ROOT, format, "store", "transfer", "off", "on", "ratio", "target", "");
        for (StoreResult result : results) {
            if (result.encryptedDownload() != null) {
                encryptionRow(format, result.store(), "GET $value", result.serviceDownload(),
                        result.encryptedDownload());
                encryptionRow(format, result.store(), "POST multipart", result.serviceUpload(),
                        result.encryptedUpload());
            }
        }
    }

    private static void encryptionRow(String format, String store, String what, Samples off, Samples on) {
        double ratio = on.median() / off.median();
        System.out.printf(Locale.ROOT, format, store, what, rate(off.median()), rate(on.median()),
                String.format(Locale.ROOT, "%.2f", ratio), String.format(Locale.ROOT, ">= %.2f", ENCRYPTION_TARGET),
                QueryReport.verdict(ratio >= ENCRYPTION_TARGET));
    }

    private static void row(String store, String what, Samples service, String floorWhat, Samples floor,
                            double target) {
        double ratio = service.median() / floor.median();
        System.out.printf(Locale.ROOT, ROW, store, what, rate(service.median()), rate(service.percentile(1)),
                rate(service.max()), floorWhat, rate(floor.median()), rate(floor.percentile(1)),
                String.format(Locale.ROOT, "%.2f", ratio), String.format(Locale.ROOT, ">= %.2f", target),
                QueryReport.verdict(ratio >= target));
    }

    private static void heap(String store, String load, Parallel parallel) {
        HeapSampler.Figures figures = parallel.heap();
        System.out.printf(Locale.ROOT, "%-11s %-10s %12s %9d %9d %12s %5d %12d%n", store, load, rate(parallel.rate()),
                figures.baseline() >> 20, figures.maxUsed() >> 20,
                figures.collections() == 0 ? "-" : Long.toString(figures.maxAfterGc() >> 20), figures.collections(),
                figures.after() >> 20);
    }

    private static String rate(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.0f", mibPerSecond);
    }
}
