/**
 * T-SQL text, without a database: a lexer, a batch parser that finds statements the way SQL Server does (with or
 * without semicolons, {@code IF}/{@code ELSE}, {@code BEGIN}…{@code END}), a classifier that says which objects
 * a statement reads and writes (what permissions decide), and the translation of a statement into the SQL the H2
 * engine runs. Nothing here touches JDBC or lab state; {@code dev.milab.sql} runs what this package describes.
 */
package dev.milab.sql.tsql;
