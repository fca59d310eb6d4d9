package org.safeharbor.jurisdiction.us.fl;

import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.ReferralBatches;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Florida (US-FL): DCF's three trafficking categories ({@link FloridaCategories}), written by {@link FloridaFormat} and
 * sent as fixed-width batch files over SFTP by {@link FloridaTransport}; the state's acknowledgement and later status
 * files come back in the SFTP outbox. REFERENCE DESIGN: Florida publishes no intake interface. One clock, DCF's for a child
 * in its care ({@link FloridaClocks}). Batches are kept in the message store's database (DataSource
 * {@code safeharbor}), encrypted with the store's keys ({@link StoreCipher}).
 *
 * <p>The adapter follows the sandbox peer's service ({@link SandboxPeer}, {@code safeharbor.sandbox=US-FL}): while it
 * is there, it takes from it the server, port, user and password the configuration leaves unset, and accepts a loopback
 * server with an unchecked host key. Without it, the routes do not start unless the configuration names a server that
 * is not this machine, a user, a credential and a known_hosts file (the kit's {@code SftpServer.refusal}).
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + FloridaAdapter.CODE,
        configurationPid = FloridaAdapter.PID)
@Designate(ocd = FloridaConfig.class)
public class FloridaAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.fl";
    public static final String CODE = "US-FL";
    public static final Jurisdiction FLORIDA = Jurisdiction.of(CODE);
    /** Sends the open batch now ({@link FloridaTransport#FLUSH_ENDPOINT}). */
    public static final String FLUSH_ENDPOINT = FloridaTransport.FLUSH_ENDPOINT;

    private static final Logger LOG = LoggerFactory.getLogger(FloridaAdapter.class);

    private final FloridaFormat format;
    private final Redelivery redelivery;
    private final FloridaTransport transport;
    /** Why this adapter may not deliver (no server, or sandbox settings outside the sandbox), or null. */
    private final String refusal;

    /** In OSGi: the retry keys of the same cfg as the kit's {@link RetryConfig}; the sandbox peer's service, while it is there, fills what the configuration leaves unset. */
    @Activate
    public FloridaAdapter(FloridaConfig config, RetryConfig retry, @Reference StatusReporter statusReporter,
                          @Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource,
                          @Reference StoreCipher cipher,
                          @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                  target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        // a refused configuration does not fail the activation: the sandbox arriving later re-creates the component
        this(SandboxPeer.fill(FloridaConfig.class, config, sandbox), Redelivery.of(PID, retry), statusReporter, dataSource, cipher,
                Clock.systemUTC(), sandbox != null, false);
    }

    /**
     * Outside OSGi (tests), with the default retry policy: a refused configuration throws; {@code dataSource} may be null
     * where no route is built. The batches are sealed with this JVM's in-memory store keys ({@link StoreKeys#inMemory()}).
     */
    public FloridaAdapter(FloridaConfig config, StatusReporter statusReporter, DataSource dataSource, Clock clock, boolean sandbox) {
        this(config, Redelivery.DEFAULT, statusReporter, dataSource, new StoreCipher(StoreKeys.inMemory()), clock, sandbox, true);
    }

    private FloridaAdapter(FloridaConfig config, Redelivery redelivery, StatusReporter reporter, DataSource dataSource, StoreCipher cipher,
                           Clock clock, boolean sandbox, boolean failFast) {
        this.refusal = FloridaTransport.sftp(config).refusal(CODE, PID, sandbox);
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        }
        this.redelivery = redelivery;
        this.format = new FloridaFormat(FloridaCategories.of(config));
        this.transport = new FloridaTransport(config, format, new ReferralBatches(FLORIDA, reporter, clock), dataSource, cipher, clock,
                Durations.positive(PID, "batchInterval", config.batchInterval()),
                Durations.positive(PID, "resendInterval", config.resendInterval()),
                Durations.positive(PID, "statusPollInterval", config.statusPollInterval()));
    }

    @Deactivate
    void deactivate() {
        format.close();
    }

    @Override
    public Jurisdiction jurisdiction() {
        return FLORIDA;
    }

    @Override
    public String displayName() {
        return "Florida DCF (reference fixed-width batch over SFTP)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return FloridaClocks.RULES;
    }

    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return FloridaClocks.deadlinesFor(format, referral);
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The collecting, batch and status routes; none while the configuration is refused (the core logs why). */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        transport.configure(routes, deliverEndpoint);
    }
}
