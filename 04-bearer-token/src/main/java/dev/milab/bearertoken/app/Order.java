package dev.milab.bearertoken.app;

import java.math.BigDecimal;

/** An order, as the API returns it. */
public record Order(int id, String customer, BigDecimal total) {

    String toJson() {
        return "{\"id\":" + id + ",\"customer\":\"" + customer + "\",\"total\":" + total.toPlainString() + "}";
    }
}
