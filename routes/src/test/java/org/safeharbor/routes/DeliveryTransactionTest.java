package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.camel.component.stub.StubComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.MessageStore;

/**
 * Issue 16 (one transaction per delivery): the state's answer (the delivery's status, its event and audit record) and
 * the delivered key of the idempotent consumer are written in ONE commit, on the real message store and Camel's JDBC
 * repository over one H2 database, as the core wires them. The database is watched through a DataSource that notes
 * which tables each commit wrote; nothing of the store or of Camel is replaced.
 */
class DeliveryTransactionTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final Pattern WRITE = Pattern.compile("^\\s*(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|MERGE\\s+INTO)\\s+([A-Za-z_]+)",
            Pattern.CASE_INSENSITIVE);

    /** The tables each committed transaction wrote, in commit order. */
    private final List<Set<String>> commits = new CopyOnWriteArrayList<>();
    private MessageStore store;
    private JdbcMessageIdRepository delivered;
    private JurisdictionPipelineTest.FakeState state;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:delivery-tx-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        DataSource watched = watching(h2);
        store = new MessageStore(watched);
        // as CamelRuntime builds it: Camel's repository on the message store's DataSource
        delivered = new JdbcMessageIdRepository(watched, "safeharbor-delivered");
        state = new JurisdictionPipelineTest.FakeState();
        camel = new DefaultCamelContext();
        camel.addComponent("amqp", new StubComponent());
        camel.getRegistry().bind(JurisdictionPipeline.DELIVERED_REPOSITORY, delivered);
        camel.getRegistry().bind(JurisdictionPipeline.ANSWER_TRANSACTION, CamelRuntime.answerTransaction(delivered));
        camel.addRoutes(new JurisdictionPipeline(state, state, store, java.time.Clock.systemUTC(),
                new JurisdictionPipeline.Queues("direct:queue", "amqp:queue:referrals.US-ZZ.DLQ", "amqp:queue:referrals.US-ZZ.quarantine")));
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void theStatesAnswerAndTheDeliveredKeyAreOneCommit() {
        Referral referral = accepted("r-tx-1");
        commits.clear();

        camel.createProducerTemplate().sendBody("direct:queue", ReferralJson.INSTANCE.write(referral));

        assertEquals(DeliveryStatus.ACKNOWLEDGED, store.find(referral.id()).orElseThrow().deliveries().get(0).status());
        assertTrue(delivered.contains(DeliveryContract.deliveryKey(ZZ, referral.id().value(), null)), "the key is kept");
        List<Set<String>> withKey = commits.stream().filter(t -> t.contains("camel_messageprocessed")).toList();
        assertEquals(1, withKey.size(), () -> "the key is written once: " + commits);
        assertTrue(withKey.get(0).contains("referral_delivery"), () -> "the key is written with the status, in one commit: " + commits);
        // two commits write during a delivery: the attempt (durable before the state is called), then the answer + key
        List<Set<String>> writing = commits.stream().filter(t -> !t.isEmpty()).toList();
        assertEquals(2, writing.size(), () -> "commits that wrote: " + writing);
        assertTrue(writing.get(0).contains("delivery_attempt") && !writing.get(0).contains("referral_delivery"),
                () -> "the attempt is committed alone, before the state is called: " + writing);
    }

    @Test
    void theSameQueueMessageTwiceIsStillDeliveredOnce() {
        Referral referral = accepted("r-tx-2");
        String message = ReferralJson.INSTANCE.write(referral);

        camel.createProducerTemplate().sendBody("direct:queue", message);
        camel.createProducerTemplate().sendBody("direct:queue", message);

        assertEquals(1, state.attempts.get(), "the second copy is skipped by the key the answer's commit wrote");
        assertEquals(1, store.attempts(referral.id()).size());
    }

    @Test
    void aFailedAttemptLeavesNoKeySoTheMessageIsDeliveredAgain() {
        Referral referral = accepted("r-tx-3");
        state.behaviour = JurisdictionPipelineTest.Behaviour.DOWN;
        state.failuresBeforeSuccess = -1; // always down: retried, then the dead letter queue

        camel.createProducerTemplate().sendBody("direct:queue", ReferralJson.INSTANCE.write(referral));

        assertFalse(delivered.contains(DeliveryContract.deliveryKey(ZZ, referral.id().value(), null)),
                "nothing was delivered: no key, a later copy (an operator's resend) is delivered");
        assertTrue(commits.stream().noneMatch(t -> t.contains("camel_messageprocessed")), () -> "commits: " + commits);
    }

    private Referral accepted(String id) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        Referral referral = new Referral(new ReferralId(id), child, null, null, Instant.parse("2026-11-21T10:00:00Z"), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
        store.accept("key-" + id, referral, true, "{\"resourceType\":\"Bundle\"}", "application/fhir+json",
                Map.of(ZZ, DeliveryStatus.QUEUED));
        return referral;
    }

    /** A DataSource over {@code target} that notes the tables written between two commits of each connection. */
    private DataSource watching(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection connection ? watching(connection) : result;
        });
    }

    private Connection watching(Connection connection) {
        Set<String> written = new TreeSet<>();
        boolean[] autoCommit = {true};
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("setAutoCommit")) {
                autoCommit[0] = (Boolean) args[0];
            }
            if (args != null && args.length > 0 && args[0] instanceof String sql
                    && (method.getName().equals("prepareStatement") || method.getName().startsWith("execute"))) {
                Matcher m = WRITE.matcher(sql);
                if (m.find()) {
                    String table = m.group(1).toLowerCase(Locale.ROOT);
                    if (autoCommit[0]) {
                        commits.add(Set.of(table)); // a statement outside a transaction is a commit of its own
                    } else {
                        written.add(table);
                    }
                }
            }
            Object result = invoke(connection, method, args);
            if (method.getName().equals("commit")) {
                commits.add(new TreeSet<>(written));
                written.clear();
            } else if (method.getName().equals("rollback")) {
                written.clear();
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
