-- PostgreSQL only: the token buckets of the rate limits (rate-limit.* settings), shared by every instance on this
-- database. Bucket4j's PostgreSQL backend reads a bucket's row FOR UPDATE, computes its new state and writes it back, in
-- one short transaction per bucket and request. id is the first 8 bytes of the SHA-256 of the bucket's key (an API key's
-- identifier or a tenant and subject), so no identity is stored here; state is Bucket4j's serialised bucket; expires_at
-- (epoch milliseconds) is when the bucket has been full again for a minute and its row may be deleted.
-- UNLOGGED: a bucket is worth no disk write. Its commits wait for no WAL flush, and a crash of the database empties the
-- table, which only gives every caller a full bucket again. H2 keeps buckets in the service's process instead.
CREATE UNLOGGED TABLE rate_limit_bucket (
    id BIGINT PRIMARY KEY,
    state BYTEA,
    expires_at BIGINT
);

CREATE INDEX rate_limit_bucket_expires_at ON rate_limit_bucket (expires_at);
