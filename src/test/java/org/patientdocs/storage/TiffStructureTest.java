package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.storage.UploadFiles.fixture;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class TiffStructureTest {

    @TempDir
    Path dir;

    private FileKind verify(byte[] bytes) throws IOException {
        return UploadFiles.verify(dir, "image/tiff", bytes);
    }

    /** A TIFF of one pixel in the given byte order whose first directory has these entries (tag, type, value). */
    private static byte[] tiff(ByteOrder order, int[]... fields) {
        ByteBuffer out = ByteBuffer.allocate(10 + 2 + 12 * fields.length + 4).order(order);
        out.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I', 42, 0} : new byte[] {'M', 'M', 0, 42});
        out.putInt(10).put((byte) 0x80).put((byte) 0).putShort((short) fields.length);
        for (int[] field : fields) {
            out.putShort((short) field[0]).putShort((short) field[1]).putInt(field.length > 3 ? field[3] : 1);
            if (field[1] == 3) {
                out.putShort((short) field[2]).putShort((short) 0);
            } else {
                out.putInt(field[2]);
            }
        }
        return out.putInt(0).array();
    }

    private static final int[] WIDTH = {256, 3, 1};
    private static final int[] LENGTH = {257, 4, 1};
    private static final int[] STRIPS = {273, 4, 8};
    private static final int[] TILES = {324, 4, 8};

    @Test
    void bothByteOrdersAreReadAsTheirHeaderSays() throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            assertEquals(FileKind.TIFF, verify(tiff(order, WIDTH, LENGTH, STRIPS)));
            assertEquals(FileKind.TIFF, verify(tiff(order, WIDTH, LENGTH, TILES)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 9})
    void aHeaderWithoutADirectoryIsMalformed(int length) {
        byte[] cut = Arrays.copyOf(fixture("little-endian.tif"), length);
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(cut));
    }

    @Test
    void aDirectoryOutsideTheFileIsMalformed() {
        byte[] tiff = fixture("big-endian.tif");
        ByteBuffer.wrap(tiff).putInt(4, tiff.length);
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff));
        assertTrue(e.getMessage().endsWith("the offset of its first image file directory (IFD) is outside the file."),
                e.getMessage());
        byte[] before = fixture("big-endian.tif");
        ByteBuffer.wrap(before).putInt(4, 2);
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(before));
    }

    @Test
    void anEmptyDirectoryOrOneLongerThanTheFileIsMalformed() {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff(ByteOrder.LITTLE_ENDIAN)));
        byte[] tiff = tiff(ByteOrder.LITTLE_ENDIAN, WIDTH, LENGTH, STRIPS);
        ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN).putShort(10, (short) 4);
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff));
    }

    @Test
    void aDirectoryWithoutWidthLengthOrImageDataIsMalformed() {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff(ByteOrder.BIG_ENDIAN, LENGTH, STRIPS)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff(ByteOrder.BIG_ENDIAN, WIDTH, STRIPS)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(tiff(ByteOrder.BIG_ENDIAN, WIDTH, new int[] {257, 3, 0},
                STRIPS)));
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(tiff(ByteOrder.BIG_ENDIAN, WIDTH, LENGTH)));
        assertTrue(e.getMessage().endsWith("has neither StripOffsets nor TileOffsets."), e.getMessage());
    }

    @Test
    void aValueOutsideTheFileIsMalformed() {
        // 100 LONG values do not fit in the entry: they are where its offset says, which is past the end
        int[] outside = {279, 4, 5000, 100};
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(tiff(ByteOrder.LITTLE_ENDIAN, WIDTH, LENGTH, STRIPS, outside)));
        assertTrue(e.getMessage().endsWith("a field of its first image file directory (IFD) points outside the file."),
                e.getMessage());
    }
}
