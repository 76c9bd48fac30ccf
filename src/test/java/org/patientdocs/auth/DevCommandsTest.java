package org.patientdocs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.config.ServiceConfig;

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
        assertEquals("user-456", Authenticator.create(config).verifyToken(token).subject());
        assertEquals("", err());
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
        Authenticator.create(config).checkApiKey(apiKey);
        assertTrue(new ApiKeys(List.of(ApiKeys.sha256Hex(DevCredentials.ensure(config.storage().devDir()).apiKey())))
                .accepts(apiKey));
    }

    @Test
    void commandsAndServerShareTheDataDirectory() {
        ServiceConfig config = TestTokens.config(dataDir);
        Authenticator server = Authenticator.create(config);
        run(config, "api-key");
        String apiKey = singleLine();
        out.reset();
        run(config, "token", "--subject", "user-456");
        server.checkApiKey(apiKey);
        assertEquals("user-456", server.verifyToken(singleLine()).subject());
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
            "token --user user-456", "api-key extra"})
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
