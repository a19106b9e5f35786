package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmProcessClassPathTest {

    @Test
    void aVmProcessGetsThisJvmsClassPathInAPlainJvm() {
        assertThat(VmProcess.currentClassPath()).isEqualTo(System.getProperty("java.class.path"));
    }

    @Test
    void underMavenExecJavaAVmProcessGetsTheProjectsClassPathNotMavensLauncher(@TempDir Path dir) throws Exception {
        Path classes = dir.resolve("classes");
        Path jar = dir.resolve("lib.jar");
        String saved = System.getProperty("java.class.path");
        ClassLoader savedLoader = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader project = new URLClassLoader(new URL[] {classes.toUri().toURL(), jar.toUri().toURL()})) {
            System.setProperty("java.class.path", "/usr/share/maven/boot/plexus-classworlds-2.6.0.jar");
            Thread.currentThread().setContextClassLoader(project);

            assertThat(VmProcess.currentClassPath()).isEqualTo(classes + File.pathSeparator + jar);
        } finally {
            System.setProperty("java.class.path", saved);
            Thread.currentThread().setContextClassLoader(savedLoader);
        }
    }
}
