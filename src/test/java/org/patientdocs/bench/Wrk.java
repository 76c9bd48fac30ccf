package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator the CAP peer's figures were measured with ({@code wrk}, an HTTP benchmarking tool written in C;
 * Debian's package {@code wrk}), when it is installed. Its own CPU is a small part of a request's, where the JVM's
 * HTTP client in the benchmark's process takes as much as the service: on two shared cores that client alone caps
 * the floor (a 401) at about 2,000 requests per second, wrk at about 20,000, so only wrk's figures compare with
 * figures measured with wrk.
 */
final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern UNEXPECTED = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    /** The most unmeasured rounds a request is sent before it is measured ({@link #warmUp}). */
    static final int MAX_WARM_UP_ROUNDS = 6;
    /** A round whose rate is at most this much above the round before's has stopped rising ({@link #warmUp}). */
    static final double RISING = 0.05;

    /** One run's figures: requests per second, p50 and p99 in milliseconds, and how many answers were not 2xx/3xx. */
    record Run(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long unexpected) {
    }

    /** One round of a request, sent as its measured rounds are. */
    @FunctionalInterface
    interface Round {
        Run send() throws IOException, InterruptedException;
    }

    private Wrk() {
    }

    /**
     * Sends rounds of a request, unmeasured, until its rate stops rising: until a round is at most {@link #RISING}
     * above the round before, at least two rounds and at most {@link #MAX_WARM_UP_ROUNDS}. Returns each round's req/s.
     * <p>
     * On two cores the JIT compiler takes tens of seconds of load to settle, and competes with the requests for the
     * cores meanwhile: by hand, by-key reads ran at 1,582, 2,705, 3,967, 6,143, 7,237, then 7,500-7,900 req/s in 5 s
     * rounds from a fresh start, and 200 KB uploads at 333, 396, 511. A fixed warm-up measured a request early in
     * that climb and a floor (a 401, little code) after it, so the ratio compared a request still being compiled
     * with one that was not. Every request, floors included, is measured once it has settled.
     */
    static List<Double> warmUp(Round round) throws IOException, InterruptedException {
        List<Double> rates = new ArrayList<>();
        do {
            rates.add(round.send().requestsPerSecond());
        } while (rates.size() < MAX_WARM_UP_ROUNDS && !stoppedRising(rates));
        return rates;
    }

    /** Whether the last of the rates is a second one at most {@link #RISING} above the one before it. */
    static boolean stoppedRising(List<Double> rates) {
        int last = rates.size() - 1;
        return last >= 1 && rates.get(last) <= rates.get(last - 1) * (1 + RISING);
    }

    /** Warm-up rates as the benchmark prints them: {@code 1,582 > 2,705 > 3,967 req/s}. */
    static String describe(List<Double> rates) {
        List<String> each = new ArrayList<>();
        for (double rate : rates) {
            each.add(String.format(Locale.ROOT, rate < 10 ? "%,.1f" : "%,.0f", rate));
        }
        return String.join(" > ", each) + " req/s";
    }

    /** Whether {@code wrk} runs here. */
    static boolean available() {
        try {
            Process probe = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code connections} connections on one thread sending GETs of {@code uri} back to back for {@code duration}. */
    static Run run(URI uri, Map<String, String> headers, int connections, Duration duration)
            throws IOException, InterruptedException {
        return run(uri, headers, connections, duration, List.of());
    }

    /**
     * As {@link #run(URI, Map, int, Duration)}, sending POSTs whose body is the file's bytes (read once by wrk, then
     * sent with every request; its Content-Type belongs in {@code headers}).
     *
     * @param script where to write the Lua script that tells wrk the method and the body
     */
    static Run post(URI uri, Map<String, String> headers, Path body, Path script, int connections, Duration duration)
            throws IOException, InterruptedException {
        String path = body.toAbsolutePath().toString();
        if (path.contains("]]")) {
            throw new IllegalArgumentException("the body's path cannot be quoted in Lua: " + path);
        }
        Files.writeString(script, "wrk.method = \"POST\"\n"
                + "local file = assert(io.open([[" + path + "]], \"rb\"))\n"
                + "wrk.body = file:read(\"*a\")\n"
                + "file:close()\n");
        return run(uri, headers, connections, duration, List.of("-s", script.toString()));
    }

    private static Run run(URI uri, Map<String, String> headers, int connections, Duration duration,
                           List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections,
                "-d" + duration.toSeconds() + "s", "--timeout", "10s", "--latency"));
        headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
        command.addAll(options);
        command.add(uri.toString());
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = wrk.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!wrk.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            wrk.destroyForcibly();
            throw new IOException("wrk did not finish: " + out);
        }
        return parse(out);
    }

    static Run parse(String out) {
        Matcher rate = RATE.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!rate.find() || !requests.find()) {
            throw new IllegalStateException("no figures in wrk's output: " + out);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(out);
        while (percentile.find()) {
            double value = Double.parseDouble(percentile.group(2));
            double ms = switch (percentile.group(3)) {
                case "us" -> value / 1000;
                case "ms" -> value;
                case "s" -> value * 1000;
                default -> value * 60_000;
            };
            if (percentile.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        Matcher unexpected = UNEXPECTED.matcher(out);
        return new Run(Double.parseDouble(rate.group(1)), p50, p99, Long.parseLong(requests.group(1)),
                unexpected.find() ? Long.parseLong(unexpected.group(1)) : 0);
    }
}
