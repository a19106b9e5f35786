package dev.milab.kit;

/**
 * One numbered step of a demo: a title, and what it does. A step narrates through the {@link Narrator} and checks its
 * outcomes with {@link Narrator#expect}.
 */
public record Step(String title, Action action) {

    /** The body of a step. */
    @FunctionalInterface
    public interface Action {
        void run(Narrator narrator) throws Exception;
    }

    public static Step of(String title, Action action) {
        return new Step(title, action);
    }
}
