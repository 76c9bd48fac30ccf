package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.storage.UploadFiles.fixture;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import org.patientdocs.server.Samples;

class ContentSnifferTest {

    private static final String DOCX_TYPE = FileKind.DOCX.mimeType();

    @TempDir
    Path dir;

    /** A real file of each sample kind, or something else. */
    private static byte[] sample(String name) {
        return switch (name) {
            case "pdf" -> fixture("referral.pdf");
            case "png" -> fixture("scan.png");
            case "jpeg" -> fixture("baseline.jpg");
            case "tiff-le" -> fixture("little-endian.tif");
            case "tiff-be" -> fixture("big-endian.tif");
            case "docx" -> fixture("referral.docx");
            case "gif" -> "GIF89a\1\0\1\0".getBytes(StandardCharsets.ISO_8859_1);
            case "text" -> "Referral from Dr. Smith".getBytes(StandardCharsets.UTF_8);
            case "short-pdf" -> "%PD".getBytes(StandardCharsets.ISO_8859_1);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private FileKind verify(String declared, String sampleName) throws IOException {
        return UploadFiles.verify(dir, declared, sample(sampleName));
    }

    @ParameterizedTest(name = "{1} declared as {0} is {2}")
    @CsvSource({
        "application/pdf, pdf, PDF",
        "image/png, png, PNG",
        "image/jpeg, jpeg, JPEG",
        "image/tiff, tiff-le, TIFF",
        "image/tiff, tiff-be, TIFF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document, docx, DOCX",
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
        "NULL, docx, DOCX",
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
        "application/pdf, docx",
    })
    void bytesThatAreNotTheDeclaredTypeAreAMismatch(String declared, String sampleName) {
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH, () -> verify(declared, sampleName));
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
        refusal(ErrorCode.UNSUPPORTED_FILE_TYPE, () -> verify(declared, sampleName));
    }

    @Test
    void theUnsupportedMessageNamesTheAcceptedTypes() {
        ServiceException e = refusal(ErrorCode.UNSUPPORTED_FILE_TYPE, () -> verify("text/plain", "text"));
        assertTrue(e.getMessage().contains("application/pdf"), e.getMessage());
        assertTrue(e.getMessage().contains("image/tiff"), e.getMessage());
    }

    @Test
    void anEmptyFileIsRejectedAsEmpty() {
        for (String declared : new String[] {"application/pdf", "application/octet-stream", null}) {
            refusal(ErrorCode.EMPTY_FILE, () -> UploadFiles.verify(dir, declared, new byte[0]));
        }
    }

    /** Every real document of the test resources, as its own type and as application/octet-stream. */
    static Stream<Arguments> realDocuments() {
        return Stream.of(
                Arguments.of("referral.pdf", FileKind.PDF),
                Arguments.of("referral-incremental.pdf", FileKind.PDF),
                Arguments.of("scan.png", FileKind.PNG),
                Arguments.of("baseline.jpg", FileKind.JPEG),
                Arguments.of("progressive.jpg", FileKind.JPEG),
                Arguments.of("big-endian.tif", FileKind.TIFF),
                Arguments.of("little-endian.tif", FileKind.TIFF),
                Arguments.of("referral.docx", FileKind.DOCX));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realDocuments")
    void realDocumentsWrittenByRealToolsAreAccepted(String name, FileKind kind) throws IOException {
        assertEquals(kind, UploadFiles.verify(dir, kind.mimeType(), fixture(name)));
        assertEquals(kind, UploadFiles.verify(dir, "application/octet-stream", fixture(name)));
    }

    /** The integration tests' samples, at their smallest and at sizes they use. */
    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("pdf", Samples.pdf(Samples.MIN_PDF), FileKind.PDF),
                Arguments.of("pdf", Samples.pdf(3_000_007), FileKind.PDF),
                Arguments.of("png", Samples.png(Samples.MIN_PNG), FileKind.PNG),
                Arguments.of("png", Samples.png(1024 * 1024), FileKind.PNG),
                Arguments.of("jpeg", Samples.jpeg(Samples.MIN_JPEG), FileKind.JPEG),
                Arguments.of("jpeg", Samples.jpeg(Samples.MIN_JPEG + 1), FileKind.JPEG),
                Arguments.of("jpeg", Samples.jpeg(65_537 + 1002), FileKind.JPEG),
                Arguments.of("jpeg", Samples.jpeg(200_000), FileKind.JPEG),
                Arguments.of("tiff", Samples.tiff(Samples.MIN_TIFF), FileKind.TIFF),
                Arguments.of("tiff", Samples.tiff(5001), FileKind.TIFF),
                Arguments.of("docx", Samples.docx(), FileKind.DOCX));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("samples")
    void theIntegrationTestSamplesAreValidFilesOfTheirExactSize(String name, byte[] content, FileKind kind)
            throws IOException {
        assertEquals(kind, UploadFiles.verify(dir, null, content));
    }

    @Test
    void samplesHaveExactlyTheSizeAskedFor() {
        for (int size = Samples.MIN_JPEG; size < Samples.MIN_JPEG + 70_000; size += 997) {
            assertEquals(size, Samples.pdf(size).length);
            assertEquals(size, Samples.png(size).length);
            assertEquals(size, Samples.jpeg(size).length);
            assertEquals(size, Samples.tiff(size).length);
        }
    }

    @Test
    void aZipWithoutWordDocumentIsNotADocx() throws IOException {
        Path notDocx = zip("b.docx", "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml");
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH, () -> verifyFile(DOCX_TYPE, notDocx));
        refusal(ErrorCode.UNSUPPORTED_FILE_TYPE, () -> verifyFile(null, notDocx));
    }

    @Test
    void aPlainZipIsAMismatchForDocxAndForOtherDeclaredTypes() throws IOException {
        Path plain = zip("c.zip", "notes.txt");
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH, () -> verifyFile(DOCX_TYPE, plain));
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH, () -> verifyFile("application/pdf", plain));
    }

    @Test
    void aDocxDeclaredAsPdfNamesWhatItReallyIs() {
        ServiceException e = refusal(ErrorCode.CONTENT_TYPE_MISMATCH,
                () -> UploadFiles.verify(dir, "application/pdf", Samples.docx()));
        assertTrue(e.getMessage().contains(DOCX_TYPE), e.getMessage());
    }

    @Test
    void aZipThatCannotBeReadIsMalformedWhateverItIsDeclaredAs() {
        byte[] bytes = Arrays.copyOf(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}, 4096);
        for (String declared : new String[] {DOCX_TYPE, null, "application/pdf"}) {
            refusal(ErrorCode.MALFORMED_FILE, () -> UploadFiles.verify(dir, declared, bytes));
        }
    }

    @Test
    void aSignatureAloneIsMalformedAndTheMessageNamesTheRule() {
        byte[] png = Arrays.copyOf(fixture("scan.png"), 8);
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> UploadFiles.verify(dir, "image/png", png));
        assertEquals("The file starts as a PNG image but is not a valid one: its signature is not followed by an IHDR"
                + " chunk of 13 bytes.", e.getMessage());
    }

    @Test
    void sniffingLooksAtTheSignatureOnly() {
        assertEquals(Optional.of(FileKind.PDF), ContentSniffer.sniff(sample("pdf"), 5));
        assertEquals(Optional.empty(), ContentSniffer.sniff(sample("pdf"), 4));
        assertEquals(Optional.of(FileKind.DOCX), ContentSniffer.sniff(new byte[] {'P', 'K', 3, 4}, 4));
        assertEquals(Optional.empty(), ContentSniffer.sniff(new byte[0], 0));
    }

    private FileKind verifyFile(String declared, Path file) throws IOException {
        return new ContentSniffer(UploadFiles.LIMITS).verify(declared, file);
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
