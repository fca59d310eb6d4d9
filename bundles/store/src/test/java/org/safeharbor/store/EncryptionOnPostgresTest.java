package org.safeharbor.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link EncryptionAtRestTest} on PostgreSQL, the production profile's store, each test in a database of its own:
 * when SAFEHARBOR_PG_URL points at a server (as {@code .ci/postgres} sets it for {@code .ci/run}); skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "SAFEHARBOR_PG_URL", matches = "jdbc:postgresql:.*")
class EncryptionOnPostgresTest extends EncryptionAtRestTest {

    @Override
    DataSource database() {
        PGSimpleDataSource server = source(System.getenv("SAFEHARBOR_PG_URL"));
        String name = "encryption_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(server).execute("CREATE DATABASE " + name);
        return source(System.getenv("SAFEHARBOR_PG_URL").replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"));
    }

    private static PGSimpleDataSource source(String url) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(url);
        source.setUser(System.getenv("SAFEHARBOR_PG_USER"));
        source.setPassword(System.getenv("SAFEHARBOR_PG_PASSWORD"));
        return source;
    }
}
