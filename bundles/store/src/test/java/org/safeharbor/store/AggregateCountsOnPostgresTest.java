package org.safeharbor.store;

import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link AggregateCountsTest} on PostgreSQL (schema version 7's SQL, the savepoint a lost race to create a cell rolls
 * back to), each test in a database of its own: when SAFEHARBOR_PG_URL points at a server; skipped otherwise.
 */
@EnabledIfEnvironmentVariable(named = "SAFEHARBOR_PG_URL", matches = "jdbc:postgresql:.*")
class AggregateCountsOnPostgresTest extends AggregateCountsTest {

    @Override
    DataSource database() {
        String name = "aggregate_" + UUID.randomUUID().toString().replace("-", "");
        new JdbcTemplate(source(System.getenv("SAFEHARBOR_PG_URL"))).execute("CREATE DATABASE " + name);
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
