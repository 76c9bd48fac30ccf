package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.storage.UploadFiles.fixture;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class JpegStructureTest {

    private static final int SOI_LENGTH = 2;

    @TempDir
    Path dir;

    private FileKind verify(byte[] bytes) throws IOException {
        return UploadFiles.verify(dir, "image/jpeg", bytes);
    }

    private static byte[] bytes(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int value : values) {
            out.write(value);
        }
        return out.toByteArray();
    }

    /** Where the real baseline JPEG's frame header (FF C0) starts. */
    private static int frameHeader(byte[] jpeg) {
        for (int i = SOI_LENGTH; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                return i;
            }
        }
        throw new AssertionError("no SOF0");
    }

    @Test
    void threeBytesOfSignatureAreMalformed() {
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(bytes(0xFF, 0xD8, 0xFF)));
        assertTrue(e.getMessage().startsWith("The file starts as a JPEG image but is not a valid one"), e.getMessage());
    }

    @Test
    void anImageThatEndsOrScansBeforeItsFrameHeaderIsMalformed() {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(bytes(0xFF, 0xD8, 0xFF, 0xD9)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(bytes(0xFF, 0xD8, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(bytes(0xFF, 0xD8, 0xFF, 0xFE, 0, 3, 'x', 0x12, 0x34)));
    }

    @Test
    void aSegmentLongerThanTheFileIsMalformed() {
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF, 'J', 'F', 'I', 'F', 0)));
        assertTrue(e.getMessage().endsWith("a segment before its frame header has a length outside the file."),
                e.getMessage());
    }

    @Test
    void theRealImageCutJustBeforeItsFrameHeaderIsMalformed() {
        byte[] jpeg = fixture("baseline.jpg");
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(jpeg, frameHeader(jpeg) + 6)));
    }

    @Test
    void aFrameHeaderWithoutWidthOrComponentsOrWithTheWrongLengthIsMalformed() {
        byte[] jpeg = fixture("baseline.jpg");
        int sof = frameHeader(jpeg);
        byte[] noWidth = jpeg.clone();
        noWidth[sof + 7] = 0;
        noWidth[sof + 8] = 0;
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(noWidth));
        byte[] moreComponents = jpeg.clone();
        moreComponents[sof + 9]++;
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(moreComponents));
        byte[] precision = jpeg.clone();
        precision[sof + 4] = 1;
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(precision));
    }

    @Test
    void fillBytesBeforeAMarkerAreAllowed() throws IOException {
        byte[] jpeg = fixture("baseline.jpg");
        int sof = frameHeader(jpeg);
        ByteArrayOutputStream filled = new ByteArrayOutputStream();
        filled.write(jpeg, 0, sof);
        filled.writeBytes(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
        filled.write(jpeg, sof, jpeg.length - sof);
        assertEquals(FileKind.JPEG, verify(filled.toByteArray()));
    }

    @Test
    void theSegmentsBeforeTheFrameHeaderAreCounted() {
        // each an empty comment: a file of endless small segments is read a bounded number of times
        ByteArrayOutputStream comments = new ByteArrayOutputStream();
        comments.writeBytes(bytes(0xFF, 0xD8));
        for (int i = 0; i < 5000; i++) {
            comments.writeBytes(bytes(0xFF, 0xFE, 0, 2));
        }
        byte[] jpeg = fixture("baseline.jpg");
        comments.write(jpeg, SOI_LENGTH, jpeg.length - SOI_LENGTH);
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(comments.toByteArray()));
        assertTrue(e.getMessage().endsWith("no frame header (SOF) within its first 4096 segments."), e.getMessage());
    }
}
