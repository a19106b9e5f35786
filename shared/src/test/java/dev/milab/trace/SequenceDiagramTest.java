package dev.milab.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class SequenceDiagramTest {

    private static long sequence;

    private static Hop hop(String from, String to, String request, String outcome, boolean ok) {
        return new Hop(++sequence, Instant.EPOCH, from, to, request, outcome, ok, null, null);
    }

    @Test
    void callersComeFirstThenGoBetweensThenServicesEachInNaturalOrder() {
        String diagram = SequenceDiagram.mermaid(List.of(
            hop("workstation", "Entra ID", "POST /token (client_credentials)", "200 token for milab-admin", true),
            hop("workstation", "Resource Manager", "GET …/servers/sql1", "200", true),
            hop("vm10", "sql1", "login (db1)", "logged in as vm10", true),
            hop("vm2", "IMDS (vm2)", "GET token", "200 token for vm2", true),
            hop("IMDS (vm2)", "Entra ID", "issue token for vm2", "token issued", true),
            hop("vm2", "sql1", "login (db1)", "logged in as vm2", true)));

        assertThat(diagram).startsWith("""
            sequenceDiagram
              participant P1 as vm2
              participant P2 as vm10
              participant P3 as workstation
              participant P4 as IMDS (vm2)
              participant P5 as Entra ID
              participant P6 as Resource Manager
              participant P7 as sql1
            """);
    }

    @Test
    void requestsAreSolidArrowsAnswersDashedAndRefusalsCrossed() {
        String diagram = SequenceDiagram.mermaid(List.of(
            hop("vm1", "IMDS (vm1)", "GET token resource=https://database.windows.net/", "400 identity not found",
                false),
            hop("vm1", "sql1", "login (db1)", "logged in as vm1", true)));

        assertThat(diagram).endsWith("""
              P1->>P2: GET token resource=https://database.windows.net/
              P2--xP1: 400 identity not found
              P1->>P3: login (db1)
              P3-->>P1: logged in as vm1
            """);
    }

    @Test
    void textThatMermaidWouldReadAsSyntaxIsEscaped() {
        String diagram = SequenceDiagram.mermaid(List.of(
            hop("vm;1", "sql#1", "login (db1);\nDROP", "18456 Login failed for user '<token-identified principal>'",
                false)));

        assertThat(diagram).contains("participant P1 as vm#59;1", "participant P2 as sql#35;1",
            "P1->>P2: login (db1)#59; DROP",
            "P2--xP1: 18456 Login failed for user '#60;token-identified principal#62;'");
        // every '#' and ';' left is part of an entity code, and no text broke onto a line of its own
        assertThat(diagram.lines().skip(1)).allSatisfy(line -> assertThat(line).matches("  [^;#]*(#\\d+;[^;#]*)*"));
    }

    @Test
    void aTokenIssuedWhileServingARequestIsDrawnInsideIt() {
        String diagram = SequenceDiagram.mermaid(List.of(
            hop("IMDS (vm1)", "Entra ID", "issue token for vm1 (aud https://database.windows.net/)", "token issued",
                true),
            hop("vm1", "IMDS (vm1)", "GET token resource=https://database.windows.net/", "200 token for vm1",
                true)));

        assertThat(diagram).isEqualTo("""
            sequenceDiagram
              participant P1 as vm1
              participant P2 as IMDS (vm1)
              participant P3 as Entra ID
              P1->>P2: GET token resource=https://database.windows.net/
              P2->>P3: issue token for vm1 (aud https://database.windows.net/)
              P3-->>P2: token issued
              P2-->>P1: 200 token for vm1
            """);
    }

    @Test
    void plainTextHasOneNumberedLinePerHopInTheOrderRecorded() {
        List<Hop> hops = List.of(
            new Hop(3, Instant.EPOCH, "vm1", "IMDS (vm1)", "GET token resource=https://database.windows.net/",
                "200 token for vm1", true, "vm1", null),
            new Hop(12, Instant.EPOCH, "vm1", "sql1", "login\n(db1)", "logged in as vm1", true, "vm1", null));

        assertThat(SequenceDiagram.plainText(hops)).isEqualTo("""
              3. vm1 -> IMDS (vm1): GET token resource=https://database.windows.net/ -> 200 token for vm1
             12. vm1 -> sql1: login (db1) -> logged in as vm1
            """);
    }
}
