package org.patientdocs.auth;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;

import org.patientdocs.config.ServiceConfig;

/**
 * The command-line helpers for local use in development mode, reading the same configuration (and so the same
 * data directory) as the server: {@code token --subject <sub> [--ttl-minutes N]} prints a token the server
 * accepts, {@code api-key} prints the development API key. Standard output gets only that value and a newline,
 * so {@code $(java -jar … token --subject user-456)} works; everything else goes to standard error.
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
            usage: java -jar documents-odata.jar token --subject <subject> [--ttl-minutes <1..%d, default %d>]
                   java -jar documents-odata.jar api-key
            """.formatted(MAX_TTL_MINUTES, DEFAULT_TTL_MINUTES);

    private DevCommands() {
    }

    /** Whether {@code args} name one of these commands (and {@link #run} should handle them). */
    public static boolean handles(String[] args) {
        return args.length > 0 && (TOKEN.equals(args[0]) || API_KEY.equals(args[0]));
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
        TokenRequest request = TOKEN.equals(args[0]) ? TokenRequest.parse(args) : null;
        if (TOKEN.equals(args[0]) && request == null || API_KEY.equals(args[0]) && args.length != 1) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        Duration maxLifetime = config.auth().maxTokenLifetime();
        if (request != null && !maxLifetime.isZero()
                && Duration.ofMinutes(request.ttlMinutes()).compareTo(maxLifetime) > 0) {
            err.println("--ttl-minutes " + request.ttlMinutes() + " is longer than auth.max-token-lifetime-seconds ("
                    + maxLifetime.toSeconds() + ") allows: the service would refuse the token.");
            return USAGE;
        }
        DevCredentials dev;
        try {
            dev = DevCredentials.ensure(config.storage().devDir());
        } catch (UncheckedIOException | IllegalStateException e) {
            err.println("cannot read or create the development credentials: " + e.getMessage());
            return FAILED;
        }
        String value = request == null ? dev.apiKey() : dev.mintToken(request.subject(), config.auth().issuer(),
                config.auth().audience(), Duration.ofMinutes(request.ttlMinutes()));
        // '\n' rather than println: exactly one line whatever the platform's separator
        out.print(value + "\n");
        out.flush();
        return OK;
    }

    private record TokenRequest(String subject, int ttlMinutes) {

        /** The options after {@code token}, or null when they are wrong. */
        static TokenRequest parse(String[] args) {
            String subject = null;
            int ttl = DEFAULT_TTL_MINUTES;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    return null;
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--subject" -> subject = value;
                    case "--ttl-minutes" -> ttl = parseTtl(value);
                    default -> {
                        return null;
                    }
                }
            }
            return subject == null || subject.isBlank() || ttl < 1 ? null : new TokenRequest(subject, ttl);
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
