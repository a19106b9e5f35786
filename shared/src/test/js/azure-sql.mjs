// Azure SQL with tedious: one connection, one query, rows as objects.
// On Azure the server is sql1.database.windows.net on port 1433. In the lab, SQL_HOST and SQL_PORT give the
// lab's address; the TLS name stays Azure's, so tedious checks the certificate against sql1.database.windows.net.
import tedious from "tedious";

const serverName = process.env.SQL_SERVER ?? "sql1.database.windows.net";

export function query(authentication, sql, database = "db1") {
  const connection = new tedious.Connection({
    server: process.env.SQL_HOST ?? serverName,
    authentication,
    options: {
      port: Number(process.env.SQL_PORT ?? 1433),
      serverName,
      database,
      encrypt: "strict",
      trustServerCertificate: false,
      connectTimeout: 15000,
    },
  });
  return new Promise((resolve, reject) => {
    const rows = [];
    connection.on("connect", (err) => {
      if (err) {
        reject(err);
        return;
      }
      const request = new tedious.Request(sql, (error) => {
        connection.close();
        if (error) reject(error);
        else resolve(rows);
      });
      request.on("row", (columns) =>
        rows.push(Object.fromEntries(columns.map((c) => [c.metadata.colName, c.value]))));
      connection.execSql(request);
    });
    connection.connect();
  });
}
