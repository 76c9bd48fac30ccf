package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A TIFF is its 8-byte header (byte order, 42, the offset of the first image file directory) and that directory
 * (TIFF 6.0, section 2): at least one 12-byte entry, all inside the file; the values of entries too large to sit in
 * the entry inside the file too; an ImageWidth and an ImageLength of at least 1; and StripOffsets or TileOffsets.
 * Only the header and the first directory are read (at most 786 KiB, for a directory of 65,535 entries); the
 * directories after it and the image data are not.
 */
final class TiffStructure {

    private static final int IMAGE_WIDTH = 256;
    private static final int IMAGE_LENGTH = 257;
    private static final int STRIP_OFFSETS = 273;
    private static final int TILE_OFFSETS = 324;
    private static final int SHORT = 3;
    private static final int LONG = 4;
    /** The size of one value of each field type (TIFF 6.0 section 2, and 13 = IFD of the TIFF technical notes). */
    private static final int[] TYPE_SIZES = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};

    private TiffStructure() {
    }

    static void check(SpooledFile file) throws IOException {
        ByteOrder order = file.read(0, 1, ByteOrder.BIG_ENDIAN).get(0) == 'I'
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer header = file.read(0, 8, order);
        long directory = header.limit() < 8 ? 0 : Integer.toUnsignedLong(header.getInt(4));
        if (directory < 8 || !file.holds(directory, 2)) {
            throw malformed("the offset of its first image file directory (IFD) is outside the file");
        }
        int entries = file.read(directory, 2, order).getShort(0) & 0xFFFF;
        if (entries == 0 || !file.holds(directory + 2, 12L * entries + 4)) {
            throw malformed("its first image file directory (IFD) is empty or does not fit in the file");
        }
        ByteBuffer fields = file.read(directory + 2, 12 * entries, order);
        long width = 0;
        long length = 0;
        boolean imageData = false;
        for (int i = 0; i < entries; i++) {
            int at = 12 * i;
            int tag = fields.getShort(at) & 0xFFFF;
            int type = fields.getShort(at + 2) & 0xFFFF;
            long count = Integer.toUnsignedLong(fields.getInt(at + 4));
            if (type < TYPE_SIZES.length && type > 0) {
                long bytes = count * TYPE_SIZES[type];
                if (bytes > 4 && !file.holds(Integer.toUnsignedLong(fields.getInt(at + 8)), bytes)) {
                    throw malformed("a field of its first image file directory (IFD) points outside the file");
                }
            }
            switch (tag) {
                case IMAGE_WIDTH -> width = dimension(fields, at, type, count);
                case IMAGE_LENGTH -> length = dimension(fields, at, type, count);
                case STRIP_OFFSETS, TILE_OFFSETS -> imageData = count > 0;
                default -> {
                    // other fields are for image readers to interpret
                }
            }
        }
        if (width == 0 || length == 0) {
            throw malformed("its first image file directory (IFD) gives no ImageWidth or ImageLength of at least 1");
        }
        if (!imageData) {
            throw malformed("its first image file directory (IFD) has neither StripOffsets nor TileOffsets");
        }
    }

    /** A SHORT or LONG value held in the entry itself; 0 for anything else. */
    private static long dimension(ByteBuffer fields, int at, int type, long count) {
        if (count != 1) {
            return 0;
        }
        return switch (type) {
            case SHORT -> fields.getShort(at + 8) & 0xFFFF;
            case LONG -> Integer.toUnsignedLong(fields.getInt(at + 8));
            default -> 0;
        };
    }

    private static RuntimeException malformed(String rule) {
        return ContentRefusals.malformed(FileKind.TIFF, rule);
    }
}
