package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.olingo.server.api.ODataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaResponseTest {

    private static final byte[] CONTENT = content(700_001);

    @Test
    void aRequestOfItsOwnGetsTheBodyFromTheServletAfterOlingo() throws IOException {
        MediaResponse media = MediaResponse.direct();
        ODataResponse olingo = new ODataResponse();
        Closing body = new Closing(CONTENT);
        media.send(olingo, body);
        assertNull(olingo.getContent(), "Olingo does not copy the body");

        Captured servlet = new Captured(200);
        media.copyTo(servlet.response);
        assertArrayEquals(CONTENT, servlet.out.toByteArray());
        assertTrue(body.closed);
    }

    /** Outside Jetty a file takes the plain copy; through Jetty, DocumentsApiIT covers the direct-buffer copy. */
    @Test
    void aFileIsCopiedWholeToo(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("document"), CONTENT);
        MediaResponse media = MediaResponse.direct();
        media.send(new ODataResponse(), new FileInputStream(file.toFile()));
        Captured servlet = new Captured(200);
        media.copyTo(servlet.response);
        assertArrayEquals(CONTENT, servlet.out.toByteArray());
    }

    @Test
    void aFailedResponseGetsNoBodyButTheStreamIsClosed() throws IOException {
        MediaResponse media = MediaResponse.direct();
        Closing body = new Closing(CONTENT);
        media.send(new ODataResponse(), body);
        Captured servlet = new Captured(500);
        media.copyTo(servlet.response);
        assertEquals(0, servlet.out.size());
        assertTrue(body.closed);
    }

    @Test
    void aBodyThatIsNeverCopiedIsClosedByDiscard() {
        MediaResponse media = MediaResponse.direct();
        Closing body = new Closing(CONTENT);
        media.send(new ODataResponse(), body);
        media.discard();
        assertTrue(body.closed);
    }

    @Test
    void insideABatchTheBodyIsOlingos() throws IOException {
        MediaResponse media = MediaResponse.viaOlingo();
        ODataResponse olingo = new ODataResponse();
        Closing body = new Closing(CONTENT);
        media.send(olingo, body);
        assertSame(body, olingo.getContent());

        Captured servlet = new Captured(200);
        media.copyTo(servlet.response);
        assertEquals(0, servlet.out.size(), "the servlet adds nothing to Olingo's answer");
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static final class Closing extends ByteArrayInputStream {
        boolean closed;

        Closing(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    /** A servlet response with a status, recording what is written to it. */
    private static final class Captured {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final HttpServletResponse response;

        Captured(int status) {
            ServletOutputStream stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(int b) {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                }
            };
            response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getStatus" -> status;
                        case "getOutputStream" -> stream;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
