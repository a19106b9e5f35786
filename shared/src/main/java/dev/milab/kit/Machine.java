package dev.milab.kit;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.milab.lab.VmProcess;

/**
 * A machine of the demo (VM1, a laptop) where programs run in a JVM of their own with that machine's settings,
 * through a {@link MachineShell}. The demo's side of it: run a program, get its exit code and what it printed.
 */
public final class Machine implements AutoCloseable {

    /** What one program printed, and its exit code. */
    public record Result(int exitCode, List<String> lines) {
        /** The first line that starts with {@code prefix}, or null. */
        public String line(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
        }

        public String text() {
            return String.join("\n", lines);
        }
    }

    private static final long TIMEOUT_SECONDS = 120;

    private final String name;
    private final VmProcess process;
    private int cursor;
    private boolean ready;

    /** Wraps a process that runs {@link MachineShell}; waits until it is ready on first use. */
    public Machine(String name, VmProcess process) {
        this.name = name;
        this.process = process;
    }

    public String name() {
        return name;
    }

    /** Runs {@code mainClass} with {@code args} on this machine and waits for it to end. */
    public Result run(Class<?> mainClass, String... args) {
        return run(mainClass.getName(), args);
    }

    public synchronized Result run(String mainClass, String... args) {
        if (!ready) {
            cursor = awaitEnd(0) + 1;
            ready = true;
        }
        StringBuilder line = new StringBuilder("run\t").append(mainClass);
        for (String arg : args) {
            line.append('\t').append(arg);
        }
        process.send(line.toString());
        int start = cursor;
        int end = awaitEnd(start);
        cursor = end + 1;
        List<String> all = process.output();
        String marker = all.get(end).substring(MachineShell.END.length()).trim();
        return new Result(Integer.parseInt(marker.split(" ")[0]), List.copyOf(all.subList(start, end)));
    }

    /** Waits for the next end marker at or after {@code from}; returns its index. */
    private int awaitEnd(int from) {
        int end = process.awaitLine(from, MachineShell.END, TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (end < 0) {
            throw new IllegalStateException("The program on " + name + " did not answer within " + TIMEOUT_SECONDS
                + " s; it printed:\n" + String.join("\n", process.output()));
        }
        return end;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                process.send("exit");
            } catch (RuntimeException e) {
                // already gone
            }
            if (process.waitFor(5, TimeUnit.SECONDS) != 0) {
                process.close();
            }
        }
    }
}
