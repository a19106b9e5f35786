package dev.milab.trace;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One hop: who asked which lab service for what, and what it answered.
 *
 * @param sequence the hop's number in its trace, from 1, in the order the lab answered
 * @param at       when the lab answered, on the lab's clock
 * @param from     the caller, as a learner thinks of it ({@code vm1}, {@code workstation}, {@code IMDS (vm1)})
 * @param to       the lab service asked ({@code IMDS (vm1)}, {@code Entra ID}, {@code Resource Manager}, {@code sql1})
 * @param request  what was asked, short ({@code GET token resource=https://database.windows.net/})
 * @param outcome  what the service answered, short ({@code 200 token for vm1}, {@code 400 identity not found})
 * @param ok       whether the service granted the request
 * @param identity the display name of the identity a token named ({@code vm1}, {@code MyUserIdentity},
 *                 {@code milab-admin}), or null
 * @param token    the raw JWT this hop issued or presented, or null
 * @param decisions what decided the answer (the token check, the role that allowed or the data action none grants,
 *                 the SQL error number), in the order the service checked; empty when the service explains nothing
 */
public record Hop(long sequence, Instant at, String from, String to, String request, String outcome,
                  boolean ok, String identity, String token, List<Decision> decisions) {

    public Hop {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(outcome, "outcome");
        decisions = decisions == null ? List.of() : List.copyOf(decisions);
    }

    /** A hop with no decisions recorded. */
    public Hop(long sequence, Instant at, String from, String to, String request, String outcome, boolean ok,
               String identity, String token) {
        this(sequence, at, from, to, request, outcome, ok, identity, token, List.of());
    }
}
