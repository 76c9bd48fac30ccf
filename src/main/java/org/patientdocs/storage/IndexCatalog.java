package org.patientdocs.storage;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.patientdocs.query.Dialect;
import org.patientdocs.query.Indexes;

/**
 * The indexes the query translation may name ({@link Indexes}), read once at start-up from the migrated schema, so
 * that the migrations stay the only place an index is defined. PostgreSQL's planner needs no names: {@link
 * Indexes#NONE}.
 */
public final class IndexCatalog {

    private IndexCatalog() {
    }

    public static Indexes read(DataSource dataSource, Dialect dialect) {
        if (dialect != Dialect.H2) {
            return Indexes.NONE;
        }
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String schema = connection.getSchema();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = metaData.getTables(null, schema, "%", new String[] {"TABLE", "BASE TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            Map<String, List<Indexes.Index>> byTable = new LinkedHashMap<>();
            for (String table : tables) {
                byTable.put(table, indexesOf(metaData, schema, table));
            }
            return new Indexes(byTable);
        } catch (SQLException e) {
            throw StoreFailure.of(e);
        }
    }

    private static List<Indexes.Index> indexesOf(DatabaseMetaData metaData, String schema, String table)
            throws SQLException {
        Map<String, TreeMap<Integer, Indexes.Column>> columns = new LinkedHashMap<>();
        try (ResultSet rs = metaData.getIndexInfo(null, schema, table, false, true)) {
            while (rs.next()) {
                String column = rs.getString("COLUMN_NAME");
                String index = rs.getString("INDEX_NAME");
                if (rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic || column == null
                        || !Indexes.nameable(index)) {
                    continue;
                }
                columns.computeIfAbsent(index, name -> new TreeMap<>())
                        .put((int) rs.getShort("ORDINAL_POSITION"),
                                new Indexes.Column(column, "D".equals(rs.getString("ASC_OR_DESC"))));
            }
        }
        List<Indexes.Index> indexes = new ArrayList<>();
        columns.forEach((name, ordered) -> indexes.add(new Indexes.Index(name, List.copyOf(ordered.values()))));
        return indexes;
    }
}
