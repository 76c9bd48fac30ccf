package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCredentialsTest {

    @TempDir
    Path dataDir;

    @Test
    void firstEnsureCreatesTheKeyFiles() {
        Path devDir = dataDir.resolve("dev");
        DevCredentials dev = DevCredentials.ensure(devDir);
        assertTrue(Files.isRegularFile(devDir.resolve(DevCredentials.SIGNING_KEY_FILE)));
        assertTrue(Files.isRegularFile(devDir.resolve(DevCredentials.API_KEY_FILE)));
        assertEquals(32, Base64.getUrlDecoder().decode(dev.apiKey()).length);
        assertNotNull(dev.keyId());
    }

    @Test
    void secondEnsureReusesTheSameCredentials() {
        Path devDir = dataDir.resolve("dev");
        DevCredentials first = DevCredentials.ensure(devDir);
        DevCredentials second = DevCredentials.ensure(devDir);
        assertEquals(first.apiKey(), second.apiKey());
        assertEquals(first.keyId(), second.keyId());
        assertEquals(first.publicKeys().toString(), second.publicKeys().toString());
    }

    @Test
    void aTenantsKeyIsMadeOnFirstUseKeptAndListedWithTheOthers() throws Exception {
        Path devDir = dataDir.resolve("dev");
        DevCredentials dev = DevCredentials.ensure(devDir);
        String key = dev.apiKey("clinic-b");
        assertEquals(key, DevCredentials.ensure(devDir).apiKey("clinic-b"));
        assertEquals(dev.apiKey(), dev.apiKey(Caller.DEFAULT_TENANT));
        assertFalse(key.equals(dev.apiKey()));
        assertEquals(Map.of(Caller.DEFAULT_TENANT, dev.apiKey(), "clinic-b", key), dev.apiKeys());
        if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", permissions(devDir.resolve(DevCredentials.TENANT_KEYS_DIR).resolve("clinic-b")));
            assertEquals("rwx------", permissions(devDir.resolve(DevCredentials.TENANT_KEYS_DIR)));
        }
        assertThrows(IllegalArgumentException.class, () -> dev.apiKey("../signing-key.jwk"));
    }

    @Test
    void filesAreReadableByTheOwnerOnly() throws Exception {
        assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path devDir = dataDir.resolve("dev");
        DevCredentials.ensure(devDir);
        assertEquals("rw-------", permissions(devDir.resolve(DevCredentials.SIGNING_KEY_FILE)));
        assertEquals("rw-------", permissions(devDir.resolve(DevCredentials.API_KEY_FILE)));
        assertEquals("rwx------", permissions(devDir));
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws Exception {
        Path devDir = dataDir.resolve("dev");
        DevCredentials.ensure(devDir);
        try (var files = Files.list(devDir)) {
            assertEquals(Set.of(DevCredentials.SIGNING_KEY_FILE, DevCredentials.API_KEY_FILE),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void concurrentFirstStartsAgreeOnOneSetOfCredentials() throws Exception {
        Path devDir = dataDir.resolve("dev");
        int starts = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        try {
            List<Future<DevCredentials>> results = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return DevCredentials.ensure(devDir);
                }));
            }
            go.countDown();
            Set<String> apiKeys = new HashSet<>();
            Set<String> keyIds = new HashSet<>();
            for (Future<DevCredentials> result : results) {
                apiKeys.add(result.get().apiKey());
                keyIds.add(result.get().keyId());
            }
            assertEquals(1, apiKeys.size());
            assertEquals(1, keyIds.size());
            assertEquals(keyIds.iterator().next(), DevCredentials.ensure(devDir).keyId());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void publicKeysHoldNoPrivateKey() {
        DevCredentials dev = DevCredentials.ensure(dataDir.resolve("dev"));
        assertEquals(1, dev.publicKeys().getKeys().size());
        assertFalse(dev.publicKeys().getKeys().get(0).isPrivate());
    }

    @Test
    void mintedTokenCarriesTheHeaderAndClaims() throws Exception {
        DevCredentials dev = DevCredentials.ensure(dataDir.resolve("dev"));
        SignedJWT jwt = SignedJWT.parse(dev.mintToken("user-456", "urn:iss", "urn:aud", Duration.ofMinutes(5),
                Map.of("tenant", "clinic-b", "scope", "documents.read")));
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertEquals(dev.keyId(), jwt.getHeader().getKeyID());
        assertEquals("user-456", jwt.getJWTClaimsSet().getSubject());
        assertEquals("urn:iss", jwt.getJWTClaimsSet().getIssuer());
        assertEquals(List.of("urn:aud"), jwt.getJWTClaimsSet().getAudience());
        assertNotNull(jwt.getJWTClaimsSet().getJWTID());
        assertEquals("clinic-b", jwt.getJWTClaimsSet().getClaim("tenant"));
        assertEquals("documents.read", jwt.getJWTClaimsSet().getClaim("scope"));
        long lifetime = jwt.getJWTClaimsSet().getExpirationTime().getTime()
                - jwt.getJWTClaimsSet().getIssueTime().getTime();
        assertTrue(Math.abs(lifetime - Duration.ofMinutes(5).toMillis()) <= 1_000);
    }

    @Test
    void corruptKeyFileIsReportedWithoutItsContent() throws Exception {
        Path devDir = Files.createDirectories(dataDir.resolve("dev"));
        Files.writeString(devDir.resolve(DevCredentials.SIGNING_KEY_FILE), "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DevCredentials.ensure(devDir));
        assertTrue(e.getMessage().contains(DevCredentials.SIGNING_KEY_FILE));
        assertFalse(e.getMessage().contains("c2VjcmV0"));
    }

    @Test
    void publicKeyOnlyFileIsRefused() throws Exception {
        Path devDir = Files.createDirectories(dataDir.resolve("dev"));
        JWK publicOnly = TestTokens.ecKey("k").toPublicJWK();
        Files.writeString(devDir.resolve(DevCredentials.SIGNING_KEY_FILE), publicOnly.toJSONString());
        assertThrows(IllegalStateException.class, () -> DevCredentials.ensure(devDir));
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
