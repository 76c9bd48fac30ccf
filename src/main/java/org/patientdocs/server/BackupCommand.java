package org.patientdocs.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Clock;

import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.H2Backup;
import org.patientdocs.storage.Transactions;

/**
 * {@code java -jar … backup}: writes a consistent copy of an H2 file database and the document store's files into
 * {@code backup.dir} ({@link H2Backup}). While the service runs, it holds the database file, so the command asks it
 * to write the backup ({@code POST /backup} on {@code management.port}, on this machine); when the service is
 * stopped, the command writes it itself. Exit code 0 with the backup written, 1 when it could not be written, 2 when
 * the command cannot run (PostgreSQL, whose backups are pg_dump's; a running service without a management port).
 */
final class BackupCommand {

    static final String NAME = "backup";
    static final int WRITTEN = 0;
    static final int FAILED = 1;
    static final int CANNOT_RUN = 2;
    /** H2's error code for a database file another process holds. */
    private static final int DATABASE_ALREADY_OPEN = 90020;

    private BackupCommand() {
    }

    static int run(ServiceConfig config, PrintStream out, PrintStream err) {
        if (!H2Backup.canCopy(config.database().url())) {
            err.println(NAME + ": writes backups of an H2 file database; back up PostgreSQL with pg_dump (README:"
                    + " Backups and restores)");
            return CANNOT_RUN;
        }
        Integer port = config.operations().managementPort();
        if (port != null && port != 0) {
            try {
                return askTheService(config, port, out, err);
            } catch (ConnectException notRunning) {
                // no service answers: the command writes the backup itself
            } catch (IOException e) {
                err.println(NAME + ": the service on management port " + port + " did not answer: "
                        + SafeTrace.describe(e));
                return FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FAILED;
            }
        }
        return writeItself(config, out, err);
    }

    private static int askTheService(ServiceConfig config, int port, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        String host = config.http().host();
        if (host.isEmpty() || "0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://"
                        + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + ManagementHandler.BACKUP))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
            out.println("backup written by the running service: " + answer.body());
            return WRITTEN;
        }
        err.println(NAME + ": the running service answered " + answer.statusCode() + ": " + answer.body());
        return FAILED;
    }

    private static int writeItself(ServiceConfig config, PrintStream out, PrintStream err) {
        try (HikariDataSource pool = DataSources.pool(config.database(), NAME, 1);
             DocumentStore store = ServiceRuntime.documentStore(config, new Transactions(pool),
                     new DocumentRecords(pool))) {
            H2Backup.Written written = H2Backup.write(pool, store, config.storage().backupDir(), Clock.systemUTC());
            out.println("backup written: " + Backups.describe(written));
            return WRITTEN;
        } catch (ConfigException e) {
            err.println(NAME + ": " + e.getMessage());
            return CANNOT_RUN;
        } catch (IOException | RuntimeException e) {
            if (heldByAnotherProcess(e)) {
                err.println(NAME + ": the database is in use by a running service; set management.port (the"
                        + " command asks the service for the backup there) or stop the service first");
                return CANNOT_RUN;
            }
            err.println(NAME + ": failed: " + SafeTrace.describe(e));
            return FAILED;
        }
    }

    private static boolean heldByAnotherProcess(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == DATABASE_ALREADY_OPEN) {
                return true;
            }
        }
        return false;
    }
}
