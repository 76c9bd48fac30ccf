package org.patientdocs.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * nginx as the physical ceiling of an upload on this machine (issue 18): it receives each request body into a
 * temporary file ({@code client_body_in_file_only clean}), answers 204 and deletes the file, and does nothing else
 * (no hash, no fsync, no database). Started from Debian's package ({@code apt-get install nginx-light}) when it is
 * installed, with a configuration of its own under the run's work directory, listening on 127.0.0.1 only; stopped
 * by {@link #close()}. Nothing in the build needs it.
 */
final class NginxSink implements AutoCloseable {

    /** Where Debian installs it, outside a non-root user's PATH. */
    private static final List<String> COMMANDS = List.of("nginx", "/usr/sbin/nginx");
    private static final long START_TIMEOUT_NANOS = 10_000_000_000L;

    private final Process process;
    /** Where uploads are POSTed. */
    final URI upload;

    private NginxSink(Process process, URI upload) {
        this.process = process;
        this.upload = upload;
    }

    /** The nginx command that runs here, if any. */
    static Optional<String> command() {
        for (String command : COMMANDS) {
            try {
                Process probe = new ProcessBuilder(command, "-v").redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return Optional.of(command);
                }
            } catch (IOException e) {
                // not this one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Starts nginx in the foreground with its configuration, temporary files and error log in {@code dir}.
     *
     * @param maxBodyBytes the largest body it accepts
     */
    static NginxSink start(String command, Path dir, long maxBodyBytes) throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(dir.toAbsolutePath());
        int port = freePort();
        // the body is written to a file before the request goes on; proxied to a location of the same server
        // without its body, which answers 204 (a location that answers by itself would discard the body unread)
        String config = """
                worker_processes auto;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    client_max_body_size %2$d;
                    server {
                        listen 127.0.0.1:%3$d;
                        location = /upload {
                            client_body_in_file_only clean;
                            client_body_buffer_size 128k;
                            proxy_pass_request_body off;
                            proxy_set_header Content-Length "";
                            proxy_pass http://127.0.0.1:%3$d/received;
                        }
                        location = /received {
                            return 204;
                        }
                    }
                }
                """.formatted(prefix, maxBodyBytes, port);
        Path file = Files.writeString(prefix.resolve("nginx.conf"), config);
        Process process = new ProcessBuilder(command, "-p", prefix.toString(), "-c", file.toString(),
                "-e", prefix.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
        NginxSink sink = new NginxSink(process, URI.create("http://127.0.0.1:" + port + "/upload"));
        try {
            sink.awaitListening(port, prefix);
        } catch (IOException | RuntimeException e) {
            sink.close();
            throw e;
        }
        return sink;
    }

    private void awaitListening(int port, Path prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nginx ended at its start: " + log(prefix));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nginx did not listen within 10 s: " + log(prefix));
                }
                // polling a process that is starting, in the benchmark: no test waits here
                Thread.sleep(50);
            }
        }
    }

    private static String log(Path prefix) throws IOException {
        Path log = prefix.resolve("error.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no error log)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops nginx (SIGTERM: its master stops its workers) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
