package org.patientdocs.storage;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import org.patientdocs.config.ServiceConfig;

/**
 * A DOCX is an Office Open XML package (ECMA-376 part 2): a ZIP archive whose {@code [Content_Types].xml} declares
 * {@code word/document.xml} as the main part of a Word document. The archive is checked through its central
 * directory ({@link ZipDirectory}, with the configured limits) and only {@code [Content_Types].xml} is unpacked, up
 * to {@value #MAX_CONTENT_TYPES} bytes. Macros are refused: a VBA project ({@code vbaProject.bin}) anywhere in the
 * archive, or a content type of macro-enabled documents or VBA parts, whatever the part is called.
 */
final class DocxStructure {

    /** Real ones are a few KiB: one line per kind of part. */
    static final int MAX_CONTENT_TYPES = 1024 * 1024;

    private static final String CONTENT_TYPES = "[content_types].xml";
    private static final String MAIN_PART = "word/document.xml";
    private static final String MAIN_TYPE =
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private static final String TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types";
    private static final String VBA_PROJECT = "vbaproject.bin";

    private ZipDirectory.Entry contentTypes;
    private int mainParts;

    private DocxStructure() {
    }

    /**
     * Whether the ZIP archive is a Word document, after refusing one that is malformed, beyond the limits or has
     * macros. A readable archive of something else (a spreadsheet, a plain ZIP) is simply not one.
     */
    static boolean isWordDocument(SpooledFile file, ServiceConfig.Upload limits) throws IOException {
        DocxStructure docx = new DocxStructure();
        ZipDirectory.walk(file, limits, docx::visit);
        if (docx.contentTypes == null || docx.mainParts == 0) {
            return false;
        }
        return MAIN_TYPE.equalsIgnoreCase(docx.mainType(readContentTypes(file, docx.contentTypes)));
    }

    private void visit(ZipDirectory.Entry entry) {
        // part names compare without regard to ASCII case (ECMA-376 part 2, section 6.2.2.3)
        String name = entry.name().toLowerCase(Locale.ROOT);
        if (name.endsWith(VBA_PROJECT)) {
            throw ContentRefusals.macros("it holds a VBA project (vbaProject.bin)");
        }
        if (name.equals(CONTENT_TYPES)) {
            if (contentTypes != null) {
                throw ContentRefusals.malformedArchive("it has [Content_Types].xml twice");
            }
            contentTypes = entry;
        }
        if (name.equals(MAIN_PART) && ++mainParts > 1) {
            throw ContentRefusals.malformedArchive("it has word/document.xml twice");
        }
    }

    /** The bytes of {@code [Content_Types].xml}, unpacked and checked against the directory's size and CRC. */
    private static byte[] readContentTypes(SpooledFile file, ZipDirectory.Entry entry) throws IOException {
        if (entry.unpackedSize() > MAX_CONTENT_TYPES) {
            throw ContentRefusals.malformedArchive("its [Content_Types].xml is larger than " + MAX_CONTENT_TYPES
                    + " bytes");
        }
        InputStream packed = file.stream(entry.dataOffset(), entry.packedSize());
        byte[] bytes;
        // raw deflate needs one byte past the data to see its end, as java.util.zip.ZipFile gives it
        try (InputStream in = entry.isStored() ? packed : new InflaterInputStream(
                new SequenceInputStream(packed, new ByteArrayInputStream(new byte[1])), new Inflater(true))) {
            bytes = in.readNBytes((int) entry.unpackedSize() + 1);
        } catch (ZipException | EOFException broken) {
            throw ContentRefusals.malformedArchive("its [Content_Types].xml cannot be unpacked");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (bytes.length != entry.unpackedSize() || crc.getValue() != entry.crc()) {
            throw ContentRefusals.malformedArchive("its [Content_Types].xml is not what its directory entry says");
        }
        return bytes;
    }

    /** The content type declared for the main part, after refusing any content type of macros. */
    private String mainType(byte[] contentTypesXml) {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        String mainType = null;
        try {
            XMLStreamReader xml = factory.createXMLStreamReader(new ByteArrayInputStream(contentTypesXml));
            boolean root = true;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.DTD) {
                    // OPC forbids document type declarations (ECMA-376 part 2, section 8.1.4)
                    throw ContentRefusals.malformedArchive("its [Content_Types].xml has a DTD");
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (root && !(TYPES_NAMESPACE.equals(xml.getNamespaceURI()) && "Types".equals(xml.getLocalName()))) {
                    throw ContentRefusals.malformedArchive("its [Content_Types].xml is not a Types document");
                }
                root = false;
                String type = xml.getAttributeValue(XMLConstants.NULL_NS_URI, "ContentType");
                if (type != null && isMacroType(type)) {
                    throw ContentRefusals.macros("it declares a content type of macros");
                }
                if ("Override".equals(xml.getLocalName()) && ("/" + MAIN_PART).equalsIgnoreCase(
                        xml.getAttributeValue(XMLConstants.NULL_NS_URI, "PartName"))) {
                    mainType = type;
                }
            }
        } catch (XMLStreamException e) {
            throw ContentRefusals.malformedArchive("its [Content_Types].xml is not well-formed XML");
        }
        return mainType;
    }

    /** Macro-enabled documents and templates ({@code …macroEnabled…}) and the parts of a VBA project. */
    private static boolean isMacroType(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.contains("macroenabled") || type.startsWith("application/vnd.ms-office.vbaproject")
                || type.equals("application/vnd.ms-word.vbadata+xml");
    }
}
