package org.patientdocs.server;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/**
 * Small but valid files of each accepted type, of an exact size, made here: a PDF a reader opens (one blank page, the
 * size made up by an unreferenced stream of random bytes), a PNG and a TIFF of one grey pixel with random bytes in a
 * private chunk or an unused span, a JPEG written by the JDK's own encoder with random bytes in comment segments, and
 * a DOCX with the parts Word needs. Each kind has a smallest size ({@code MIN_*}).
 */
public final class Samples {

    public static final String PDF = "application/pdf";
    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    public static final String TIFF = "image/tiff";
    public static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static final int MIN_PDF = 400;
    public static final int MIN_PNG = 100;
    public static final int MIN_TIFF = 200;
    public static final int MIN_JPEG = 1000;

    private static final byte[] TINY_JPEG = tinyJpeg();

    private Samples() {
    }

    public static byte[] pdf(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try {
            writePdf(out, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a PDF of exactly {@code size} bytes (at least {@link #MIN_PDF}) without holding it: a catalog, a page
     * tree of one blank page, and a stream of random bytes that nothing refers to, then the cross-reference table
     * and the trailer.
     */
    public static void writePdf(OutputStream out, long size) throws IOException {
        if (size < MIN_PDF) {
            throw new IllegalArgumentException("a sample PDF has at least " + MIN_PDF + " bytes");
        }
        String[] objects = {
            "<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<<>>>>",
        };
        StringBuilder head = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        long[] offsets = new long[5];
        for (int i = 0; i < objects.length; i++) {
            offsets[i + 1] = head.length();
            head.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        offsets[4] = head.length();
        // the stream takes what is left once everything else is written; its length's digits are padded with
        // zeros to as many as the file's size has, so that the rest does not depend on it
        int width = Long.toString(size).length();
        String streamEnd = "\nendstream\nendobj\n";
        long fixed = head.length() + "4 0 obj\n<</Length >>\nstream\n".length() + width + streamEnd.length()
                + tail(offsets, 0, width).length();
        long length = size - fixed;
        head.append("4 0 obj\n<</Length ").append(String.format("%0" + width + "d", length)).append(">>\nstream\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        writeRandom(out, length, size);
        out.write(streamEnd.getBytes(StandardCharsets.ISO_8859_1));
        long xref = head.length() + length + streamEnd.length();
        out.write(tail(offsets, xref, width).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The cross-reference table, the trailer and the end marker; the offset in startxref has {@code width} digits. */
    private static String tail(long[] offsets, long xref, int width) {
        StringBuilder tail = new StringBuilder("xref\n0 5\n0000000000 65535 f \n");
        for (int i = 1; i < offsets.length; i++) {
            tail.append(String.format("%010d 00000 n \n", offsets[i]));
        }
        return tail.append("trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n")
                .append(String.format("%0" + width + "d", xref)).append("\n%%EOF\n").toString();
    }

    public static byte[] png(int size) {
        if (size < MIN_PNG) {
            throw new IllegalArgumentException("a sample PNG has at least " + MIN_PNG + " bytes");
        }
        byte[] pixels = zlib(new byte[] {0, (byte) 0x80});
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(1).putInt(1).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        int filler = size - out.position() - 12 - (12 + pixels.length) - 12;
        chunk(out, "prVt", random(filler, size));
        chunk(out, "IDAT", pixels);
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    public static byte[] jpeg(int size) {
        if (size < MIN_JPEG) {
            throw new IllegalArgumentException("a sample JPEG has at least " + MIN_JPEG + " bytes");
        }
        // after the JFIF segment, which must follow the start of image
        int app0End = 4 + ((TINY_JPEG[4] & 0xFF) << 8 | TINY_JPEG[5] & 0xFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(TINY_JPEG, 0, app0End);
        byte[] filler = random(size, size);
        int left = size - TINY_JPEG.length;
        int used = 0;
        while (left >= 4) {
            // COM segments: a marker, a length that counts itself, at most 65,533 bytes of comment
            int data = Math.min(left - 4, 65_533);
            if (left - 4 - data > 0 && left - 4 - data < 4) {
                data -= 4;
            }
            out.write(0xFF);
            out.write(0xFE);
            out.write((data + 2) >> 8);
            out.write((data + 2) & 0xFF);
            out.write(filler, used, data);
            used += data;
            left -= data + 4;
        }
        // what cannot make a segment goes before the next marker as fill bytes, which JPEG allows
        for (; left > 0; left--) {
            out.write(0xFF);
        }
        out.write(TINY_JPEG, app0End, TINY_JPEG.length - app0End);
        return out.toByteArray();
    }

    /** A little-endian TIFF of one grey pixel; random bytes between the pixel and the image file directory. */
    public static byte[] tiff(int size) {
        if (size < MIN_TIFF) {
            throw new IllegalArgumentException("a sample TIFF has at least " + MIN_TIFF + " bytes");
        }
        int[][] fields = {
            {256, 3, 1}, {257, 3, 1}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {273, 4, 8}, {277, 3, 1}, {278, 3, 1},
            {279, 4, 1},
        };
        int directoryLength = 2 + 12 * fields.length + 4;
        int directory = (size - directoryLength) & ~1;
        ByteBuffer out = ByteBuffer.wrap(random(size, size)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {'I', 'I', 42, 0}).putInt(directory).put((byte) 0x80);
        out.position(directory);
        out.putShort((short) fields.length);
        for (int[] field : fields) {
            out.putShort((short) field[0]).putShort((short) field[1]).putInt(1);
            if (field[1] == 3) {
                out.putShort((short) field[2]).putShort((short) 0);
            } else {
                out.putInt(field[2]);
            }
        }
        out.putInt(0);
        return out.array();
    }

    /** The {@code [Content_Types].xml} of a Word document of the usual parts. */
    public static String contentTypes() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\""
                + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-"
                + "officedocument.wordprocessingml.document.main+xml\"/></Types>";
    }

    public static byte[] docx() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "[Content_Types].xml", contentTypes());
            entry(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                    + "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>");
            entry(zip, "word/document.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                    + "<w:body><w:p><w:r><w:t>Referral</w:t></w:r></w:p></w:body></w:document>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.putInt(data.length).put(name).put(data).putInt((int) crc.getValue());
    }

    private static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[64];
        int length = deflater.deflate(out);
        deflater.end();
        return java.util.Arrays.copyOf(out, length);
    }

    /** One grey pixel as the JDK's JPEG encoder writes it: baseline, with its default tables. */
    private static byte[] tinyJpeg() {
        BufferedImage pixel = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(pixel, "jpeg", out)) {
                throw new IllegalStateException("the JDK has no JPEG encoder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void writeRandom(OutputStream out, long length, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[64 * 1024];
        for (long left = length; left > 0; left -= block.length) {
            random.nextBytes(block);
            out.write(block, 0, (int) Math.min(left, block.length));
        }
    }
}
