package dev.milab.systemassigned.app;

import java.math.BigDecimal;

/** A row of {@code dbo.Orders}. */
public record Order(int id, String customer, BigDecimal total) {
}
