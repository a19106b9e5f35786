package dev.milab.lab;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The lab's clock: the system clock plus an offset that a demo can move, so token expiry and key rollover can be
 * shown in seconds instead of hours. Every issuer and every validator in the lab reads this clock.
 */
public final class LabClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    public LabClock() {
        this(Clock.systemUTC());
    }

    public LabClock(Clock base) {
        this.base = base;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    /** Moves the lab's time forward (or back, with a negative duration). */
    public void advance(Duration duration) {
        synchronized (this) {
            offset = offset.plus(duration);
        }
    }

    /** Puts the lab's time back to the real time. */
    public void reset() {
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("The lab clock is always UTC");
    }
}
