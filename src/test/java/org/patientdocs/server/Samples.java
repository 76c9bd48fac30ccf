package org.patientdocs.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small but well-formed files of each accepted type, made here. */
final class Samples {

    static final String PDF = "application/pdf";
    static final String PNG = "image/png";
    static final String JPEG = "image/jpeg";
    static final String TIFF = "image/tiff";
    static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private Samples() {
    }

    static byte[] pdf(int size) {
        return withHead("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), size);
    }

    static byte[] png(int size) {
        return withHead(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, size);
    }

    static byte[] jpeg(int size) {
        return withHead(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0}, size);
    }

    static byte[] tiff(int size) {
        return withHead(new byte[] {'I', 'I', '*', 0}, size);
    }

    static byte[] docx() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>"
                    .getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The signature followed by pseudo-random bytes, {@code size} bytes in all. */
    static byte[] withHead(byte[] head, int size) {
        byte[] out = new byte[size];
        new Random(size).nextBytes(out);
        System.arraycopy(head, 0, out, 0, Math.min(head.length, size));
        return out;
    }
}
