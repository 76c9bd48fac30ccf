package org.patientdocs.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.patientdocs.config.ServiceConfig;

/**
 * The development-mode credentials under the data directory: an EC P-256 signing key ({@value #SIGNING_KEY_FILE},
 * a private JWK with a key id), the default tenant's API key ({@value #API_KEY_FILE}) and any other tenant's API key
 * ({@value #TENANT_KEYS_DIR}/&lt;tenant&gt;, made when first asked for), all readable by the owner only. The first
 * {@link #ensure} creates the signing key and the default tenant's key, later calls (and other processes) reuse them.
 * Never use in production.
 */
public final class DevCredentials {

    static final String SIGNING_KEY_FILE = "signing-key.jwk";
    static final String API_KEY_FILE = "api-key";
    static final String TENANT_KEYS_DIR = "api-keys";
    private static final int API_KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path devDir;
    private final ECKey signingKey;
    private final String apiKey;

    private DevCredentials(Path devDir, ECKey signingKey, String apiKey) {
        this.devDir = devDir;
        this.signingKey = signingKey;
        this.apiKey = apiKey;
    }

    /**
     * Reads the credentials in {@code devDir}, creating whichever is missing. Safe when several processes start at
     * once: each file is written completely under a temporary name, then linked into place only if still absent,
     * and everybody uses what ends up in place.
     *
     * @throws UncheckedIOException  if the directory or files cannot be created or read
     * @throws IllegalStateException if an existing file holds something else than such a credential
     */
    public static DevCredentials ensure(Path devDir) {
        Path keyFile = devDir.resolve(SIGNING_KEY_FILE);
        Path apiKeyFile = devDir.resolve(API_KEY_FILE);
        try {
            createPrivateDirectories(devDir);
            ECKey key = parseSigningKey(readOrCreate(keyFile, DevCredentials::newSigningKey), keyFile);
            return new DevCredentials(devDir, key, readApiKey(apiKeyFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read the development credentials in " + devDir, e);
        }
    }

    /** The public half of the signing key, for verifying the tokens {@link #mintToken} signs. */
    public JWKSet publicKeys() {
        return new JWKSet(signingKey.toPublicJWK());
    }

    /** The key id of the signing key. */
    public String keyId() {
        return signingKey.getKeyID();
    }

    /** The default tenant's development API key, in clear. */
    public String apiKey() {
        return apiKey;
    }

    /**
     * A tenant's development API key, in clear, made when first asked for.
     *
     * @throws IllegalArgumentException if the text cannot name a tenant
     * @throws UncheckedIOException     if the key cannot be created or read
     */
    public String apiKey(String tenant) {
        if (!ServiceConfig.Auth.isTenant(tenant)) {
            throw new IllegalArgumentException("not a tenant name");
        }
        if (Caller.DEFAULT_TENANT.equals(tenant)) {
            return apiKey;
        }
        Path dir = devDir.resolve(TENANT_KEYS_DIR);
        try {
            createPrivateDirectories(dir);
            return readApiKey(dir.resolve(tenant));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or read the development API key of a tenant", e);
        }
    }

    /**
     * Every development API key made so far, by tenant, read now: a key made by another process since (the
     * {@code api-key --tenant} command while the service runs) is among them.
     */
    public Map<String, String> apiKeys() {
        Map<String, String> keys = new TreeMap<>();
        keys.put(Caller.DEFAULT_TENANT, apiKey);
        Path dir = devDir.resolve(TENANT_KEYS_DIR);
        if (!Files.isDirectory(dir)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String tenant = file.getFileName().toString();
                // the temporary files of a key being made start with '.', which no tenant does
                if (ServiceConfig.Auth.isTenant(tenant)) {
                    String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (!key.isEmpty()) {
                        keys.put(tenant, key);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the development API keys", e);
        }
        return keys;
    }

    /**
     * A compact ES256 token with {@code kid}, {@code typ} JWT and sub, iss, aud, iat, exp and jti, plus the given
     * claims (the tenant, the scopes).
     */
    public String mintToken(String subject, String issuer, String audience, Duration ttl, Map<String, ?> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(issuer)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        claims.forEach(builder::claim);
        JWTClaimsSet claimsSet = builder.build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claimsSet);
        try {
            jwt.sign(new ECDSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the development key", e);
        }
        return jwt.serialize();
    }

    private static String readApiKey(Path file) throws IOException {
        String key = readOrCreate(file, DevCredentials::newApiKey).strip();
        if (key.isEmpty()) {
            throw new IllegalStateException(file + " is empty; delete it to create a new API key");
        }
        return key;
    }

    private static String readOrCreate(Path target, Supplier<String> content) throws IOException {
        if (!Files.exists(target)) {
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                    ownerOnly(target.getParent(), "rw-------"));
            try {
                Files.writeString(temp, content.get(), StandardCharsets.UTF_8);
                publish(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return Files.readString(target, StandardCharsets.UTF_8);
    }

    /** Puts a complete file in place unless another process already did; the first one wins. */
    private static void publish(Path temp, Path target) throws IOException {
        try {
            // a hard link is atomic and, unlike rename, fails when the target exists
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            // another process was first; its file is kept
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here (e.g. FAT): a rename that refuses to replace is the next best thing
            try {
                Files.move(temp, target);
            } catch (FileAlreadyExistsException raced) {
                // another process was first; its file is kept
            }
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            try {
                Files.createDirectory(dir, ownerOnly(dir.toAbsolutePath().getParent(), "rwx------"));
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw e;
                }
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir, String permissions) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
            };
        }
        return new FileAttribute<?>[0];
    }

    private static ECKey parseSigningKey(String json, Path file) {
        try {
            if (JWK.parse(json) instanceof ECKey key && key.isPrivate() && Curve.P_256.equals(key.getCurve())
                    && key.getKeyID() != null) {
                return key;
            }
        } catch (ParseException e) {
            // reported below without the file content, which is a private key
        }
        throw new IllegalStateException(file + " is not an EC P-256 private JWK with a key id; "
                + "delete it to create a new signing key");
    }

    private static String newSigningKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .generate()
                    .toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    private static String newApiKey() {
        byte[] bytes = new byte[API_KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n";
    }
}
