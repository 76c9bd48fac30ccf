package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.patientdocs.error.ServiceException;

/** Nothing of an answer, nor its status and headers, leaves before the request's reads are recorded. */
class HeldAnswerTest {

    /** A response that remembers what reached it, and when. */
    private static final class Sent {
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = 200;
        /** How many times the audit was waited for when the first byte arrived; -1 while none has. */
        int waitsAtFirstByte = -1;

        HttpServletResponse response(AtomicInteger waits) {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int count) {
                    if (waitsAtFirstByte < 0) {
                        waitsAtFirstByte = waits.get();
                    }
                    body.write(bytes, offset, count);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getOutputStream" -> out;
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "getStatus" -> status;
                        case "setHeader" -> {
                            headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
                            yield null;
                        }
                        case "addHeader" -> {
                            headers.computeIfAbsent((String) args[0], name -> new ArrayList<>()).add((String) args[1]);
                            yield null;
                        }
                        case "getHeaderNames" -> new ArrayList<>(headers.keySet());
                        case "getHeaders" -> headers.getOrDefault((String) args[0], List.of());
                        case "reset" -> {
                            headers.clear();
                            status = 200;
                            body.reset();
                            yield null;
                        }
                        case "resetBuffer" -> {
                            body.reset();
                            yield null;
                        }
                        case "isCommitted" -> body.size() > 0;
                        case "getCharacterEncoding" -> "UTF-8";
                        default -> null;
                    });
        }
    }

    @Test
    void aSmallAnswerIsSentOnlyOnceTheReadsAreRecorded() throws IOException {
        Sent sent = new Sent();
        AtomicInteger waits = new AtomicInteger();
        HeldAnswer held = new HeldAnswer(sent.response(waits), waits::incrementAndGet);
        held.setStatus(200);
        held.getOutputStream().write("{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        held.getOutputStream().flush();
        assertEquals(0, sent.body.size(), "nothing sent while the audit is not waited for");
        assertFalse(held.isCommitted());
        held.finish();
        assertEquals(1, sent.waitsAtFirstByte);
        assertEquals("{\"id\":\"a\"}", sent.body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aLargeAnswerWaitsForTheReadsBeforeItsFirstByteAndThenFlows() throws IOException {
        Sent sent = new Sent();
        AtomicInteger waits = new AtomicInteger();
        HeldAnswer held = new HeldAnswer(sent.response(waits), waits::incrementAndGet);
        byte[] chunk = new byte[HeldAnswer.HOLD_BYTES / 4 + 1];
        chunk[0] = 7;
        for (int i = 0; i < 3; i++) {
            held.getOutputStream().write(chunk);
        }
        assertEquals(0, sent.body.size(), "three quarters of the hold are held");
        held.getOutputStream().write(chunk);
        assertEquals(1, sent.waitsAtFirstByte, "the hold overflowed: the reads are recorded before it is sent");
        assertEquals(4 * chunk.length, sent.body.size());
        held.finish();
        byte[] expected = new byte[4 * chunk.length];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(chunk, 0, expected, i * chunk.length, chunk.length);
        }
        assertArrayEquals(expected, sent.body.toByteArray());
    }

    @Test
    void whenTheReadsCannotBeRecordedNothingHeldIsSentAndItsHeadersAreDropped() throws IOException {
        Sent sent = new Sent();
        HttpServletResponse response = sent.response(new AtomicInteger());
        response.setHeader("X-Request-Id", "r-1");
        HeldAnswer held = new HeldAnswer(response, () -> {
            throw new ServiceException.ServiceUnavailable("The audit trail cannot be written", null);
        });
        held.setStatus(200);
        held.setHeader("ETag", "W/\"secret-version\"");
        held.getOutputStream().write("{\"last_name\":\"Secretname\"}".getBytes(StandardCharsets.UTF_8));
        held.finish();
        assertTrue(held.refused());
        assertEquals(503, sent.status);
        assertNull(sent.headers.get("ETag"), "the answer's headers are not those of the refusal");
        assertEquals(List.of("r-1"), sent.headers.get("X-Request-Id"), "the request's own headers stay");
        String body = sent.body.toString(StandardCharsets.UTF_8);
        assertFalse(body.contains("Secretname"), body);
        assertTrue(body.contains("audit trail"), body);
    }

    @Test
    void aDownloadGoesToTheResponseItselfOnceReleased() throws IOException {
        Sent sent = new Sent();
        AtomicInteger waits = new AtomicInteger();
        HttpServletResponse response = sent.response(waits);
        HeldAnswer held = new HeldAnswer(response, waits::incrementAndGet);
        assertEquals(response.getOutputStream(), held.released().getOutputStream());
        assertEquals(1, waits.get());
        assertEquals(response.getOutputStream(), held.getOutputStream(), "no copy through the hold");
        ServiceException refused = assertThrows(ServiceException.class, () -> new HeldAnswer(
                new Sent().response(waits), () -> {
                    throw new ServiceException.ServiceUnavailable("The audit trail cannot be written", null);
                }).released());
        assertEquals("The audit trail cannot be written", refused.getMessage());
    }
}
