package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ServiceConfig;
import org.patientdocs.error.ServiceException;

class DevCommandsTest {

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void tokenCommandPrintsOneLineThatTheServerAccepts() {
        ServiceConfig config = TestTokens.config(dataDir);
        assertEquals(0, run(config, "token", "--subject", "user-456"));
        String token = singleLine();
        Caller caller = Authenticator.create(config).authenticate(
                DevCredentials.ensure(config.storage().devDir()).apiKey(), "Bearer " + token);
        assertEquals("user-456", caller.subject());
        assertEquals(Caller.DEFAULT_TENANT, caller.tenant());
        assertEquals(EnumSet.allOf(Scope.class), caller.scopes(), "without --scope, every scope");
        assertEquals("", err());
    }

    @Test
    void tenantOptionsGiveATokenAndAKeyOfThatTenant() {
        ServiceConfig config = TestTokens.config(dataDir);
        Authenticator server = Authenticator.create(config);
        assertEquals(0, run(config, "api-key", "--tenant", "clinic-b"));
        String key = singleLine();
        out.reset();
        assertEquals(0, run(config, "token", "--tenant", "clinic-b", "--subject", "user-9"));
        Caller caller = server.authenticate(key, "Bearer " + singleLine());
        assertEquals("clinic-b", caller.tenant());
        out.reset();
        assertEquals(0, run(config, "api-key", "--tenant", "clinic-b"));
        assertEquals(key, singleLine(), "made on first use, the same afterwards");
        out.reset();
        assertEquals(0, run(config, "api-key"));
        String defaultKey = singleLine();
        assertNotEquals(key, defaultKey);
        assertThrows(ServiceException.Unauthorized.class, () -> server.authenticate(defaultKey,
                "Bearer " + DevCredentials.ensure(config.storage().devDir()).mintToken("user-9", TestTokens.ISSUER,
                        TestTokens.AUDIENCE, Duration.ofMinutes(5), Map.of("tenant", "clinic-b"))));
    }

    @Test
    void scopeOptionGivesTheTokenOnlyThoseScopes() {
        ServiceConfig config = TestTokens.config(dataDir, "auth.scope.patients-read", "patients:read");
        Authenticator server = Authenticator.create(config);
        String key = DevCredentials.ensure(config.storage().devDir()).apiKey();
        assertEquals(0, run(config, "token", "--subject", "user-456", "--scope", "documents.read patients:read"));
        assertEquals(Set.of(Scope.DOCUMENTS_READ, Scope.PATIENTS_READ),
                server.authenticate(key, "Bearer " + singleLine()).scopes());
        out.reset();
        assertEquals(0, run(config, "token", "--subject", "user-456", "--scope", ""));
        assertEquals(Set.of(), server.authenticate(key, "Bearer " + singleLine()).scopes());
    }

    @Test
    void tokenCommandHonoursTheTimeToLive() throws Exception {
        assertEquals(0, run(TestTokens.config(dataDir), "token", "--ttl-minutes", "5", "--subject", "user-456"));
        Instant expiry = SignedJWT.parse(singleLine()).getJWTClaimsSet().getExpirationTime().toInstant();
        Duration left = Duration.between(Instant.now(), expiry);
        assertTrue(left.compareTo(Duration.ofMinutes(4)) > 0 && left.compareTo(Duration.ofMinutes(5)) <= 0);
    }

    @Test
    void tokenCommandRefusesALifetimeTheServerWouldRefuse() {
        ServiceConfig config = TestTokens.config(dataDir, "auth.max-token-lifetime-seconds", "600");
        assertEquals(2, run(config, "token", "--subject", "user-456", "--ttl-minutes", "11"));
        assertEquals("", out());
        assertTrue(err().contains("auth.max-token-lifetime-seconds"), err());
        assertEquals(0, run(config, "token", "--subject", "user-456", "--ttl-minutes", "10"));
        assertEquals("user-456", Authenticator.create(config).verifyToken(singleLine()).subject());
    }

    @Test
    void apiKeyCommandPrintsOneLineThatTheServerAccepts() {
        ServiceConfig config = TestTokens.config(dataDir);
        assertEquals(0, run(config, "api-key"));
        String apiKey = singleLine();
        assertEquals(Caller.DEFAULT_TENANT, Authenticator.create(config).checkApiKey(apiKey).tenant());
        assertEquals(DevCredentials.ensure(config.storage().devDir()).apiKey(), apiKey);
    }

    @Test
    void commandsAndServerShareTheDataDirectory() {
        ServiceConfig config = TestTokens.config(dataDir);
        Authenticator server = Authenticator.create(config);
        run(config, "api-key");
        String apiKey = singleLine();
        out.reset();
        run(config, "token", "--subject", "user-456");
        assertEquals("user-456", server.authenticate(apiKey, "Bearer " + singleLine()).subject());
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "api-key"})
    void productionModeRefusesBothCommands(String command) {
        ServiceConfig config = TestTokens.config(dataDir, "auth.mode", "production", "auth.jwks", "jwks.json",
                "auth.api-key-sha256", ApiKeys.sha256Hex("k"));
        assertEquals(2, run(config, command, "--subject", "user-456"));
        assertEquals("", out());
        assertTrue(err().contains("development mode"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tokens", "token", "token --subject", "token --subject user-456 --ttl-minutes 0",
            "token --subject user-456 --ttl-minutes ten", "token --subject user-456 --ttl-minutes 100000",
            "token --user user-456", "api-key extra", "api-key --tenant", "api-key --subject user-456",
            "api-key --tenant a/b", "token --subject user-456 --tenant ../x", "token --subject user-456 --tenant"})
    void wrongUsagePrintsUsageOnStandardError(String commandLine) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        assertEquals(2, DevCommands.run(args, TestTokens.config(dataDir), stream(out), stream(err)));
        assertEquals("", out());
        assertTrue(err().startsWith("usage:"));
    }

    @Test
    void handlesOnlyItsOwnCommands() {
        assertTrue(DevCommands.handles(new String[] {"token"}));
        assertTrue(DevCommands.handles(new String[] {"api-key"}));
        assertFalse(DevCommands.handles(new String[] {"serve"}));
        assertFalse(DevCommands.handles(new String[0]));
    }

    private int run(ServiceConfig config, String... args) {
        return DevCommands.run(args, config, stream(out), stream(err));
    }

    private String singleLine() {
        String text = out();
        assertTrue(text.endsWith("\n"), "output ends with a newline");
        String line = text.substring(0, text.length() - 1);
        assertTrue(!line.isEmpty() && !line.contains("\n") && !line.contains("\r") && line.equals(line.strip()),
                "exactly one non-empty line");
        return line;
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
