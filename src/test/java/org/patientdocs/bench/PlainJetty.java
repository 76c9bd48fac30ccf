package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The floors: a second Jetty server in the same JVM, set up like the service's (same Jetty, same connector settings,
 * servlets), with nothing but plain servlets. The transfer suite's server ({@link #start(Path)}) has two:
 * {@code GET /file} writes a local file to the socket; {@code POST /discard} reads the request body and throws it
 * away; both copy through a 64 KiB buffer. Every server also answers {@code GET /answer/N} with the bytes handed to
 * {@link #serve}, written from memory in one piece: what the query suite's answers cost to move, without the service.
 */
final class PlainJetty implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Server server;
    private final AnswerServlet answers;
    final URI base;

    private PlainJetty(Server server, AnswerServlet answers) {
        this.server = server;
        this.answers = answers;
        this.base = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/");
    }

    /** The transfer suite's server: {@code /file} and {@code /discard} over {@code file}. */
    static PlainJetty start(Path file) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new FileServlet(file)), "/file");
        context.addServlet(new ServletHolder(new DiscardServlet()), "/discard");
        return start(context);
    }

    /** The query suite's server: nothing but the answers handed to {@link #serve}. */
    static PlainJetty start() throws Exception {
        return start(new ServletContextHandler());
    }

    private static PlainJetty start(ServletContextHandler context) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        AnswerServlet answers = new AnswerServlet();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(answers), "/answer/*");
        server.setHandler(context);
        server.start();
        return new PlainJetty(server, answers);
    }

    /** Where this server answers {@code GET} with {@code body} (not to be changed after), as {@code contentType}. */
    URI serve(String contentType, byte[] body) {
        return base.resolve("answer/" + answers.add(new Answer(contentType, body)));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
        }
    }

    private static final class FileServlet extends HttpServlet {
        private final transient Path file;

        FileServlet(Path file) {
            this.file = file;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("application/pdf");
            response.setContentLengthLong(Files.size(file));
            try (InputStream in = Files.newInputStream(file)) {
                copy(in, response.getOutputStream());
            }
        }
    }

    private record Answer(String contentType, byte[] body) {
    }

    /** Answers {@code GET /answer/N} with the N-th answer added, in one write of its bytes, with its length. */
    private static final class AnswerServlet extends HttpServlet {
        private final transient Map<String, Answer> answers = new ConcurrentHashMap<>();
        private final AtomicInteger added = new AtomicInteger();

        /** The answer's number. */
        int add(Answer answer) {
            int number = added.incrementAndGet();
            answers.put("/" + number, answer);
            return number;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Answer answer = answers.get(request.getPathInfo());
            if (answer == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType(answer.contentType());
            response.setContentLength(answer.body().length);
            response.getOutputStream().write(answer.body());
        }
    }

    private static final class DiscardServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] buffer = new byte[BUFFER];
            InputStream in = request.getInputStream();
            while (in.read(buffer) >= 0) {
                // read and forget: the floor of receiving an upload
            }
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        }
    }
}
