package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TranscriptTest {

    @Test
    void placeholdersStandForWhatVariesBetweenRuns() {
        String template = """
            principalId <id>  (was <id>)
            sql.url=jdbc:sqlserver://127.0.0.1:<port>;databaseName=db1
            exp <time>, 5 logins in <n> s
            Principal <id> does not exist in <…>
            """;
        String run = """
            principalId 0b7689e9-ec33-4618-9088-29022c7d2287  (was 9ace6e09-6317-4ca3-92d3-a87b121291dd)
            sql.url=jdbc:sqlserver://127.0.0.1:39631;databaseName=db1
            exp 2026-12-02T21:10:42Z, 5 logins in 17.25 s
            Principal 7633d05ee3ea4aea8ccfb927105ca6a9 does not exist in the directory
            """;

        assertThat(Transcript.mismatch(template, run)).isEmpty();
    }

    @Test
    void aChangedLineIsReportedWithBothSides() {
        assertThat(Transcript.mismatch("ok  SQL1 refuses the login\n", "ok  SQL1 lets vm1 in\n"))
            .hasValueSatisfying(why -> assertThat(why).contains("README line 1").contains("SQL1 lets vm1 in"));
    }

    @Test
    void anEllipsisLineSkipsAnyNumberOfLinesButWhatFollowsMustStillFit() {
        String template = "What went over the wire:\n…\nDone.\n";

        assertThat(Transcript.mismatch(template, "What went over the wire:\n  1. a\n  2. b\nDone.\n")).isEmpty();
        assertThat(Transcript.mismatch(template, "What went over the wire:\nDone.\n")).isEmpty();
        assertThat(Transcript.mismatch(template, "What went over the wire:\n  1. a\n")).isPresent();
    }

    @Test
    void extraOrMissingLinesAtTheEndAreMismatches() {
        assertThat(Transcript.mismatch("a\nb\n", "a\n")).hasValueSatisfying(why -> assertThat(why).contains("ended"));
        assertThat(Transcript.mismatch("a\n", "a\nb\n")).hasValueSatisfying(why -> assertThat(why).contains("goes on"));
    }

    @Test
    void maskTurnsARunIntoATemplateThatFitsIt() {
        String run = "vm1 0b7689e9-ec33-4618-9088-29022c7d2287 at 127.0.0.1:4711 until 2026-12-02T21:10:42Z, 1796245665,"
            + " in 1.5 s\n";

        String masked = Transcript.mask(run);

        assertThat(masked).isEqualTo("vm1 <id> at 127.0.0.1:<port> until <time>, <n>, in <n> s\n");
        assertThat(Transcript.mismatch(masked, run)).isEmpty();
    }

    @Test
    void theFencedBlockAfterAMarkerIsFound() {
        String markdown = "# Demo\n\n<!-- output -->\n```text\nline 1\nline 2\n```\nafter\n";

        assertThat(Transcript.fencedBlockAfter(markdown, "<!-- output -->")).isEqualTo("line 1\nline 2\n");
    }
}
