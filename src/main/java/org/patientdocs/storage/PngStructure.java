package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * A PNG is its signature and then, as its first chunk, an IHDR of 13 bytes (PNG specification, section 11.2.2):
 * a width and a height of at least 1, a bit depth the colour type allows, compression and filter method 0, an
 * interlace method of 0 or 1, and the chunk's CRC. Reads 33 bytes, whatever the file's size.
 */
final class PngStructure {

    private static final int SIGNATURE = 8;
    private static final int IHDR_LENGTH = 13;
    /** Signature, then the chunk's length, type, data and CRC. */
    private static final int HEAD = SIGNATURE + 4 + 4 + IHDR_LENGTH + 4;
    private static final int IHDR = 0x49484452;

    private PngStructure() {
    }

    static void check(SpooledFile file) throws IOException {
        ByteBuffer head = file.read(0, HEAD, ByteOrder.BIG_ENDIAN);
        if (head.limit() < HEAD || head.getInt(SIGNATURE) != IHDR_LENGTH || head.getInt(SIGNATURE + 4) != IHDR) {
            throw malformed("its signature is not followed by an IHDR chunk of 13 bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(head.array(), SIGNATURE + 4, 4 + IHDR_LENGTH);
        if ((int) crc.getValue() != head.getInt(HEAD - 4)) {
            throw malformed("the CRC of its IHDR chunk does not match");
        }
        int data = SIGNATURE + 8;
        int width = head.getInt(data);
        int height = head.getInt(data + 4);
        if (width <= 0 || height <= 0) {
            throw malformed("its IHDR chunk gives a width or height outside 1..2147483647");
        }
        if (!allowedDepth(head.get(data + 9), head.get(data + 8))) {
            throw malformed("its IHDR chunk gives a colour type and bit depth that do not go together");
        }
        if (head.get(data + 10) != 0 || head.get(data + 11) != 0 || (head.get(data + 12) & 0xFF) > 1) {
            throw malformed("its IHDR chunk gives a compression, filter or interlace method PNG does not define");
        }
    }

    /** PNG specification, table 11.1. */
    private static boolean allowedDepth(int colourType, int depth) {
        return switch (colourType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
    }

    private static RuntimeException malformed(String rule) {
        return ContentRefusals.malformed(FileKind.PNG, rule);
    }
}
