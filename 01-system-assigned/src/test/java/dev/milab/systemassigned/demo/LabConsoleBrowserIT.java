package dev.milab.systemassigned.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.kit.DemoRunner;
import dev.milab.testing.Browser;

/**
 * Demo 01 with {@code --console}, watched in a real headless Chromium while it runs: the page shows VM1's identity,
 * then the Contributor assignment, then SQL1's 18456 refusal after it, then VM1's successful login, each as it
 * happens; a click on a token shows its claims; at the end the assignment is an orphan ("Identity not found").
 * Screenshots go to {@code target/}. Skips, saying why, where Chromium or chromedriver is not installed.
 */
class LabConsoleBrowserIT {

    private static final Duration DEMO = Duration.ofMinutes(3);
    private static final Pattern ADDRESS = Pattern.compile("Lab console: (http://127\\.0\\.0\\.1:\\d+/)");

    /** What the demo printed so far, readable while it runs. */
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void theConsoleShowsTheTrustChainOfDemo01AsItHappens() throws Exception {
        Browser.whyUnavailable().ifPresent(Assumptions::abort);
        PipedWriter enter = new PipedWriter();
        BufferedReader keyboard = new BufferedReader(new PipedReader(enter));
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (Browser browser = Browser.start()) {
            CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> new DemoRunner(
                SystemAssignedDemo.NAME, SystemAssignedDemo.TITLE, SystemAssignedDemo.SUBTITLE).out(out).in(keyboard)
                .run(new String[] {"--no-color", "--out", "target", "--console"}, SystemAssignedDemo::create));
            try {
                browser.open(consoleAddress(demo));

                // 1. VM1's identity block, as soon as step 2 turns it on.
                JsonNode identity = browser.await("VM1's system-assigned identity", DEMO, """
                    const row = document.querySelector('#vms tr[data-vm="vm1"]');
                    return row && row.querySelector('.identity').textContent === 'SystemAssigned'
                        ? row.querySelector('td.id').textContent : null;""", v -> !v.isNull());
                assertThat(identity.asText()).matches("principalId [0-9a-f-]{36}clientId [0-9a-f-]{36}");

                // 2. The Contributor assignment on SQL1 (step 5), for vm1.
                browser.await("the Contributor assignment on sql1", DEMO, """
                    return [...document.querySelectorAll('#role-assignments tr[data-role="Contributor"]')]
                        .some(r => r.dataset.principal === 'vm1'
                            && r.querySelector('td.id').textContent.endsWith('/servers/sql1'));""", JsonNode::asBoolean);
                long assigned = seq(browser.await("the hop that wrote the assignment", DEMO,
                    lastHop("h => h.querySelector('.request').textContent.startsWith('PUT')"
                        + " && h.querySelector('.request').textContent.includes('roleAssignments') && h.dataset.ok === 'true'"),
                    v -> !v.isNull()));

                // 3. After it, SQL1 still refuses VM1 with 18456, and says why.
                JsonNode refusal = browser.await("SQL1's 18456 refusal after the assignment", DEMO,
                    firstHopAfter(assigned, "h => h.dataset.to === 'sql1' && h.dataset.from === 'vm1'"
                        + " && h.dataset.ok === 'false' && h.textContent.includes('18456')"), v -> !v.isNull());
                assertThat(refusal.get("why").asText()).contains("SQL ✗ error 18456: Login failed for user"
                    + " '<token-identified principal>'.").contains("token ✓ aud https://database.windows.net");

                // 4. Then the database user opens the database: VM1's successful login.
                JsonNode login = browser.await("VM1's successful login after the refusal", DEMO,
                    firstHopAfter(seq(refusal), "h => h.dataset.to === 'sql1' && h.dataset.from === 'vm1'"
                        + " && h.dataset.ok === 'true'"), v -> !v.isNull());
                assertThat(login.get("text").asText()).contains("logged in as vm1");
                assertThat(login.get("why").asText()).contains("SQL ✓ database user vm1 in db1");
                assertThat(seq(login)).isGreaterThan(seq(refusal));
                // The picture the module README shows: the database side and the assignment beside the traffic.
                browser.script("document.querySelector('#sql-heading').scrollIntoView(); return null;");
                browser.screenshot(Path.of("target", "console.png"));

                // A click on that hop's token shows its decoded claims.
                JsonNode claims = browser.script("""
                    document.querySelector('#hops li.hop[data-seq="' + arguments[0] + '"] button.token').click();
                    const dialog = document.querySelector('#token-dialog');
                    return dialog.open ? Object.fromEntries([...dialog.querySelectorAll('tr[data-claim]')]
                        .map(r => [r.dataset.claim, r.querySelector('td').textContent])) : null;""", seq(login));
                assertThat(claims.get("aud").asText()).startsWith("https://database.windows.net");
                assertThat(claims.get("xms_mirid").asText()).endsWith("/virtualMachines/vm1");
                assertThat(claims.get("alg").asText()).isEqualTo("RS256");
                browser.screenshot(Path.of("target", "console-token.png"));
                browser.script("document.querySelector('#token-dialog').close(); return null;");

                // At the end (step 10 deleted VM1) the assignment is left, its principal gone.
                awaitOutput("The lab console stays at");
                browser.await("the orphaned Contributor assignment", Duration.ofSeconds(10), """
                    return [...document.querySelectorAll('#role-assignments tr.orphan[data-role="Contributor"]')]
                        .some(r => r.dataset.principal === 'Identity not found');""", JsonNode::asBoolean);
                printHopLatency(browser);
                browser.script("document.querySelector('#roles-heading').scrollIntoView(); return null;");
                assertThat(browser.screenshot(Path.of("target", "console-end.png"))).isNotEmptyFile();
                browser.script("document.querySelector('#diagram').scrollIntoView(); return null;");
                assertThat(browser.screenshot(Path.of("target", "console-diagram.png"))).isNotEmptyFile();
            } finally {
                enter.write("\n");
                enter.flush();
            }
            assertThat(demo.get(DEMO.toSeconds(), TimeUnit.SECONDS)).as(printed()).isEqualTo(DemoRunner.OK);
        }
    }

    /**
     * Prints (does not assert: speed is the benchmark's) how long each hop of this run took from the lab's record to
     * the page; hops from before the page was up, and those stamped while step 10 moved the lab's clock past a token's
     * expiry, are left out.
     */
    private static void printHopLatency(Browser browser) throws Exception {
        JsonNode ms = browser.script("return [...document.querySelectorAll('#hops li.hop[data-at]')]"
            + ".filter(li => Number(li.dataset.at) >= performance.timeOrigin + Number(document.body.dataset.readyAt))"
            + ".map(li => Number(li.dataset.shownAt) - Number(li.dataset.at)).filter(d => d >= 0 && d < 60000)"
            + ".sort((a, b) => a - b);");
        if (ms.size() > 0) {
            System.out.printf("Lab console during demo 01: %d hops, from the lab to the page median %d ms, max %d ms%n",
                ms.size(), ms.get(ms.size() / 2).asLong(), ms.get(ms.size() - 1).asLong());
        }
    }

    /** The address the demo printed once its lab was up. */
    private URI consoleAddress(CompletableFuture<Integer> demo) throws Exception {
        long deadline = System.nanoTime() + DEMO.toNanos();
        while (System.nanoTime() < deadline && !demo.isDone()) {
            Matcher m = ADDRESS.matcher(printed());
            if (m.find()) {
                return URI.create(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("The demo printed no console address:\n" + printed());
    }

    private void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + DEMO.toNanos();
        while (!printed().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The demo never printed '" + text + "':\n" + printed());
            }
            Thread.sleep(100);
        }
    }

    private String printed() {
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    /** A script: the newest hop in the traffic list that {@code test} accepts, as {seq, text, why}, or null. */
    private static String lastHop(String test) {
        return "const hops = [...document.querySelectorAll('#hops li.hop[data-seq]')].filter(" + test + ");"
            + " const h = hops[hops.length - 1]; return h ? " + HOP + " : null;";
    }

    /** A script: the first hop after sequence {@code after} that {@code test} accepts, or null. */
    private static String firstHopAfter(long after, String test) {
        return "const h = [...document.querySelectorAll('#hops li.hop[data-seq]')].filter(h => Number(h.dataset.seq) > "
            + after + ").find(" + test + "); return h ? " + HOP + " : null;";
    }

    private static final String HOP = "{seq: Number(h.dataset.seq), text: h.textContent,"
        + " why: [...h.querySelectorAll('ul.why li')].map(li => li.textContent).join(' | ')}";

    private static long seq(JsonNode hop) {
        return hop.get("seq").asLong();
    }
}
