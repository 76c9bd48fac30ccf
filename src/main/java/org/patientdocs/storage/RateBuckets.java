package org.patientdocs.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.NopeOptimizationListener;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.delay.DelayOptimization;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import org.patientdocs.config.RateLimits;
import org.patientdocs.query.Dialect;

/**
 * The token buckets of the rate limits (Bucket4j), one per key and limit: on PostgreSQL in the table
 * {@code rate_limit_bucket}, shared by every instance on the database (one short transaction per bucket and request,
 * {@code SELECT … FOR UPDATE} on the bucket's row, or one per so many requests with
 * {@code rate-limit.unsynchronized-requests}); on H2, whose database no other process can open, in this process.
 * <p>
 * A key is stored as the first 8 bytes of the SHA-256 of the key and its limit, so the table holds no identities (the
 * audit trail is the one place that records who did what) and a row stays small whatever the subject. The table is
 * {@code UNLOGGED}: its commits wait for no disk, and a crash of the database empties it, which only fills every bucket
 * again.
 */
public final class RateBuckets {

    /** How many in-process buckets are kept before the full ones, which a new bucket would equal, are dropped. */
    private static final int IN_PROCESS_KEPT = 100_000;
    /**
     * How many buckets' proxies are kept on PostgreSQL with unsynchronized requests. One dropped (or the instance
     * stopped) forgets the requests it took and had not yet written, as many as the setting at most.
     */
    private static final int PROXIES_KEPT = 100_000;
    /** How long an instance's copy of a bucket goes without writing to the shared row, at most. */
    private static final Duration UNSYNCHRONIZED_AT_MOST = Duration.ofSeconds(1);
    /** Every this many takes, rows of buckets that have been full for a while are deleted, this many at most. */
    private static final int CLEANUP_EVERY = 1024;
    private static final int CLEANUP_BATCH = 1000;

    private final BiFunction<Long, BucketConfiguration, Bucket> buckets;
    private final Map<RateLimits.Limit, BucketConfiguration> configurations = new ConcurrentHashMap<>();

    private RateBuckets(BiFunction<Long, BucketConfiguration, Bucket> buckets) {
        this.buckets = buckets;
    }

    /**
     * The buckets for the store the pool opens.
     *
     * @param clock          the time buckets refill by; on PostgreSQL every instance's clock should agree, as NTP
     *                       keeps them
     * @param unsynchronized on PostgreSQL, how many requests this instance takes from its copy of a bucket before it
     *                       writes them to the shared row ({@code rate-limit.unsynchronized-requests}); 0: none
     */
    public static RateBuckets open(DataSource pool, Dialect dialect, Clock clock, int unsynchronized) {
        TimeMeter time = meter(clock);
        return switch (dialect) {
            case H2 -> inProcess(time);
            case POSTGRESQL -> inPostgres(pool, time, unsynchronized);
        };
    }

    private static RateBuckets inProcess(TimeMeter time) {
        Map<Long, LocalBucket> local = new ConcurrentHashMap<>();
        return new RateBuckets((id, configuration) -> {
            if (local.size() > IN_PROCESS_KEPT) {
                local.values().removeIf(bucket -> bucket.getAvailableTokens() >= capacity(bucket.getConfiguration()));
            }
            return local.computeIfAbsent(id, key -> Bucket.builder().addLimit(configuration.getBandwidths()[0])
                    .withCustomTimePrecision(time).build());
        });
    }

    /**
     * With {@code unsynchronized} requests, each bucket's proxy is kept (Bucket4j's delaying optimization holds the
     * bucket's last state read and the requests taken since): it admits or refuses from that copy until it has taken
     * that many, or a second has passed, and then writes them to the row in the transaction that takes the next one.
     * Requests taken by two instances in between are all written, so the bucket may go below empty, and a caller who
     * got more than the limit waits longer for the next request.
     */
    private static RateBuckets inPostgres(DataSource pool, TimeMeter time, int unsynchronized) {
        PostgreSQLSelectForUpdateBasedProxyManager<Long> proxies = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(pool)
                .primaryKeyMapper(PrimaryKeyMapper.LONG)
                .table("rate_limit_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofMinutes(1)))
                .clientClock(time)
                .build();
        AtomicLong takes = new AtomicLong();
        BiFunction<Long, BucketConfiguration, Bucket> build = unsynchronized == 0
                ? (id, configuration) -> proxies.builder().build(id, () -> configuration)
                : kept(proxies, new DelayOptimization(new DelayParameters(unsynchronized, UNSYNCHRONIZED_AT_MOST),
                        NopeOptimizationListener.INSTANCE, time));
        return new RateBuckets((id, configuration) -> {
            if (takes.incrementAndGet() % CLEANUP_EVERY == 0) {
                proxies.removeExpired(CLEANUP_BATCH);
            }
            return build.apply(id, configuration);
        });
    }

    /** Proxies that keep what the optimization holds between requests: one per bucket, the least used dropped. */
    private static BiFunction<Long, BucketConfiguration, Bucket> kept(
            PostgreSQLSelectForUpdateBasedProxyManager<Long> proxies, Optimization optimization) {
        Cache<Long, Bucket> kept = Caffeine.newBuilder().maximumSize(PROXIES_KEPT)
                .expireAfterAccess(Duration.ofMinutes(10)).executor(Runnable::run).build();
        return (id, configuration) -> kept.get(id, key -> proxies.builder().withOptimization(optimization)
                .build(key, () -> configuration));
    }

    /**
     * Takes one request from the key's bucket under the limit.
     *
     * @return zero if the request is admitted; otherwise how long, in nanoseconds, until the bucket admits one
     */
    public long take(String key, RateLimits.Limit limit) {
        try {
            ConsumptionProbe probe = bucket(key, limit).tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
        } catch (BucketExceptions.BucketExecutionException e) {
            throw failure(e);
        }
    }

    /** Gives back a request taken from the key's bucket: another limit refused it, so it costs the caller nothing. */
    public void giveBack(String key, RateLimits.Limit limit) {
        try {
            bucket(key, limit).addTokens(1);
        } catch (BucketExceptions.BucketExecutionException e) {
            throw failure(e);
        }
    }

    /**
     * The key's bucket under this limit. The limit is part of the bucket's id: a bucket keeps the configuration it
     * was made with (on PostgreSQL Bucket4j stores it in the row and never replaces it), so without it a changed
     * {@code rate-limit.*} would not reach a caller who kept sending, whose row never expires, while the 429 named
     * the new limit. With it, a start with another limit uses new buckets, and the old rows expire.
     */
    private Bucket bucket(String key, RateLimits.Limit limit) {
        return buckets.apply(id(key + "\n" + limit.requestsPerMinute() + "/" + limit.burst()),
                configurations.computeIfAbsent(limit, RateBuckets::configuration));
    }

    private static BucketConfiguration configuration(RateLimits.Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limit.burst())
                        .refillGreedy(limit.requestsPerMinute(), Duration.ofMinutes(1)).build())
                .build();
    }

    private static long capacity(BucketConfiguration configuration) {
        return configuration.getBandwidths()[0].getCapacity();
    }

    private static RuntimeException failure(BucketExceptions.BucketExecutionException e) {
        return e.getCause() instanceof SQLException sql ? StoreFailure.of(sql) : e;
    }

    static long id(String key) {
        return ByteBuffer.wrap(ContentSpool.sha256().digest(key.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    /** The clock as Bucket4j reads time: nanoseconds of the wall clock, which all instances share. */
    private static TimeMeter meter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
