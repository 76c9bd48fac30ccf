package org.patientdocs.server;

import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.function.LongConsumer;

import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.query.Dialect;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.EncryptionMaintenance;
import org.patientdocs.storage.Transactions;

/**
 * The encryption commands, run with the service's configuration while instances keep serving (on PostgreSQL; H2 lets
 * one process open its database file, so there stop the service first):
 * <ul>
 *   <li>{@code java -jar … rewrap-keys}: wraps every document's data key with the keyring's primary key, in batches;
 *       after it, keys other than the primary are no longer needed and can be removed from the keyring;</li>
 *   <li>{@code java -jar … encrypt-documents}: encrypts every document stored unencrypted, in place.</li>
 * </ul>
 * Both can be stopped at any moment and run again: they go on with what is left. Exit code 0 when all is done, 1 when
 * some document could not be done (it is left as it was), 2 when the command cannot run at all.
 */
final class EncryptionCommand {

    static final String REWRAP_KEYS = "rewrap-keys";
    static final String ENCRYPT_DOCUMENTS = "encrypt-documents";
    static final int DONE = 0;
    static final int INCOMPLETE = 1;
    static final int CANNOT_RUN = 2;
    /** Rows per transaction: short enough not to hold locks long, long enough not to crawl. */
    static final int BATCH_SIZE = 500;

    private EncryptionCommand() {
    }

    static boolean handles(String[] args) {
        return args.length == 1 && (REWRAP_KEYS.equals(args[0]) || ENCRYPT_DOCUMENTS.equals(args[0]));
    }

    static int run(String command, ServiceConfig config, PrintStream out, PrintStream err) {
        return run(command, config, out, err, BATCH_SIZE, done -> out.println("  " + done + " so far"));
    }

    /** @param afterBatch told, after each batch, how many documents are done so far */
    static int run(String command, ServiceConfig config, PrintStream out, PrintStream err, int batchSize,
                   LongConsumer afterBatch) {
        try (HikariDataSource pool = DataSources.open(config.database(),
                Dialect.fromJdbcUrl(config.database().url()));
             DocumentStore store = ServiceRuntime.documentStore(config, new Transactions(pool),
                     new DocumentRecords(pool))) {
            EncryptionMaintenance maintenance = new EncryptionMaintenance(store, new DocumentRecords(pool), batchSize);
            if (REWRAP_KEYS.equals(command)) {
                out.println("rewrapping data keys with the primary key " + maintenance.primaryKeyId());
                long moved = maintenance.rewrapKeys(afterBatch);
                out.println("done: " + moved + " data keys rewrapped; every data key is wrapped by "
                        + maintenance.primaryKeyId() + ", the other keys can be removed from the keyring");
                return DONE;
            }
            out.println("encrypting the documents stored unencrypted, with the primary key "
                    + maintenance.primaryKeyId());
            EncryptionMaintenance.Encrypted result = maintenance.encryptDocuments(afterBatch);
            out.println("done: " + result.encrypted() + " documents encrypted"
                    + (result.failed() == 0 ? "" : "; " + result.failed() + " left unencrypted because their stored"
                    + " content no longer matches its SHA-256 (see the README: restore them from a backup)"));
            return result.failed() == 0 ? DONE : INCOMPLETE;
        } catch (ConfigException | IllegalStateException e) {
            err.println(command + ": " + e.getMessage());
            return CANNOT_RUN;
        } catch (GeneralSecurityException e) {
            err.println(command + ": a stored data key does not unwrap with its key (altered?): stopped; the data keys"
                    + " before it are rewrapped");
            return INCOMPLETE;
        } catch (UnsupportedOperationException e) {
            err.println(command + ": the document store " + config.documents().store().name().toLowerCase(
                    Locale.ROOT) + " cannot store a document's bytes anew, so its documents cannot be"
                    + " encrypted in place");
            return CANNOT_RUN;
        } catch (IOException | RuntimeException e) {
            // by kind only: messages of the layers below may quote values of the rows
            err.println(command + ": failed: " + SafeTrace.describe(e));
            return CANNOT_RUN;
        }
    }
}
