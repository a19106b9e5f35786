package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.azure.core.http.HttpMethod;

import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * Many role-assignment writes at once (bounded: 80 requests on 8 threads, 60 s at most): every distinct grant is
 * stored exactly once, every duplicate is 409, and nothing is lost.
 */
class RoleAssignmentConcurrencyIT {

    @Test
    void concurrentWritesLoseNothingAndDuplicateNothing() throws Exception {
        Lab lab = SharedLab.get();
        String token = ArmClients.token(ArmClients.admin(lab));
        String rg = lab.defaultResourceGroupId();
        List<String> principals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            principals.add(lab.createUserAssignedIdentity("concurrent-" + i).principalId());
        }
        List<String> bodies = new ArrayList<>();
        for (String p : principals) {
            String body = "{\"properties\":{\"roleDefinitionId\":\"/subscriptions/" + lab.subscriptionId()
                + "/providers/Microsoft.Authorization/roleDefinitions/" + BuiltInRoles.READER.name()
                + "\",\"principalId\":\"" + p + "\"}}";
            bodies.add(body);
            bodies.add(body);    // the same grant again, under another name
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (String body : bodies) {
                results.add(pool.submit(() -> ArmClients.call(HttpMethod.PUT, rg
                    + "/providers/Microsoft.Authorization/roleAssignments/" + UUID.randomUUID()
                    + "?api-version=2022-04-01", token, body).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            Map<Integer, Long> counts = statuses.stream().collect(Collectors.groupingBy(Function.identity(),
                Collectors.counting()));

            assertThat(counts).containsOnly(Map.entry(201, 40L), Map.entry(409, 40L));
        } finally {
            pool.shutdownNow();
        }
        Map<String, Long> perPrincipal = lab.resources().roleAssignments().stream()
            .filter(a -> principals.contains(a.principalId()))
            .collect(Collectors.groupingBy(RoleAssignment::principalId, Collectors.counting()));
        assertThat(perPrincipal).hasSize(40).allSatisfy((p, n) -> assertThat(n).isEqualTo(1L));
    }
}
