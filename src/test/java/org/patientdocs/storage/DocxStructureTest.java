package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patientdocs.storage.UploadFiles.refusal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/** The checks of a DOCX: its ZIP central directory, the limits, the content types and macros. */
class DocxStructureTest {

    private static final String DOCX = FileKind.DOCX.mimeType();

    @TempDir
    Path dir;

    private FileKind verify(byte[] bytes) throws IOException {
        return UploadFiles.verify(dir, DOCX, bytes);
    }

    private FileKind verify(ServiceConfig.Upload limits, byte[] bytes) throws IOException {
        return new ContentSniffer(limits).verify(DOCX, UploadFiles.write(dir, "upload.docx", bytes));
    }

    @Test
    void theSmallestWordDocumentWrittenHereIsAccepted() throws IOException {
        assertEquals(FileKind.DOCX, verify(ZipBytes.docx().bytes()));
    }

    @Test
    void aZipBombIsRefusedFromItsDirectoryWithoutUnpackingIt() {
        // 64 MiB of zeros packed a thousand to one: the directory says so, and nothing needs to be unpacked to see it
        byte[] bomb = ZipBytes.docx().deflatedZeros("word/media/zeros.bin", 64L * 1024 * 1024).bytes();
        assertTrue(bomb.length < 1024 * 1024, "a bomb is small: " + bomb.length);
        ServiceException e = refusal(ErrorCode.ARCHIVE_LIMIT_EXCEEDED, () -> verify(bomb));
        assertEquals("The archive is refused unread: an entry unpacks to more than 100 times its packed size.",
                e.getMessage());
    }

    @Test
    void anEntryOfUpTo1MiBIsNotHeldToTheRatio() throws IOException {
        assertEquals(FileKind.DOCX, verify(ZipBytes.docx().deflatedZeros("word/media/zeros.bin", 1024 * 1024)
                .bytes()));
    }

    @Test
    void entriesThatUnpackToMoreThanTheLimitInAllAreRefused() throws IOException {
        ServiceConfig.Upload limits = new ServiceConfig.Upload(26_214_400, 10_000, 3 * 1024 * 1024, 100);
        byte[] noise = new byte[1024 * 1024];
        new Random(3).nextBytes(noise);
        ZipBytes twoMiB = ZipBytes.docx().stored("word/media/a.bin", noise).stored("word/media/b.bin", noise);
        assertEquals(FileKind.DOCX, verify(limits, twoMiB.bytes()));
        byte[] threeMiB = twoMiB.stored("word/media/c.bin", noise).bytes();
        ServiceException e = refusal(ErrorCode.ARCHIVE_LIMIT_EXCEEDED, () -> verify(limits, threeMiB));
        assertEquals("The archive is refused unread: its entries unpack to more than 3145728 bytes in all.",
                e.getMessage());
    }

    @Test
    void moreEntriesThanTheLimitAreRefusedBeforeAnyIsRead() throws IOException {
        ServiceConfig.Upload limits = new ServiceConfig.Upload(26_214_400, 5, 268_435_456, 100);
        ZipBytes five = ZipBytes.docx().deflated("word/styles.xml", "<x/>").deflated("docProps/app.xml", "<x/>");
        assertEquals(FileKind.DOCX, verify(limits, five.bytes()));
        byte[] six = five.deflated("docProps/core.xml", "<x/>").bytes();
        ServiceException e = refusal(ErrorCode.ARCHIVE_LIMIT_EXCEEDED, () -> verify(limits, six));
        assertEquals("The archive is refused unread: its directory lists more than 5 entries.", e.getMessage());
    }

    @Test
    void aZip64DirectoryIsReadAndItsEntryCountHeldToTheLimit() throws IOException {
        // more than 65,535 entries: java.util.zip writes the ZIP64 end records, which give the real count
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write(ZipBytes.CONTENT_TYPES.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write("<w:document/>".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 65_600; i++) {
                zip.putNextEntry(new ZipEntry("e/" + i));
            }
        }
        byte[] zip64 = bytes.toByteArray();
        assertEquals(FileKind.DOCX, verify(new ServiceConfig.Upload(26_214_400, 100_000, 268_435_456, 100), zip64));
        refusal(ErrorCode.ARCHIVE_LIMIT_EXCEEDED, () -> verify(zip64));
    }

    @Test
    void aVbaProjectAnywhereIsRefusedAsMacros() {
        byte[] macros = ZipBytes.docx().stored("word/vbaProject.bin", new byte[] {1, 2, 3}).bytes();
        ServiceException e = refusal(ErrorCode.MACROS_NOT_ALLOWED, () -> verify(macros));
        assertTrue(e.getMessage().startsWith("Documents with macros are not accepted: it holds a VBA project"),
                e.getMessage());
        refusal(ErrorCode.MACROS_NOT_ALLOWED,
                () -> verify(ZipBytes.docx().stored("customXml/VBAPROJECT.BIN", new byte[] {1}).bytes()));
    }

    @Test
    void aMacroEnabledMainPartIsRefusedAsMacros() {
        // a .docm renamed .docx: the main part's type says macro-enabled, even before any VBA part is there
        String docm = ZipBytes.CONTENT_TYPES_START + "<Override PartName=\"/word/document.xml\" ContentType=\""
                + "application/vnd.ms-word.document.macroEnabled.main+xml\"/></Types>";
        refusal(ErrorCode.MACROS_NOT_ALLOWED, () -> verify(ZipBytes.docx(docm).bytes()));
    }

    @Test
    void aVbaContentTypeIsRefusedAsMacrosWhateverThePartIsCalled() {
        String vba = ZipBytes.CONTENT_TYPES_START + "<Default Extension=\"dat\" ContentType=\"application/"
                + "vnd.ms-office.vbaProject\"/>" + ZipBytes.MAIN_OVERRIDE + "</Types>";
        refusal(ErrorCode.MACROS_NOT_ALLOWED, () -> verify(ZipBytes.docx(vba).bytes()));
    }

    @Test
    void aPackageWithoutAWordMainPartIsNotADocx() {
        String noMain = ZipBytes.CONTENT_TYPES_START + "</Types>";
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH, () -> verify(ZipBytes.docx(noMain).bytes()));
        String template = ZipBytes.MAIN_OVERRIDE.replace("document.main", "template.main");
        refusal(ErrorCode.CONTENT_TYPE_MISMATCH,
                () -> verify(ZipBytes.docx(ZipBytes.CONTENT_TYPES_START + template + "</Types>").bytes()));
    }

    @Test
    void contentTypesThatAreNotAWellFormedTypesDocumentWithoutADtdAreMalformed() {
        for (String contentTypes : new String[] {
            "<!DOCTYPE Types [<!ENTITY x \"y\">]>" + ZipBytes.CONTENT_TYPES,
            ZipBytes.CONTENT_TYPES.replace("</Types>", ""),
            "<Types/>",
        }) {
            refusal(ErrorCode.MALFORMED_FILE, () -> verify(ZipBytes.docx(contentTypes).bytes()));
        }
    }

    @Test
    void aContentTypesEntryThatIsNotWhatItsDirectoryEntrySaysIsMalformed() {
        ZipBytes lying = new ZipBytes().deflated("[Content_Types].xml", ZipBytes.CONTENT_TYPES).crc(12345)
                .deflated("word/document.xml", "<w:document/>");
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(lying.bytes()));
    }

    @Test
    void partsTheChecksReadMayNotBeThereTwice() {
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(ZipBytes.docx()
                .deflated("[Content_Types].xml", ZipBytes.CONTENT_TYPES_START + "</Types>").bytes()));
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(ZipBytes.docx().deflated("Word/Document.xml", "<x/>").bytes()));
    }

    @Test
    void aLocalHeaderNamingAnotherEntryThanTheDirectoryIsMalformed() {
        // a reader streaming the archive would see word/vbaProject.bin where the directory says styles
        byte[] confused = ZipBytes.docx().stored("word/styles.xml", new byte[] {1, 2, 3})
                .localName("word/vbaProject.bin").bytes();
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(confused));
        assertTrue(e.getMessage().contains("local header names another entry"), e.getMessage());
    }

    @Test
    void entriesSharingTheirDataAreMalformed() {
        // the overlapping construction: many directory entries unpack the same compressed bytes
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(ZipBytes.docx().deflated("word/styles.xml", "<x/>").listedTwice().bytes()));
        assertTrue(e.getMessage().endsWith("the data of two entries overlap."), e.getMessage());
    }

    @Test
    void encryptedEntriesAndOtherPackingMethodsAreMalformed() {
        refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(ZipBytes.docx().stored("word/styles.xml", new byte[] {1}).flags(1).bytes()));
        refusal(ErrorCode.MALFORMED_FILE,
                () -> verify(ZipBytes.docx().stored("word/styles.xml", new byte[] {1}).method(12).bytes()));
    }

    @Test
    void bytesAfterTheEndRecordAreMalformed() {
        byte[] docx = ZipBytes.docx().bytes();
        ServiceException e = refusal(ErrorCode.MALFORMED_FILE, () -> verify(Arrays.copyOf(docx, docx.length + 1)));
        assertTrue(e.getMessage().endsWith("it has no end of central directory record at its end."), e.getMessage());
    }

    @Test
    void aDirectoryThatDoesNotEndWhereTheEndRecordSaysIsMalformed() {
        byte[] docx = ZipBytes.docx().bytes();
        byte[] fewer = docx.clone();
        fewer[fewer.length - 22 + 10]--;
        fewer[fewer.length - 22 + 8]--;
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(fewer));
        byte[] outside = docx.clone();
        outside[outside.length - 22 + 19] = 0x7F;
        refusal(ErrorCode.MALFORMED_FILE, () -> verify(outside));
    }
}
