package org.patientdocs.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.patientdocs.config.ConfigLoader;
import org.patientdocs.config.ServiceConfig;

/** Real keys and real signed tokens for the auth tests. */
final class TestTokens {

    static final String ISSUER = "urn:patientdocs:dev";
    static final String AUDIENCE = "urn:patientdocs:api";

    private TestTokens() {
    }

    /** A configuration over the bundled defaults with {@code data.dir} in {@code dataDir} plus the overrides. */
    static ServiceConfig config(Path dataDir, String... keyValues) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("data.dir", dataDir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            overrides.put(keyValues[i], keyValues[i + 1]);
        }
        return ConfigLoader.fromOverrides(overrides);
    }

    static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claims the default configuration accepts: its issuer and audience, a subject, the default tenant, every scope,
     * valid for ten minutes.
     */
    static JWTClaimsSet.Builder validClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("user-456")
                .claim("tenant", Caller.DEFAULT_TENANT)
                .claim("scope", ScopeNames.DEFAULT.all())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .jwtID(UUID.randomUUID().toString());
    }

    static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
        return sign(key, new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims);
    }

    static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
        try {
            JWSSigner signer = new DefaultJWSSignerFactory().createJWSSigner(key, header.getAlgorithm());
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Date minutesFromNow(long minutes) {
        return Date.from(Instant.now().plus(Duration.ofMinutes(minutes)));
    }
}
