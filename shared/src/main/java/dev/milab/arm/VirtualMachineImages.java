package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.milab.http.LabHttpResponse;

/**
 * Compute's marketplace image catalogue as the lab serves it: the images {@code az vm create} resolves from its
 * aliases ({@code Ubuntu2204}, ...) and the one a lab VM reports by default, each with one version.
 * {@code GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{location}/publishers/{publisher}/artifacttypes/
 * vmimage/offers/{offer}/skus/{sku}/versions[/{version}]} (Microsoft Learn, "Virtual Machine Images - List",
 * "Virtual Machine Images - Get"): az lists with {@code $top=1&$orderby=name desc} to resolve {@code latest}, then
 * reads that version for its plan. The catalogue is public: any caller with a token for the subscription may read it.
 * The versions name the lab's catalogue, not a real build; no image has a plan or Trusted Launch features.
 */
final class VirtualMachineImages {

    /** publisher, offer, sku, version, Hyper-V generation. */
    private static final List<String[]> IMAGES = List.of(
        new String[] {"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2", "22.04.202501010", "V2"},
        new String[] {"Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts", "22.04.202501010", "V1"},
        new String[] {"Canonical", "ubuntu-24_04-lts", "server", "24.04.202501010", "V2"},
        new String[] {"Debian", "debian-12", "12-gen2", "0.20250101.1", "V2"});

    private VirtualMachineImages() {
    }

    /** {@code segments}: locations, {location}, publishers, {publisher}, artifacttypes, vmimage, offers, ... */
    static LabHttpResponse handle(ArmCall call, ResourcePath path) {
        List<String> s = path.segments();
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        if (s.size() < 11 || s.size() > 12 || !s.get(2).equalsIgnoreCase("publishers")
            || !s.get(4).equalsIgnoreCase("artifacttypes") || !s.get(5).equalsIgnoreCase("vmimage")
            || !s.get(6).equalsIgnoreCase("offers") || !s.get(8).equalsIgnoreCase("skus")
            || !s.get(10).equalsIgnoreCase("versions")) {
            throw ProviderApi.unknownType(path, call.queryParameter("api-version"));
        }
        String location = s.get(1).toLowerCase(Locale.ROOT).replace(" ", "");
        List<String[]> matching = IMAGES.stream().filter(i -> i[0].equalsIgnoreCase(s.get(3))
            && i[1].equalsIgnoreCase(s.get(7)) && i[2].equalsIgnoreCase(s.get(9))).toList();
        if (s.size() == 11) {
            if (matching.isEmpty()) {
                throw notFound();
            }
            return ArmCall.ok(matching.stream().map(i -> version(path.subscriptionId(), location, i, false)).toList());
        }
        return ArmCall.ok(matching.stream().filter(i -> i[3].equalsIgnoreCase(s.get(11))).findFirst()
            .map(i -> version(path.subscriptionId(), location, i, true)).orElseThrow(VirtualMachineImages::notFound));
    }

    private static ArmException notFound() {
        return new ArmException(404, "NotFound", "Artifact: VMImage was not found.");
    }

    private static Map<String, Object> version(String subscription, String location, String[] image, boolean full) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", location);
        json.put("name", image[3]);
        json.put("id", "/Subscriptions/" + subscription + "/Providers/Microsoft.Compute/Locations/" + location
            + "/Publishers/" + image[0] + "/ArtifactTypes/VMImage/Offers/" + image[1] + "/Skus/" + image[2]
            + "/Versions/" + image[3]);
        if (full) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("hyperVGeneration", image[4]);
            props.put("architecture", "x64");
            props.put("replicaType", "Managed");
            props.put("disallowed", Map.of("vmDiskType", "Unmanaged"));
            props.put("automaticOSUpgradeProperties", Map.of("automaticOSUpgradeSupported", false));
            props.put("imageDeprecationStatus", Map.of("imageState", "Active"));
            props.put("features", List.of(Map.of("name", "IsAcceleratedNetworkSupported", "value", "True")));
            props.put("osDiskImage", Map.of("operatingSystem", "Linux", "sizeInBytes", 32213303808L,
                "sizeInGb", 31));
            props.put("dataDiskImages", List.of());
            json.put("properties", props);
        }
        return json;
    }
}
