package org.safeharbor.jurisdiction.us.tx;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/** The Texas adapter's configuration, PID {@value TexasAdapter#PID}; durations are ISO-8601. */
@ObjectClassDefinition(name = "SafeHarbor Bridge US-TX (Texas)", description = "Texas reference intake: NIEM-style XML over"
        + " HTTPS to CPS intake (caregiver trafficker) or to law enforcement within 24 hours (otherwise), CPS Handbook 2380")
public @interface TexasConfig {
    @AttributeDefinition(description = "HTTPS URL of the CPS intake (caregiver trafficker); required (sandbox: blank takes its peer's)")
    String cpsIntakeUrl() default "";
    @AttributeDefinition(description = "HTTPS URL of the law-enforcement notification (anyone else); required (sandbox: as above)")
    String lawEnforcementUrl() default "";
    @AttributeDefinition(description = "PKCS12 trust store of the agencies' certificates; empty: the JVM's default trust")
    String trustStore() default "";
    @AttributeDefinition(type = AttributeType.PASSWORD) // .trustStorePassword: private, never a service property (as all _)
    String _trustStorePassword() default "";
    @AttributeDefinition(description = "HTTP Basic user for both endpoints; empty sends none")
    String username() default "";
    @AttributeDefinition(type = AttributeType.PASSWORD)
    String _password() default "";
    @AttributeDefinition(description = "ISO-8601 duration to notify law enforcement (CPS Handbook 2380: PT24H); shorten only for tests")
    String lawEnforcementClock() default "PT24H";
    @AttributeDefinition(description = "Connect and response timeout of each POST, in seconds")
    int timeoutSeconds() default 30;
    @AttributeDefinition(type = AttributeType.PASSWORD, description = "Bearer token required on POST " + TexasAdapter.STATUS_PATH)
    String _statusToken() default "";
    @AttributeDefinition(description = "SHA-256 fingerprints (hex, comma-separated) of TLS client certificates an agency may"
            + " present instead of the token")
    String statusClientCertificates() default "";
    @AttributeDefinition(description = "Largest status body in bytes; a larger one is answered 413 unread")
    int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;
    // The retry policy (a passing failure: agency down, timeout, 5xx, 401, retried, then referrals.US-TX.DLQ and FAILED; a
    // refusal, 400: invalid document, to referrals.US-TX.quarantine at once, REJECTED) is the kit's RetryConfig.
}
