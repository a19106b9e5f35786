package dev.milab.testing;

import java.net.SocketPermission;
import java.security.Permission;

import dev.milab.routing.Loopback;

/**
 * A test-JVM guard that refuses every connection to a non-loopback address before a packet leaves, whatever code
 * asks for it (a misrouted SDK call, a probe with {@code HttpURLConnection}, a raw socket). It is the second wall
 * behind the lab's fail-closed routing client. Installed for every test run by {@link LoopbackGuardInstaller}.
 *
 * <p>Name resolution ({@code port == -1}) is allowed; connecting is not.
 */
@SuppressWarnings("removal")
public final class LoopbackGuard extends SecurityManager {

    @Override
    public void checkPermission(Permission perm) {
        if (perm instanceof SocketPermission socket && socket.getActions().contains("connect")) {
            String name = socket.getName();
            int colon = name.lastIndexOf(':');
            String host = colon > 0 && !name.endsWith("]") ? name.substring(0, colon) : name;
            checkConnect(host, 0);
        }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        checkPermission(perm);
    }

    @Override
    public void checkConnect(String host, int port) {
        if (port == -1) {
            return;
        }
        if (!Loopback.isLoopbackLiteral(host)) {
            throw new SecurityException("LoopbackGuard: refused a connection to " + host + (port > 0 ? ":" + port : "")
                + ". Tests may only connect to 127.0.0.0/8 or ::1.");
        }
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        checkConnect(host, port);
    }
}
