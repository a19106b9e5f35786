package dev.milab.sql;

/**
 * What an engine knows about the session that runs a batch: the server, the database it is in, who it is, and
 * its SPID.
 */
public record SqlSessionContext(SqlServer server, SqlDatabase database, SessionIdentity identity, int spid) {
}
