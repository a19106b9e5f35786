package dev.milab.kit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Runs programs on a lab machine (a VM's JVM) one after the other, as a learner logged in to the VM would run them
 * from a shell: each input line is {@code run<TAB>class<TAB>arg...}. The program's {@code static int run(String[],
 * PrintStream)} is called if it has one (what its {@code main} calls before it exits), else its {@code main}. After
 * each program the shell prints {@value #END} and the exit code.
 *
 * <p>One JVM per machine for a whole demo keeps what a long-running process on the VM keeps (azure-identity's token
 * cache) and costs the JVM's start once instead of once per program. Arguments name classes to load and initialise
 * in the background while the shell waits for its first program (the JDK's TLS context is made then too), so that
 * the first program does not pay for all of its libraries' class loading.
 */
public final class MachineShell {

    /** Printed after each program, then a space and its exit code. */
    public static final String END = "@@exit";

    private MachineShell() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Thread preload = new Thread(() -> preload(args), "machine-preload");
            preload.setDaemon(true);
            preload.setPriority(Thread.MIN_PRIORITY);
            preload.start();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println(END + " 0 ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split("\t", -1);
            if (words.length == 0 || words[0].equals("exit")) {
                return;
            }
            int code;
            try {
                code = invoke(words[1], Arrays.copyOfRange(words, 2, words.length), System.out);
            } catch (Throwable t) {
                t.printStackTrace(System.out);
                code = 99;
            }
            System.out.flush();
            System.out.println(END + " " + code);
        }
    }

    private static void preload(String[] classNames) {
        for (String name : classNames) {
            try {
                Class.forName(name, true, MachineShell.class.getClassLoader());
            } catch (ReflectiveOperationException | LinkageError e) {
                // only a head start: the program loads what it needs anyway
            }
        }
        try {
            javax.net.ssl.SSLContext.getDefault().createSSLEngine();
        } catch (java.security.GeneralSecurityException e) {
            // as above
        }
    }

    static int invoke(String className, String[] args, PrintStream out) throws Throwable {
        Class<?> type = Class.forName(className);
        try {
            Method run = type.getMethod("run", String[].class, PrintStream.class);
            return (Integer) run.invoke(null, args, out);
        } catch (NoSuchMethodException e) {
            Method main = type.getMethod("main", String[].class);
            main.invoke(null, (Object) args);
            return 0;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
