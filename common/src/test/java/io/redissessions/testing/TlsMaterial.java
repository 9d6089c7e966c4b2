package io.redissessions.testing;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away certificate authority and server certificates for TLS tests, made at test time
 * with the JDK's {@code keytool} (no openssl needed): a CA key pair, server key pairs whose
 * certificates the CA signs with the requested subject alternative names, the PEM files that
 * redis-server reads, and a PKCS12 trust store holding the CA for the client side.
 *
 * <pre>
 * try (TlsMaterial tls = TlsMaterial.create()) {
 *     TlsMaterial.ServerCertificate cert = tls.localhostCertificate(); // SAN localhost, 127.0.0.1
 *     ... tls.trustStore(), tls.trustStorePassword()
 * }
 * </pre>
 */
public final class TlsMaterial implements AutoCloseable {

    /** The SANs of {@link #localhostCertificate()}. */
    public static final String LOCALHOST_SANS = "dns:localhost,ip:127.0.0.1";

    private final Path dir;
    private final String password;
    private final Path caKeyStore;
    private final Path caCertPem;
    private final Path trustStore;
    private final AtomicInteger serial = new AtomicInteger();
    private ServerCertificate localhost;

    /**
     * A certificate and its key, as PEM files redis-server reads, and as a PKCS12 key store (key,
     * certificate and CA; password {@link #trustStorePassword()}) usable as a client certificate:
     * the certificate is valid for server and client authentication.
     */
    public record ServerCertificate(Path certificatePem, Path privateKeyPem, Path keyStore, String subjectAltNames) {
    }

    private TlsMaterial(Path dir, String password) {
        this.dir = dir;
        this.password = password;
        this.caKeyStore = dir.resolve("ca.p12");
        this.caCertPem = dir.resolve("ca.pem");
        this.trustStore = dir.resolve("truststore.p12");
    }

    /** Creates the CA (one keytool run) and the client trust store, in a fresh temp directory. */
    public static TlsMaterial create() {
        try {
            Path dir = Files.createTempDirectory("redis-sessions-tls");
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            TlsMaterial m = new TlsMaterial(dir, "test-" + HexFormat.of().formatHex(random));
            m.createCa();
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create TLS material: " + e, e);
        }
    }

    private void createCa() {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=redis-sessions test CA", "-ext", "bc:c",
                "-validity", "2", "-keystore", caKeyStore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        try {
            KeyStore ca = KeyStore.getInstance(caKeyStore.toFile(), password.toCharArray());
            Certificate caCert = ca.getCertificate("ca");
            Files.writeString(caCertPem, pem("CERTIFICATE", caCert.getEncoded()));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("redis-sessions-test-ca", caCert);
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trust.store(out, password.toCharArray());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the CA files: " + e, e);
        }
    }

    /** The certificate for {@code localhost} and {@code 127.0.0.1}, issued on first use. */
    public synchronized ServerCertificate localhostCertificate() {
        if (localhost == null) {
            localhost = issue(LOCALHOST_SANS);
        }
        return localhost;
    }

    /**
     * Issues a server certificate signed by this CA.
     *
     * @param subjectAltNames keytool syntax, e.g. {@code dns:localhost,ip:127.0.0.1}
     */
    public ServerCertificate issue(String subjectAltNames) {
        int n = serial.incrementAndGet();
        Path keyStore = dir.resolve("server" + n + ".p12");
        Path csr = dir.resolve("server" + n + ".csr");
        Path certPem = dir.resolve("server" + n + ".crt");
        Path keyPem = dir.resolve("server" + n + ".key");
        Path chainStore = dir.resolve("server" + n + "-chain.p12");
        String cn = subjectAltNames.split(",")[0].replaceFirst("^[a-zA-Z]+:", "");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=" + cn, "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password);
        keytool("-certreq", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", password,
                "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", caKeyStore.toString(), "-storepass", password,
                "-infile", csr.toString(), "-outfile", certPem.toString(), "-rfc", "-validity", "2",
                "-sigalg", "SHA256withECDSA",
                "-ext", "SAN=" + subjectAltNames, "-ext", "KU=digitalSignature",
                "-ext", "EKU=serverAuth,clientAuth");
        try {
            KeyStore ks = KeyStore.getInstance(keyStore.toFile(), password.toCharArray());
            Key key = ks.getKey("server", password.toCharArray());
            if (!(key instanceof PrivateKey) || !"PKCS#8".equals(key.getFormat())) {
                throw new IllegalStateException("unexpected key " + key);
            }
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            Certificate signed;
            try (var in = Files.newInputStream(certPem)) {
                signed = CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            Certificate ca = KeyStore.getInstance(caKeyStore.toFile(), password.toCharArray()).getCertificate("ca");
            KeyStore chain = KeyStore.getInstance("PKCS12");
            chain.load(null, null);
            chain.setKeyEntry("redis-sessions-test", key, password.toCharArray(), new Certificate[]{signed, ca});
            try (OutputStream out = Files.newOutputStream(chainStore)) {
                chain.store(out, password.toCharArray());
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot export the server key and chain: " + e, e);
        }
        return new ServerCertificate(certPem, keyPem, chainStore, subjectAltNames);
    }

    /** The CA certificate as PEM ({@code tls-ca-cert-file}). */
    public Path caCertificatePem() {
        return caCertPem;
    }

    /** A PKCS12 trust store holding only the CA: the {@code tlsTrustStore} setting. */
    public Path trustStore() {
        return trustStore;
    }

    /** The {@code tlsTrustStorePassword} setting. */
    public String trustStorePassword() {
        return password;
    }

    /**
     * A client-side context trusting this CA (for fixtures; no host name check), presenting the
     * given certificate if a server asks for one ({@code tls-auth-clients yes}); may be null.
     */
    public SSLContext clientContext(ServerCertificate clientCertificate) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(KeyStore.getInstance(trustStore.toFile(), password.toCharArray()));
            KeyManager[] keys = null;
            if (clientCertificate != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(KeyStore.getInstance(clientCertificate.keyStore().toFile(), password.toCharArray()),
                        password.toCharArray());
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        TestFiles.deleteRecursively(dir);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: start fast
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.add("-J-XX:+UseSerialGC");
        cmd.add("-noprompt");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed (" + p.exitValue() + "): "
                        + out.replace(password, "****"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
