package org.patientdocs.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.sql.DataSource;

/**
 * A consistent copy of an H2 file database and the document store's files, taken while the service runs: H2's own
 * {@code BACKUP TO} copies the database as of one moment, and the store copies its files holding their deletions
 * from before that moment until it is done ({@link DocumentStore#backUp}), so that every row of the copy has its
 * bytes. Each backup is a directory {@code backup-<UTC time>} laid out like {@code data.dir} ({@code db/} and
 * {@code documents/}), written as {@code <name>.partial} and renamed once complete: restoring is copying it into
 * place as the data directory of a stopped service.
 */
public final class H2Backup {

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'backup-'yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String PARTIAL = ".partial";

    /** Where a backup was written and how many document files it holds. */
    public record Written(Path directory, long documentFiles) {
    }

    private H2Backup() {
    }

    /** Whether a JDBC URL names an H2 database in a file of this machine, which {@link #write} can copy. */
    public static boolean canCopy(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:h2:mem:")
                && !jdbcUrl.startsWith("jdbc:h2:tcp:") && !jdbcUrl.startsWith("jdbc:h2:ssl:");
    }

    /**
     * Writes a backup into a new directory under {@code backupRoot}.
     *
     * @param database the H2 file database ({@link #canCopy})
     * @param store    the document store, which copies its files consistently with the database's copy
     * @throws FileAlreadyExistsException when a backup of the same second exists or is being written
     */
    public static Written write(DataSource database, DocumentStore store, Path backupRoot, Clock clock)
            throws IOException {
        Files.createDirectories(backupRoot);
        String name = NAME.format(clock.instant());
        Path done = backupRoot.resolve(name);
        Path partial = backupRoot.resolve(name + PARTIAL);
        if (Files.exists(done)) {
            throw new FileAlreadyExistsException("a backup named " + name + " exists");
        }
        Files.createDirectory(partial);
        Path zip = partial.resolve("db.zip");
        long files = store.backUp(partial.resolve("documents"), () -> copyDatabase(database, zip));
        unzip(zip, Files.createDirectory(partial.resolve("db")));
        Files.delete(zip);
        Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
        DocumentFiles.syncDirectory(backupRoot);
        return new Written(done, files);
    }

    /** H2's online backup: a copy of the database file as of one moment, while other connections go on. */
    private static void copyDatabase(DataSource database, Path zip) throws IOException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            // no query timeout: H2 keeps it per session, and a pooled connection may carry query.timeout-ms from
            // the last query it ran, which a large database's copy outlasts
            statement.setQueryTimeout(0);
            // a path of the operator's configuration, not of a request; H2 takes no parameter here
            statement.execute("BACKUP TO '" + zip.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IOException("H2 could not write its backup (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    /** Unpacks H2's backup: the database's files, by their plain names (anything else is refused). */
    private static void unzip(Path zip, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                String name = entry.getName();
                if (entry.isDirectory() || name.isEmpty() || name.contains("/") || name.contains("\\")
                        || name.startsWith(".")) {
                    throw new IOException("H2's backup holds an unexpected entry");
                }
                Path file = into.resolve(name);
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    entries.transferTo(Channels.newOutputStream(out));
                    out.force(true);
                }
            }
        }
        DocumentFiles.syncDirectory(into);
    }
}
