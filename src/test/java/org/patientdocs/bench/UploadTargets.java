package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.patientdocs.storage.ContentSpool;

/**
 * The upload targets of issue 18, against nginx's upload sink on the same machine ({@link NginxSink}): 25 MiB
 * multipart uploads at least at {@value #LARGE_TARGET} of its MiB/s, 200 KB ones at least at {@value #SMALL_TARGET}
 * of its requests per second. Both are sent by wrk at {@value SpeedTargets#CONNECTIONS} connections with the same
 * body (the spec's form: a document type and a PDF), the sink's rounds alternating with the service's. The service
 * hashes, checks, writes durably and commits each upload; the sink writes it to a temporary file and deletes it.
 * What the service stored in a round is deleted before the next, so that both write into a page cache that reuses
 * its pages: on a virtual machine, page-cache pages the guest never touched before cost several times more to fill
 * (by hand here, 30-115 ms of kernel CPU per 25 MiB written instead of 8).
 * SHA-256 alone over the same bytes, in the same run, shows what hashing costs a core.
 */
final class UploadTargets {

    private static final double LARGE_TARGET = 0.50;
    private static final double SMALL_TARGET = 0.25;
    /** The service's upload limit, 25 MiB. */
    private static final int LARGE_BYTES = TransferSuite.DOCUMENT_BYTES;
    private static final int SMALL_BYTES = 200_000;
    private static final String BOUNDARY = "------------------------upload-targets";
    private static final String PATIENT = "U-bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchService service;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    UploadTargets(BenchService service, Path dir) {
        this.service = service;
        this.dir = dir;
    }

    /** One size of upload: its form's file, and the share of the sink's rate the service must reach. */
    private record Size(String name, Path form, int documentBytes, double target) {
    }

    void measure(boolean wrk) throws Exception {
        System.out.println();
        Optional<String> nginx = NginxSink.command();
        if (!wrk || nginx.isEmpty()) {
            System.out.println("Uploads against nginx's upload sink: not measured (needs wrk and nginx: apt-get install"
                    + " wrk nginx-light).");
            return;
        }
        Files.createDirectories(dir);
        Size large = new Size("25 MiB", form(dir.resolve("large.form"), LARGE_BYTES), LARGE_BYTES, LARGE_TARGET);
        Size small = new Size("200 KB", form(dir.resolve("small.form"), SMALL_BYTES), SMALL_BYTES, SMALL_TARGET);
        service.createPatient(http, PATIENT, "Uploads");
        System.out.printf(Locale.ROOT, "Uploads (the spec's multipart form) against nginx's upload sink, which writes"
                + " each body to a temporary file and deletes it; %d rounds of %d s each, alternating: target 25 MiB"
                + " >= %.2f of its MiB/s, 200 KB >= %.2f of its req/s; each %s%n", SpeedTargets.ROUNDS,
                SpeedTargets.WRK_ROUND.toSeconds(), LARGE_TARGET, SMALL_TARGET, SpeedTargets.WARM_UP_RULE);
        try (NginxSink sink = NginxSink.start(nginx.get(), dir.resolve("nginx"), 2L * LARGE_BYTES)) {
            for (Size size : new Size[] {large, small}) {
                measure(size, sink);
            }
        }
        double hash = hashRate(large.form());
        System.out.printf(Locale.ROOT, "SHA-256 alone over the 25 MiB form, one core: %.0f MiB/s (%.1f ms an"
                + " upload)%n", hash, LARGE_BYTES / 1048576.0 / hash * 1000);
    }

    private void measure(Size size, NginxSink sink) throws Exception {
        Map<String, String> form = Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
        Map<String, String> withCredentials = new HashMap<>(form);
        withCredentials.putAll(service.credentials());
        URI documents = service.base.resolve("Patients('" + PATIENT + "')/Documents");
        Path script = dir.resolve("upload.lua");
        List<Double> sinkWarmUp = Wrk.warmUp(() -> expectAll("nginx's sink", Wrk.post(sink.upload, form,
                size.form(), script, SpeedTargets.CONNECTIONS, SpeedTargets.WRK_ROUND)));
        List<Double> serviceWarmUp = Wrk.warmUp(() -> {
            Wrk.Run run = expectAll("the service", Wrk.post(documents, withCredentials, size.form(), script,
                    SpeedTargets.CONNECTIONS, SpeedTargets.WRK_ROUND));
            deleteUploads();
            return run;
        });
        SpeedTargets.Rounds sinkRounds = new SpeedTargets.Rounds();
        SpeedTargets.Rounds serviceRounds = new SpeedTargets.Rounds();
        for (int round = 0; round < SpeedTargets.ROUNDS; round++) {
            sinkRounds.add(expectAll("nginx's sink", Wrk.post(sink.upload, form, size.form(), script,
                    SpeedTargets.CONNECTIONS, SpeedTargets.WRK_ROUND)));
            serviceRounds.add(expectAll("the service", Wrk.post(documents, withCredentials, size.form(), script,
                    SpeedTargets.CONNECTIONS, SpeedTargets.WRK_ROUND)));
            deleteUploads();
        }
        SpeedTargets.Figures floor = sinkRounds.figures();
        SpeedTargets.Figures measured = serviceRounds.figures();
        double ratio = measured.requestsPerSecond() / floor.requestsPerSecond();
        SpeedTargets.print("floor: nginx's upload sink, " + size.name(), floor,
                String.format(Locale.ROOT, "%.0f MiB/s", mebibytes(floor, size)), null);
        SpeedTargets.print("upload " + size.name(), measured, String.format(Locale.ROOT,
                "%.2f of sink (>= %.2f), %.0f MiB/s", ratio, size.target(), mebibytes(measured, size)),
                ratio >= size.target());
        System.out.printf(Locale.ROOT, "  warm-up, unmeasured %d s rounds: sink %s, service %s%n",
                SpeedTargets.WRK_ROUND.toSeconds(), Wrk.describe(sinkWarmUp), Wrk.describe(serviceWarmUp));
    }

    private static double mebibytes(SpeedTargets.Figures figures, Size size) {
        return figures.requestsPerSecond() * size.documentBytes() / 1048576.0;
    }

    /** The run, when every request of it was answered with a 2xx (the service's 201, the sink's 204). */
    private static Wrk.Run expectAll(String who, Wrk.Run run) {
        if (run.unexpected() > 0) {
            throw new IllegalStateException(who + " refused " + run.unexpected() + " of " + run.requests()
                    + " uploads");
        }
        return run;
    }

    /** The spec's upload form, as curl -F sends it: a document type, then a PDF of the given size. */
    private static Path form(Path file, int documentBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(TransferSuite.formHead(BOUNDARY));
            org.patientdocs.server.Samples.writePdf(out, documentBytes);
            out.write(TransferSuite.formTail(BOUNDARY));
        }
        return file;
    }

    /** Deletes every document of the uploads' patient. */
    private void deleteUploads() throws IOException, InterruptedException {
        while (true) {
            HttpResponse<String> page = http.send(service.request("Patients('" + PATIENT
                    + "')/Documents?$select=id&$top=1000").header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new IllegalStateException("listing the uploads answered " + page.statusCode());
            }
            JsonNode documents = JSON.readTree(page.body()).path("value");
            if (documents.isEmpty()) {
                return;
            }
            for (JsonNode document : documents) {
                String url = "Patients('" + PATIENT + "')/Documents('" + document.path("id").asText() + "')";
                HttpResponse<Void> deleted = http.send(service.request(url).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (deleted.statusCode() != 204) {
                    throw new IllegalStateException("deleting an upload answered " + deleted.statusCode());
                }
            }
        }
    }

    /** MiB/s of SHA-256 over the file read from the page cache, the median of five. */
    private static double hashRate(Path file) throws IOException {
        Samples rates = new Samples();
        byte[] buffer = new byte[64 * 1024];
        for (int i = 0; i < 5; i++) {
            MessageDigest digest = ContentSpool.sha256();
            long started = System.nanoTime();
            long bytes = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    digest.update(buffer, 0, read);
                    bytes += read;
                }
            }
            digest.digest();
            rates.add(bytes / 1048576.0 / ((System.nanoTime() - started) / 1e9));
        }
        return rates.median();
    }
}
