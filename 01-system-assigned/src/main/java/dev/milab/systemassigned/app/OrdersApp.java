package dev.milab.systemassigned.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import com.azure.core.exception.ClientAuthenticationException;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The orders app on VM1. Reads {@code app.properties} (see {@link AppConfig}), signs in to Azure SQL and prints who
 * the database says it is and the orders it may read.
 *
 * <pre>
 * java -jar orders-app.jar [--config app.properties] [--every MILLIS --times N]
 * </pre>
 * With {@code --every}, it reads the orders N times, MILLIS apart, through one connection pool, as a service does.
 * Exit code 0 when it read the orders, 1 when the database refused it, 2 when it had no credential.
 */
public final class OrdersApp {

    private OrdersApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** The whole program; {@link #main} exits with what it returns. */
    public static int run(String[] args, PrintStream out) {
        long every = 0;
        int times = 1;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--every")) {
                every = Long.parseLong(args[i + 1]);
            } else if (args[i].equals("--times")) {
                times = Integer.parseInt(args[i + 1]);
            }
        }
        Path file = AppConfig.locate(args);
        AppConfig config;
        try {
            config = AppConfig.load(file);
        } catch (Exception e) {
            out.println("Cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        try (HikariDataSource pool = SqlDataSources.create(config)) {
            OrdersRepository repository = new OrdersRepository(pool);
            OrdersRepository.SignedIn who = repository.signedIn();
            out.println("Signed in to Azure SQL as " + who.login() + " (database user " + who.databaseUser() + ")");
            for (int round = 1; round <= times; round++) {
                if (round > 1) {
                    Thread.sleep(every);
                }
                List<Order> orders = repository.orders();
                if (times == 1) {
                    orders.forEach(o -> out.printf("Order %d  %-12s %10s%n", o.id(), o.customer(), o.total()));
                } else {
                    out.println("Round " + round + ": read " + orders.size() + " orders");
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException | SQLException e) {
            return explain(e, out);
        }
    }

    /** Says why the database or the credential refused, in the words of the server or the SDK. */
    private static int explain(Exception e, PrintStream out) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                out.println("Cannot read orders: no token: " + firstLine(t.getMessage()));
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                if (root != t) {
                    out.println("  because: " + root.getClass().getName() + ": " + firstLine(String.valueOf(
                        root.getMessage())));
                }
                return 2;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
                out.println("Cannot read orders: SQL error " + sql.getErrorCode() + ": " + firstLine(sql.getMessage()));
                return 1;
            }
        }
        out.println("Cannot read orders: " + firstLine(String.valueOf(e.getMessage())));
        return 1;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
