package org.patientdocs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

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
 * The transfer floors: a second Jetty server in the same JVM, set up like the service's (same Jetty, same connector
 * settings, servlets), with nothing but two plain servlets. {@code GET /file} writes a local file to the socket;
 * {@code POST /discard} reads the request body and throws it away. Both copy through a 64 KiB buffer.
 */
final class PlainJetty implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final Server server;
    final URI base;

    private PlainJetty(Server server) {
        this.server = server;
        this.base = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + "/");
    }

    static PlainJetty start(Path file) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new FileServlet(file)), "/file");
        context.addServlet(new ServletHolder(new DiscardServlet()), "/discard");
        server.setHandler(context);
        server.start();
        return new PlainJetty(server);
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
