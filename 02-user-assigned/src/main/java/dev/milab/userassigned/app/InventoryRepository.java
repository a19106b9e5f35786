package dev.milab.userassigned.app;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** Reads the stock list, and who the database says we are. Plain JDBC: nothing here knows how the login was made. */
public final class InventoryRepository {

    private final DataSource dataSource;

    public InventoryRepository(DataSource dataSource) {
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

    public List<StockItem> stock() throws SQLException {
        List<StockItem> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT Sku, Name, OnHand FROM dbo.Inventory ORDER BY Sku");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                items.add(new StockItem(rs.getString(1), rs.getString(2), rs.getInt(3)));
            }
        }
        return items;
    }
}
