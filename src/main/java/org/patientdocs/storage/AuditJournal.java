package org.patientdocs.storage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audit trail's journal: a read's event is appended to a file of this instance's before its answer is sent, and
 * moved into {@code audit_event} with many others in one transaction shortly after ({@link AuditLog}). An append is a
 * write into the operating system's file cache, as durable as a commit of H2's (which does not force the disk either):
 * it survives the service being killed, and what was not moved yet is moved at the next start.
 * <p>
 * Under the root ({@code <data.dir>/audit-journal}) each instance that runs at once has a directory of its own, a
 * "slot" ({@code 0}, {@code 1}, …), locked by its process for as long as it runs. A slot holds its id (a random
 * number: the key of its {@code audit_journal} row, which records up to where its events have been moved, in the
 * transactions that move them) and its files {@code <n>.journal}: events as JSON objects, one per line, each line
 * ending in a newline. A line without its newline is one whose write the machine did not finish.
 */
final class AuditJournal implements AutoCloseable {

    /** When a file has grown this far, the next event starts a new one, so that moved ones can be deleted. */
    static final long FILE_BYTES = 16L * 1024 * 1024;
    private static final String SUFFIX = ".journal";
    /** Where a file that has a line no event can be read from is kept, for someone to look at. */
    private static final String DAMAGED = ".damaged";
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A place in the journal: after {@code position} bytes of file {@code file}. */
    record Mark(long file, long position) {
        static final Mark START = new Mark(0, 0);
    }

    /** The events read back from the journal, in order, up to a mark. */
    @FunctionalInterface
    interface Replayed {
        void accept(List<AuditEvent> events, Mark upTo) throws SQLException;
    }

    private final Path slot;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final boolean posix;
    /** The numbers of the journal files in the slot, the one written last; guarded by {@code this}. */
    private final TreeSet<Long> files = new TreeSet<>();
    /**
     * The highest file number used or moved up to, including one in a mark of a replay: a new file is numbered after
     * it, so that a mark never stands after a file it has not seen.
     */
    private long lastFile;
    private FileChannel out;
    private long position;

    private AuditJournal(Path slot, FileChannel lockFile, FileLock lock) throws IOException {
        this.slot = slot;
        this.lockFile = lockFile;
        this.lock = lock;
        this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try (Stream<Path> listed = Files.list(slot)) {
            listed.map(path -> path.getFileName().toString()).filter(AuditJournal::isJournal)
                    .map(name -> Long.parseLong(name.substring(0, name.length() - SUFFIX.length())))
                    .forEach(files::add);
        }
    }

    /** The first slot under the root that no running process holds, locked for this one. */
    static AuditJournal open(Path root) throws IOException {
        for (int n = 0; ; n++) {
            AuditJournal journal = lock(root.resolve(Integer.toString(n)));
            if (journal != null) {
                return journal;
            }
        }
    }

    /** The slots under the root that no running process holds (left by instances that stopped), locked for this one. */
    static List<AuditJournal> unheld(Path root) throws IOException {
        List<AuditJournal> unheld = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return unheld;
        }
        try (Stream<Path> listed = Files.list(root)) {
            for (Path slot : listed.filter(Files::isDirectory).sorted().toList()) {
                AuditJournal journal = lock(slot);
                if (journal != null) {
                    unheld.add(journal);
                }
            }
        }
        return unheld;
    }

    private static AuditJournal lock(Path slot) throws IOException {
        Files.createDirectories(slot);
        FileChannel lockFile = FileChannel.open(slot.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = lockFile.tryLock();
            if (lock != null) {
                return new AuditJournal(slot, lockFile, lock);
            }
        } catch (OverlappingFileLockException heldInThisProcess) {
            // another journal of this process holds it
        } catch (IOException | RuntimeException e) {
            lockFile.close();
            throw e;
        }
        lockFile.close();
        return null;
    }

    /** The slot's id, made the first time it is asked for. */
    long id() throws IOException {
        Path file = slot.resolve("id");
        if (!Files.exists(file)) {
            Path made = Files.createTempFile(slot, "id", ".tmp");
            Files.writeString(made, Long.toString(RANDOM.nextLong() & Long.MAX_VALUE));
            Files.move(made, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return Long.parseLong(Files.readString(file).strip());
    }

    /**
     * Reads back the events after {@code from}, in batches of at most {@code batch}, each handed over with the mark
     * after its last event; then deletes the files read. A line no event can be read from ends the file it is in,
     * which is kept aside ({@code <n>.journal.damaged}); its events after that line are not read.
     *
     * @return the lines that could not be read as events (0 or 1 per file)
     */
    synchronized int replay(Mark from, int batch, Replayed replayed) throws IOException, SQLException {
        int unreadable = 0;
        lastFile = Math.max(lastFile, files.isEmpty() ? from.file() : Math.max(from.file(), files.last()));
        List<AuditEvent> events = new ArrayList<>();
        Mark last = from;
        for (long file : List.copyOf(files)) {
            if (file < from.file()) {
                continue;
            }
            long start = file == from.file() ? from.position() : 0;
            boolean damaged = false;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(path(file)))) {
                in.skipNBytes(start);
                long at = start;
                for (byte[] line = line(in); line != null; line = line(in)) {
                    at += line.length;
                    AuditEvent event = line[line.length - 1] == '\n' ? decode(line) : null;
                    if (event == null) {
                        damaged = true;
                        break;
                    }
                    events.add(event);
                    last = new Mark(file, at);
                    if (events.size() == batch) {
                        replayed.accept(List.copyOf(events), last);
                        events.clear();
                    }
                }
            }
            if (damaged) {
                unreadable++;
                if (!events.isEmpty()) {
                    replayed.accept(List.copyOf(events), last);
                    events.clear();
                }
                Files.move(path(file), slot.resolve(file + SUFFIX + DAMAGED), StandardCopyOption.REPLACE_EXISTING);
                files.remove(file);
            }
        }
        if (!events.isEmpty()) {
            replayed.accept(List.copyOf(events), last);
        }
        for (long file : List.copyOf(files)) {
            Files.delete(path(file));
            files.remove(file);
        }
        return unreadable;
    }

    /** The next line of the stream with its newline, the last one without when it has none; null at the end. */
    private static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /**
     * Appends an event's line ({@link #encode}), in a new file when the last one is full.
     *
     * @return the mark after it
     */
    synchronized Mark append(byte[] line) throws IOException {
        if (out == null || position >= FILE_BYTES) {
            startFile();
        }
        long start = position;
        try {
            ByteBuffer bytes = ByteBuffer.wrap(line);
            while (bytes.hasRemaining()) {
                position += out.write(bytes);
            }
        } catch (IOException e) {
            // what was written of the line is taken back, so that the next line starts where this one did; when
            // that fails too, the next line starts a new file, and this one ends in a line without its newline
            position = start;
            try {
                out.truncate(start);
                out.position(start);
            } catch (IOException | RuntimeException truncating) {
                e.addSuppressed(truncating);
                position = FILE_BYTES;
            }
            throw e;
        }
        return new Mark(files.last(), position);
    }

    private void startFile() throws IOException {
        long next = Math.max(lastFile, files.isEmpty() ? 0 : files.last()) + 1;
        FileChannel opened = FileChannel.open(path(next), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), ownerOnly());
        if (out != null) {
            out.close();
        }
        out = opened;
        position = 0;
        files.add(next);
        lastFile = next;
    }

    /** Deletes the files every event of which has been moved: those before the mark's. */
    synchronized void moved(Mark mark) throws IOException {
        for (Long file = files.isEmpty() ? null : files.first(); file != null && file < mark.file();
             file = files.isEmpty() ? null : files.first()) {
            Files.delete(path(file));
            files.remove(file);
        }
    }

    /** Whether the mark is after the last event appended. */
    synchronized boolean isAtEnd(Mark mark) {
        return files.isEmpty() || (mark.file() == files.last() && mark.position() == position);
    }

    /**
     * Closes the journal and releases the slot. Its files are deleted when everything appended has been moved, and
     * kept for the next start otherwise.
     */
    synchronized void close(Mark moved) throws IOException {
        try {
            if (out != null) {
                out.close();
            }
            if (moved != null && isAtEnd(moved)) {
                for (long file : files) {
                    Files.delete(path(file));
                }
                files.clear();
            }
        } finally {
            out = null;
            lock.release();
            lockFile.close();
        }
    }

    /** Releases the slot, keeping its files: what a process that is killed leaves. */
    @Override
    public void close() throws IOException {
        close(null);
    }

    private Path path(long file) {
        return slot.resolve(file + SUFFIX);
    }

    private static boolean isJournal(String name) {
        return name.endsWith(SUFFIX) && name.length() > SUFFIX.length()
                && name.chars().limit(name.length() - SUFFIX.length()).allMatch(Character::isDigit);
    }

    /** The event's own files are readable by the service's user only, where the file system has POSIX permissions. */
    private FileAttribute<?>[] ownerOnly() {
        return posix ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        } : new FileAttribute<?>[0];
    }

    /** The event as one line of JSON, ending in a newline (JSON text has none of its own: they are escaped). */
    static byte[] encode(AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON_FACTORY.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("tenant", event.tenant());
            json.writeNumberField("at", event.at().getEpochSecond() * 1_000_000L + event.at().getNano() / 1_000);
            json.writeStringField("subject", event.subject());
            json.writeStringField("api_key_id", event.apiKeyId());
            json.writeStringField("action", event.action().text());
            json.writeStringField("resource", event.resource());
            json.writeStringField("query", event.query());
            writeIds(json, "patient_ids", event.patientIds());
            writeIds(json, "document_ids", event.documentIds());
            if (event.entityCount() == null) {
                json.writeNullField("entity_count");
            } else {
                json.writeNumberField("entity_count", event.entityCount());
            }
            json.writeNumberField("status", event.status());
            json.writeStringField("request_id", event.requestId());
            json.writeStringField("client_address", event.clientAddress());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON into memory", e);
        }
        bytes.write('\n');
        return bytes.toByteArray();
    }

    private static void writeIds(JsonGenerator json, String name, List<String> ids) throws IOException {
        if (ids == null) {
            json.writeNullField(name);
            return;
        }
        json.writeArrayFieldStart(name);
        for (String id : ids) {
            json.writeString(id);
        }
        json.writeEndArray();
    }

    /** The event a line holds, or null when it holds none (a line the machine stopped writing, or damaged). */
    static AuditEvent decode(byte[] line) {
        try {
            JsonNode json = JSON.readTree(line);
            long micros = json.required("at").asLong();
            return new AuditEvent(text(json, "tenant"),
                    Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000),
                    text(json, "subject"), text(json, "api_key_id"), AuditEvent.Action.of(text(json, "action")),
                    text(json, "resource"), text(json, "query"), ids(json.required("patient_ids")),
                    ids(json.required("document_ids")),
                    json.required("entity_count").isNull() ? null : json.get("entity_count").asLong(),
                    json.required("status").asInt(), text(json, "request_id"), text(json, "client_address"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.required(name);
        return value.isNull() ? null : value.asText();
    }

    private static List<String> ids(JsonNode array) {
        if (array.isNull()) {
            return null;
        }
        List<String> ids = new ArrayList<>(array.size());
        array.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** Names the slot (its number), for logs: never an event's content. */
    @Override
    public String toString() {
        return "audit journal slot " + slot.getFileName();
    }
}
