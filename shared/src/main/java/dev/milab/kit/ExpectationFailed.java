package dev.milab.kit;

/** A step saw something other than what the demo expected: the demo stops here, with both. */
public final class ExpectationFailed extends RuntimeException {

    private final String expected;
    private final String seen;

    public ExpectationFailed(String expected, String seen) {
        super("expected " + expected + ", saw " + seen);
        this.expected = expected;
        this.seen = seen;
    }

    public String expected() {
        return expected;
    }

    public String seen() {
        return seen;
    }
}
