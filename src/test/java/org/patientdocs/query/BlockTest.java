package org.patientdocs.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What every statement's FROM and WHERE hold: each table with a tenant column read in the caller's tenant only. */
class BlockTest {

    private static Block documents() {
        return new Block(Parsed.context(Dialect.H2, Parsed.parse("Documents", null)), Parsed.table("Documents"));
    }

    @Test
    void theRootTableIsReadInTheCallersTenantBeforeAnyCondition() {
        SqlFragment from = documents().from(List.of(SqlFragment.of("t0.file_size_bytes > ?", 5L)));
        assertEquals(" FROM document t0 WHERE t0.tenant_id = ? AND t0.file_size_bytes > ?", from.sql());
        assertEquals(List.of(Parsed.TENANT, 5L), from.params());
    }

    @Test
    void aJoinedTableIsReadInTheCallersTenantToo() {
        Block block = documents();
        block.joinToOne(block.root(), block.root().table().navigation("Patient"));
        SqlFragment from = block.from(List.of());
        assertEquals(" FROM document t0 LEFT JOIN patient t1 ON t1.id = t0.patient_id AND t1.tenant_id = ?"
                + " WHERE t0.tenant_id = ?", from.sql());
        assertEquals(List.of(Parsed.TENANT, Parsed.TENANT), from.params());
    }

    @Test
    void aTableThatDeclaresNoTenantColumnIsSharedByAllTenants() {
        ColumnMap.Table documents = Parsed.table("Documents");
        ColumnMap.Table shared = new ColumnMap.Table(documents.entityType(), documents.name(), documents.key(),
                documents.columns(), documents.navigations(), documents.searchColumns(), documents.version(), null,
                documents.access());
        Block block = new Block(Parsed.context(Dialect.H2, Parsed.parse("Documents", null)), shared);
        assertEquals(" FROM document t0", block.from(List.of()).sql());
    }
}
