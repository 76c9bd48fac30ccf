-- Encryption at rest (documents.encryption): a document's data key, wrapped by the keyring's key key_id; both null
-- when its bytes are stored unencrypted. content_version names the stored bytes a row refers to: 0 for the bytes
-- first stored, 1 once encrypt-documents stored them anew, encrypted, beside the old ones (which it then removes).
-- Portable SQL: BYTEA is PostgreSQL's binary type and an H2 alias of BINARY VARYING.
ALTER TABLE document ADD COLUMN key_id VARCHAR(64);
ALTER TABLE document ADD COLUMN wrapped_key BYTEA;
ALTER TABLE document ADD COLUMN content_version INTEGER DEFAULT 0 NOT NULL;
-- The key ids checked at start-up, and the rows rewrap-keys has left to move onto the primary key.
CREATE INDEX document_key_id ON document (key_id, id);
