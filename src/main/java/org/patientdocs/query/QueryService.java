package org.patientdocs.query;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.queryoption.AliasQueryOption;
import org.apache.olingo.server.api.uri.queryoption.ApplyOption;
import org.patientdocs.auth.Caller;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;

/**
 * Every read of entities, for every kind of request: a parsed request and its caller in, typed rows out. It checks the
 * configured limits, builds each statement (in {@link Block}s, which every table a statement reads passes through)
 * and runs it through the {@link StatementRunner}; processors never see SQL. The store's dialect is fixed for the life
 * of the service.
 *
 * <p>The caller is a parameter of every read so that what a caller may see is decided where the statements are
 * built: each read's {@link QueryContext} carries it to the {@link Block}s, which read every table in the caller's
 * tenant only and refuse (403) a table the caller lacks the read scope for, before any statement runs.
 */
public final class QueryService {

    private final ColumnMap columns;
    private final Dialect dialect;
    private final ServiceConfig.Query limits;
    private final StatementRunner store;
    private final Indexes indexes;
    private final BeforeReading beforeReading;

    /**
     * What must happen before a table's rows are read for a caller: the audit trail's events that wait in its journal
     * are moved into its table first, so that a read of the trail shows every access before it.
     */
    @FunctionalInterface
    public interface BeforeReading {
        BeforeReading NOTHING = table -> { };

        void tableRead(ColumnMap.Table table);
    }

    /**
     * @param indexes       the store's indexes, for the pages H2 would otherwise sort ({@link Indexes})
     * @param beforeReading called with each table a request's statements read for the caller
     */
    public QueryService(ColumnMap columns, Dialect dialect, Indexes indexes, ServiceConfig.Query limits,
                        StatementRunner store, BeforeReading beforeReading) {
        this.columns = columns;
        this.dialect = dialect;
        this.indexes = indexes;
        this.limits = limits;
        this.store = store;
        this.beforeReading = beforeReading;
    }

    /**
     * A page of the collection a request addresses ({@code Patients}, {@code Documents},
     * {@code Patients('12345')/Documents}), with its count when asked for (a patient's documents carry it unless
     * {@code $count=false}), its expanded navigations and the properties its {@code $compute} computes. A page
     * continues where the request's {@code $skiptoken} says.
     *
     * @param pageSize    the most entities on the page, and in each expanded collection per parent
     * @param fingerprint what the request's skip token must have been issued for (see {@link Keyset})
     * @param alsoRead    properties to read beyond the selected ones, e.g. for the answer's format
     * @throws ServiceException.NotFound when the entity the collection belongs to does not exist
     */
    public Page page(Caller caller, UriInfo uri, int pageSize, String fingerprint, Set<String> alsoRead) {
        Target target = Target.of(uri);
        QueryLimits.check(uri, uri.getAliases(), limits);
        requireCollection(target);
        QueryContext context = context(caller, uri.getAliases());
        ColumnMap.Table table = table(target);
        Set<String> required = new LinkedHashSet<>(Expander.required(table, uri.getExpandOption()));
        required.addAll(alsoRead);
        CollectionQuery query = CollectionQuery.of(context, target, CollectionQuery.Options.of(uri), required,
                Computation.ofCollection(uri.getApplyOption(), uri.getSelectOption()));
        requireParent(caller, target);
        Keyset.Position position = uri.getSkipTokenOption() == null ? null
                : Keyset.decode(uri.getSkipTokenOption().getValue(), fingerprint, query.keys());
        CollectionQuery.Page page = query.page(pageSize, position);

        List<Row> rows = page.read(store);
        List<Row> delivered = rows.subList(0, Math.min(rows.size(), page.pageRows()));
        boolean counted = uri.getCountOption() != null ? uri.getCountOption().getValue() : target.parent() != null;
        // Olingo's entity collections count in an int; both writers answer alike.
        Long count = counted ? Math.min(Integer.MAX_VALUE, store.count(query.count())) : null;
        Keyset.Position next = null;
        if (page.hasMore(rows.size())) {
            long deliveredSoFar = (position == null ? 0 : position.delivered()) + delivered.size();
            next = page.positionAfter(delivered.get(delivered.size() - 1), deliveredSoFar);
        }
        List<Expanded> expanded = new Expander(context, store, pageSize).expand(target.set(), table, delivered,
                uri.getExpandOption());
        return new Page(table, query.selected(), delivered, count, next, expanded, query.computed());
    }

    /**
     * Whether the result of a request's {@code $apply} is the entities themselves with computed properties
     * ({@code $compute}, which the parser reads as {@code $apply=compute(…)}): then {@link #page} reads it, as any
     * collection, with keyset paging, {@code $count}, {@code $expand} and ETags; {@link #aggregate} reads the others.
     */
    public static boolean computesOnly(UriInfo uri) {
        return Computation.computesOnly(uri.getApplyOption());
    }

    /**
     * A page of the result of the request's {@code $apply} over the collection it addresses, with the system query
     * options after it ({@code $filter}, {@code $orderby}, {@code $select}, {@code $top}, {@code $skip},
     * {@code $count}), in one statement over the caller's tenant's rows ({@link ApplyQuery}). A page continues after
     * the rows its {@code $skiptoken} says were delivered.
     *
     * @param pageSize    the most rows on the page
     * @param fingerprint what the request's skip token must have been issued for (see {@link Keyset})
     * @param alsoRead    properties to read, not shown, when the result is entities ({@code $compute})
     * @throws ServiceException.NotFound when the entity the collection belongs to does not exist
     */
    public Aggregation aggregate(Caller caller, UriInfo uri, int pageSize, String fingerprint, Set<String> alsoRead) {
        Target target = Target.of(uri);
        QueryLimits.check(uri, uri.getAliases(), limits);
        requireCollection(target);
        ApplyQuery query = ApplyQuery.of(context(caller, uri.getAliases()), target, uri, alsoRead);
        requireParent(caller, target);
        long delivered = uri.getSkipTokenOption() == null ? 0
                : Keyset.decode(uri.getSkipTokenOption().getValue(), fingerprint, List.of()).delivered();
        Integer skip = uri.getSkipOption() == null ? null : uri.getSkipOption().getValue();
        Integer top = uri.getTopOption() == null ? null : uri.getTopOption().getValue();
        List<Row> rows = store.rows(query.rows(skip, top, delivered, pageSize), query.layout());
        Long count = uri.getCountOption() != null && uri.getCountOption().getValue()
                ? store.count(query.count()) : null;
        Keyset.Position next = rows.size() > pageSize ? new Keyset.Position(List.of(), delivered + pageSize) : null;
        return new Aggregation(table(target), query.names(), query.shown(), query.types(),
                rows.subList(0, Math.min(rows.size(), pageSize)), count, next);
    }

    /**
     * How many entities of the collection a request addresses its {@code $filter} and {@code $search} keep
     * ({@code Documents/$count}).
     *
     * @throws ServiceException.NotFound when the entity the collection belongs to does not exist
     */
    public long count(Caller caller, UriInfo uri) {
        refuseApply(uri);
        Target target = Target.of(uri);
        QueryLimits.check(uri, uri.getAliases(), limits);
        requireCollection(target);
        CollectionQuery query = CollectionQuery.of(context(caller, uri.getAliases()), target,
                CollectionQuery.Options.counting(uri), Set.of());
        requireParent(caller, target);
        return store.count(query.count());
    }

    /**
     * The one entity a request addresses, with the properties its {@code $select} asks for and those its
     * {@code $expand} needs; {@link #expand} reads the expanded navigations.
     *
     * @param alsoRead properties to read beyond the selected ones, e.g. for the answer's format
     * @throws ServiceException.NotFound when there is no such entity
     */
    public Single entity(Caller caller, UriInfo uri, Set<String> alsoRead) {
        return entity(caller, uri, alsoRead, null);
    }

    /**
     * As {@link #entity(Caller, UriInfo, Set)}, with computed properties.
     *
     * @param compute the request's {@code $compute}, as the parser read it: an {@code $apply} of the entity set in
     *                the shape {@code url.ComputeText} gives it (the parser takes no {@code $apply} on one entity, so
     *                the request carries it as a custom option); null when it has none
     */
    public Single entity(Caller caller, UriInfo uri, Set<String> alsoRead, ApplyOption compute) {
        refuseApply(uri);
        Target target = Target.of(uri);
        QueryLimits.check(uri, uri.getAliases(), limits);
        if (compute != null) {
            QueryLimits.checkApply(compute, uri.getAliases(), limits);
        }
        Set<String> required = new LinkedHashSet<>(Expander.required(table(target), uri.getExpandOption()));
        required.addAll(alsoRead);
        EntityQuery query = EntityQuery.of(context(caller, uri.getAliases()), target, uri.getSelectOption(),
                required, Computation.of(compute));
        return new Single(one(target, query), query.selected(), query.computed());
    }

    /**
     * The one entity a path addresses, with every property: what a property or a download reads.
     *
     * @throws ServiceException.NotFound when there is no such entity
     */
    public Row entity(Caller caller, Target target) {
        return one(target, EntityQuery.of(context(caller, null), target, null, Set.of()));
    }

    /**
     * As {@link #entity(Caller, Target)}, and in the same statement the {@code stored} columns of its table that are
     * no property ({@link ColumnMap#stored}), which {@link Row#stored} then gives in their order: what a download
     * needs beside the properties, found under the same access rules.
     */
    public Row entity(Caller caller, Target target, List<ColumnMap.Column> stored) {
        return one(target, EntityQuery.withStored(context(caller, null), target, stored));
    }

    /**
     * The one entity a change addresses, as it is now, with every property: the entity a PATCH, PUT or DELETE
     * changes (its version, its current values), or the patient an upload adds a document to. The caller's tenant
     * applies as to every read, but the caller is not shown the entity, so it needs the scope of the change (which the
     * processor checks), not the scope reading it.
     *
     * @throws ServiceException.NotFound when there is no such entity
     */
    public Row entityToChange(Caller caller, Target target) {
        return one(target, EntityQuery.of(lookup(caller), target, null, Set.of()));
    }

    /**
     * As {@link #entityToChange}, but empty when there is no such entity (in the caller's tenant): for a change that
     * creates the entity then (an upsert).
     */
    public Optional<Row> entityToChangeIfAny(Caller caller, Target target) {
        EntityQuery query = EntityQuery.of(lookup(caller), target, null, Set.of());
        return store.rows(query.sql(), query.layout()).stream().findFirst();
    }

    /**
     * The navigations a request's {@code $expand} asks for, of rows of the entity set its path addresses, at every
     * level.
     *
     * @param perParent the most entities an expanded collection holds for one parent
     */
    public List<Expanded> expand(Caller caller, UriInfo uri, List<Row> rows, int perParent) {
        Target target = Target.of(uri);
        return new Expander(context(caller, uri.getAliases()), store, perParent).expand(target.set(), table(target),
                rows, uri.getExpandOption());
    }

    /** {@code $apply} and {@code $compute} on a single entity or a {@code /$count}: see {@link #applyRefused()}. */
    private static void refuseApply(UriInfo uri) {
        if (uri.getApplyOption() != null) {
            throw applyRefused();
        }
    }

    /**
     * The refusal of {@code $apply} and {@code $compute} (which the parser reads as an {@code $apply}) where the
     * request addresses no collection: a single entity or a {@code /$count}, whoever finds it, the parser or this
     * service.
     */
    public static ServiceException applyRefused() {
        return new ServiceException.NotImplemented(ErrorCode.QUERY_FEATURE_UNSUPPORTED, "$apply",
                "$apply and $compute are supported on collections, not on a single entity or a /$count");
    }

    private static void requireCollection(Target target) {
        if (!target.isCollection()) {
            throw new ServiceException.NotImplemented(ErrorCode.NOT_IMPLEMENTED, null,
                    "The path addresses a single entity, not a collection");
        }
    }

    /**
     * A collection reached from an entity exists only while that entity does. The entity only addresses the
     * collection, so looking it up needs no scope of its own (the collection's was checked as its query was built,
     * before this lookup can tell whether the entity exists).
     */
    private void requireParent(Caller caller, Target target) {
        if (target.parent() != null) {
            one(target.parent(), EntityQuery.of(lookup(caller), target.parent(), null, Set.of()));
        }
    }

    private Row one(Target target, EntityQuery query) {
        List<Row> rows = store.rows(query.sql(), query.layout());
        if (rows.isEmpty()) {
            throw new ServiceException.NotFound("The " + target.set().getEntityType().getName().toLowerCase(Locale.ROOT)
                    + " does not exist");
        }
        return rows.get(0);
    }

    private ColumnMap.Table table(Target target) {
        return columns.table(target.set().getEntityType());
    }

    /** What the statements of one read share: the dialect, the caller, the request's aliases and its now(). */
    private QueryContext context(Caller caller, List<AliasQueryOption> aliases) {
        return new QueryContext(dialect, columns, indexes, caller, aliases, OffsetDateTime.now(ZoneOffset.UTC),
                beforeReading);
    }

    /** The context of a lookup the caller is not shown: in its tenant, needing no read scope. */
    private QueryContext lookup(Caller caller) {
        return new QueryContext(dialect, columns, indexes, caller, null, OffsetDateTime.now(ZoneOffset.UTC), null);
    }
}
