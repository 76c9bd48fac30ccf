package org.patientdocs.auth;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.patientdocs.config.ServiceConfig;

/**
 * The command-line helpers for local use in development mode, reading the same configuration (and so the same
 * data directory) as the server: {@code token --subject <sub> [--tenant T] [--scope "…"] [--ttl-minutes N]} prints a
 * token the server accepts (for the default tenant and with every scope unless told otherwise), {@code api-key
 * [--tenant T]} prints the development API key of the default tenant or of tenant T (made on first use, and accepted
 * by a running server at once). Standard output gets only that value and a newline, so
 * {@code $(java -jar … token --subject user-456)} works; everything else goes to standard error.
 */
public final class DevCommands {

    public static final String TOKEN = "token";
    public static final String API_KEY = "api-key";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int DEFAULT_TTL_MINUTES = 60;
    static final int MAX_TTL_MINUTES = 24 * 60;
    static final String USAGE_TEXT = """
            usage: java -jar documents-odata.jar token --subject <subject> [--tenant <tenant, default %s>]
                       [--scope "<scopes, space-separated; default: all>"] [--ttl-minutes <1..%d, default %d>]
                   java -jar documents-odata.jar api-key [--tenant <tenant, default %s>]
            """.formatted(Caller.DEFAULT_TENANT, MAX_TTL_MINUTES, DEFAULT_TTL_MINUTES, Caller.DEFAULT_TENANT);

    private DevCommands() {
    }

    /** Whether {@code args} name one of these commands (and {@link #run} should handle them). */
    public static boolean handles(String[] args) {
        return args.length > 0 && (TOKEN.equals(args[0]) || API_KEY.equals(args[0]));
    }

    /**
     * The value a command prints (a token, an API key), for the service's own tools.
     *
     * @throws IllegalStateException with what the command said, when it fails
     */
    public static String value(ServiceConfig config, String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        if (run(args, config, new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8)) != OK) {
            throw new IllegalStateException(said.toString(StandardCharsets.UTF_8).trim());
        }
        return printed.toString(StandardCharsets.UTF_8).trim();
    }

    /** Runs a command; returns the process exit code: 0 done, 1 failed, 2 wrong usage or production mode. */
    public static int run(String[] args, ServiceConfig config, PrintStream out, PrintStream err) {
        if (!handles(args)) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (config.auth().mode() != ServiceConfig.Auth.Mode.DEVELOPMENT) {
            err.println(args[0] + " works only in development mode (auth.mode=development): in production, tokens "
                    + "come from the identity provider and API keys from whoever configured auth.api-key-sha256.");
            return USAGE;
        }
        Options options = Options.parse(args);
        if (options == null) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        Duration maxLifetime = config.auth().maxTokenLifetime();
        if (TOKEN.equals(args[0]) && !maxLifetime.isZero()
                && Duration.ofMinutes(options.ttlMinutes()).compareTo(maxLifetime) > 0) {
            err.println("--ttl-minutes " + options.ttlMinutes() + " is longer than auth.max-token-lifetime-seconds ("
                    + maxLifetime.toSeconds() + ") allows: the service would refuse the token.");
            return USAGE;
        }
        String value;
        try {
            DevCredentials dev = DevCredentials.ensure(config.storage().devDir());
            value = TOKEN.equals(args[0]) ? token(dev, options, config.auth()) : dev.apiKey(options.tenant());
        } catch (UncheckedIOException | IllegalStateException e) {
            err.println("cannot read or create the development credentials: " + e.getMessage());
            return FAILED;
        }
        // '\n' rather than println: exactly one line whatever the platform's separator
        out.print(value + "\n");
        out.flush();
        return OK;
    }

    private static String token(DevCredentials dev, Options options, ServiceConfig.Auth auth) {
        String scope = options.scope() != null ? options.scope() : ScopeNames.of(auth.scopes()).all();
        return dev.mintToken(options.subject(), auth.issuer(), auth.audience(),
                Duration.ofMinutes(options.ttlMinutes()), Map.of(auth.tenantClaim(), options.tenant(), "scope", scope));
    }

    /**
     * @param subject the token's subject; null for {@code api-key}
     * @param scope   the token's {@code scope} claim, or null for every scope
     */
    private record Options(String subject, String tenant, String scope, int ttlMinutes) {

        /** The options after the command, or null when they are wrong for it. */
        static Options parse(String[] args) {
            boolean token = TOKEN.equals(args[0]);
            String subject = null;
            String tenant = Caller.DEFAULT_TENANT;
            String scope = null;
            int ttl = DEFAULT_TTL_MINUTES;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    return null;
                }
                String value = args[i + 1];
                switch (token ? args[i] : "api-key " + args[i]) {
                    case "--subject" -> subject = value;
                    case "--scope" -> scope = value.trim();
                    case "--ttl-minutes" -> ttl = parseTtl(value);
                    case "--tenant", "api-key --tenant" -> tenant = value;
                    default -> {
                        return null;
                    }
                }
            }
            if (token && (subject == null || subject.isBlank()) || ttl < 1 || !ServiceConfig.Auth.isTenant(tenant)) {
                return null;
            }
            return new Options(subject, tenant, scope, ttl);
        }

        private static int parseTtl(String value) {
            try {
                int minutes = Integer.parseInt(value);
                return minutes <= MAX_TTL_MINUTES ? minutes : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
