package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The conditions that keep, of a block's table, the rows a {@link Target} addresses: the entity with the key, and
 * those the navigation from the parent reaches. The parent is named by its key alone when the navigation starts from
 * the key ({@code Patients('p1')/Documents}: {@code patient_id = ?}); otherwise a subquery reads the value it starts
 * from ({@code Documents('d1')/Patient}: {@code id = (SELECT patient_id FROM document WHERE id = ?)}), in a block of
 * its own, so that it is built as every other statement is: in the caller's tenant. The parent only addresses the
 * rows, so reading them needs the scope of their own table, not the parent's ({@link Block#addressing}).
 */
final class TargetRows {

    private TargetRows() {
    }

    static List<SqlFragment> conditions(Target target, Block block) {
        List<SqlFragment> conditions = new ArrayList<>();
        Block.Binding root = block.root();
        if (target.key() != null) {
            conditions.add(SqlFragment.format("{} = {}", root.column(root.table().key(), false),
                    SqlFragment.param(keyValue(root.table().key(), target.key()))));
        }
        if (target.parent() != null) {
            ColumnMap.Table parent = block.context().columns().table(target.parent().set().getEntityType());
            ColumnMap.Navigation navigation = parent.navigation(target.navigation().getName());
            conditions.add(SqlFragment.format("{} = {}",
                    root.column(root.table().columnNamed(navigation.targetColumn()), false),
                    startOf(target.parent(), parent, navigation, block.context())));
        }
        return conditions;
    }

    /**
     * The block's columns that the conditions hold to one value for every row: the tenant's, and the column a
     * navigation from a parent fixes ({@code patient_id} of {@code Patients('p1')/Documents}), in the order indexes
     * lead with them. Ordering by them first changes no order, yet lets H2 read an index that leads with them in its
     * order instead of sorting every row of the tenant (H2 does not skip an index's leading columns held equal when it
     * looks for an index in the order of ORDER BY; PostgreSQL does, and drops them from the sort).
     */
    static List<ColumnMap.Column> heldColumns(Target target, Block block) {
        List<ColumnMap.Column> held = new ArrayList<>();
        ColumnMap.Table table = block.root().table();
        if (table.tenant() != null) {
            held.add(table.tenant());
        }
        if (target.parent() != null) {
            ColumnMap.Table parent = block.context().columns().table(target.parent().set().getEntityType());
            ColumnMap.Navigation navigation = parent.navigation(target.navigation().getName());
            held.add(table.columnNamed(navigation.targetColumn()));
        }
        return held;
    }

    /** A key as the column holds it: an {@code Edm.Int64} key is a number, every other one text. */
    private static Object keyValue(ColumnMap.Column key, String text) {
        if (key.kind() != ColumnMap.Kind.INT64) {
            return text;
        }
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_KEY, null, "The key is not a valid Int64", e);
        }
    }

    /** The value of the parent's column that the navigation starts from. */
    private static SqlFragment startOf(Target parent, ColumnMap.Table table, ColumnMap.Navigation navigation,
                                       QueryContext context) {
        if (parent.parent() == null && navigation.sourceColumn().equals(table.key().name())) {
            return SqlFragment.param(parent.key());
        }
        Block block = Block.addressing(context, table);
        return SqlFragment.format("(SELECT {}{})",
                block.root().column(table.columnNamed(navigation.sourceColumn()), false),
                block.from(conditions(parent, block)));
    }
}
