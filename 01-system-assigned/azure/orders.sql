-- The orders table of demo 01, as the lab creates it. Run in db1 as the server's Microsoft Entra admin.
CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Customer nvarchar(50), Total decimal(10,2));
INSERT INTO dbo.Orders VALUES (1, N'Contoso', 120.50), (2, N'Fabrikam', 89.90), (3, N'Northwind', 240.00);
