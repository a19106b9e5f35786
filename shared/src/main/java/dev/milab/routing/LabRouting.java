package dev.milab.routing;

import java.util.Optional;

import com.azure.core.util.Configuration;

/**
 * The route table in force in this JVM: the one an in-process lab installed, else the one configured with
 * {@code MILAB_ROUTES}/{@code MILAB_CA_FILE}. With neither, nothing is routed and every non-loopback request is
 * refused.
 */
public final class LabRouting {

    private static volatile RouteTable installed;

    private LabRouting() {
    }

    /** Routes this JVM's Azure SDK traffic to a lab; replaces any table installed before. */
    public static void install(RouteTable table) {
        installed = table;
    }

    /** Removes {@code table} if it is the one installed. */
    public static synchronized void uninstall(RouteTable table) {
        if (installed == table) {
            installed = null;
        }
    }

    public static Optional<RouteTable> current() {
        RouteTable table = installed;
        if (table != null) {
            return Optional.of(table);
        }
        Configuration config = Configuration.getGlobalConfiguration();
        return RouteTable.fromSettings(config.get(RouteTable.ROUTES_SETTING), config.get(RouteTable.CA_FILE_SETTING));
    }
}
