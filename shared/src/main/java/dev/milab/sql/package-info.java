/**
 * Azure SQL in the lab: logical servers ({@code sql1.database.windows.net}) with databases, a Microsoft Entra
 * admin and contained users; logins as Azure SQL decides them (Entra tokens validated like every lab resource,
 * SQL passwords for the "before" story); identity statements and who-am-I functions; and one TDS endpoint on
 * loopback that unmodified mssql-jdbc reaches with {@code encrypt=strict} (TDS 8.0) or {@code encrypt=true}
 * (TDS 7.4). The wire model is in {@code dev.milab.sql.tds}; {@link dev.milab.sql.TdsSession} is the login state
 * machine; {@link dev.milab.sql.TsqlEngine} runs batches, RPC calls and transactions: identity, permissions and
 * the T-SQL H2 lacks in the front ({@code dev.milab.sql.tsql} reads the text), the data in one in-memory H2
 * database per lab database.
 */
package dev.milab.sql;
