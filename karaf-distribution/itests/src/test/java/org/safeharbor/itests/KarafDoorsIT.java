package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import javax.inject.Inject;
import javax.security.auth.Subject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Karaf's own doors in the real assembly: SSH and JMX on loopback only, the harbor:* commands behind
 * Karaf's command ACLs (a viewer cannot replay), the deploy/ folder watched in the standard profile
 * (the demo's switch; the production profile deletes its watcher), and the production profile
 * refusing a sandbox component (/health DOWN with "sandbox": true).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafDoorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext bundleContext;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    private FeaturesService features;

    @Configuration
    public Option[] config() throws IOException {
        // ports of their own, so a Karaf already running on this machine (a demo) cannot answer for this one;
        // only the ports change: the hosts stay as the assembly ships them
        return OptionUtils.combine(SafeHarborKaraf.distribution(),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort())),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort())));
    }

    private static int freePort() {
        return SafeHarborKaraf.freePort();
    }

    /** The project's bundles are up and the harbor commands registered: Karaf starts them after the boot features. */
    @org.junit.Before
    public void up() throws Exception {
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!harborCommands().contains("replay") && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
    }

    /**
     * The harbor commands, as an admin sees them: the registry hides from a caller the commands its
     * roles do not allow, and the test probe itself has none.
     */
    private TreeSet<String> harborCommands() throws Exception {
        Subject admin = new Subject();
        admin.getPrincipals().add(new UserPrincipal("doors-it-admin"));
        admin.getPrincipals().add(new RolePrincipal("admin"));
        return Subject.doAs(admin, (PrivilegedExceptionAction<TreeSet<String>>) () -> {
            TreeSet<String> names = new TreeSet<>();
            for (Command command : sessionFactory.getRegistry().getCommands()) {
                if ("harbor".equals(command.getScope())) {
                    names.add(command.getName());
                }
            }
            return names;
        });
    }

    // ------------------------------------------------------------------ SSH and JMX on loopback

    @Test
    public void sshListensOnLoopbackOnly() throws Exception {
        Dictionary<String, Object> shell = properties("org.apache.karaf.shell");
        assertEquals("127.0.0.1", String.valueOf(shell.get("sshHost")).trim());
        // the rest of Karaf's defaults are kept
        assertEquals("ssh", String.valueOf(shell.get("sshRole")).trim());
        assertEquals("karaf", String.valueOf(shell.get("sshRealm")).trim());
        int port = Integer.parseInt(String.valueOf(shell.get("sshPort")).trim());

        awaitListening("127.0.0.1", port);
        assertNotReachableOverANonLoopbackAddress(port);
    }

    @Test
    public void jmxListensOnLoopbackOnly() throws Exception {
        Dictionary<String, Object> management = properties("org.apache.karaf.management");
        assertEquals("127.0.0.1", String.valueOf(management.get("rmiRegistryHost")).trim());
        assertEquals("127.0.0.1", String.valueOf(management.get("rmiServerHost")).trim());
        // Under Pax Exam the RMI registry on rmiRegistryPort is Pax Exam's own (it takes that port for its
        // remote bundle context, listening everywhere), so only Karaf's JMX connector server is checked
        // here; on the packed distribution the registry listens on 127.0.0.1:1099 only (seen with ss -ltn, not automated).
        int serverPort = Integer.parseInt(String.valueOf(management.get("rmiServerPort")).trim());
        awaitListening("127.0.0.1", serverPort);
        assertNotReachableOverANonLoopbackAddress(serverPort);
    }

    // ------------------------------------------------------------------ harbor:* behind command ACLs

    @Test
    public void everyHarborCommandHasAnAcl() throws Exception {
        Dictionary<String, Object> acl = properties("org.apache.karaf.command.acl.harbor");
        assertTrue(String.valueOf(acl.get("replay")).contains("operator"));
        assertFalse(String.valueOf(acl.get("replay")).contains("viewer"));

        // a command without an entry would be open to every user who can log in
        TreeSet<String> harborCommands = harborCommands();
        assertTrue("harbor commands found: " + harborCommands, harborCommands.containsAll(List.of("replay", "referrals",
                "referral", "dead-letters")));
        List<String> unlisted = new ArrayList<>();
        for (String name : harborCommands) {
            if (acl.get(name) == null) {
                unlisted.add(name);
            }
        }
        assertEquals("harbor commands with no ACL entry", List.of(), unlisted);
    }

    @Test
    public void aViewerCanListButNotReplay() throws Exception {
        // listing: allowed
        String listing = execute("harbor:referrals -n 1", "viewer");
        assertNotNull(listing);

        // replaying, moving dead letters: refused before the command runs
        for (String command : List.of("harbor:replay -j US-IL 00000000-0000-4000-8000-000000000000",
                "harbor:replay --dead-letters US-IL")) {
            try {
                execute(command, "viewer");
                fail("a viewer ran " + command);
            } catch (Exception refused) {
                assertTrue(command + ": " + chain(refused), isAclRefusal(refused));
            }
        }
    }

    @Test
    public void anOperatorMayReplay() throws Exception {
        // an unknown referral: the command runs (and says it does not know it); the ACL does not stop it
        try {
            execute("harbor:replay -j US-IL 00000000-0000-4000-8000-000000000000", "operator");
        } catch (Exception failed) {
            assertFalse("operator refused by the ACL: " + chain(failed), isAclRefusal(failed));
        }
    }

    @Test
    public void aUserWithoutRolesCannotList() throws Exception {
        try {
            execute("harbor:referrals -n 1");
            fail("a user with no role listed referrals");
        } catch (Exception refused) {
            assertTrue(chain(refused), isAclRefusal(refused));
        }
    }

    // ------------------------------------------------------------------ sandboxes out of production

    @Test
    public void onlyTheSandboxFeatureInstallsASandboxAndNoInstalledBundleCarriesOne() throws Exception {
        // what the default boot installed (the adapter and the four states): no sandbox bundle, no sandbox package or
        // resource folder, no key store or private key, no SFTP server in the platform bundle
        List<String> found = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            String name = String.valueOf(bundle.getSymbolicName());
            if (!name.startsWith("org.safeharbor.")) {
                continue;
            }
            if (name.endsWith("-sandbox")) {
                found.add(name);
            }
            for (String pattern : new String[] {"sandbox", "*.p12", "*.pfx", "*.jks", "*.jceks", "*.key", "*.pem", "sshd-*.jar"}) {
                Enumeration<URL> entries = bundle.findEntries("/", pattern, true);
                while (entries != null && entries.hasMoreElements()) {
                    found.add(name + ": " + entries.nextElement().getPath());
                }
            }
        }
        assertEquals(List.of(), found);
        // of every feature Karaf knows, only each state's own sandbox feature (safeharbor-us-xx-sandbox, from the state's
        // repository) lists a sandbox bundle, and only its own state's
        List<String> listing = new ArrayList<>();
        for (Feature feature : features.listFeatures()) {
            for (var bundle : feature.getBundles()) {
                if (bundle.getLocation().contains("-sandbox/")) {
                    listing.add(feature.getName());
                    // the services provider's peer (safeharbor-services-sandbox) is the one sandbox that is not a state's
                    String own = feature.getName().equals("safeharbor-services-sandbox") ? "/safeharbor-services-referral-sandbox/"
                            : "/safeharbor-jurisdiction-" + feature.getName().substring("safeharbor-".length(),
                                    feature.getName().length() - "-sandbox".length()) + "-sandbox/";
                    assertTrue(feature.getName() + " lists " + bundle.getLocation(), feature.getName().endsWith("-sandbox")
                            && bundle.getLocation().contains(own));
                }
            }
        }
        assertEquals(5, listing.size());
        // and no production feature reaches one, however deep
        for (String production : List.of("safeharbor", "safeharbor-production", "safeharbor-jurisdictions",
                "safeharbor-us-il", "safeharbor-us-fl", "safeharbor-us-ma", "safeharbor-us-tx")) {
            assertEquals(production + " reaches a sandbox", List.of(), sandboxesReachedFrom(production, new java.util.HashSet<>()));
        }
    }

    private List<String> sandboxesReachedFrom(String name, java.util.Set<String> seen) throws Exception {
        List<String> reached = new ArrayList<>();
        if (!seen.add(name)) {
            return reached;
        }
        for (Feature feature : features.getFeatures(name)) {
            if (feature.getName().endsWith("-sandbox")) {
                reached.add(feature.getName());
            }
            for (var dependency : feature.getDependencies()) {
                reached.addAll(sandboxesReachedFrom(dependency.getName(), seen));
            }
        }
        return reached;
    }

    // ------------------------------------------------------------------ deploy/ and the production profile

    @Test
    public void deployFolderIsWatchedInTheStandardProfileOnly() throws Exception {
        // the demo's switch for the sandbox: on in the standard profile (README "Operations")...
        Path watcher = Path.of(System.getProperty("karaf.etc"), "org.apache.felix.fileinstall-deploy.cfg");
        assertTrue(Files.exists(watcher));
        // ...and the production profile deletes it (PRODUCTION.md); the production files ship next to it
        Path production = Path.of(System.getProperty("karaf.etc"), "production");
        assertTrue(Files.exists(production.resolve("org.safeharbor.profile.cfg")));
        assertFalse("etc/production/ must not bring a deploy watcher back",
                Files.exists(production.resolve("org.apache.felix.fileinstall-deploy.cfg")));
    }

    @Test
    public void productionProfileRefusesASandboxComponent() throws Exception {
        JsonNode health = health();
        assertEquals("UP", health.path("status").asText());
        assertFalse(health.path("sandbox").asBoolean());
        assertTrue("no URL in /health: " + health, health.path("broker").path("url").isMissingNode());

        // the production profile, applied at run time as etc/production/org.safeharbor.profile.cfg would be
        org.osgi.service.cm.Configuration profile = configurationAdmin.getConfiguration("org.safeharbor.profile", null);
        Dictionary<String, Object> production = new Hashtable<>();
        production.put("profile", "production");
        profile.update(production);
        // a sandbox component appears (any service with the marker property)
        Dictionary<String, Object> marker = new Hashtable<>();
        marker.put("safeharbor.sandbox", "US-ZZ");
        ServiceRegistration<Runnable> sandbox = bundleContext.registerService(Runnable.class, () -> { }, marker);
        try {
            HttpResponse<String> refused = awaitHealth(503);
            JsonNode body = JSON.readTree(refused.body());
            assertEquals("DOWN", body.path("status").asText());
            assertTrue(body.path("sandbox").asBoolean());
            assertEquals("US-ZZ", body.path("sandboxes").path(0).asText());
        } finally {
            sandbox.unregister();
            profile.delete();
        }
        assertEquals(200, awaitHealth(200).statusCode());
    }

    // ------------------------------------------------------------------ helpers

    private Dictionary<String, Object> properties(String pid) throws IOException {
        Dictionary<String, Object> properties = configurationAdmin.getConfiguration(pid, null).getProperties();
        assertNotNull("no configuration " + pid, properties);
        return properties;
    }

    private String execute(String command, String... roles) throws Exception {
        return SafeHarborKaraf.shell(sessionFactory, command, roles);
    }

    /** Karaf refuses a command the ACL denies with "Command not found" (it is hidden) or "Insufficient credentials". */
    private static boolean isAclRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityException || t.getClass().getSimpleName().equals("CommandNotFoundException")) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" / ");
        }
        return s.toString();
    }

    private static JsonNode health() throws Exception {
        return JSON.readTree(awaitHealth(200).body());
    }

    /** Polls /health (30 s at most) until it answers this status code. */
    private static HttpResponse<String> awaitHealth(int status) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> response = SafeHarborKaraf.get("/health");
                if (response.statusCode() == status) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/health never answered " + status + "; last: " + last);
    }

    private static void awaitListening(String host, int port) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("nothing listens on " + host + ":" + port, notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    /** The port refuses connections over every non-loopback IPv4 address of this machine. */
    private static void assertNotReachableOverANonLoopbackAddress(int port) throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        if (address.isEmpty()) {
            System.err.println("[KarafDoorsIT] no non-loopback IPv4 address: reachability not checked for port " + port);
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.get(), port), 2000);
            fail("port " + port + " answers on " + address.get().getHostAddress());
        } catch (IOException refused) {
            // expected: connection refused
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
