package dev.milab.userassigned.app;

/** A row of {@code dbo.Inventory}: what the warehouse holds of one article. */
public record StockItem(String sku, String name, int onHand) {
}
