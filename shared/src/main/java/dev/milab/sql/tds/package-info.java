/**
 * The TDS wire model of the lab's Azure SQL endpoint, after MS-TDS: packet headers, the client messages the lab
 * reads (PRELOGIN, LOGIN7 with its FEDAUTH feature, the federated authentication token, SQL batch) and the
 * server tokens it writes (LOGINACK, ENVCHANGE, INFO/ERROR, DONE, FEATUREEXTACK, FEDAUTHINFO, COLMETADATA, ROW).
 * Each type names its MS-TDS section. Nothing here touches a socket: bytes in, records out, and back.
 */
package dev.milab.sql.tds;
