package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.UnixOperatingSystemMXBean;

/**
 * The slow-clients probe: the p50 of a normal request ({@code GET /Patients?$top=1}) on an idle service, then while
 * {@code --slow-clients} slow uploads and as many slow header senders hold connections to it, as in the attack of
 * issue 13. A slow upload declares 1 MB and sends one byte every 5 s; a slow header sender sends one header line every
 * 9 s. Each reconnects when the service refuses it, so that the load stands for the whole attack. Everything runs on
 * 127.0.0.1 in this JVM, for at most {@code --slow-seconds}, and stops by itself; the service keeps its default limits
 * ({@code http.*}), with the rate limits off as in the other suites, so that only the limits on slow clients are tried.
 */
final class SlowClientSuite {

    /** The loaded p50 may be at most this many times the idle one. */
    static final double TARGET = 2.0;
    private static final String PATIENT = "slow-clients-1";
    private static final String NORMAL = "Patients?$top=1";
    private static final long UPLOAD_STEP_MILLIS = 5_000;
    private static final long HEADER_STEP_MILLIS = 9_000;
    private static final int UPLOAD_DECLARED_BYTES = 1_000_000;
    /** Normal requests are sent one at a time, this far apart, so that a sample spreads over the attack. */
    private static final long SAMPLE_GAP_MILLIS = 50;
    /** Back-to-back normal requests before timing, at least {@code --warmup} of them: the JIT settles. */
    private static final long WARMUP_SECONDS = 10;
    /** File descriptors one slow client costs this JVM: its socket and the service's end of it. */
    private static final int DESCRIPTORS_PER_CLIENT = 2;
    private static final int DESCRIPTORS_SPARE = 500;

    private final BenchService service;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SlowClientSuite(BenchService service) {
        this.service = service;
    }

    static void run(BenchOptions options, BenchDatabase database) throws Exception {
        int slow = options.slowClients();
        System.out.printf(Locale.ROOT, "%n== Slow-clients probe: %s; %d slow uploads (1 byte every %d s) and %d slow"
                        + " header senders (a line every %d s), at most %d s ==%n", options.store(), slow,
                UPLOAD_STEP_MILLIS / 1000, slow, HEADER_STEP_MILLIS / 1000, options.slowSeconds());
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long needed = os.getOpenFileDescriptorCount() + 2L * slow * DESCRIPTORS_PER_CLIENT + DESCRIPTORS_SPARE;
        if (needed > os.getMaxFileDescriptorCount()) {
            throw new IllegalArgumentException("--slow-clients " + slow + " needs about " + needed + " file"
                    + " descriptors, more than this process may open (" + os.getMaxFileDescriptorCount()
                    + "; see ulimit -n)");
        }
        try (BenchService service = BenchService.start(database, "filesystem",
                options.workDir().resolve("slow-clients"))) {
            new SlowClientSuite(service).measure(options, os);
        }
    }

    private void measure(BenchOptions options, UnixOperatingSystemMXBean os) throws Exception {
        HttpResponse<String> created = http.send(service.request("Patients").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + PATIENT + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating the patient answered " + created.statusCode());
        }
        long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
        for (int i = 0; i < options.warmup() || System.nanoTime() < warm; i++) {
            normal();
        }
        Series before = sample(options.iterations(), Long.MAX_VALUE);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.resetPeakThreadCount();
        long attackNanos = TimeUnit.SECONDS.toNanos(options.slowSeconds());
        long started = System.nanoTime();
        Series loaded;
        long descriptors;
        // long enough for every slow client to have been refused once and to be back
        long settleMillis = Math.min(20_000, attackNanos / 3 / 1_000_000);
        try (Attack attack = new Attack(service, options.slowClients())) {
            Thread.sleep(settleMillis);
            descriptors = os.getOpenFileDescriptorCount();
            loaded = sample(options.iterations(), started + attackNanos);
            descriptors = Math.max(descriptors, os.getOpenFileDescriptorCount());
            System.out.printf(Locale.ROOT, "slow clients: uploads connected %,d times, header senders %,d times (each"
                            + " connection after the first follows a refusal); JVM threads at most %d (service and"
                            + " probe); file descriptors open %,d of %,d allowed%n", attack.uploads.get(),
                    attack.headers.get(), threads.getPeakThreadCount(), descriptors, os.getMaxFileDescriptorCount());
        }
        Series after = sample(options.iterations(), Long.MAX_VALUE);
        report(before, loaded, after, settleMillis);
    }

    /** The loaded p50 against the mean of the idle p50s before and after: a shared machine drifts meanwhile. */
    private static void report(Series before, Series loaded, Series after, long settleMillis) {
        System.out.printf(Locale.ROOT, "GET /%s, one every %d ms:%n", NORMAL, SAMPLE_GAP_MILLIS);
        row("idle, before", before, "");
        row("under slow clients", loaded, String.format(Locale.ROOT, "  (from %d s into the attack)",
                settleMillis / 1000));
        row("idle, after", after, "");
        if (loaded.latencies().size() == 0 || before.latencies().size() == 0 || after.latencies().size() == 0) {
            System.out.println("a phase had no answered request: MISS");
            return;
        }
        double idle = (before.latencies().median() + after.latencies().median()) / 2;
        double ratio = loaded.latencies().median() / idle;
        System.out.printf(Locale.ROOT, "ratio %.2f: loaded p50 / idle p50 (%.2f ms, the mean of before and after);"
                + " target <= %.1f: %s%n", ratio, idle / 1e6, TARGET,
                ratio <= TARGET && loaded.failed() == 0 ? "PASS" : "MISS");
    }

    private static void row(String name, Series series, String note) {
        Samples latencies = series.latencies();
        if (latencies.size() == 0) {
            System.out.printf(Locale.ROOT, "  %-20s no answer, %d failed%s%n", name, series.failed(), note);
            return;
        }
        System.out.printf(Locale.ROOT, "  %-20s p50 %7.2f ms  p99 %7.2f ms  max %8.2f ms  %d answered, %d failed%s%n",
                name, latencies.median() / 1e6, latencies.percentile(99) / 1e6, latencies.max() / 1e6,
                latencies.size(), series.failed(), note);
    }

    /** @param latencies of the requests answered 200, in nanoseconds */
    private record Series(Samples latencies, int failed) {
    }

    /** Up to {@code count} normal requests, one every {@link #SAMPLE_GAP_MILLIS}, until the deadline. */
    private Series sample(int count, long deadlineNanos) throws InterruptedException {
        Samples latencies = new Samples();
        int failed = 0;
        for (int i = 0; i < count && System.nanoTime() < deadlineNanos; i++) {
            long start = System.nanoTime();
            if (normal()) {
                latencies.add(System.nanoTime() - start);
            } else {
                failed++;
            }
            Thread.sleep(SAMPLE_GAP_MILLIS);
        }
        return new Series(latencies, failed);
    }

    private boolean normal() {
        try {
            HttpResponse<String> response = http.send(service.request(NORMAL).timeout(Duration.ofSeconds(60)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains(PATIENT);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The slow clients: each sends its next byte or line on a schedule shared by a few threads, and connects again when
     * the service has answered or closed its connection. Closing ends them all.
     */
    private static final class Attack implements AutoCloseable {

        private final ScheduledExecutorService steps = Executors.newScheduledThreadPool(4, task -> {
            Thread thread = new Thread(task, "slow-client");
            thread.setDaemon(true);
            return thread;
        });
        private final List<SlowClient> clients = new ArrayList<>();
        private final AtomicLong uploads = new AtomicLong();
        private final AtomicLong headers = new AtomicLong();

        Attack(BenchService service, int count) {
            String credentials = credentialLines(service.credentials());
            String host = "Host: " + service.base.getHost() + ":" + service.base.getPort() + "\r\n";
            byte[] uploadHead = ("POST /Patients('" + PATIENT + "')/Documents HTTP/1.1\r\n" + host + credentials
                    + "Content-Type: application/pdf\r\nSlug: slow.pdf\r\nContent-Length: " + UPLOAD_DECLARED_BYTES
                    + "\r\n\r\n%").getBytes(StandardCharsets.US_ASCII);
            byte[] headerHead = ("GET /" + NORMAL.replace("$", "%24") + " HTTP/1.1\r\n" + host)
                    .getBytes(StandardCharsets.US_ASCII);
            InetSocketAddress address = new InetSocketAddress(service.base.getHost(), service.base.getPort());
            for (int i = 0; i < count; i++) {
                clients.add(new SlowClient(address, uploadHead, "P".getBytes(StandardCharsets.US_ASCII), uploads,
                        UPLOAD_STEP_MILLIS));
                clients.add(new SlowClient(address, headerHead, "X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII),
                        headers, HEADER_STEP_MILLIS));
            }
            for (SlowClient client : clients) {
                long first = ThreadLocalRandom.current().nextLong(client.stepMillis);
                steps.scheduleAtFixedRate(client::step, first, client.stepMillis, TimeUnit.MILLISECONDS);
            }
        }

        private static String credentialLines(Map<String, String> credentials) {
            StringBuilder lines = new StringBuilder();
            credentials.forEach((name, value) -> lines.append(name).append(": ").append(value).append("\r\n"));
            return lines.toString();
        }

        @Override
        public void close() throws InterruptedException {
            steps.shutdownNow();
            steps.awaitTermination(10, TimeUnit.SECONDS);
            for (SlowClient client : clients) {
                client.disconnect();
            }
        }
    }

    /** One slow client: a request head, then one step at a time, connecting again once refused. */
    private static final class SlowClient {

        private final InetSocketAddress address;
        private final byte[] head;
        private final byte[] step;
        private final AtomicLong connections;
        private final long stepMillis;
        private final byte[] discard = new byte[4096];
        private Socket socket;

        SlowClient(InetSocketAddress address, byte[] head, byte[] step, AtomicLong connections, long stepMillis) {
            this.address = address;
            this.head = head;
            this.step = step;
            this.connections = connections;
            this.stepMillis = stepMillis;
        }

        /** Runs on the schedule, one step at a time per client. */
        synchronized void step() {
            try {
                if (socket == null || answered()) {
                    connect();
                } else {
                    socket.getOutputStream().write(step);
                }
            } catch (IOException e) {
                disconnect();
            }
        }

        private void connect() throws IOException {
            disconnect();
            Socket fresh = new Socket();
            fresh.setSoTimeout(1);
            fresh.connect(address, 5_000);
            socket = fresh;
            connections.incrementAndGet();
            fresh.getOutputStream().write(head);
        }

        /** Whether the service has answered (a refusal) or closed the connection; waits a millisecond at most. */
        private boolean answered() throws IOException {
            InputStream in = socket.getInputStream();
            try {
                return in.read(discard) != 0;
            } catch (SocketTimeoutException stillWaiting) {
                return false;
            }
        }

        synchronized void disconnect() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a socket the service has already closed
                }
                socket = null;
            }
        }
    }
}
