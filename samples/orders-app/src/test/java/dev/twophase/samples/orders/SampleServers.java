package dev.twophase.samples.orders;

import java.util.Map;

/**
 * The sample's own test databases: {@code TWOPHASE_SAMPLE_PG_URL}, {@code _USER}, {@code _PASSWORD} and
 * {@code TWOPHASE_SAMPLE_MYSQL_URL}, {@code _USER}, {@code _PASSWORD} when set, else the local servers as
 * {@code scripts/prepare-local-services.sh} leaves them (twophase_sample_a on PostgreSQL, twophase_sample_b on
 * MariaDB/MySQL, user twophase). Kept apart from the demo's twophase_it_a/b, whose tests reset them.
 */
record SampleServers(String url, String username, String password) {

    static SampleServers postgres() {
        return find("PG", "jdbc:postgresql://127.0.0.1:5432/twophase_sample_a");
    }

    static SampleServers mysql() {
        return find("MYSQL", "jdbc:mysql://127.0.0.1:3306/twophase_sample_b?sslMode=DISABLED&allowPublicKeyRetrieval=true");
    }

    private static SampleServers find(String kind, String localUrl) {
        Map<String, String> env = System.getenv();
        String url = env.get("TWOPHASE_SAMPLE_" + kind + "_URL");
        return new SampleServers(url == null || url.isBlank() ? localUrl : url,
                env.getOrDefault("TWOPHASE_SAMPLE_" + kind + "_USER", "twophase"),
                env.getOrDefault("TWOPHASE_SAMPLE_" + kind + "_PASSWORD", "twophase"));
    }
}
