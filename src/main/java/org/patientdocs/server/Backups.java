package org.patientdocs.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.Json;
import org.patientdocs.storage.AuditTrail;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.H2Backup;

/**
 * The backups a running service writes when asked ({@code POST /backup} on the management port, which the
 * {@code backup} command sends): one at a time, into {@code backup.dir}, of an H2 file database and the document
 * store. The directory is the configuration's, never the request's: whoever reaches the management port cannot make
 * the service write PHI anywhere else.
 */
final class Backups {

    private final DataSource database;
    private final DocumentStore store;
    private final AuditTrail auditTrail;
    private final ServiceConfig.Storage storage;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();

    private Backups(DataSource database, DocumentStore store, AuditTrail auditTrail, ServiceConfig.Storage storage,
                    Clock clock) {
        this.database = database;
        this.store = store;
        this.auditTrail = auditTrail;
        this.storage = storage;
        this.clock = clock;
    }

    /** The backups of this service, or null when its database is not an H2 file (PostgreSQL has pg_dump). */
    static Backups of(ServiceConfig config, DataSource database, DocumentStore store, AuditTrail auditTrail) {
        return H2Backup.canCopy(config.database().url())
                ? new Backups(database, store, auditTrail, config.storage(), Clock.systemUTC()) : null;
    }

    /** A backup is being written already: one at a time. */
    static final class Busy extends Exception {
        Busy() {
            super("a backup is being written", null, false, false);
        }
    }

    /** Writes a backup now, answering what {@code POST /backup} answers: where it is and how many files it holds. */
    byte[] write() throws IOException, Busy {
        if (!running.tryLock()) {
            throw new Busy();
        }
        try {
            // the accesses before the backup are in it: the events still in the journal are moved first
            auditTrail.awaitWritten();
            H2Backup.Written written = H2Backup.write(database, store, storage.backupDir(), clock);
            return describe(written).getBytes(StandardCharsets.UTF_8);
        } finally {
            running.unlock();
        }
    }

    /** The JSON of a written backup: its directory and how many document files it holds. */
    static String describe(H2Backup.Written written) {
        StringBuilder json = new StringBuilder("{\"backup\":");
        Json.appendString(json, written.directory().toString());
        return json.append(",\"document_files\":").append(written.documentFiles()).append('}').toString();
    }
}
