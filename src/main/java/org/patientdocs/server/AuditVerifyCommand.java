package org.patientdocs.server;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.storage.AuditVerifier;
import org.patientdocs.storage.DataSources;

/**
 * {@code java -jar … audit-verify}: checks the audit trail's hash chains in the configured database
 * ({@link AuditVerifier}) and prints one line per tenant: how many events, and the last chain value (to keep
 * elsewhere and compare next time), or the first broken link. Exit code 0 when every chain is whole, 1 when one is
 * broken, 2 when the trail cannot be read. It reads only; on H2, stop the service first (H2 lets one process open the
 * database file).
 */
final class AuditVerifyCommand {

    static final String NAME = "audit-verify";
    static final int INTACT = 0;
    static final int BROKEN = 1;
    static final int CANNOT_READ = 2;

    private AuditVerifyCommand() {
    }

    static int run(ServiceConfig config, PrintStream out, PrintStream err) {
        List<AuditVerifier.Chain> chains;
        try (HikariDataSource pool = DataSources.pool(config.database(), NAME, 1)) {
            chains = AuditVerifier.verify(pool);
        } catch (SQLException | RuntimeException e) {
            // by kind and SQLSTATE, without the message, which may quote a value of the trail
            err.println("cannot read the audit trail from " + config.database().url().split("[;?]")[0] + ": "
                    + e.getClass().getSimpleName() + (state(e) == null ? "" : ", SQLSTATE " + state(e)));
            return CANNOT_READ;
        }
        boolean intact = true;
        for (AuditVerifier.Chain chain : chains) {
            if (chain.intact()) {
                out.println("tenant " + chain.tenant() + ": " + chain.events() + " events, intact; last chain value "
                        + chain.last());
            } else {
                intact = false;
                out.println("tenant " + chain.tenant() + ": BROKEN: " + chain.broken()
                        + (chain.events() == 0 ? "" : " (events 1 to " + chain.events() + " are intact)"));
            }
        }
        if (chains.isEmpty()) {
            out.println("no audit events yet");
        }
        return intact ? INTACT : BROKEN;
    }

    private static String state(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
