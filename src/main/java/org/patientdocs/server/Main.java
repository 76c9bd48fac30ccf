package org.patientdocs.server;

import java.io.PrintStream;

import org.patientdocs.auth.DevCommands;
import org.patientdocs.config.ConfigException;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

/**
 * Starts the service, or runs one of the development commands ({@code token --subject …}, {@code api-key}),
 * {@code audit-verify}, {@code backup}, {@code verify-documents} or an encryption command ({@code rewrap-keys},
 * {@code encrypt-documents}) with the same configuration; or the build's training run for class data sharing
 * ({@code class-data}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ServiceConfig config;
        try {
            config = ConfigLoader.load();
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        LogFormat.apply(config.operations().logFormat());
        if (DevCommands.handles(args)) {
            System.exit(DevCommands.run(args, config, System.out, System.err));
            return;
        }
        if (args.length == 1 && AuditVerifyCommand.NAME.equals(args[0])) {
            System.exit(AuditVerifyCommand.run(config, System.out, System.err));
            return;
        }
        if (args.length == 1 && BackupCommand.NAME.equals(args[0])) {
            System.exit(BackupCommand.run(config, System.out, System.err));
            return;
        }
        if (args.length == 1 && VerifyDocumentsCommand.NAME.equals(args[0])) {
            System.exit(VerifyDocumentsCommand.run(config, System.out, System.err));
            return;
        }
        if (args.length == 1 && ClassDataCommand.NAME.equals(args[0])) {
            System.exit(ClassDataCommand.run(System.out, System.err));
            return;
        }
        if (EncryptionCommand.handles(args)) {
            System.exit(EncryptionCommand.run(args[0], config, System.out, System.err));
            return;
        }
        if (args.length > 0) {
            System.err.println("usage: java -jar documents-odata.jar [token --subject <id> [--tenant <tenant>]"
                    + " [--scope \"<scopes>\"] | api-key [--tenant <tenant>] | audit-verify | backup | rewrap-keys"
                    + " | encrypt-documents | verify-documents]");
            System.exit(2);
            return;
        }
        ServiceRuntime runtime;
        try {
            runtime = ServiceRuntime.start(config);
        } catch (ServiceRuntime.CannotListen e) {
            // the operator's mistake, not the program's: one line naming the setting, no stack trace
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        } catch (ConfigException e) {
            // a setting only start-up can check: a keyring that is missing, malformed, or lacks a key stored documents
            // need, or a TLS key file that cannot be used
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runtime.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + e.getClass().getSimpleName());
            }
        }, "shutdown"));
        announce(config, runtime, System.out);
        runtime.join();
    }

    private static void announce(ServiceConfig config, ServiceRuntime runtime, PrintStream out) {
        out.println("Patient documents OData service at " + runtime.baseUri());
        if (config.auth().mode() == ServiceConfig.Auth.Mode.DEVELOPMENT) {
            out.println("Development mode: signing key and API key are in " + config.storage().devDir());
            out.println("  a token:     java -jar target/documents-odata.jar token --subject user-456");
            out.println("  the API key: java -jar target/documents-odata.jar api-key");
            out.println("  another tenant: add --tenant clinic-b to both; fewer scopes: --scope \"documents.read\"");
            if (config.documents().encryption().encryptNew() && !config.documents().encryption().hasKeyring()) {
                out.println("Encryption at rest with the development keyring " + config.storage().devDir()
                        .resolve("keyring.json") + " (never in production: see the README)");
            }
        }
    }
}
