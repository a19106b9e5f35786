package dev.milab.keyvaultonprem.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;

/**
 * The app: reads {@code app.properties} (see {@link AppConfig}), gets the database password from wherever it is, and
 * prints the settings it would connect with. It never prints the password, only its length and a fingerprint.
 *
 * <pre>
 * java -cp 'app.jar:lib/*' dev.milab.keyvaultonprem.app.SettingsApp [--config app.properties]
 * </pre>
 * Exit code 0 when it has the password, 1 when Key Vault refused, 2 when it found no credential (or the credential
 * was refused by Entra ID), 3 when the config file is wrong.
 */
public final class SettingsApp {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private SettingsApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** The whole program; {@link #main} exits with what it returns. */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, new SettingsLoader());
    }

    static int run(String[] args, PrintStream out, SettingsLoader loader) {
        Path file = AppConfig.locate(args);
        AppConfig config;
        try {
            config = AppConfig.load(file);
        } catch (Exception e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 3;
        }
        try {
            DatabaseSettings settings = loader.load(config);
            out.println("db.url      " + settings.url());
            out.println("db.user     " + settings.user());
            out.println("db.password " + "*".repeat(8) + " (" + settings.password().length() + " chars, sha256 "
                + settings.passwordFingerprint() + ")");
            out.println("from        " + settings.source());
            return 0;
        } catch (RuntimeException e) {
            return explain(config, e, out);
        }
    }

    /** Says who refused, in the words of Key Vault, Entra ID or the SDK. */
    static int explain(AppConfig config, RuntimeException e, PrintStream out) {
        String what = "Cannot read " + config.secretName() + " from " + config.vaultUrl().map(Object::toString)
            .orElse("?");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                // DefaultAzureCredential's message has a line per credential it tried; the first sentence of each.
                String[] lines = String.valueOf(t.getMessage()).split("\\R");
                out.println(what + ": no token: " + firstSentence(lines[0]));
                for (int i = 1; i < Math.min(lines.length, 8); i++) {
                    if (!lines[i].isBlank()) {
                        out.println("  " + firstSentence(lines[i].strip()));
                    }
                }
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                if (root != t) {
                    out.println("  because: " + firstSentence(String.valueOf(root.getMessage())));
                }
                return 2;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            // A credential used on its own (not through DefaultAzureCredential) lets MSAL's exception through.
            if (t.getClass().getName().startsWith("com.microsoft.aad.msal4j.")) {
                out.println(what + ": no token: " + firstSentence(String.valueOf(t.getMessage())));
                return 2;
            }
        }
        if (e instanceof HttpResponseException http) {
            String body = String.valueOf(http.getMessage());
            Matcher codes = CODE.matcher(body);
            StringBuilder code = new StringBuilder();
            while (codes.find()) {
                code.append(code.length() == 0 ? "" : " / ").append(codes.group(1));
            }
            Matcher message = MESSAGE.matcher(body);
            out.println(what + ": " + http.getResponse().getStatusCode() + " " + code + ": "
                + firstSentence(message.find() ? message.group(1).replace("\\r", "").replace("\\n", " ")
                .replace("\\'", "'").replace("\\\"", "\"") : body));
            return 1;
        }
        out.println(what + ": " + e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage())));
        return 2;
    }

    /** Up to the first full stop that ends a sentence (Entra ID's messages go on with trace and correlation ids). */
    static String firstSentence(String text) {
        String line = firstLine(text);
        int stop = line.indexOf(". ");
        return stop < 0 ? line : line.substring(0, stop + 1);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
