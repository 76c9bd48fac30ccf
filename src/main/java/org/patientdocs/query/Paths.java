package org.patientdocs.query;

import java.util.ArrayList;
import java.util.List;

import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceCount;
import org.apache.olingo.server.api.uri.UriResourceIt;
import org.apache.olingo.server.api.uri.UriResourceLambdaAll;
import org.apache.olingo.server.api.uri.UriResourceLambdaAny;
import org.apache.olingo.server.api.uri.UriResourceLambdaVariable;
import org.apache.olingo.server.api.uri.UriResourceNavigation;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Paths in expressions: a property ({@code file_name}), through single-valued navigation ({@code Patient/last_name},
 * a LEFT JOIN on the block), a lambda variable ({@code d/document_type}), {@code $it}, and collection-valued
 * navigation with {@code any}, {@code all} ({@code EXISTS} / {@code NOT EXISTS} subqueries correlated on the foreign
 * key, so {@code all} over no rows is true) or {@code $count} (a counting subquery), and lists of strings with
 * {@code any}, {@code all} or {@code $count} ({@link StringLists}).
 */
final class Paths {

    private Paths() {
    }

    static Operand resolve(Member member, FilterTranslator translator) {
        if (member.getStartTypeFilter() != null) {
            throw translator.unsupported("type casts in paths");
        }
        List<UriResource> parts = member.getResourcePath().getUriResourceParts();
        String name = name(parts);
        Operand named = name == null ? null : translator.named(name);
        if (named != null) {
            return named;
        }
        if (translator.namesOnly()) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, translator.target(),
                    "After groupby or aggregate, " + translator.target() + " can use the grouped properties and the"
                            + " aggregated values only" + (name == null ? "" : ", not " + name));
        }
        return resolve(parts, translator);
    }

    /**
     * The name a path gives a value of a transformed result ({@code Patient/last_name}, a computed {@code kb}): its
     * properties' names joined by {@code /}; null for paths with lambdas, {@code $it} or {@code $count}.
     */
    static String name(List<UriResource> parts) {
        List<String> names = new ArrayList<>();
        for (UriResource part : parts) {
            if (part instanceof UriResourcePrimitiveProperty property) {
                names.add(property.getProperty().getName());
            } else if (part instanceof UriResourceNavigation navigation && navigation.getKeyPredicates().isEmpty()
                    && navigation.getTypeFilterOnCollection() == null && navigation.getTypeFilterOnEntry() == null) {
                names.add(navigation.getProperty().getName());
            } else {
                return null;
            }
        }
        return names.isEmpty() ? null : String.join("/", names);
    }

    /** A path of properties and navigations over the translator's block (a grouping property of $apply). */
    static Operand resolve(List<UriResource> parts, FilterTranslator translator) {
        Block.Binding current = translator.block().root();
        int index = 0;
        if (parts.get(0) instanceof UriResourceLambdaVariable variable) {
            current = translator.variable(variable.getVariableName());
            if (current == null) {
                throw translator.unsupported("the lambda variable " + variable.getVariableName() + " here");
            }
            index = 1;
        } else if (parts.get(0) instanceof UriResourceIt) {
            current = translator.it();
            index = 1;
        }
        if (index == parts.size()) {
            throw translator.unsupported("an entity as a value");
        }
        for (; index < parts.size(); index++) {
            UriResource part = parts.get(index);
            boolean last = index == parts.size() - 1;
            if (part instanceof UriResourcePrimitiveProperty property) {
                ColumnMap.Column column = current.table().column(property.getProperty().getName());
                if (column.kind() == ColumnMap.Kind.STRING_LIST) {
                    if (index != parts.size() - 2) {
                        throw translator.unsupported("a list of values without any, all or $count");
                    }
                    return StringLists.resolve(current.column(column, true), parts.get(index + 1), translator);
                }
                if (last) {
                    return Operand.of(current.column(column, column.nullable()), ValueType.of(column.kind()));
                }
            }
            if (!(part instanceof UriResourceNavigation navigation) || navigation.getTypeFilterOnCollection() != null
                    || navigation.getTypeFilterOnEntry() != null || !navigation.getKeyPredicates().isEmpty()) {
                throw translator.unsupported("this kind of path");
            }
            ColumnMap.Navigation nav = current.table().navigation(navigation.getProperty().getName());
            if (!nav.collection()) {
                if (last) {
                    throw translator.unsupported("an entity as a value");
                }
                current = current.block().joinToOne(current, nav);
                continue;
            }
            if (index != parts.size() - 2) {
                throw translator.unsupported("a collection-valued navigation without any, all or $count");
            }
            return collection(current, nav, parts.get(index + 1), translator);
        }
        throw translator.unsupported("this kind of path");
    }

    private static Operand collection(Block.Binding from, ColumnMap.Navigation nav, UriResource next,
                                      FilterTranslator translator) {
        Block inner = new Block(translator.block().context(), translator.block().context().columns()
                .table(nav.target()));
        SqlFragment correlation = SqlFragment.of(inner.root().alias() + "." + nav.targetColumn() + " = "
                + from.alias() + "." + nav.sourceColumn());
        if (next instanceof UriResourceCount) {
            return Operand.of(SqlFragment.format("(SELECT COUNT(*){})", inner.from(List.of(correlation))),
                    ValueType.INTEGER);
        }
        String variable;
        Expression body;
        boolean all;
        if (next instanceof UriResourceLambdaAny any) {
            variable = any.getLambdaVariable();
            body = any.getExpression();
            all = false;
        } else if (next instanceof UriResourceLambdaAll every) {
            variable = every.getLambdaVariable();
            body = every.getExpression();
            all = true;
        } else {
            throw translator.unsupported("a collection-valued navigation without any, all or $count");
        }
        SqlFragment condition = correlation;
        if (body != null) {
            SqlFragment predicate = translator.withVariable(inner, variable).condition(body);
            condition = SqlFragment.format(all ? "{} AND NOT {}" : "{} AND {}", correlation, predicate);
        } else if (all) {
            throw translator.unsupported("all without a condition");
        }
        // The inner block's joins are known only now that its condition is translated.
        SqlFragment exists = SqlFragment.format((all ? "(NOT EXISTS" : "(EXISTS") + " (SELECT 1{}))",
                inner.from(List.of(condition)));
        return Operand.of(exists.withNullable(false), ValueType.BOOLEAN);
    }
}
