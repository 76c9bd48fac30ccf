package org.patientdocs.server;

import java.io.PrintStream;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.query.Dialect;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.DocumentVerifier;
import org.patientdocs.storage.Transactions;

/**
 * {@code java -jar … verify-documents}: reads every stored document through the configured store (decrypting what is
 * encrypted) and checks it against its SHA-256 ({@link DocumentVerifier}), the scrub to run after restoring a
 * backup. Shows its progress on stderr (a bar redrawn in place on a terminal, a line per tenth otherwise) and prints a
 * summary on stdout, naming each document that failed by tenant and id: this is the operator's console, never the
 * service's log. Exit code 0 when every document is intact, 1 when one is not, 2 when the command cannot run. It
 * reads only; on H2, stop the service first (H2 lets one process open the database file).
 */
final class VerifyDocumentsCommand {

    static final String NAME = "verify-documents";
    static final int INTACT = 0;
    static final int MISMATCH = 1;
    static final int CANNOT_RUN = 2;
    private static final int BATCH_SIZE = 500;
    private static final int BAR_WIDTH = 40;

    private VerifyDocumentsCommand() {
    }

    static int run(ServiceConfig config, PrintStream out, PrintStream err) {
        return run(config, out, err, System.console() != null);
    }

    /** @param terminal whether stderr is a terminal, where the bar is redrawn in place */
    static int run(ServiceConfig config, PrintStream out, PrintStream err, boolean terminal) {
        try (HikariDataSource pool = DataSources.open(config.database(),
                Dialect.fromJdbcUrl(config.database().url()));
             DocumentStore store = ServiceRuntime.documentStore(config, new Transactions(pool),
                     new DocumentRecords(pool))) {
            DocumentVerifier verifier = new DocumentVerifier(store, new DocumentRecords(pool), BATCH_SIZE);
            Bar bar = new Bar(err, terminal);
            DocumentVerifier.Result result = verifier.verify(bar::show);
            bar.end();
            for (DocumentVerifier.Failure failure : result.failures()) {
                out.println("MISMATCH: document " + failure.documentId() + " of tenant " + failure.tenant() + ": "
                        + failure.reason());
            }
            out.println("verified " + result.checked() + " documents: " + (result.checked()
                    - result.failures().size()) + " intact, " + result.failures().size() + " mismatching");
            return result.intact() ? INTACT : MISMATCH;
        } catch (ConfigException e) {
            err.println(NAME + ": " + e.getMessage());
            return CANNOT_RUN;
        } catch (Exception e) {
            // by kind only: messages of the layers below may quote values of the rows
            err.println(NAME + ": failed: " + SafeTrace.describe(e));
            return CANNOT_RUN;
        }
    }

    /** The progress: a bar redrawn with a carriage return on a terminal, else a plain line at each tenth. */
    private static final class Bar {
        private final PrintStream err;
        private final boolean terminal;
        private long lastTenth = -1;
        private int lastPercent = -1;
        private boolean drawn;

        Bar(PrintStream err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        void show(long done, long total) {
            int percent = total == 0 ? 100 : (int) (done * 100 / total);
            if (terminal && (percent != lastPercent || done == total)) {
                lastPercent = percent;
                int filled = percent * BAR_WIDTH / 100;
                err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%% %d/%d documents", "#".repeat(filled),
                        ".".repeat(BAR_WIDTH - filled), percent, done, total));
                err.flush();
                drawn = true;
            } else if (!terminal && percent / 10 > lastTenth) {
                lastTenth = percent / 10;
                err.println(String.format(Locale.ROOT, "verified %d of %d documents (%d%%)", done, total, percent));
            }
        }

        void end() {
            if (drawn) {
                err.println();
            }
        }
    }
}
