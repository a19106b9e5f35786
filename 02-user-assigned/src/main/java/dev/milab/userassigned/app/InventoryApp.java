package dev.milab.userassigned.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import com.azure.core.exception.ClientAuthenticationException;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The inventory app on each VM. Reads {@code app.properties} (see {@link AppConfig}), signs in to Azure SQL as the
 * user-assigned identity it names and prints who the database says it is and the stock it may read.
 *
 * <pre>
 * java -cp inventory-app.jar dev.milab.userassigned.app.InventoryApp [--config app.properties]
 * </pre>
 * Exit code 0 when it read the stock, 1 when the database refused it, 2 when it got no token (or no configuration).
 */
public final class InventoryApp {

    private static final String IMDS_SAID = "Error Message: ";

    private InventoryApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** The whole program; {@link #main} exits with what it returns. */
    public static int run(String[] args, PrintStream out) {
        Path file = AppConfig.locate(args);
        AppConfig config;
        try {
            config = AppConfig.load(file);
        } catch (Exception e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        try (HikariDataSource pool = SqlDataSources.create(config)) {
            InventoryRepository repository = new InventoryRepository(pool);
            InventoryRepository.SignedIn who = repository.signedIn();
            out.println("Signed in to Azure SQL as " + who.login() + " (database user " + who.databaseUser() + ")");
            List<StockItem> stock = repository.stock();
            stock.forEach(i -> out.printf("%-8s %-16s %5d%n", i.sku(), i.name(), i.onHand()));
            return 0;
        } catch (RuntimeException | SQLException e) {
            return explain(e, out);
        }
    }

    /** Says why there was no token or no login, in the words of IMDS, the SDK or the server. */
    static int explain(Exception e, PrintStream out) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                out.println("Cannot read stock: no token: " + reason(t));
                return 2;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
                out.println("Cannot read stock: SQL error " + sql.getErrorCode() + ": " + firstLine(sql.getMessage()));
                return 1;
            }
        }
        out.println("Cannot read stock: " + firstLine(String.valueOf(e.getMessage())));
        return 1;
    }

    /**
     * The innermost message of the chain: azure-identity wraps what the token endpoint said ("Managed Identity
     * authentication failed, see inner exception"), and the inner exception carries IMDS's own error text.
     */
    private static String reason(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
        }
        String reason = firstLine(String.valueOf(message));
        // MSAL ends its message with what IMDS said: "... Error Code: invalid_request Error Message: <IMDS's text>".
        int said = reason.lastIndexOf(IMDS_SAID);
        return said < 0 ? reason : reason.substring(said + IMDS_SAID.length()).strip();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
