package dev.milab.testing;

import dev.milab.lab.Lab;
import dev.milab.routing.LabRouting;

/**
 * One lab per test JVM. MSAL keeps one managed identity token cache per JVM, so tokens from a second lab (with
 * other keys) could come back from that cache; tests therefore share this lab and leave its settings as they
 * found them.
 */
public final class SharedLab {

    private static Lab lab;

    private SharedLab() {
    }

    public static synchronized Lab get() {
        if (lab == null) {
            lab = Lab.start();
            // The test JVM is the admin workstation: Azure's host names lead to the lab, IMDS to nowhere.
            LabRouting.install(lab.routesForWorkstation());
            Runtime.getRuntime().addShutdownHook(new Thread(lab::close, "shared-lab-shutdown"));
        }
        return lab;
    }

    /** Puts this JVM back on the admin workstation after a test made it "run on" a VM. */
    public static void leaveVm() {
        LabRouting.install(get().routesForWorkstation());
    }
}
