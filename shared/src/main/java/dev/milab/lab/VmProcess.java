package dev.milab.lab;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.milab.routing.RouteTable;

/**
 * Code "running on a VM": a child JVM whose settings route it to that VM's IMDS and to the lab, the way a real
 * VM's network routes {@code 169.254.169.254} to its own host. Each VM is its own process because MSAL's token
 * cache is JVM-wide, and two VMs must never share tokens. Output comes back line by line, prefixed
 * {@code [vm1]}.
 */
public final class VmProcess implements AutoCloseable {

    /**
     * A system property naming a {@code SecurityManager} class that every VM's JVM starts with
     * ({@code -Djava.security.manager=<class>}). Test JVMs set it to their loopback guard, so that code run on a
     * lab VM cannot reach a non-loopback address either, even when misconfigured.
     */
    public static final String SECURITY_MANAGER_PROPERTY = "milab.vm.securityManager";

    private final String vmName;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Object arrived = new Object();
    private final Thread pump;

    private VmProcess(String vmName, Process process, PrintStream echo) {
        this.vmName = vmName;
        this.process = process;
        this.pump = new Thread(() -> pump(process.getInputStream(), echo), "vm-output-" + vmName);
        this.pump.setDaemon(true);
        this.pump.start();
    }

    static VmProcess start(String vmName, Map<String, String> environment, String classPath, String mainClass,
                           List<String> args, PrintStream echo) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String securityManager = System.getProperty(SECURITY_MANAGER_PROPERTY);
        if (securityManager != null && !securityManager.isBlank()) {
            command.add("-Djava.security.manager=" + securityManager);
        }
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        // A VM has none of the admin workstation's credentials or lab settings: start from a clean slate.
        env.keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("MILAB_") || k.startsWith("IDENTITY_")
            || k.equals("MSI_ENDPOINT") || k.equals("MSI_SECRET") || k.equals("IMDS_ENDPOINT"));
        env.putAll(environment);
        env.put(RouteTable.MACHINE_SETTING, vmName);
        try {
            return new VmProcess(vmName, builder.start(), echo);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a JVM for " + vmName, e);
        }
    }

    /**
     * The class path of the code running now. Under {@code mvn exec:java} the JVM's {@code java.class.path} is
     * Maven's own launcher, and the project's classes come from the context class loader; use its URLs then.
     */
    public static String currentClassPath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        String jvmPath = System.getProperty("java.class.path");
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0
            && jvmPath.contains("plexus-classworlds")) {
            List<String> entries = new ArrayList<>();
            for (URL url : urls.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file URL: a child JVM could not use it anyway
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return jvmPath;
    }

    public String vmName() {
        return vmName;
    }

    /** Waits for the program to end; returns its exit code, or -1 (after killing it) on time-out. */
    public int waitFor(long timeout, TimeUnit unit) {
        try {
            if (!process.waitFor(timeout, unit)) {
                process.destroyForcibly();
                pump.join(2000);
                return -1;
            }
            pump.join(5000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    /** Sends one line to the program's standard input. */
    public void send(String line) {
        try {
            var in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("The program on " + vmName + " no longer reads its input", e);
        }
    }

    /**
     * Waits until the program prints a line starting with {@code prefix} at or after line {@code from}; returns its
     * index, or -1 if the program ended or the time ran out first.
     */
    public int awaitLine(int from, String prefix, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (arrived) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (lines.get(i).startsWith(prefix)) {
                        return i;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!pump.isAlive() && !process.isAlive())) {
                    return -1;
                }
                try {
                    arrived.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }
    }

    /** Whether the program is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line the program printed so far (stdout and stderr), without the prefix. */
    public List<String> output() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void pump(InputStream in, PrintStream echo) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (arrived) {
                    lines.add(line);
                    arrived.notifyAll();
                }
                if (echo != null) {
                    echo.println("[" + vmName + "] " + line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
