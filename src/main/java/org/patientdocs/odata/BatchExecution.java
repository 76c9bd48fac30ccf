package org.patientdocs.odata;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.olingo.server.api.ODataHandler;
import org.patientdocs.error.ServiceException;
import org.patientdocs.storage.Transactions;

/**
 * Runs the requests of one {@code $batch}, whichever its format, by one set of rules: in order, each through a
 * handler with this service's processors exactly as on its own (after {@link BatchRules#admit}); the requests of an
 * atomicity group (a change set) in one transaction, applied all or none; a request whose dependency failed answers
 * 424; {@code $<id>} references resolved ({@link BatchReferences}). Once a request or group has failed, the rest runs
 * only when the batch continues on error, and what did not run is not answered. One instance serves one batch.
 */
final class BatchExecution {

    /**
     * What one request alone, or one atomicity group, answered.
     *
     * @param group   the atomicity group, or null for a request alone
     * @param answers an answer per request: in a failed group, the failure's own and a 424 for each other member
     * @param failure the failed answer, or null when the unit succeeded
     */
    record Unit(String group, List<BatchAnswer> answers, BatchAnswer failure) {
    }

    private final Supplier<ODataHandler> handlers;
    private final Transactions transactions;
    private final BatchRules rules;
    private final BatchReferences references = new BatchReferences();

    /** @param handlers a fresh handler with the processors of the calling request, for each operation */
    BatchExecution(Supplier<ODataHandler> handlers, Transactions transactions, BatchRules rules) {
        this.handlers = handlers;
        this.transactions = transactions;
        this.rules = rules;
    }

    /**
     * What a batch answered: a unit per request alone or group that ran, and the {@code Preference-Applied} value for
     * the continue-on-error preference (null when none was applied).
     */
    record Outcome(List<Unit> units, String preferenceApplied) {
    }

    /**
     * Checks the operations against the rules, then runs them, adjacent members of one group together, stopping after
     * a failure unless the batch continues on error.
     *
     * @param preferHeaders      the batch's {@code Prefer} headers
     * @param continueByDefault  whether the batch's format continues after a failure when the batch does not say
     */
    Outcome run(List<BatchOperation> operations, List<String> preferHeaders, boolean continueByDefault) {
        rules.check(operations);
        BatchRules.ContinueOnError continueOnError = rules.continueOnError(preferHeaders, continueByDefault);
        return new Outcome(run(operations, continueOnError.value()), continueOnError.applied());
    }

    private List<Unit> run(List<BatchOperation> operations, boolean continueOnError) {
        List<Unit> units = new ArrayList<>();
        for (int start = 0, end; start < operations.size(); start = end) {
            String group = operations.get(start).group();
            end = start + 1;
            while (group != null && end < operations.size() && group.equals(operations.get(end).group())) {
                end++;
            }
            Unit unit = group == null ? alone(operations.get(start)) : group(group, operations.subList(start, end));
            units.add(unit);
            if (unit.failure() != null && !continueOnError) {
                break;
            }
        }
        return units;
    }

    private Unit alone(BatchOperation operation) {
        BatchAnswer answer = answer(operation);
        references.answered(answer);
        return new Unit(null, List.of(answer), answer.failed() ? answer : null);
    }

    /** The members in one transaction: the first failure rolls back what the group did and ends it. */
    private Unit group(String group, List<BatchOperation> members) {
        List<BatchAnswer> answers = new ArrayList<>();
        BatchAnswer failure;
        ServiceException lost = null;
        try {
            failure = transactions.inTransaction(() -> {
                for (BatchOperation member : members) {
                    BatchAnswer answer = answer(member);
                    references.answered(answer);
                    if (answer.failed()) {
                        return new Transactions.Outcome<>(answer, false);
                    }
                    answers.add(answer);
                }
                return new Transactions.Outcome<>(null, true);
            });
        } catch (ServiceException e) {
            // the transaction itself failed (the database went away before the commit): nothing was applied
            lost = e;
            failure = BatchAnswer.error(members.get(0), e);
        }
        if (failure == null) {
            return new Unit(group, answers, null);
        }
        references.groupFailed(group, members);
        List<BatchAnswer> failed = new ArrayList<>();
        for (BatchOperation member : members) {
            failed.add(member == failure.operation() ? failure
                    : BatchAnswer.error(member, lost != null ? lost : notApplied(failure)));
        }
        return new Unit(group, failed, failure);
    }

    private BatchAnswer answer(BatchOperation operation) {
        try {
            if (operation.invalid() != null) {
                throw operation.invalid();
            }
            String failedDependency = references.firstFailed(operation.dependsOn());
            if (failedDependency != null) {
                throw new ServiceException.FailedDependency("dependsOn",
                        "Not run: " + failedDependency + ", which this request depends on, failed");
            }
            if (operation.conditional()) {
                // OData 4.01 JSON format, 19.1: a service that does not evaluate conditions fails such a request
                throw new ServiceException.FailedDependency("if",
                        "Not run: the service does not evaluate conditions (\"if\") of batch requests");
            }
            references.resolve(operation, operation.request());
            rules.admit(operation.request());
            return BatchAnswer.of(operation, handlers.get().process(operation.request()));
        } catch (ServiceException e) {
            return BatchAnswer.error(operation, e);
        }
    }

    private static ServiceException notApplied(BatchAnswer failure) {
        String failed = failure.operation().id() == null ? "another request" : "request " + failure.operation().id();
        return new ServiceException.FailedDependency("atomicityGroup",
                "Not applied: " + failed + " of the same atomicity group failed, so none of the group took effect");
    }
}
