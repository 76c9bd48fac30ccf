package org.patientdocs.odata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class MultipartFormReaderTest {

    private static final String CURL_BOUNDARY = "------------------------d74496d66958873e";
    private static final String CURL_TYPE = "multipart/form-data; boundary=" + CURL_BOUNDARY;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    /** The body curl sends for {@code -F file=@x.pdf -F document_type=Referral -F "description=…"}. */
    private static byte[] curlBody(byte[] pdf) {
        return concat(bytes("--" + CURL_BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n"
                        + "Content-Type: application/pdf\r\n"
                        + "\r\n"), pdf,
                bytes("\r\n--" + CURL_BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"document_type\"\r\n"
                        + "\r\n"
                        + "Referral\r\n"
                        + "--" + CURL_BOUNDARY + "\r\n"
                        + "Content-Disposition: form-data; name=\"description\"\r\n"
                        + "\r\n"
                        + "Referral from Dr. Smith\r\n"
                        + "--" + CURL_BOUNDARY + "--\r\n"));
    }

    private static MultipartFormReader reader(byte[] body, String contentType) {
        return new MultipartFormReader(new ByteArrayInputStream(body), contentType);
    }

    private static ServiceException.BadRequest invalidBody(Executable call) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class, call::run);
        assertEquals(ErrorCode.INVALID_BODY, e.code());
        return e;
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }

    /** Reads every part of the body and returns name, file name, content type and body of each. */
    private static List<String[]> readAll(MultipartFormReader reader) throws IOException {
        List<String[]> parts = new ArrayList<>();
        MultipartFormReader.Part part;
        while ((part = reader.next()) != null) {
            String body = new String(part.body().readAllBytes(), StandardCharsets.ISO_8859_1);
            parts.add(new String[] {part.name(), part.fileName(), part.contentType(), body});
        }
        return parts;
    }

    @Test
    void readsTheBodyCurlSendsWithTheFileFirst() throws IOException {
        byte[] pdf = bytes("%PDF-1.7\r\n%binary\r\n--not a boundary\r\n%%EOF\r\n");
        MultipartFormReader reader = reader(curlBody(pdf), CURL_TYPE);

        MultipartFormReader.Part file = reader.next();
        assertEquals("file", file.name());
        assertEquals("x.pdf", file.fileName());
        assertEquals("application/pdf", file.contentType());
        assertArrayEquals(pdf, file.body().readAllBytes());

        MultipartFormReader.Part type = reader.next();
        assertEquals("document_type", type.name());
        assertNull(type.fileName());
        assertNull(type.contentType());
        assertEquals("Referral", reader.readText(type, 100));

        MultipartFormReader.Part description = reader.next();
        assertEquals("description", description.name());
        assertEquals("Referral from Dr. Smith", reader.readText(description, 100));

        assertNull(reader.next());
        assertNull(reader.next());
    }

    @Test
    void readsFieldsBeforeTheFileAndSkipsUnreadBodies() throws IOException {
        String body = "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"document_type\"\r\n\r\n"
                + "Referral\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
                + "unread\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n"
                + "PNGDATA\r\n"
                + "--XyZ--";
        MultipartFormReader reader = reader(bytes(body), "multipart/form-data;boundary=XyZ");
        assertEquals("Referral", reader.readText(reader.next(), 20));
        assertEquals("description", reader.next().name());
        MultipartFormReader.Part file = reader.next();
        assertEquals("scan.png", file.fileName());
        assertEquals("PNGDATA", new String(file.body().readAllBytes(), StandardCharsets.US_ASCII));
        assertNull(reader.next());
    }

    @Test
    void aPreambleAnEpilogueAndSpacesAfterTheBoundaryAreAllowed() throws IOException {
        String body = "This is the preamble.\r\n--b \t\r\n"
                + "Content-Disposition: form-data; name=a\r\n\r\n"
                + "1\r\n--b  --\r\nThis is the epilogue.";
        List<String[]> parts = readAll(reader(bytes(body), "multipart/form-data; boundary=b"));
        assertEquals(1, parts.size());
        assertEquals("a", parts.get(0)[0]);
        assertEquals("1", parts.get(0)[3]);
    }

    @Test
    void bodiesMayContainAlmostTheDelimiter() throws IOException {
        String boundary = "boundary42";
        String tricky = "a\r\n--bounda\r\nb\r\n--boundary4\r\r\n-\r\n--\r\n--boundary4X\r--boundary42\r";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"t.bin\"\r\n\r\n"
                + tricky + "\r\n--" + boundary + "--\r\n";
        List<String[]> parts = readAll(reader(bytes(body), "multipart/form-data; boundary=" + boundary));
        assertEquals(tricky, parts.get(0)[3]);
    }

    @Test
    void everySplitOfTheBodyBetweenTwoReadsIsReadAlike() throws IOException {
        byte[] pdf = bytes("%PDF-1.7\r\n\r\r\n--" + CURL_BOUNDARY.substring(0, 20) + "\r\n%%EOF\r");
        byte[] body = curlBody(pdf);
        List<String[]> whole = readAll(reader(body, CURL_TYPE));
        assertEquals(new String(pdf, StandardCharsets.ISO_8859_1), whole.get(0)[3]);
        for (int cut = 1; cut < body.length; cut++) {
            InputStream twoReads = new SequenceInputStream(new ByteArrayInputStream(body, 0, cut),
                    new ByteArrayInputStream(body, cut, body.length - cut));
            List<String[]> parts = readAll(new MultipartFormReader(twoReads, CURL_TYPE));
            assertEquals(whole.size(), parts.size(), "cut at " + cut);
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i), parts.get(i), "cut at " + cut);
            }
        }
    }

    @Test
    void aDelimiterAfterABareLineFeedIsRefused() {
        // RFC 2046 sees content here, a lenient reader the end of the part: refused rather than guessed
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n"
                + "%PDF\n--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b--\r\n";
        invalidBody(() -> readAll(reader(bytes(body), "multipart/form-data; boundary=b")));
    }

    @Test
    void anEmptyBodyAndAPartWithoutHeadersAreRead() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b--";
        List<String[]> parts = readAll(reader(bytes(body), "multipart/form-data; boundary=b"));
        assertEquals("", parts.get(0)[3]);
        invalidBody(() -> readAll(reader(bytes("--b\r\n\r\nx\r\n--b--"), "multipart/form-data; boundary=b")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "multipart/form-data; boundary=\"simple boundary\"",
        "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"simple boundary\"",
    })
    void aQuotedBoundaryWithASpaceIsAccepted(String contentType) throws IOException {
        String body = "--simple boundary\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue\r\n"
                + "--simple boundary--\r\n";
        List<String[]> parts = readAll(reader(bytes(body), contentType));
        assertEquals("value", parts.get(0)[3]);
    }

    @Test
    void filenameStarInUtf8IsPreferred() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Befund_.pdf\"; "
                + "filename*=UTF-8''Befund%20M%C3%BCller%20%E2%82%AC.pdf\r\n\r\nx\r\n--b--";
        MultipartFormReader.Part part = reader(bytes(body), "multipart/form-data; boundary=b").next();
        assertEquals("Befund Müller €.pdf", part.fileName());
    }

    @Test
    void rawUtf8FileNamesAndEscapedQuotesAreDecoded() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"C:\\scans\\Brief \\\"Ärztin\\\".pdf\"\r\n\r\nx\r\n--b--";
        MultipartFormReader.Part part = reader(bytes(body), "multipart/form-data; boundary=b").next();
        assertEquals("C:\\scans\\Brief \"Ärztin\".pdf", part.fileName());
    }


    @Test
    void aTruncatedBodyEndedEarly() {
        byte[] full = curlBody(bytes("%PDF-1.7 data"));
        for (int cut : new int[] {0, 10, 60, 120, 140, full.length - 10, full.length - 4, full.length - 3}) {
            byte[] truncated = Arrays.copyOf(full, cut);
            ServiceException e = invalidBody(() -> readAll(reader(truncated, CURL_TYPE)));
            assertTrue(e.getMessage().contains("ended early"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void anIoExceptionOfTheRequestPropagatesUnchanged() throws IOException {
        IOException aborted = new IOException("client went away");
        byte[] start = Arrays.copyOf(curlBody(new byte[100_000]), 50_000);
        InputStream failing = new InputStream() {
            private final InputStream data = new ByteArrayInputStream(start);

            @Override
            public int read() throws IOException {
                int b = data.read();
                if (b < 0) {
                    throw aborted;
                }
                return b;
            }
        };
        MultipartFormReader reader = new MultipartFormReader(failing, CURL_TYPE);
        InputStream body = reader.next().body();
        assertSame(aborted, assertThrows(IOException.class, body::readAllBytes));
    }

    @Test
    void moreThanFiftyPartsAreRejected() throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            body.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
        }
        body.append("--b--");
        MultipartFormReader reader = reader(bytes(body.toString()), "multipart/form-data; boundary=b");
        for (int i = 0; i < MultipartFormReader.MAX_PARTS; i++) {
            assertNotNull(reader.next());
        }
        invalidBody(reader::next);
    }

    @Test
    void headersOverSixteenKibAreRejected() {
        String body = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Padding: " + "p".repeat(17_000)
                + "\r\n\r\nv\r\n--b--";
        invalidBody(() -> reader(bytes(body), "multipart/form-data; boundary=b").next());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--",
        "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nv\r\n--b--",
        "--b\r\nNoColonHere\r\n\r\nv\r\n--b--",
        "--bX\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--b--",
        "--b\r\nContent-Disposition: form-data;\r\n name=\"f\"\r\n\r\nv\r\n--b--",
        "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n--b\r\nv\r\n--b--",
    })
    void malformedPartsAreInvalid(String body) {
        invalidBody(() -> readAll(reader(bytes(body), "multipart/form-data; boundary=b")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Disposition: form-data; name=\"f\"\r\nContent-Disposition: form-data; name=\"g\"\r\n",
        "Content-Disposition: form-data; name=\"f\"\r\ncontent-type: text/plain\r\nContent-Type: image/png\r\n",
        "Content-Disposition: form-data; name=\"f\"; name=\"g\"\r\n",
        "Content-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"; filename=\"b.exe\"\r\n",
    })
    void aPartThatSaysOneThingTwiceIsInvalid(String headers) {
        String body = "--b\r\n" + headers + "\r\nv\r\n--b--";
        invalidBody(() -> reader(bytes(body), "multipart/form-data; boundary=b").next());
    }

    @Test
    void otherPartHeadersMayRepeat() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\nX-A: 1\r\nX-A: 2\r\n\r\nv\r\n--b--";
        assertEquals("f", reader(bytes(body), "multipart/form-data; boundary=b").next().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "multipart/form-data",
        "multipart/form-data; boundary=b; boundary=c",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=a{b}",
        "multipart/form-data; boundary=\"ends with space \"",
        "multipart/form-data; boundary=12345678901234567890123456789012345678901234567890123456789012345678901",
    })
    void aMissingOrInvalidBoundaryIsInvalid(String contentType) {
        invalidBody(() -> reader(new byte[0], contentType));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "multipart/mixed; boundary=b", ""})
    void otherContentTypesAreUnsupported(String contentType) {
        assertThrows(ServiceException.UnsupportedMediaType.class, () -> reader(new byte[0], contentType));
        assertThrows(ServiceException.UnsupportedMediaType.class,
                () -> new MultipartFormReader(InputStream.nullInputStream(), null));
    }

    @Test
    void readTextRejectsLongFields() throws IOException {
        String body = "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" + "é".repeat(11)
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\n" + "é".repeat(10) + "\r\n--b--";
        MultipartFormReader reader = reader(bytes(body), "multipart/form-data; boundary=b");
        ServiceException e = invalidBody(() -> reader.readText(reader.next(), 10));
        assertEquals("description", e.target());
        assertEquals("é".repeat(10), reader.readText(reader.next(), 10));
    }

    @Test
    void aBodyCannotBeReadAfterMovingOn() throws IOException {
        MultipartFormReader reader = reader(curlBody(bytes("%PDF-")), CURL_TYPE);
        InputStream first = reader.next().body();
        reader.next();
        assertThrows(IllegalStateException.class, first::read);
    }

    @Test
    void randomPartsSurviveRandomReadSizes() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            String[] boundaries = {"----rnd" + Long.toHexString(random.nextLong()), "b", "--", "abab", "x-x-x-x"};
            String boundary = boundaries[round % boundaries.length];
            List<byte[]> contents = new ArrayList<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(bytes("preamble\r\n"));
            int partCount = 1 + random.nextInt(5);
            for (int p = 0; p < partCount; p++) {
                byte[] content = randomContent(random, boundary);
                contents.add(content);
                body.writeBytes(bytes("--" + boundary + "\r\nContent-Disposition: form-data; name=\"p" + p
                        + "\"; filename=\"f" + p + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
                body.writeBytes(content);
                body.writeBytes(bytes("\r\n"));
            }
            body.writeBytes(bytes("--" + boundary + "--\r\n"));

            InputStream chunked = new RandomChunks(new ByteArrayInputStream(body.toByteArray()), random);
            MultipartFormReader reader = new MultipartFormReader(chunked,
                    "multipart/form-data; boundary=\"" + boundary + "\"");
            for (int p = 0; p < partCount; p++) {
                MultipartFormReader.Part part = reader.next();
                assertEquals("p" + p, part.name());
                assertArrayEquals(contents.get(p), readRandomly(part.body(), random), "round " + round);
            }
            assertNull(reader.next());
        }
    }

    /**
     * Random bytes sprinkled with prefixes of the delimiter and runs of its own characters, up to 300 KB so the
     * buffer wraps many times.
     */
    private static byte[] randomContent(Random random, String boundary) {
        byte[] delimiter = bytes("\r\n--" + boundary);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int size = random.nextInt(4) == 0 ? random.nextInt(10) : random.nextInt(300_000);
        while (out.size() < size) {
            if (random.nextInt(8) == 0) {
                out.write(delimiter, 0, 1 + random.nextInt(delimiter.length - 1));
            } else if (random.nextInt(4) == 0) {
                for (int i = random.nextInt(200); i > 0; i--) {
                    out.write(delimiter[random.nextInt(delimiter.length)]);
                }
            } else {
                byte[] noise = new byte[random.nextInt(2000)];
                random.nextBytes(noise);
                out.writeBytes(noise);
            }
        }
        byte[] content = Arrays.copyOf(out.toByteArray(), size);
        // A delimiter cannot occur inside a part, nor one after a bare LF, which is refused (see
        // aDelimiterAfterABareLineFeedIsRefused), nor the boundary at the start of a part, which would follow the
        // headers' last LF: break any that chance produced ('Z' is in no boundary).
        byte[] afterLf = bytes("\n--" + boundary);
        for (int i = 0; i + afterLf.length <= content.length; i++) {
            if (Arrays.equals(content, i, i + afterLf.length, afterLf, 0, afterLf.length)) {
                content[i + afterLf.length - 1] = 'Z';
            }
        }
        int atStart = afterLf.length - 1;
        if (content.length >= atStart && Arrays.equals(content, 0, atStart, afterLf, 1, afterLf.length)) {
            content[atStart - 1] = 'Z';
        }
        return content;
    }

    private static byte[] readRandomly(InputStream in, Random random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[100_000];
        while (true) {
            if (random.nextInt(4) == 0) {
                int b = in.read();
                if (b < 0) {
                    return out.toByteArray();
                }
                out.write(b);
            } else {
                int offset = random.nextInt(10);
                int n = in.read(buffer, offset, 1 + random.nextInt(buffer.length - 10));
                if (n < 0) {
                    return out.toByteArray();
                }
                out.write(buffer, offset, n);
            }
        }
    }

    /** Hands out the data in random slices, from 1 byte up, the way a socket does. */
    private static final class RandomChunks extends FilterInputStream {
        private final Random random;

        RandomChunks(InputStream in, Random random) {
            super(in);
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int max = random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(70_000);
            return super.read(b, off, Math.min(len, max));
        }
    }
}
