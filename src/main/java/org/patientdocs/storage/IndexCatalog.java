package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.patientdocs.query.Dialect;
import org.patientdocs.query.Indexes;

/**
 * The indexes the query translation may name ({@link Indexes}), read once at start-up from the migrated schema, so
 * that the migrations stay the only place an index is defined. PostgreSQL's planner needs no names: {@link
 * Indexes#NONE}.
 * <p>
 * Read from H2's {@code INFORMATION_SCHEMA.INDEX_COLUMNS}, which holds only the definitions: JDBC's
 * {@code getIndexInfo} also reports each index's size on disk, which H2 finds by reading every page of it (2.5 s of
 * a start over a million documents).
 */
public final class IndexCatalog {

    private static final String INDEX_COLUMNS = "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, ORDERING_SPECIFICATION"
            + " FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_SCHEMA = ?"
            + " ORDER BY TABLE_NAME, INDEX_NAME, ORDINAL_POSITION";

    private IndexCatalog() {
    }

    public static Indexes read(DataSource dataSource, Dialect dialect) {
        if (dialect != Dialect.H2) {
            return Indexes.NONE;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(INDEX_COLUMNS)) {
            statement.setString(1, connection.getSchema());
            Map<String, Map<String, List<Indexes.Column>>> byTable = new LinkedHashMap<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String index = rs.getString("INDEX_NAME");
                    if (!Indexes.nameable(index)) {
                        continue;
                    }
                    byTable.computeIfAbsent(rs.getString("TABLE_NAME"), table -> new LinkedHashMap<>())
                            .computeIfAbsent(index, name -> new ArrayList<>())
                            .add(new Indexes.Column(rs.getString("COLUMN_NAME"),
                                    "DESC".equals(rs.getString("ORDERING_SPECIFICATION"))));
                }
            }
            Map<String, List<Indexes.Index>> indexes = new LinkedHashMap<>();
            byTable.forEach((table, columns) -> indexes.put(table, columns.entrySet().stream()
                    .map(index -> new Indexes.Index(index.getKey(), index.getValue())).toList()));
            return new Indexes(indexes);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }
}
