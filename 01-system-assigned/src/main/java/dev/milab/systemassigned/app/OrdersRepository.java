package dev.milab.systemassigned.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** Reads orders, and who the database says we are. Plain JDBC: nothing here knows how the login was made. */
public final class OrdersRepository {

    private final DataSource dataSource;

    public OrdersRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The login name the server sees ({@code SUSER_SNAME()}) and the database user it maps to. */
    public record SignedIn(String login, String databaseUser) {
    }

    public SignedIn signedIn() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT SUSER_SNAME(), USER_NAME()");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return new SignedIn(rs.getString(1), rs.getString(2));
        }
    }

    public List<Order> orders() throws SQLException {
        List<Order> orders = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT Id, Customer, Total FROM dbo.Orders ORDER BY Id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                orders.add(new Order(rs.getInt(1), rs.getString(2), rs.getBigDecimal(3)));
            }
        }
        return orders;
    }
}
