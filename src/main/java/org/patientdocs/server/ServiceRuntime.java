package org.patientdocs.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.patientdocs.auth.AuthenticationFilter;
import org.patientdocs.auth.Authenticator;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.SafeTrace;
import org.patientdocs.odata.Model;
import org.patientdocs.odata.ResumableUploadRequests;
import org.patientdocs.odata.Services;
import org.patientdocs.query.Dialect;
import org.patientdocs.query.QueryService;
import org.patientdocs.storage.AuditLog;
import org.patientdocs.storage.AuditTrail;
import org.patientdocs.storage.DataSources;
import org.patientdocs.storage.DatabaseDocumentStore;
import org.patientdocs.storage.DocumentRecords;
import org.patientdocs.storage.DocumentStore;
import org.patientdocs.storage.EncryptedDocumentStore;
import org.patientdocs.storage.EntityStore;
import org.patientdocs.storage.FileDocumentStore;
import org.patientdocs.storage.H2Housekeeping;
import org.patientdocs.storage.IndexCatalog;
import org.patientdocs.storage.Keyring;
import org.patientdocs.storage.PatientStore;
import org.patientdocs.storage.RateBuckets;
import org.patientdocs.storage.ResumableUploads;
import org.patientdocs.storage.S3DocumentStore;
import org.patientdocs.storage.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the database pool (with {@link H2Housekeeping} on the embedded default), the document store
 * with its periodic orphan sweep, and Jetty with its limits on slow clients ({@link JettyLimits}) and the handler and
 * filter chain (the health checks and the metrics, {@link ManagementHandler} → the count of requests in flight,
 * refused once draining, {@link GracefulStop} → the requests' metrics, {@link HttpMetrics} → requests with a body in
 * turn → CORS, when configured → request id and access log → security headers → authentication → rate limits → key
 * compatibility → Olingo). Wiring only; started by {@link Main} and by the integration tests.
 */
public final class ServiceRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

    private static final EnumSet<DispatcherType> REQUESTS = EnumSet.of(DispatcherType.REQUEST);

    /** Connections of the audit trail's writer: one for its commits, one to start a new tenant's chain meanwhile. */
    private static final int AUDIT_CONNECTIONS = 2;
    /** How long a stop waits for an orphan sweep in progress before it closes the pools under it. */
    private static final long SWEEP_STOP_SECONDS = 30;
    private static final int INPUT_BUFFER_BYTES = 64 * 1024;

    private final Server server;
    private final HikariDataSource dataSource;
    private final HikariDataSource auditDataSource;
    private final AuditLog auditLog;
    private final Services services;
    private final ScheduledExecutorService sweeper;
    private final H2Housekeeping housekeeping;
    private final GracefulStop stop;
    private final ServiceMetrics metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServiceRuntime(Server server, HikariDataSource dataSource, HikariDataSource auditDataSource,
                           AuditLog auditLog, Services services, ScheduledExecutorService sweeper,
                           H2Housekeeping housekeeping, GracefulStop stop, ServiceMetrics metrics) {
        this.server = server;
        this.stop = stop;
        this.metrics = metrics;
        this.dataSource = dataSource;
        this.auditDataSource = auditDataSource;
        this.auditLog = auditLog;
        this.services = services;
        this.sweeper = sweeper;
        this.housekeeping = housekeeping;
    }

    /**
     * Opens the database, starts listening and serving. Whatever was opened is closed again when a step fails.
     *
     * @throws CannotListen when the configured address cannot be bound, e.g. because the port is in use
     */
    public static ServiceRuntime start(ServiceConfig config) throws Exception {
        return start(config, UnaryOperator.identity(), Clock.systemUTC());
    }

    /**
     * Starts the service with its audit trail wrapped or replaced: for tests and the benchmark in their own process
     * (which compares the service with and without audit); the service itself ({@link Main}) has no such choice, and
     * no configuration gives it one.
     *
     * @param auditTrail given the service's audit trail, the one to use
     */
    public static ServiceRuntime start(ServiceConfig config, UnaryOperator<AuditTrail> auditTrail) throws Exception {
        return start(config, auditTrail, Clock.systemUTC());
    }

    /**
     * As {@link #start(ServiceConfig)}, with the clock the rate limits' buckets refill by and resumable uploads
     * expire by: tests turn it forward instead of waiting.
     */
    static ServiceRuntime start(ServiceConfig config, Clock clock) throws Exception {
        return start(config, UnaryOperator.identity(), clock);
    }

    private static ServiceRuntime start(ServiceConfig config, UnaryOperator<AuditTrail> auditTrail,
                                        Clock clock) throws Exception {
        // decided once: the migrations, the start-up checks and every statement follow the same store
        Dialect dialect = Dialect.fromJdbcUrl(config.database().url());
        // what needs no database is made while it opens (over a million documents, a third of a start)
        CompletableFuture<Model> model = CompletableFuture.supplyAsync(
                () -> Model.load(config.query().maxPageSize(), config.upload().maxBytes()));
        CompletableFuture<Authenticator> authentication = CompletableFuture.supplyAsync(
                () -> Authenticator.create(config));
        // not waited for: a first request that comes before it is done verifies its token as it would without it
        CompletableFuture<Void> warming = authentication.thenAcceptAsync(Authenticator::warmUp);
        // the first Jetty server and JVM metrics of a process initialise much of the JDK (its MBean server, locale
        // data, HTTP/2's tables): 0.15 s of a start, measured by hand on the 1,000,000-document copy; Jetty listens
        // while the database opens, and holds what arrives meanwhile until the service's handlers are in place
        StartGate gate = new StartGate(config.database().connectTimeout());
        CompletableFuture<Server> listening = CompletableFuture.supplyAsync(() -> listen(config, gate));
        CompletableFuture<ServiceMetrics> measuring = CompletableFuture.supplyAsync(ServiceMetrics::new);
        HikariDataSource dataSource;
        try {
            dataSource = DataSources.open(config.database(), dialect);
        } catch (Exception | Error e) {
            measuring.thenAccept(ServiceMetrics::close);
            abandon(gate, listening, e);
            settle(model, warming, measuring);
            throw e;
        }
        HikariDataSource auditDataSource = null;
        AuditLog auditLog = null;
        Server server = null;
        ServiceMetrics metrics = null;
        Services services = null;
        try {
            metrics = joined(measuring);
            metrics.watch(dataSource);
            auditDataSource = DataSources.pool(config.database(), "audit", AUDIT_CONNECTIONS);
            metrics.watch(auditDataSource);
            Transactions transactions = new Transactions(dataSource);
            auditLog = new AuditLog(auditDataSource, transactions, config.storage().auditJournalDir(),
                    DataSources.onlyThisProcess(config.database().url()) ? AuditLog.Batching.IN_PROCESS
                            : AuditLog.Batching.SHARED);
            services = services(config, transactions, dialect, auditTrail.apply(auditLog), clock, joined(model));
            Authenticator authenticator = joined(authentication);
            Health health = Health.of(config, dataSource, services.documentStore(), authenticator);
            GracefulStop stop = new GracefulStop(health, config.operations());
            server = joined(listening);
            RateBuckets buckets = RateBuckets.open(dataSource, dialect, clock,
                    config.rateLimits().unsynchronizedRequests());
            gate.open(handler(server, config, services, authenticator, buckets, health, stop, metrics));
            ServiceRuntime runtime = new ServiceRuntime(server, dataSource, auditDataSource, auditLog, services,
                    scheduleSweeps(services), H2Housekeeping.start(dataSource), stop, metrics);
            health.serving();
            return runtime;
        } catch (Exception | Error e) {
            try {
                abandon(gate, listening, e);
            } finally {
                if (services != null) {
                    services.documentStore().close();
                }
                closeAudit(auditLog, auditDataSource);
                dataSource.close();
                if (metrics != null) {
                    metrics.close();
                }
                settle(model, warming, measuring);
            }
            throw e;
        }
    }

    /**
     * Jetty started, answering through {@code gate}; a failure to bind the configured address becomes a
     * {@link CannotListen} naming the setting.
     */
    private static Server listen(ServiceConfig config, StartGate gate) {
        Server server = server(config);
        server.setHandler(gate);
        server.setErrorHandler(new JsonErrorHandler());
        // the graceful part of stopping is GracefulStop's, bounded by shutdown.grace-seconds; what is left is closed
        server.setStopTimeout(0);
        try {
            server.start();
            return server;
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new CompletionException(e.getCause() instanceof BindException bind
                    ? new CannotListen(config.http(), bind) : e);
        }
    }

    /**
     * The start failed: what waits in the gate is answered 503, and Jetty stops once {@link #listen} is done, if it
     * started; a failure to stop is added to {@code failure}.
     */
    private static void abandon(StartGate gate, CompletableFuture<Server> listening, Throwable failure) {
        gate.fail();
        Server server = listening.handle((started, notStarted) -> started).join();
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * Waits for work begun while the database opened to end, whatever its outcome: a failed start leaves no thread
     * of its own running. On two cores {@code supplyAsync} starts a thread per task, not a pooled daemon.
     */
    private static void settle(CompletableFuture<?>... work) {
        for (CompletableFuture<?> each : work) {
            each.handle((value, failure) -> null).join();
        }
    }

    /** What the work made while the database opened, or its failure as it was thrown there. */
    private static <T> T joined(CompletableFuture<T> work) throws Exception {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw e;
        }
    }

    private static Services services(ServiceConfig config, Transactions transactions, Dialect dialect,
                                     AuditTrail auditTrail, Clock clock, Model model) {
        // Everything goes through Transactions, so that a change and its audit event, and the changes of a $batch
        // change set, share one transaction.
        DataSource dataSource = transactions.dataSource();
        DocumentRecords records = new DocumentRecords(dataSource);
        try {
            DocumentStore content = documentStore(config, transactions, records);
            // a read of the audit trail shows every access before it: the events still in the journal are moved first
            QueryService.BeforeReading beforeReading = table -> {
                if (table.name().equals(Model.AUDIT_TABLE)) {
                    auditTrail.awaitWritten();
                }
            };
            QueryService queries = new QueryService(model.columns(), dialect, IndexCatalog.read(dataSource, dialect),
                    config.query(), new EntityStore(dataSource, config.query().timeout()), beforeReading);
            // on PostgreSQL every instance can continue an upload another began: its bytes wait in the database
            ResumableUploads uploads = new ResumableUploads(transactions, config.storage().resumableUploadsDir(),
                    dialect == Dialect.POSTGRESQL, clock, config.upload().resumableExpiry());
            return new Services(model, queries, new PatientStore(dataSource), records, content, transactions,
                    auditTrail, config, uploads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the document store", e);
        }
    }

    /**
     * The configured document store, with encryption over it when there is a keyring: what the service and the
     * encryption commands use.
     *
     * @throws org.patientdocs.config.ConfigException when the keyring is missing or malformed, or lacks a key some
     *                                                stored document needs
     */
    static DocumentStore documentStore(ServiceConfig config, Transactions transactions, DocumentRecords records)
            throws IOException {
        DataSource dataSource = transactions.dataSource();
        DocumentStore store = switch (config.documents().store()) {
            case FILESYSTEM -> new FileDocumentStore(config.storage().documentsDir(), records, transactions);
            case DATABASE -> new DatabaseDocumentStore(config.storage().spoolDir(), dataSource, records);
            case S3 -> new S3DocumentStore(config.documents().s3(), config.storage().spoolDir(), records,
                    transactions);
        };
        try {
            return EncryptedDocumentStore.over(store, Keyring.load(config),
                    config.documents().encryption().encryptNew(), records);
        } catch (RuntimeException e) {
            // a keyring that stops the start must not leave the S3 store's connections open
            store.close();
            throw e;
        }
    }

    /**
     * The orphan sweep, on a thread of its own: once as soon as the service serves, then every
     * {@code documents.orphan-sweep-interval-seconds} (never again if zero). The start does not wait for it: with the
     * filesystem store it lists every stored file, which took 0.2 s of a start over 13,000 files (measured by hand),
     * and grows with the store. What it removes is older than {@code documents.orphan-min-age-seconds}, so uploads
     * that begin meanwhile are safe from it, as they are from every later run.
     */
    private static ScheduledExecutorService scheduleSweeps(Services services) {
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "orphan-sweep");
            thread.setDaemon(true);
            return thread;
        });
        Runnable sweep = () -> {
            try {
                sweepOrphans(services);
            } catch (IOException | RuntimeException e) {
                // The next run tries again; a database outage, for one, ends by itself.
                LOG.warn("orphan sweep failed: {}", SafeTrace.describe(e));
            }
        };
        long interval = services.config().documents().sweepInterval().toSeconds();
        if (interval == 0) {
            sweeper.execute(sweep);
        } else {
            sweeper.scheduleWithFixedDelay(sweep, 0, interval, TimeUnit.SECONDS);
        }
        return sweeper;
    }

    private static int sweepOrphans(Services services) throws IOException {
        int removed = services.documentStore().deleteOrphans(services.config().documents().orphanMinAge());
        if (removed > 0) {
            LOG.info("removed {} unreferenced stored files left by interrupted uploads", removed);
        }
        int expired = services.resumableUploads().deleteExpired(services.config().documents().orphanMinAge());
        if (expired > 0) {
            LOG.info("removed {} expired resumable uploads and their leftovers", expired);
        }
        return removed + expired;
    }

    /**
     * Moves the audit events waiting in the journal into the table now, as a read of the trail does: for tests that
     * read the table itself.
     */
    void awaitAudit() {
        services.auditTrail().awaitWritten();
    }

    /**
     * Waits until the sweep at start-up has run (the sweeper runs one task at a time, in the order they were due): for
     * tests that check what it removed, or whose own uploads must not meet it.
     */
    void awaitStartupSweep() throws InterruptedException, ExecutionException {
        sweeper.submit(() -> { }).get();
    }

    /** Runs the orphan sweep now, as the schedule would: for tests that check what a failure leaves behind. */
    int sweepOrphans() throws IOException {
        return sweepOrphans(services);
    }

    /** Jetty with its connectors, not started and handling nothing yet: what needs no database. */
    private static Server server(ServiceConfig config) {
        Server server = new Server(JettyLimits.threadPool(config.clientLimits()));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        server.addConnector(connector(server, http, config, config.http().port(), config.tls().enabled()));
        if (config.operations().separateManagementPort()) {
            // plain HTTP: probes and scrapers inside the network, never the public side
            server.addConnector(connector(server, http, config, config.operations().managementPort(), false));
        }
        return server;
    }

    /** What {@link #server} answers with once the service is ready. */
    private static Handler handler(Server server, ServiceConfig config, Services services,
                                   Authenticator authenticator, RateBuckets rateBuckets, Health health,
                                   GracefulStop stop, ServiceMetrics metrics) {
        ServerConnector management = config.operations().separateManagementPort()
                ? (ServerConnector) server.getConnectors()[1] : null;
        RouteTemplates routes = new RouteTemplates(services.model().metadata().getEdm());
        ServletContextHandler odata = context("/", routes);
        odata.addFilter(new FilterHolder(new AuthenticationFilter(authenticator)), "/*", REQUESTS);
        odata.addFilter(new FilterHolder(new RateLimitFilter(rateBuckets, config.rateLimits(), metrics)), "/*",
                REQUESTS);
        odata.addFilter(new FilterHolder(new UrlCompatibilityFilter()), "/*", REQUESTS);
        odata.addServlet(new ServletHolder(new ODataServlet(services)), "/*");
        odata.addServlet(new ServletHolder(new TusServlet(services,
                new ResumableUploadRequests(services, services.resumableUploads()))), "/uploads/*");
        ServletContextHandler vocabularies = context("/vocabularies", routes);
        vocabularies.addServlet(new ServletHolder(new VocabularyServlet()), "/*");
        stop.handler().setHandler(new HttpMetrics(routes, metrics.registry(), JettyLimits.bodiesInTurn(
                config.clientLimits(),
                Cors.around(new ContextHandlerCollection(vocabularies, odata), config.http().corsOrigins()))));
        return new ManagementHandler(health, metrics, management, config.operations().metricsToken(),
                Backups.of(config, services.transactions().dataSource(), services.documentStore(),
                        services.auditTrail()), stop.handler());
    }

    private static ServerConnector connector(Server server, HttpConfiguration http, ServiceConfig config, int port,
                                             boolean tls) {
        ServerConnector connector = tls ? TlsConnector.create(server, http, config.tls())
                : new ServerConnector(server, http11(http));
        connector.setHost(config.http().host());
        connector.setPort(port);
        JettyLimits.apply(config.clientLimits(), connector);
        return connector;
    }

    /**
     * HTTP/1.1 with reads of up to {@value #INPUT_BUFFER_BYTES} bytes. Jetty's default of 8 KiB hands an upload to
     * the multipart parser, the hash and the file in 3,200 pieces per 25 MiB; measured by hand (wrk, 2 connections,
     * four runs each), 64 KiB made 25 MiB uploads 7 % and 200 KB uploads 9 % faster. The buffer comes from Jetty's
     * pool for a read and goes back once its bytes are consumed, so an idle connection holds none.
     */
    static HttpConnectionFactory http11(HttpConfiguration http) {
        HttpConnectionFactory http11 = new HttpConnectionFactory(http);
        http11.setInputBufferSize(INPUT_BUFFER_BYTES);
        return http11;
    }

    /**
     * A context whose every request gets a request id, an access log line and the security headers, and whose
     * request bodies left unread do not leave a client with a connection closed behind its back.
     */
    private static ServletContextHandler context(String path, RouteTemplates routes) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(path);
        context.addFilter(new FilterHolder(new AccessLogFilter(routes)), "/*", REQUESTS);
        context.addFilter(new FilterHolder(new UnreadBodyFilter()), "/*", REQUESTS);
        context.addFilter(new FilterHolder(new SecurityHeadersFilter()), "/*", REQUESTS);
        context.setErrorHandler(new JsonErrorHandler());
        return context;
    }

    /** The URL the service answers at, e.g. {@code http://127.0.0.1:8080/}, or {@code https://…} with TLS. */
    public URI baseUri() {
        return uriOf((ServerConnector) server.getConnectors()[0]);
    }

    /** The URL of the health checks: the management port's ({@code management.port}), or the service's. */
    public URI managementUri() {
        return uriOf((ServerConnector) server.getConnectors()[server.getConnectors().length - 1]);
    }

    private static URI uriOf(ServerConnector connector) {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1"
                : connector.getHost();
        String scheme = connector.getConnectionFactory(SslConnectionFactory.class) == null ? "http" : "https";
        return URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + connector.getLocalPort() + "/");
    }

    /**
     * The configured address cannot be listened on. The message is one line for the operator that names the setting
     * to change, e.g. {@code http.port 8080 is in use on 127.0.0.1; set HTTP_PORT or -Dhttp.port}.
     */
    public static final class CannotListen extends IOException {
        CannotListen(ServiceConfig.Http http, BindException cause) {
            super(message(http, cause), cause);
        }

        private static String message(ServiceConfig.Http http, BindException cause) {
            String reason = cause.getMessage() == null ? "" : cause.getMessage();
            if (reason.toLowerCase(Locale.ROOT).contains("in use")) {
                return "http.port " + http.port() + " is in use on " + http.host() + "; set HTTP_PORT or -Dhttp.port";
            }
            // e.g. an address of another machine, or a port below 1024 without the privilege
            return "cannot listen on http.host " + http.host() + " http.port " + http.port() + " (" + reason
                    + "); set HTTP_HOST and HTTP_PORT or -Dhttp.host and -Dhttp.port";
        }
    }

    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops the service as the shutdown hook does ({@link Main}): drains it ({@link GracefulStop}: not ready at once,
     * new requests refused after {@code shutdown.delay-seconds}, those in flight given up to
     * {@code shutdown.grace-seconds}), then stops Jetty, moves the audit events still in the journal and closes the
     * pools.
     * Closing again does nothing.
     */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean interrupted = stop.drain();
        try {
            // never interrupted: an interrupt during the embedded H2's file I/O (a sweep asks which files have rows)
            // closes the database; a run in progress ends, later ones are cancelled
            sweeper.shutdown();
            sweeper.awaitTermination(SWEEP_STOP_SECONDS, TimeUnit.SECONDS);
            server.stop();
        } finally {
            try {
                services.documentStore().close();
            } finally {
                try {
                    closeAudit(auditLog, auditDataSource);
                } finally {
                    closeDatabase();
                    metrics.close();
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /**
     * Closes the requests' pool, and with its last connection the embedded H2 database; its housekeeping first, now
     * that nothing writes any more: it rewrites what the last minute left sparse, so that the next start reads few
     * chunks ({@link H2Housekeeping#close}).
     */
    private void closeDatabase() throws InterruptedException {
        try {
            if (housekeeping != null) {
                housekeeping.close();
            }
        } finally {
            dataSource.close();
        }
    }

    /** Moves the audit events still in the journal, then closes the writer's connections. */
    private static void closeAudit(AuditLog auditLog, HikariDataSource auditDataSource)
            throws InterruptedException, IOException {
        try {
            if (auditLog != null) {
                auditLog.close();
            }
        } finally {
            if (auditDataSource != null) {
                auditDataSource.close();
            }
        }
    }
}
