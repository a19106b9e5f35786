package dev.milab.kit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The options every demo takes.
 *
 * @param pause   {@code --step}: wait for Enter before each step (workshops)
 * @param target  {@code --target lab|azure}
 * @param config  {@code --config FILE}: the names of the Azure resources, for {@code --target azure}
 * @param help    {@code --help}
 * @param colour  off with {@code --no-color}, when {@code NO_COLOR} is set, or when output is not a terminal
 * @param outputDirectory where the sequence diagram is written ({@code --out DIR}, default {@code target})
 * @param timings {@code --timings}: print how long the set-up and each step took, at the end
 * @param console {@code --console}: serve the lab console (the trust chain live, in a browser) while the demo runs
 */
public record DemoOptions(boolean pause, Target target, Optional<Path> config, boolean help, boolean colour,
                          Path outputDirectory, boolean timings, boolean console) {

    /** Options without the lab console. */
    public DemoOptions(boolean pause, Target target, Optional<Path> config, boolean help, boolean colour,
                       Path outputDirectory, boolean timings) {
        this(pause, target, config, help, colour, outputDirectory, timings, false);
    }

    public static final String USAGE = """
        Options:
          --step            wait for Enter before each step (for workshops)
          --target lab      run against the embedded lab (the default; needs nothing installed)
          --target azure    run against a real subscription you signed in to with 'az login'
          --config FILE     names of the Azure resources for --target azure (see the module README)
          --no-color        plain output (also when NO_COLOR is set or output is not a terminal)
          --out DIR         where the sequence diagram of the run is written (default: target)
          --timings         print how long the set-up and each step took
          --console         serve the lab console (resources, identities, every hop live) at a
                            127.0.0.1 address it prints; it stays up after the last step until Enter
          --help            this text
        """;

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a learner-readable message. */
    public static DemoOptions parse(String[] args, boolean terminal, String noColorVariable) {
        boolean pause = false;
        boolean help = false;
        boolean timings = false;
        boolean console = false;
        boolean colour = terminal && (noColorVariable == null || noColorVariable.isEmpty());
        Target target = Target.LAB;
        Path config = null;
        Path out = Path.of("target");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--step" -> pause = true;
                case "--help", "-h" -> help = true;
                case "--no-color", "--no-colour" -> colour = false;
                case "--target" -> target = Target.parse(value(args, ++i, arg));
                case "--config" -> config = Path.of(value(args, ++i, arg));
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--timings" -> timings = true;
                case "--console" -> console = true;
                default -> {
                    if (arg.startsWith("--target=")) {
                        target = Target.parse(arg.substring("--target=".length()));
                    } else if (!arg.isBlank()) {
                        throw new IllegalArgumentException("Unknown option '" + arg + "'");
                    }
                }
            }
        }
        return new DemoOptions(pause, target, Optional.ofNullable(config), help, colour, out, timings, console);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /**
     * Stops a demo that drives the embedded lab only when it was asked for real Azure: {@code onAzure} says what to do
     * there instead (the module's az script and README steps). {@link DemoRunner} prints it and exits with 2.
     */
    public void requireLab(String onAzure) {
        if (target == Target.AZURE) {
            throw new UnsupportedOperationException("--target azure: " + onAzure
                + "; this demo drives the embedded lab only");
        }
    }
}
