package dev.milab.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.milab.lab.Lab;

/**
 * The machines of one demo run and their disks: each machine is a JVM with that machine's settings running a
 * {@link MachineShell} (which loads {@code preload} while it waits for its first program), and each has a folder of
 * this run as its disk, for config files and key files.
 */
public final class MachineRoom {

    private final Lab lab;
    private final List<String> preload;
    private final Path disks;

    /**
     * @param demo    a short name for the run's folder, for example {@code 01}
     * @param preload classes the machines' JVMs load while they wait (the app's libraries)
     */
    public MachineRoom(Lab lab, String demo, List<String> preload) throws IOException {
        this.lab = lab;
        this.preload = List.copyOf(preload);
        this.disks = Files.createTempDirectory("milab-" + demo + "-");
    }

    /** A JVM "on" an Azure VM: its IMDS, Azure's host names routed to the lab. */
    public Machine vm(String name) {
        return new Machine(name, lab.launchOnVm(name, MachineShell.class.getName(), preload, null));
    }

    /** A JVM on an Arc-enabled server or App Service app: what its platform sets, and the routes. */
    public Machine host(String name) {
        return new Machine(name, lab.launchOnHost(name, MachineShell.class.getName(), preload, null));
    }

    /** A JVM on a machine outside Azure (a laptop, an on-premises server) with {@code settings} in its environment. */
    public Machine offAzure(String name, Map<String, String> settings) {
        return new Machine(name, lab.launchOffAzure(name, settings, MachineShell.class.getName(), preload, null));
    }

    /** A file on a machine's disk (its folder is made when first asked for). */
    public Path file(String machine, String name) throws IOException {
        return Files.createDirectories(disks.resolve(machine)).resolve(name);
    }
}
