package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.patientdocs.storage.UploadFiles.fixture;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class PngStructureTest {

    @TempDir
    Path dir;

    private FileKind verify(byte[] bytes) throws IOException {
        return UploadFiles.verify(dir, "image/png", bytes);
    }

    /** The real PNG with its IHDR's width, height, depth, colour type and interlace method replaced. */
    private static byte[] withHeader(int width, int height, int depth, int colourType, int interlace) {
        byte[] png = fixture("scan.png");
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 13);
        ihdr.putInt(width).putInt(height).put((byte) depth).put((byte) colourType).position(28);
        ihdr.put((byte) interlace);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        return png;
    }

    @Test
    void aHeaderRewrittenWithItsCrcIsStillAccepted() throws IOException {
        assertEquals(FileKind.PNG, verify(withHeader(24, 16, 16, 0, 1)));
    }

    @Test
    void theSignatureAloneIsMalformed() {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(fixture("scan.png"), 8)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(fixture("scan.png"), 32)));
    }

    @Test
    void aFirstChunkOtherThanIhdrIsMalformed() {
        byte[] png = fixture("scan.png");
        png[12] = 'i';
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(png));
    }

    @Test
    void aHeaderWhoseCrcDoesNotMatchIsMalformed() {
        byte[] png = fixture("scan.png");
        png[17]++;
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(png));
        assertEquals("The file starts as a PNG image but is not a valid one: the CRC of its IHDR chunk does not"
                + " match.", e.getMessage());
    }

    @ParameterizedTest(name = "{0}x{1}, depth {2}, colour type {3}, interlace {4}")
    @CsvSource({
        "0, 16, 8, 0, 0",
        "24, 0, 8, 0, 0",
        "-1, 16, 8, 0, 0",
        "24, 16, 4, 2, 0",
        "24, 16, 16, 3, 0",
        "24, 16, 8, 5, 0",
        "24, 16, 8, 0, 2",
    })
    void aHeaderPngDoesNotDefineIsMalformed(int width, int height, int depth, int colourType, int interlace) {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(withHeader(width, height, depth, colourType, interlace)));
    }
}
