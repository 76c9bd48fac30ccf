package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Checks every tenant's audit chain as {@link AuditTable} wrote it: events numbered 1, 2, 3, … without a gap, each
 * one's chain value the hash of its predecessor's and its own values ({@link AuditChain}), and the tenant's chain row
 * naming the last one. It reports, per tenant, the first link that does not hold. A changed event (any value, its chain
 * value included) breaks at that event; a removed one leaves a gap there; removing the newest events shows as the
 * chain row naming events that are not there. What it cannot tell is a trail cut back together with its chain row, or
 * rewritten from some event on with every later chain value recomputed: keep the chain values it prints (or those of
 * {@code AuditEvents}) somewhere else, and compare.
 * <p>
 * Events are read in one pass, in order, a thousand at a time, never all at once.
 */
public final class AuditVerifier {

    private static final String EVENTS = "SELECT " + AuditTable.COLUMNS + " FROM audit_event ORDER BY tenant_id, id";
    private static final String CHAINS = "SELECT tenant_id, id, chain FROM audit_chain ORDER BY tenant_id";
    private static final int FETCH_SIZE = 1000;

    /**
     * One tenant's chain as found.
     *
     * @param events how many events it holds
     * @param last   the chain value of its last event (of the last event before the break, when broken)
     * @param broken the first link that does not hold, or null when the chain is whole
     */
    public record Chain(String tenant, long events, String last, String broken) {

        public boolean intact() {
            return broken == null;
        }
    }

    private AuditVerifier() {
    }

    /** Every tenant's chain, in tenant order. */
    public static List<Chain> verify(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            // PostgreSQL streams a result only inside a transaction; without one it would hold all rows in memory
            connection.setAutoCommit(false);
            try {
                Map<String, long[]> heads = new LinkedHashMap<>();
                Map<String, String> headChains = new LinkedHashMap<>();
                try (PreparedStatement statement = connection.prepareStatement(CHAINS);
                     ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        heads.put(rs.getString(1), new long[] {rs.getLong(2)});
                        headChains.put(rs.getString(1), rs.getString(3));
                    }
                }
                List<Chain> chains = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(EVENTS)) {
                    statement.setFetchSize(FETCH_SIZE);
                    try (ResultSet rs = statement.executeQuery()) {
                        Walk walk = null;
                        while (rs.next()) {
                            String tenant = rs.getString(1);
                            if (walk == null || !walk.tenant.equals(tenant)) {
                                if (walk != null) {
                                    chains.add(walk.end(heads.remove(walk.tenant), headChains.get(walk.tenant)));
                                }
                                walk = new Walk(tenant);
                            }
                            walk.next(rs);
                        }
                        if (walk != null) {
                            chains.add(walk.end(heads.remove(walk.tenant), headChains.get(walk.tenant)));
                        }
                    }
                }
                // chain rows without events: a tenant whose events are all gone, or one that never had any
                heads.forEach((tenant, head) -> chains.add(new Walk(tenant).end(head, headChains.get(tenant))));
                chains.sort((a, b) -> a.tenant().compareTo(b.tenant()));
                return chains;
            } finally {
                connection.rollback();
            }
        }
    }

    /** One tenant's events, checked as they come. */
    private static final class Walk {
        private final String tenant;
        private long position;
        private String chain = AuditChain.START;
        private String broken;

        Walk(String tenant) {
            this.tenant = tenant;
        }

        void next(ResultSet rs) throws SQLException {
            if (broken != null) {
                return;
            }
            long id = rs.getLong(2);
            if (id != position + 1) {
                broken = id == position + 2 ? "event " + (position + 1) + " is missing (removed)"
                        : "events " + (position + 1) + " to " + (id - 1) + " are missing (removed)";
                return;
            }
            String expected;
            try {
                AuditEvent event = new AuditEvent(tenant, rs.getObject(3, OffsetDateTime.class).toInstant(),
                        rs.getString(4), rs.getString(5), AuditEvent.Action.of(rs.getString(6)), rs.getString(7),
                        rs.getString(8), EntityStore.strings(rs.getArray(9)), EntityStore.strings(rs.getArray(10)),
                        rs.getObject(11) == null ? null : rs.getLong(11), rs.getInt(12), rs.getString(13),
                        rs.getString(14));
                expected = AuditChain.next(chain, id, event);
            } catch (RuntimeException e) {
                // a value the service never writes (an unknown action, a missing time): changed by someone else
                expected = null;
            }
            if (expected == null || !expected.equals(rs.getString(15))) {
                broken = "event " + id + " does not match its chain value (it was changed)";
                return;
            }
            position = id;
            chain = expected;
        }

        Chain end(long[] head, String headChain) {
            if (broken == null && head == null && position > 0) {
                broken = "the tenant's chain row is missing (removed)";
            } else if (broken == null && head != null && head[0] > position) {
                broken = head[0] == position + 1 ? "event " + head[0] + " is missing (removed)"
                        : "events " + (position + 1) + " to " + head[0] + " are missing (removed)";
            } else if (broken == null && head != null && (head[0] != position || !chain.equals(headChain))) {
                broken = "the tenant's chain row does not name its last event " + position + " (it was changed)";
            }
            return new Chain(tenant, position, chain, broken);
        }
    }
}
