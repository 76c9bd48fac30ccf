package org.patientdocs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.patientdocs.config.ServiceConfig;

/**
 * Reads a ZIP archive's central directory (APPNOTE.TXT 6.3, sections 4.3.12 to 4.3.16) from the end of the file,
 * without unpacking anything, and refuses an archive that is not what its directory says or that is beyond the
 * limits: too many entries, too many bytes unpacked in all, an entry of over 1 MiB packed more tightly than the
 * ratio allows, entries whose data overlap (the way one small archive unpacks to gigabytes), or a local header that
 * names another entry than the directory (which readers that stream the archive would see instead). What is read
 * grows with the number of entries, which is checked before the first entry is read, and never with their sizes.
 */
final class ZipDirectory {

    /** One entry as the central directory gives it, checked against its local header. */
    record Entry(String name, int method, long crc, long packedSize, long unpackedSize, long dataOffset) {

        boolean isStored() {
            return method == STORED;
        }
    }

    /** Called with each entry once it has been checked; may refuse the archive by throwing. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(Entry entry) throws IOException;
    }

    static final int STORED = 0;
    static final int DEFLATED = 8;

    /** Entries up to this size unpacked are not held to the ratio: a small entry cannot be a bomb. */
    static final long RATIO_GRACE = 1024 * 1024;

    private static final int END = 0x06054b50;
    private static final int END_LENGTH = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_LOCATOR_LENGTH = 20;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_END_LENGTH = 56;
    private static final int CENTRAL = 0x02014b50;
    private static final int CENTRAL_LENGTH = 46;
    private static final int LOCAL = 0x04034b50;
    private static final int LOCAL_LENGTH = 30;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int ENCRYPTED = 0x0001 | 0x0040;
    private static final int UTF8_NAMES = 0x0800;

    private final SpooledFile file;
    private final ServiceConfig.Upload limits;
    /** Where the entries' data start and end, to find overlaps once all are read. */
    private long[] starts;
    private long[] ends;

    private ZipDirectory(SpooledFile file, ServiceConfig.Upload limits) {
        this.file = file;
        this.limits = limits;
    }

    /**
     * Checks the archive and hands each entry to the visitor, in the directory's order.
     *
     * @throws org.patientdocs.error.ServiceException.BadRequest MALFORMED_FILE for an archive that cannot be read as
     *                                                           its directory says, ARCHIVE_LIMIT_EXCEEDED beyond a
     *                                                           limit
     */
    static void walk(SpooledFile file, ServiceConfig.Upload limits, EntryVisitor visitor) throws IOException {
        new ZipDirectory(file, limits).walk(visitor);
    }

    private void walk(EntryVisitor visitor) throws IOException {
        long endAt = findEnd();
        ByteBuffer end = file.read(endAt, END_LENGTH, ByteOrder.LITTLE_ENDIAN);
        long entries = end.getShort(10) & 0xFFFF;
        long directorySize = Integer.toUnsignedLong(end.getInt(12));
        long directoryOffset = Integer.toUnsignedLong(end.getInt(16));
        long directoryEnd = endAt;
        boolean singleDisk = end.getShort(4) == 0 && end.getShort(6) == 0 && end.getShort(8) == end.getShort(10);
        if (entries == 0xFFFF || directorySize == 0xFFFFFFFFL || directoryOffset == 0xFFFFFFFFL) {
            directoryEnd = zip64End(endAt);
            ByteBuffer zip64 = file.read(directoryEnd, ZIP64_END_LENGTH, ByteOrder.LITTLE_ENDIAN);
            singleDisk = zip64.getInt(16) == 0 && zip64.getInt(20) == 0 && zip64.getLong(24) == zip64.getLong(32);
            entries = zip64.getLong(32);
            directorySize = zip64.getLong(40);
            directoryOffset = zip64.getLong(48);
        }
        if (!singleDisk) {
            throw malformed("it is split over several files");
        }
        if (entries < 0 || entries > limits.maxArchiveEntries()) {
            throw ContentRefusals.limitExceeded("its directory lists more than " + limits.maxArchiveEntries()
                    + " entries");
        }
        if (directoryOffset < 0 || directorySize < 0 || directorySize != directoryEnd - directoryOffset) {
            throw malformed("its central directory does not end where the end record says");
        }
        starts = new long[(int) entries];
        ends = new long[(int) entries];
        DirectoryReader reader = new DirectoryReader(directoryOffset, directoryEnd);
        long unpacked = 0;
        for (int i = 0; i < entries; i++) {
            Entry entry = readEntry(reader, directoryOffset, i);
            if (entry.unpackedSize() > limits.maxUnpackedBytes() - unpacked) {
                throw ContentRefusals.limitExceeded("its entries unpack to more than " + limits.maxUnpackedBytes()
                        + " bytes in all");
            }
            unpacked += entry.unpackedSize();
            visitor.visit(entry);
        }
        if (reader.position != directoryEnd) {
            throw malformed("its central directory holds more than the entries its end record counts");
        }
        checkNoOverlap();
    }

    /** The offset of the end of central directory record: the last 22 bytes of the file and its comment. */
    private long findEnd() throws IOException {
        long tailStart = Math.max(0, file.size() - (END_LENGTH + MAX_COMMENT));
        ByteBuffer tail = file.read(tailStart, (int) (file.size() - tailStart), ByteOrder.LITTLE_ENDIAN);
        for (int at = tail.limit() - END_LENGTH; at >= 0; at--) {
            if (tail.getInt(at) == END && at + END_LENGTH + (tail.getShort(at + 20) & 0xFFFF) == tail.limit()) {
                return tailStart + at;
            }
        }
        throw malformed("it has no end of central directory record at its end");
    }

    /** The offset of the ZIP64 end of central directory record, found through its locator before the end record. */
    private long zip64End(long endAt) throws IOException {
        ByteBuffer locator = file.read(endAt - ZIP64_LOCATOR_LENGTH, ZIP64_LOCATOR_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (locator.limit() < ZIP64_LOCATOR_LENGTH || locator.getInt(0) != ZIP64_LOCATOR) {
            throw malformed("its end record refers to a ZIP64 end record that is not there");
        }
        long zip64At = locator.getLong(8);
        if (zip64At < 0 || zip64At + ZIP64_END_LENGTH > endAt - ZIP64_LOCATOR_LENGTH
                || file.read(zip64At, 4, ByteOrder.LITTLE_ENDIAN).getInt(0) != ZIP64_END) {
            throw malformed("its ZIP64 end record is not where its locator says");
        }
        return zip64At;
    }

    private Entry readEntry(DirectoryReader reader, long directoryOffset, int index) throws IOException {
        ByteBuffer header = reader.next(CENTRAL_LENGTH);
        if (header.getInt(0) != CENTRAL) {
            throw malformed("an entry of its central directory has no valid header");
        }
        int flags = header.getShort(8) & 0xFFFF;
        int method = header.getShort(10) & 0xFFFF;
        long crc = Integer.toUnsignedLong(header.getInt(16));
        long packed = Integer.toUnsignedLong(header.getInt(20));
        long unpacked = Integer.toUnsignedLong(header.getInt(24));
        int nameLength = header.getShort(28) & 0xFFFF;
        int extraLength = header.getShort(30) & 0xFFFF;
        int commentLength = header.getShort(32) & 0xFFFF;
        long localOffset = Integer.toUnsignedLong(header.getInt(42));
        byte[] name = reader.next(nameLength).array();
        ByteBuffer extra = reader.next(extraLength);
        reader.next(commentLength);
        // ZIP64 sizes and offset, each present only where the 32-bit field says 0xFFFFFFFF, in this order
        int at = zip64Extra(extra);
        if (unpacked == 0xFFFFFFFFL) {
            unpacked = zip64Value(extra, at);
            at += 8;
        }
        if (packed == 0xFFFFFFFFL) {
            packed = zip64Value(extra, at);
            at += 8;
        }
        if (localOffset == 0xFFFFFFFFL) {
            localOffset = zip64Value(extra, at);
        }
        if ((flags & ENCRYPTED) != 0) {
            throw malformed("it has encrypted entries");
        }
        if (method != STORED && method != DEFLATED) {
            throw malformed("an entry is packed with a method other than stored or deflated");
        }
        if (packed < 0 || unpacked < 0 || (method == STORED && packed != unpacked)) {
            throw malformed("an entry's sizes contradict each other");
        }
        if (unpacked > RATIO_GRACE && unpacked / limits.maxCompressionRatio() > packed) {
            throw ContentRefusals.limitExceeded("an entry unpacks to more than " + limits.maxCompressionRatio()
                    + " times its packed size");
        }
        long dataOffset = checkLocalHeader(localOffset, name, packed, directoryOffset);
        starts[index] = localOffset;
        ends[index] = dataOffset + packed;
        String decoded = new String(name, (flags & UTF8_NAMES) != 0 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        return new Entry(decoded, method, crc, packed, unpacked, dataOffset);
    }

    /** Where the data of the entry start, after checking that its local header names the same entry. */
    private long checkLocalHeader(long localOffset, byte[] name, long packed, long directoryOffset)
            throws IOException {
        ByteBuffer local = file.read(localOffset, LOCAL_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (localOffset < 0 || localOffset >= directoryOffset || local.limit() < LOCAL_LENGTH
                || local.getInt(0) != LOCAL) {
            throw malformed("an entry's local header is not where the central directory says");
        }
        int nameLength = local.getShort(26) & 0xFFFF;
        int extraLength = local.getShort(28) & 0xFFFF;
        byte[] localName = file.read(localOffset + LOCAL_LENGTH, nameLength, ByteOrder.LITTLE_ENDIAN).array();
        if (!Arrays.equals(name, localName)) {
            throw malformed("an entry's local header names another entry than the central directory");
        }
        long dataOffset = localOffset + LOCAL_LENGTH + nameLength + extraLength;
        if (packed > directoryOffset - dataOffset) {
            throw malformed("an entry's data reach into the central directory");
        }
        return dataOffset;
    }

    /** Each entry's local header and data end before the next entry's begin (each ends before the directory). */
    private void checkNoOverlap() {
        Integer[] order = new Integer[starts.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
        long previousEnd = 0;
        for (int i : order) {
            if (starts[i] < previousEnd) {
                throw malformed("the data of two entries overlap");
            }
            previousEnd = ends[i];
        }
    }

    /** The offset of the ZIP64 extended information's values in an extra field, or -1 when it has none. */
    private static int zip64Extra(ByteBuffer extra) {
        int at = 0;
        while (at + 4 <= extra.limit()) {
            int id = extra.getShort(at) & 0xFFFF;
            int size = extra.getShort(at + 2) & 0xFFFF;
            if (id == ZIP64_EXTRA) {
                return at + 4;
            }
            at += 4 + size;
        }
        return -1;
    }

    private static long zip64Value(ByteBuffer extra, int at) {
        if (at < 0 || at + 8 > extra.limit()) {
            throw malformed("an entry's ZIP64 sizes are missing");
        }
        long value = extra.getLong(at);
        if (value < 0) {
            throw malformed("an entry's ZIP64 sizes are out of range");
        }
        return value;
    }

    private static RuntimeException malformed(String rule) {
        return ContentRefusals.malformedArchive(rule);
    }

    /** The central directory read front to back through a buffer, never past its end. */
    private final class DirectoryReader {

        private static final int BUFFER = 64 * 1024;

        private final long end;
        private long position;
        private ByteBuffer buffer = ByteBuffer.allocate(0);
        private long bufferStart;

        DirectoryReader(long start, long end) {
            this.position = start;
            this.bufferStart = start;
            this.end = end;
        }

        /** The next {@code length} bytes of the directory. */
        ByteBuffer next(int length) throws IOException {
            if (length > end - position) {
                throw malformed("its central directory ends inside an entry");
            }
            if (position + length > bufferStart + buffer.limit()) {
                buffer = file.read(position, (int) Math.min(end - position, Math.max(BUFFER, length)),
                        ByteOrder.LITTLE_ENDIAN);
                bufferStart = position;
            }
            int from = (int) (position - bufferStart);
            position += length;
            return ByteBuffer.wrap(Arrays.copyOfRange(buffer.array(), from, from + length))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
