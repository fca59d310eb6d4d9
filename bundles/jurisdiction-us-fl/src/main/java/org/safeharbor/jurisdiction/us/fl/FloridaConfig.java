package org.safeharbor.jurisdiction.us.fl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Florida adapter's configuration, {@code etc/org.safeharbor.jurisdiction.us.fl.cfg} (PID
 * {@value FloridaAdapter#PID}); the bundle README's "Configuration" table says what each key does. The retry keys of the
 * same cfg are the kit's {@code RetryConfig}; the SFTP keys are the kit's {@code SftpServer}'s.
 */
@ObjectClassDefinition(name = "SafeHarbor Bridge: Florida (US-FL)", description = "Florida DCF reference intake: fixed-width "
        + "batch files over SFTP. No server ships (the safeharbor-sandbox feature supplies its peer's).")
public @interface FloridaConfig {
    @AttributeDefinition(description = "SFTP server host; required (with the sandbox, blank takes its peer's)")
    String sftpHost() default "";
    @AttributeDefinition(description = "SFTP server port")
    int sftpPort() default 22;
    @AttributeDefinition(description = "SFTP user name; required (with the sandbox, blank takes its peer's)")
    String sftpUsername() default "";
    /** Key {@code .sftpPassword}: private, never a service property. */
    @AttributeDefinition(description = "SFTP password; empty for key authentication", type = AttributeType.PASSWORD, required = false)
    String _sftpPassword() default "";
    @AttributeDefinition(description = "Private key file (OpenSSH/PEM) for key authentication", required = false)
    String privateKeyFile() default "";
    /** Key {@code .privateKeyPassphrase}: private. */
    @AttributeDefinition(description = "Passphrase of the private key", type = AttributeType.PASSWORD, required = false)
    String _privateKeyPassphrase() default "";
    @AttributeDefinition(description = "Folder on the SFTP server that takes batch files")
    String inboxDirectory() default "inbox";
    @AttributeDefinition(description = "Folder on the SFTP server where the state leaves acknowledgement and status files")
    String outboxDirectory() default "outbox";
    @AttributeDefinition(description = "known_hosts file with the server's host key; required outside the sandbox")
    String knownHostsFile() default "";
    @AttributeDefinition(description = "How long referrals are collected into one batch file (ISO-8601 duration)")
    String batchInterval() default "PT5M";
    @AttributeDefinition(description = "Most referrals in one batch file, at least 2; a full batch goes out at once")
    int maxReferralsPerBatch() default 500;
    @AttributeDefinition(description = "How often a batch the SFTP server did not take is sent again (ISO-8601 duration)")
    String resendInterval() default "PT1M";
    @AttributeDefinition(description = "How often the outbox is read for acknowledgement and status files (ISO-8601 duration)")
    String statusPollInterval() default "PT1M";
    @AttributeDefinition(description = "Spool folder of earlier versions (empty: ${karaf.data}/safeharbor/US-FL/spool): "
            + "referrals left there join the next batch")
    String spoolDirectory() default "";
    @AttributeDefinition(description = "Sender id written in each batch header")
    String senderId() default "SAFEHARBOR";
    @AttributeDefinition(description = "DCF code of sexual exploitation by a non-caregiver. PLACEHOLDER: the value is unconfirmed")
    String categorySexualNonCaregiver() default "SXN";
    @AttributeDefinition(description = "DCF code of sexual exploitation by a parent/guardian/caregiver. PLACEHOLDER")
    String categorySexualCaregiver() default "SXC";
    @AttributeDefinition(description = "DCF code of labor trafficking. PLACEHOLDER: the value is unconfirmed")
    String categoryLabor() default "LAB";
    @AttributeDefinition(description = "File other-family-member, multiple and unknown perpetrators as caregivers")
    boolean undeterminedRelationAsCaregiver() default false;
}
