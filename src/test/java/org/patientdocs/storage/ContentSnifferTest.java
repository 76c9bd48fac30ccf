package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

class ContentSnifferTest {

    private static final String DOCX_TYPE = FileKind.DOCX.mimeType();

    @TempDir
    Path dir;

    /** The leading bytes of a small file of each sample kind. */
    private static byte[] sample(String name) {
        return switch (name) {
            case "pdf" -> "%PDF-1.7\n%âãÏÓ\n1 0 obj".getBytes(StandardCharsets.ISO_8859_1);
            case "png" -> new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H'};
            case "jpeg" -> new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
            case "tiff-le" -> new byte[] {'I', 'I', '*', 0, 8, 0, 0, 0};
            case "tiff-be" -> new byte[] {'M', 'M', 0, '*', 0, 0, 0, 8};
            case "gif" -> "GIF89a\1\0\1\0".getBytes(StandardCharsets.ISO_8859_1);
            case "text" -> "Referral from Dr. Smith".getBytes(StandardCharsets.UTF_8);
            case "short-pdf" -> "%PD".getBytes(StandardCharsets.ISO_8859_1);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private FileKind verify(String declared, String sampleName) throws IOException {
        byte[] bytes = sample(sampleName);
        Path file = Files.write(dir.resolve(sampleName), bytes);
        return ContentSniffer.verify(declared, Arrays.copyOf(bytes, 16), bytes.length, file);
    }

    private static ErrorCode rejection(Executable call) {
        ServiceException.BadRequest e = assertThrows(ServiceException.BadRequest.class, call::run);
        assertEquals("file", e.target());
        return e.code();
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }

    @ParameterizedTest(name = "{1} declared as {0} is {2}")
    @CsvSource({
        "application/pdf, pdf, PDF",
        "image/png, png, PNG",
        "image/jpeg, jpeg, JPEG",
        "image/tiff, tiff-le, TIFF",
        "image/tiff, tiff-be, TIFF",
        "'application/pdf; charset=binary', pdf, PDF",
        "IMAGE/PNG, png, PNG",
    })
    void matchingDeclaredTypeAndBytesAreAccepted(String declared, String sampleName, FileKind expected)
            throws IOException {
        assertEquals(expected, verify(declared, sampleName));
    }

    @ParameterizedTest(name = "{1} declared as {0} is {2}")
    @CsvSource(nullValues = "NULL", value = {
        "application/octet-stream, pdf, PDF",
        "'application/octet-stream; x=y', png, PNG",
        "NULL, jpeg, JPEG",
        "'', tiff-le, TIFF",
        "'  ', tiff-be, TIFF",
    })
    void withoutADeclaredTypeTheBytesDecide(String declared, String sampleName, FileKind expected)
            throws IOException {
        assertEquals(expected, verify(declared, sampleName));
    }

    @ParameterizedTest(name = "{1} declared as {0} is a mismatch")
    @CsvSource({
        "application/pdf, png",
        "image/png, pdf",
        "image/jpeg, tiff-le",
        "image/tiff, jpeg",
        "application/pdf, text",
        "application/pdf, short-pdf",
        "image/png, gif",
    })
    void bytesThatAreNotTheDeclaredTypeAreAMismatch(String declared, String sampleName) {
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, rejection(() -> verify(declared, sampleName)));
    }

    @ParameterizedTest(name = "{1} declared as {0} is unsupported")
    @CsvSource(nullValues = "NULL", value = {
        "text/plain, pdf",
        "image/gif, gif",
        "application/zip, pdf",
        "application/octet-stream, gif",
        "application/octet-stream, text",
        "NULL, text",
    })
    void typesOutsideTheAllowlistAreUnsupported(String declared, String sampleName) {
        assertEquals(ErrorCode.UNSUPPORTED_FILE_TYPE, rejection(() -> verify(declared, sampleName)));
    }

    @Test
    void theUnsupportedMessageNamesTheAcceptedTypes() {
        ServiceException e = assertThrows(ServiceException.class, () -> verify("text/plain", "text"));
        assertTrue(e.getMessage().contains("application/pdf"), e.getMessage());
        assertTrue(e.getMessage().contains("image/tiff"), e.getMessage());
    }

    @Test
    void anEmptyFileIsRejectedAsEmpty() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        for (String declared : new String[] {"application/pdf", "application/octet-stream", null}) {
            assertEquals(ErrorCode.EMPTY_FILE,
                    rejection(() -> ContentSniffer.verify(declared, new byte[16], 0, empty)));
        }
    }

    @Test
    void aRealDocxIsAccepted() throws IOException {
        Path docx = zip("a.docx", "[Content_Types].xml", "_rels/.rels", "word/document.xml");
        assertEquals(FileKind.DOCX, verifyFile(DOCX_TYPE, docx));
        assertEquals(FileKind.DOCX, verifyFile("application/octet-stream", docx));
        assertEquals(FileKind.DOCX, verifyFile(null, docx));
    }

    @Test
    void aZipWithoutWordDocumentIsNotADocx() throws IOException {
        Path notDocx = zip("b.docx", "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml");
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, rejection(() -> verifyFile(DOCX_TYPE, notDocx)));
        assertEquals(ErrorCode.UNSUPPORTED_FILE_TYPE, rejection(() -> verifyFile(null, notDocx)));
    }

    @Test
    void aPlainZipIsAMismatchForDocxAndForOtherDeclaredTypes() throws IOException {
        Path plain = zip("c.zip", "notes.txt");
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, rejection(() -> verifyFile(DOCX_TYPE, plain)));
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, rejection(() -> verifyFile("application/pdf", plain)));
    }

    @Test
    void aDocxDeclaredAsPdfNamesWhatItReallyIs() throws IOException {
        Path docx = zip("d.docx", "[Content_Types].xml", "word/document.xml");
        ServiceException e = assertThrows(ServiceException.class, () -> verifyFile("application/pdf", docx));
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(DOCX_TYPE), e.getMessage());
    }

    @Test
    void aCorruptZipIsNotADocx() throws IOException {
        byte[] bytes = Arrays.copyOf(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, 4096);
        Path corrupt = Files.write(dir.resolve("corrupt.docx"), bytes);
        assertEquals(ErrorCode.CONTENT_TYPE_MISMATCH, rejection(() -> verifyFile(DOCX_TYPE, corrupt)));
        assertEquals(ErrorCode.UNSUPPORTED_FILE_TYPE, rejection(() -> verifyFile(null, corrupt)));
    }

    @Test
    void sniffingLooksAtTheSignatureOnly() {
        assertEquals(Optional.of(FileKind.PDF), ContentSniffer.sniff(sample("pdf"), 5));
        assertEquals(Optional.empty(), ContentSniffer.sniff(sample("pdf"), 4));
        assertEquals(Optional.of(FileKind.DOCX), ContentSniffer.sniff(new byte[] {'P', 'K', 3, 4}, 4));
        assertEquals(Optional.empty(), ContentSniffer.sniff(new byte[0], 0));
    }

    private FileKind verifyFile(String declared, Path file) throws IOException {
        byte[] head = new byte[16];
        int length;
        try (var in = Files.newInputStream(file)) {
            length = in.readNBytes(head, 0, head.length);
        }
        return ContentSniffer.verify(declared, head, length, file);
    }

    private Path zip(String fileName, String... entries) throws IOException {
        Path file = dir.resolve(fileName);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(("<x name=\"" + entry + "\"/>").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }
}
