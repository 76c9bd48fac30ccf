package org.patientdocs.query;

import java.util.List;

import org.apache.olingo.commons.api.edm.EdmEnumType;
import org.apache.olingo.commons.api.edm.EdmType;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.uri.UriInfoResource;
import org.apache.olingo.server.api.uri.UriResource;
import org.apache.olingo.server.api.uri.UriResourceLambdaAll;
import org.apache.olingo.server.api.uri.UriResourceLambdaAny;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.ApplyItem;
import org.apache.olingo.server.api.uri.queryoption.ApplyOption;
import org.apache.olingo.server.api.uri.queryoption.ExpandItem;
import org.apache.olingo.server.api.uri.queryoption.ExpandOption;
import org.apache.olingo.server.api.uri.queryoption.FilterOption;
import org.apache.olingo.server.api.uri.queryoption.OrderByItem;
import org.apache.olingo.server.api.uri.queryoption.OrderByOption;
import org.apache.olingo.server.api.uri.queryoption.TopOption;
import org.apache.olingo.server.api.uri.queryoption.apply.Aggregate;
import org.apache.olingo.server.api.uri.queryoption.apply.AggregateExpression;
import org.apache.olingo.server.api.uri.queryoption.apply.Compute;
import org.apache.olingo.server.api.uri.queryoption.apply.ComputeExpression;
import org.apache.olingo.server.api.uri.queryoption.apply.Filter;
import org.apache.olingo.server.api.uri.queryoption.apply.GroupBy;
import org.apache.olingo.server.api.uri.queryoption.apply.OrderBy;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitException;
import org.apache.olingo.server.api.uri.queryoption.expression.ExpressionVisitor;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;
import org.apache.olingo.server.api.uri.queryoption.expression.MethodKind;
import org.apache.olingo.server.api.uri.queryoption.expression.UnaryOperatorKind;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * The configured limits on a parsed request ({@code $top}, the size of each {@code $filter}, {@code $orderby} and
 * {@code $apply}, the depth of {@code $expand}), checked before anything is translated; the nesting of parentheses
 * is checked earlier, on the raw text ({@link org.patientdocs.url.QueryText}). Each breach is a 400 whose message
 * names the limit's key.
 */
public final class QueryLimits {

    private final ServiceConfig.Query limits;
    private final List<AliasQueryOption> aliases;

    private QueryLimits(ServiceConfig.Query limits, List<AliasQueryOption> aliases) {
        this.limits = limits;
        this.aliases = aliases;
    }

    public static void check(UriInfoResource request, List<AliasQueryOption> aliases, ServiceConfig.Query limits) {
        QueryLimits checker = new QueryLimits(limits, aliases == null ? List.of() : aliases);
        checker.options(request.getTopOption(), request.getFilterOption(), request.getOrderByOption(),
                request.getExpandOption(), 0);
        if (request.getApplyOption() != null) {
            checker.nodes("$apply", checker.count(request.getApplyOption()));
        }
    }

    /** The size of a {@code $compute} of one entity, which the parser reads apart from the request. */
    static void checkApply(ApplyOption compute, List<AliasQueryOption> aliases, ServiceConfig.Query limits) {
        QueryLimits checker = new QueryLimits(limits, aliases == null ? List.of() : aliases);
        checker.nodes("$compute", checker.count(compute));
    }

    /** The nodes of every expression of an {@code $apply} (and of a {@code $compute}, which reaches it as one). */
    private int count(ApplyOption apply) {
        int total = 0;
        for (ApplyItem item : apply.getApplyItems()) {
            if (item instanceof Filter filter) {
                total += count(filter.getFilterOption().getExpression(), 0);
            } else if (item instanceof Compute compute) {
                for (ComputeExpression expression : compute.getExpressions()) {
                    total += count(expression.getExpression(), 0);
                }
            } else if (item instanceof OrderBy orderBy) {
                for (OrderByItem order : orderBy.getOrderByOption().getOrders()) {
                    total += count(order.getExpression(), 0);
                }
            } else if (item instanceof Aggregate aggregate) {
                total += count(aggregate.getExpressions());
            } else if (item instanceof GroupBy groupBy) {
                total += groupBy.getGroupByItems().size()
                        + (groupBy.getApplyOption() == null ? 0 : count(groupBy.getApplyOption()));
            } else {
                total++;
            }
        }
        return total;
    }

    private int count(List<AggregateExpression> aggregates) {
        int total = 0;
        for (AggregateExpression aggregate : aggregates) {
            total += 1 + (aggregate.getExpression() == null ? 0 : count(aggregate.getExpression(), 0));
        }
        return total;
    }

    private void options(TopOption top, FilterOption filter, OrderByOption orderBy, ExpandOption expand, int depth) {
        if (top != null && top.getValue() > limits.maxTop()) {
            throw exceeded("$top", "$top is " + top.getValue() + "; the limit query.max-top is " + limits.maxTop());
        }
        if (filter != null) {
            nodes("$filter", count(filter.getExpression(), 0));
        }
        if (orderBy != null) {
            int total = 0;
            for (OrderByItem item : orderBy.getOrders()) {
                total += count(item.getExpression(), 0);
            }
            nodes("$orderby", total);
        }
        if (expand != null && !expand.getExpandItems().isEmpty()) {
            if (depth + 1 > limits.maxExpandDepth()) {
                throw exceeded("$expand", "$expand nests " + (depth + 1) + " levels; the limit query.max-expand-depth"
                        + " is " + limits.maxExpandDepth());
            }
            for (ExpandItem item : expand.getExpandItems()) {
                options(item.getTopOption(), item.getFilterOption(), item.getOrderByOption(), item.getExpandOption(),
                        depth + 1);
            }
        }
    }

    private void nodes(String option, int count) {
        if (count > limits.maxFilterNodes()) {
            throw exceeded(option, option + " has " + count + " nodes; the limit query.max-filter-nodes is "
                    + limits.maxFilterNodes());
        }
    }

    /** The nodes of an expression, lambda bodies and alias values included. */
    private int count(Expression expression, int aliasDepth) {
        try {
            return expression.accept(new Counter(aliasDepth));
        } catch (ExpressionVisitException | ODataApplicationException e) {
            throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, null,
                    "The expression cannot be evaluated", e);
        }
    }

    private static ServiceException exceeded(String target, String message) {
        return new ServiceException.BadRequest(ErrorCode.QUERY_LIMIT_EXCEEDED, target, message);
    }

    private final class Counter implements ExpressionVisitor<Integer> {
        private final int aliasDepth;

        Counter(int aliasDepth) {
            this.aliasDepth = aliasDepth;
        }

        @Override
        public Integer visitBinaryOperator(BinaryOperatorKind operator, Integer left, Integer right) {
            return 1 + left + right;
        }

        @Override
        public Integer visitBinaryOperator(BinaryOperatorKind operator, Integer left, List<Integer> right) {
            return 1 + left + right.stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public Integer visitUnaryOperator(UnaryOperatorKind operator, Integer operand) {
            return 1 + operand;
        }

        @Override
        public Integer visitMethodCall(MethodKind methodCall, List<Integer> parameters) {
            return 1 + parameters.stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public Integer visitLambdaExpression(String lambdaFunction, String lambdaVariable, Expression expression) {
            return 1 + (expression == null ? 0 : count(expression, aliasDepth));
        }

        @Override
        public Integer visitLiteral(Literal literal) {
            return 1;
        }

        @Override
        public Integer visitMember(Member member) {
            int total = 1;
            for (UriResource part : member.getResourcePath().getUriResourceParts()) {
                Expression body = part instanceof UriResourceLambdaAny any ? any.getExpression()
                        : part instanceof UriResourceLambdaAll all ? all.getExpression() : null;
                if (body != null) {
                    total += count(body, aliasDepth);
                }
            }
            return total;
        }

        @Override
        public Integer visitAlias(String aliasName) {
            if (aliasDepth > aliases.size()) {
                throw new ServiceException.BadRequest(ErrorCode.INVALID_QUERY_OPTION, aliasName,
                        "The parameter alias " + aliasName + " refers to itself");
            }
            for (AliasQueryOption alias : aliases) {
                if (alias.getName().equals(aliasName) && alias.getValue() != null) {
                    return 1 + count(alias.getValue(), aliasDepth + 1);
                }
            }
            return 1;
        }

        @Override
        public Integer visitTypeLiteral(EdmType type) {
            return 1;
        }

        @Override
        public Integer visitLambdaReference(String variableName) {
            return 1;
        }

        @Override
        public Integer visitEnum(EdmEnumType type, List<String> enumValues) {
            return 1;
        }
    }
}
