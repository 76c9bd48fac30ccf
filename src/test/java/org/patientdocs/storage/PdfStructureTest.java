package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.storage.UploadFiles.fixture;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class PdfStructureTest {

    @TempDir
    Path dir;

    private FileKind verify(byte[] bytes) throws IOException {
        return UploadFiles.verify(dir, "application/pdf", bytes);
    }

    private static byte[] concat(byte[] first, String then) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(then.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void aPdfUpdatedIncrementallyIsAcceptedByItsLastTrailer() throws IOException {
        byte[] updated = fixture("referral-incremental.pdf");
        String text = new String(updated, StandardCharsets.ISO_8859_1);
        assertTrue(text.indexOf("%%EOF") < text.lastIndexOf("%%EOF"), "two trailers");
        assertEquals(FileKind.PDF, verify(updated));
    }

    @Test
    void lineEndsSpacesAndPaddingAfterTheLastEofAreAccepted() throws IOException {
        assertEquals(FileKind.PDF, verify(concat(fixture("referral.pdf"), "\r\n \n\n\0\0")));
        assertEquals(FileKind.PDF, verify(concat(fixture("referral.pdf"), "\0".repeat(1000))));
    }

    @Test
    void anEofMarkerFartherThan1024BytesFromTheEndIsNotFound() {
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(concat(fixture("referral.pdf"),
                " ".repeat(1020))));
        assertEquals("The file starts as a PDF document but is not a valid one: it has no %%EOF marker in its last"
                + " 1024 bytes.", e.getMessage());
    }

    @Test
    void aPdfCutShortIsMalformed() {
        byte[] pdf = fixture("referral.pdf");
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(pdf, pdf.length - 10)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(pdf, 8)));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(pdf, 5)));
    }

    @Test
    void theHeaderMustGiveAVersion() {
        byte[] pdf = fixture("referral.pdf");
        byte[] noVersion = pdf.clone();
        noVersion[5] = 'x';
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(noVersion));
        assertTrue(e.getMessage().endsWith("its header does not give a version such as %PDF-1.7."), e.getMessage());
    }

    @Test
    void theLastEofMustFollowAStartxrefWithAnOffsetInsideTheFile() {
        String fake = "%PDF-1.7\n%%EOF\n";
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(fake.getBytes(StandardCharsets.ISO_8859_1)));
        for (String trailer : new String[] {"startxref\n%%EOF\n", "startxref\n99999999\n%%EOF\n",
            "startxref\n12 34\n%%EOF\n", "startxref\n-1\n%%EOF\n"}) {
            ServiceException e = refusal(ErrorCode.MALFORMED_FILE,
                    () -> verify(concat(fixture("referral.pdf"), trailer)));
            assertTrue(e.getMessage().contains("startxref"), e.getMessage());
        }
        assertEquals(FileKind.PDF, assertAccepted(concat(fixture("referral.pdf"), "startxref\r\n9 %%EOF")));
    }

    private FileKind assertAccepted(byte[] bytes) {
        try {
            return verify(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
