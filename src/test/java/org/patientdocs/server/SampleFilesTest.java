package org.patientdocs.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The files the integration tests upload are real files of their type, read by real readers (the JDK's image
 * readers and ZIP reader, a PDF's cross-reference table followed to its objects), not bytes that only start right:
 * the service checks structure, so a sample that merely looked right would test nothing.
 */
class SampleFilesTest {

    @ParameterizedTest
    @ValueSource(ints = {Samples.MIN_PNG, 5_000, 1_000_000})
    void pngSamplesAreImagesOfTheirExactSize(int size) throws IOException {
        byte[] png = Samples.png(size);
        assertEquals(size, png.length);
        assertOnePixel(png);
    }

    @ParameterizedTest
    @ValueSource(ints = {Samples.MIN_JPEG, 5_000, 1_000_000})
    void jpegSamplesAreImagesOfTheirExactSize(int size) throws IOException {
        byte[] jpeg = Samples.jpeg(size);
        assertEquals(size, jpeg.length);
        assertOnePixel(jpeg);
    }

    @ParameterizedTest
    @ValueSource(ints = {Samples.MIN_TIFF, 5_000, 1_000_000})
    void tiffSamplesAreImagesOfTheirExactSize(int size) throws IOException {
        byte[] tiff = Samples.tiff(size);
        assertEquals(size, tiff.length);
        assertOnePixel(tiff);
    }

    @ParameterizedTest
    @ValueSource(ints = {Samples.MIN_PDF, 5_000, 1_000_000})
    void pdfSamplesHaveACrossReferenceTableThatFindsEveryObject(int size) {
        byte[] pdf = Samples.pdf(size);
        assertEquals(size, pdf.length);
        String text = new String(pdf, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("%PDF-1.7\n"), "header");
        assertTrue(text.endsWith("%%EOF\n"), "end marker");
        Matcher startxref = Pattern.compile("startxref\n(\\d+)\n%%EOF\n$").matcher(text);
        assertTrue(startxref.find(), "startxref");
        int xref = Integer.parseInt(startxref.group(1));
        assertTrue(text.startsWith("xref\n0 5\n", xref), "xref table where startxref says");
        Matcher entries = Pattern.compile("(\\d{10}) 00000 n \\n").matcher(text).region(xref, text.length());
        int object = 0;
        while (entries.find()) {
            object++;
            assertTrue(text.startsWith(object + " 0 obj", Integer.parseInt(entries.group(1))), "object " + object);
        }
        assertEquals(4, object, "four objects");
        Matcher length = Pattern.compile("<</Length (\\d+)>>\nstream\n").matcher(text);
        assertTrue(length.find());
        assertTrue(text.startsWith("\nendstream", length.end() + Integer.parseInt(length.group(1))), "stream length");
    }

    @Test
    void docxSamplesAreZipArchivesOfAWordDocumentsParts(@TempDir Path dir) throws IOException {
        Path docx = Files.write(dir.resolve("sample.docx"), Samples.docx());
        try (ZipFile zip = new ZipFile(docx.toFile())) {
            for (String part : new String[] {"[Content_Types].xml", "_rels/.rels", "word/document.xml"}) {
                assertNotNull(zip.getEntry(part), part);
                assertTrue(zip.getInputStream(zip.getEntry(part)).readAllBytes().length > 0, part);
            }
        }
    }

    private static void assertOnePixel(byte[] image) throws IOException {
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(image));
        assertNotNull(read, "a reader of the JDK decodes it");
        assertEquals(1, read.getWidth());
        assertEquals(1, read.getHeight());
    }
}
