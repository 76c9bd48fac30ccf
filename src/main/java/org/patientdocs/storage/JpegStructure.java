package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A JPEG is a start-of-image marker, then segments (application data, tables, comments) up to a frame header (a SOF
 * marker, ITU T.81 section B.2.2), which must come before the first scan or the end of the image. The frame header
 * must give a sample precision, a width of at least 1, one or more components and a length that fits them. Only
 * the marker and length of each segment are read, at most {@value #MAX_SEGMENTS} of them, so the cost does not grow
 * with the file.
 */
final class JpegStructure {

    /** Real files have a few dozen segments before their frame header; an ICC profile in chunks a few hundred. */
    private static final int MAX_SEGMENTS = 4096;
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;
    /** At most this many 0xFF fill bytes before a marker are read at once; more need another read. */
    private static final int PEEK = 16;

    private JpegStructure() {
    }

    static void check(SpooledFile file) throws IOException {
        long position = 2;
        for (int segments = 0; segments < MAX_SEGMENTS; segments++) {
            ByteBuffer peek = file.read(position, PEEK, ByteOrder.BIG_ENDIAN);
            if (peek.limit() < 2 || (peek.get(0) & 0xFF) != 0xFF) {
                throw malformed("it ends, or has bytes that are not a marker, before its frame header (SOF)");
            }
            int fill = 1;
            while (fill < peek.limit() && (peek.get(fill) & 0xFF) == 0xFF) {
                fill++;
            }
            if (fill == peek.limit()) {
                position += fill - 1;
                continue;
            }
            int marker = peek.get(fill) & 0xFF;
            position += fill + 1;
            if (marker == TEM || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == SOS || marker == EOI || marker == SOI || marker == 0) {
                throw malformed("its first scan or its end comes before its frame header (SOF)");
            }
            ByteBuffer lengthBytes = file.read(position, 2, ByteOrder.BIG_ENDIAN);
            int length = lengthBytes.limit() < 2 ? 0 : lengthBytes.getShort(0) & 0xFFFF;
            if (length < 2 || !file.holds(position, length)) {
                throw malformed("a segment before its frame header has a length outside the file");
            }
            if (isFrameHeader(marker)) {
                checkFrame(file.read(position, length, ByteOrder.BIG_ENDIAN));
                return;
            }
            position += length;
        }
        throw malformed("no frame header (SOF) within its first " + MAX_SEGMENTS + " segments");
    }

    /** SOF0 to SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Lf, P, Y, X, Nf and three bytes per component (ITU T.81, figure B.3). */
    private static void checkFrame(ByteBuffer frame) {
        if (frame.limit() < 8) {
            throw malformed("its frame header is shorter than 8 bytes");
        }
        int precision = frame.get(2) & 0xFF;
        int width = frame.getShort(5) & 0xFFFF;
        int components = frame.get(7) & 0xFF;
        if (precision < 2 || precision > 16) {
            throw malformed("its frame header gives a sample precision outside 2..16 bits");
        }
        if (width == 0 || components == 0) {
            throw malformed("its frame header gives no width or no components");
        }
        if (frame.limit() != 8 + 3 * components) {
            throw malformed("its frame header's length does not fit its number of components");
        }
    }

    private static RuntimeException malformed(String rule) {
        return ContentRefusals.malformed(FileKind.JPEG, rule);
    }
}
