package org.patientdocs.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * ZIP archives written byte by byte, so that a test can make one lie where a real writer would not: a local header
 * naming another entry, a wrong CRC, an encrypted flag, a central directory entry listed twice.
 */
final class ZipBytes {

    static final String CONTENT_TYPES_START = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
    static final String MAIN_OVERRIDE = "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
            + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>";
    static final String CONTENT_TYPES = CONTENT_TYPES_START + MAIN_OVERRIDE + "</Types>";

    private static final class Entry {
        String name;
        String localName;
        int method;
        int flags;
        byte[] packed;
        long crc;
        long unpackedSize;
        int listed = 1;
    }

    private final List<Entry> entries = new ArrayList<>();

    /** The three parts of the smallest Word document, with the given {@code [Content_Types].xml}. */
    static ZipBytes docx(String contentTypes) {
        return new ZipBytes()
                .deflated("[Content_Types].xml", contentTypes)
                .deflated("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                        + "relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                        + "officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
                        + "</Relationships>")
                .deflated("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                        + "wordprocessingml/2006/main\"><w:body/></w:document>");
    }

    static ZipBytes docx() {
        return docx(CONTENT_TYPES);
    }

    ZipBytes stored(String name, byte[] content) {
        Entry entry = entry(name, 0, content.length, crc(content));
        entry.packed = content.clone();
        return this;
    }

    ZipBytes deflated(String name, String content) {
        return deflated(name, content.getBytes(StandardCharsets.UTF_8));
    }

    ZipBytes deflated(String name, byte[] content) {
        Entry entry = entry(name, 8, content.length, crc(content));
        entry.packed = deflate(content);
        return this;
    }

    /** An entry of {@code size} zero bytes, deflated a block at a time. */
    ZipBytes deflatedZeros(String name, long size) {
        byte[] block = new byte[1024 * 1024];
        CRC32 crc = new CRC32();
        for (long left = size; left > 0; left -= block.length) {
            crc.update(block, 0, (int) Math.min(left, block.length));
        }
        Entry entry = entry(name, 8, size, crc.getValue());
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        byte[] out = new byte[64 * 1024];
        for (long left = size; left > 0; left -= block.length) {
            deflater.setInput(block, 0, (int) Math.min(left, block.length));
            while (!deflater.needsInput()) {
                packed.write(out, 0, deflater.deflate(out));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            packed.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        entry.packed = packed.toByteArray();
        return this;
    }

    /** The last entry's local header names another entry. */
    ZipBytes localName(String name) {
        last().localName = name;
        return this;
    }

    ZipBytes flags(int flags) {
        last().flags = flags;
        return this;
    }

    ZipBytes method(int method) {
        last().method = method;
        return this;
    }

    ZipBytes crc(long crc) {
        last().crc = crc;
        return this;
    }

    /** The central directory lists the last entry twice, both times at the same local header. */
    ZipBytes listedTwice() {
        last().listed = 2;
        return this;
    }

    byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(size()).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            offsets[i] = out.position();
            byte[] name = entry.localName.getBytes(StandardCharsets.UTF_8);
            out.putInt(0x04034b50).putShort((short) 20).putShort((short) entry.flags).putShort((short) entry.method)
                    .putInt(0).putInt((int) entry.crc).putInt(entry.packed.length).putInt((int) entry.unpackedSize)
                    .putShort((short) name.length).putShort((short) 0).put(name).put(entry.packed);
        }
        int directory = out.position();
        int records = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            byte[] name = entry.name.getBytes(StandardCharsets.UTF_8);
            for (int n = 0; n < entry.listed; n++, records++) {
                out.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) entry.flags)
                        .putShort((short) entry.method).putInt(0).putInt((int) entry.crc)
                        .putInt(entry.packed.length).putInt((int) entry.unpackedSize).putShort((short) name.length)
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt((int) offsets[i]).put(name);
            }
        }
        int directorySize = out.position() - directory;
        out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) records)
                .putShort((short) records).putInt(directorySize).putInt(directory).putShort((short) 0);
        return out.array();
    }

    private int size() {
        int size = 22;
        for (Entry entry : entries) {
            size += 30 + entry.localName.getBytes(StandardCharsets.UTF_8).length + entry.packed.length
                    + entry.listed * (46 + entry.name.getBytes(StandardCharsets.UTF_8).length);
        }
        return size;
    }

    private Entry entry(String name, int method, long unpackedSize, long crc) {
        Entry entry = new Entry();
        entry.name = name;
        entry.localName = name;
        entry.method = method;
        entry.unpackedSize = unpackedSize;
        entry.crc = crc;
        entries.add(entry);
        return entry;
    }

    private Entry last() {
        return entries.get(entries.size() - 1);
    }

    private static long crc(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return crc.getValue();
    }

    private static byte[] deflate(byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        byte[] out = new byte[64 * 1024];
        while (!deflater.finished()) {
            packed.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        return packed.toByteArray();
    }
}
