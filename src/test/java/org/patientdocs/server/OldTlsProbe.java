package org.patientdocs.server;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client in a JVM of its own whose security settings allow every protocol the JDK knows (the test JVM's
 * defaults disable TLS 1.1 in the client itself, which would prove nothing about the server): it offers exactly one
 * protocol and says whether the server shook hands with it. It trusts any certificate: it checks protocols only.
 */
public final class OldTlsProbe {

    private OldTlsProbe() {
    }

    /** Runs the probe against the service; returns its one line: {@code handshake …} or {@code refused …}. */
    static String run(Path dir, URI service, String protocol) throws IOException, InterruptedException {
        return inPermissiveJvm(dir, OldTlsProbe.class, service.getHost(), Integer.toString(service.getPort()),
                protocol);
    }

    /**
     * Runs a test class's {@code main} in a JVM whose security settings disable no TLS protocol or algorithm, with
     * this JVM's class path; returns what it printed.
     */
    static String inPermissiveJvm(Path dir, Class<?> main, String... args) throws IOException, InterruptedException {
        Path security = dir.resolve("all-protocols.security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=NULL\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(main.getSimpleName() + " did not end");
        }
        return output;
    }

    public static void main(String[] args) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new AnyCertificate()}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(args[0],
                Integer.parseInt(args[1]))) {
            socket.setSoTimeout(30_000);
            socket.setEnabledProtocols(new String[] {args[2]});
            socket.setEnabledCipherSuites(socket.getSupportedCipherSuites());
            socket.startHandshake();
            System.out.println("handshake " + socket.getSession().getProtocol());
        } catch (IOException e) {
            System.out.println("refused " + e.getClass().getSimpleName());
        }
    }

    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
