package org.safeharbor.jurisdiction.us.ma;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/**
 * The adapter's configuration, {@code etc/org.safeharbor.jurisdiction.us.ma.cfg} (each key is explained there). A name
 * starting with "_" is a private property, written with a "." in the cfg and never published. No endpoint and no trust
 * store ships; with the sandbox, its peer's fill what is left empty.
 */
@ObjectClassDefinition(name = "SafeHarbor Bridge: Massachusetts (US-MA) adapter", description = "Written 51A report to DCF, "
        + "DCF's statuses back and (off by default) DCF's notices to the District Attorney and local law enforcement, JSON over HTTPS")
public @interface MassachusettsConfig {

    @AttributeDefinition(description = "HTTPS URL the written 51A report is POSTed to (DCF intake); required")
    String reportUrl() default "";

    @AttributeDefinition(required = false, description = "DCF statuses that make the s.51B(k) notices due: SCREENED_IN, "
            + "INVESTIGATION_OPENED, comma-separated; empty: never")
    String departmentNoticesOn() default "";

    @AttributeDefinition(required = false, description = "HTTPS URL of the notice to the District Attorney; required with departmentNoticesOn")
    String districtAttorneyUrl() default "";

    @AttributeDefinition(required = false, description = "HTTPS URL of the notice to local law enforcement; required with departmentNoticesOn")
    String lawEnforcementUrl() default "";

    @AttributeDefinition(required = false, description = "County whose District Attorney that endpoint serves; empty for none")
    String districtAttorneyCounty() default "";

    @AttributeDefinition(required = false, description = "HTTP Basic user name for every endpoint; empty for none")
    String username() default "";

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "HTTP Basic password")
    String _password() default "";

    @AttributeDefinition(required = false, description = "Trust store file (PKCS12 or JKS) for the state's TLS certificate; empty: the JVM's")
    String trustStore() default "";

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Password of the trust store")
    String _trustStorePassword() default "";

    @AttributeDefinition(description = "Time allowed for the written report, ISO-8601 (G.L. c.119 s.51A: 48 hours)")
    String writtenReportDeadline() default "PT48H";

    @AttributeDefinition(description = "Connect and response timeout of each HTTPS call, in seconds")
    int timeoutSeconds() default 30;

    @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Bearer token DCF presents with its statuses")
    String _statusToken() default "";

    @AttributeDefinition(required = false, description = "SHA-256 fingerprints (hex, comma-separated) of client certificates DCF may present instead")
    String statusClientCertificates() default "";

    @AttributeDefinition(description = "Largest status body taken, in bytes; a larger one is answered 413 unread")
    int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;
    // the retry policy of a delivery, and of each notice on its own, is the kit's RetryConfig (same cfg)
}
