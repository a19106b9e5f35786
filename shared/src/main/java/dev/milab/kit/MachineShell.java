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
 * cache) and costs the JVM's start once instead of once per program.
 */
public final class MachineShell {

    /** Printed after each program, then a space and its exit code. */
    public static final String END = "@@exit";

    private MachineShell() {
    }

    public static void main(String[] args) throws Exception {
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
