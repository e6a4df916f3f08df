package dev.corral.operator.inject;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The webhook's serving certificate: either made at start (a self-signed CA, and a server
 * certificate it signs for the Service's DNS names) or read from a directory that cert-manager
 * fills ({@code tls.crt}, {@code tls.key}, optionally {@code ca.crt}).
 *
 * @param chain the server certificate first, then its issuers
 * @param caPem the CA that clients must trust, PEM: the webhook configuration's caBundle
 */
public record WebhookCertificates(PrivateKey key, List<X509Certificate> chain, String caPem) {
  private static final Duration VALIDITY = Duration.ofDays(3650);

  public WebhookCertificates {
    requireNonNull(key, "key");
    chain = List.copyOf(requireNonNull(chain, "chain"));
    requireNonNull(caPem, "caPem");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: empty");
    }
  }

  /**
   * The DNS names the API server may use for the Service: {@code svc}, {@code svc.ns},
   * {@code svc.ns.svc} (what it calls) and {@code svc.ns.svc.cluster.local}.
   */
  public static List<String> serviceNames(String service, String namespace) {
    return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
        service + "." + namespace + ".svc.cluster.local");
  }

  /** A new CA and a server certificate for {@code dnsNames} (and {@code ipAddresses}) signed by it. */
  public static WebhookCertificates generate(List<String> dnsNames, List<String> ipAddresses) {
    try {
      KeyPair caKeys = ecKeys();
      X500Name caName = new X500Name("CN=corral-webhook-ca");
      Instant now = Instant.now();
      X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caKeys.getPrivate());

      KeyPair serverKeys = ecKeys();
      List<GeneralName> names = new ArrayList<>();
      dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
      ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
      String cn = dnsNames.isEmpty() ? "corral-webhook" : dnsNames.get(dnsNames.size() > 2 ? 2 : 0);
      X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), new X500Name("CN=" + cn),
          serverKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      X509Certificate serverCert = sign(server, caKeys.getPrivate());
      return new WebhookCertificates(serverKeys.getPrivate(), List.of(serverCert, caCert), pem(caCert));
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the webhook certificate: " + e, e);
    }
  }

  /**
   * Reads {@code tls.crt} and {@code tls.key} (PEM) from {@code dir}, as cert-manager writes them;
   * the CA is {@code ca.crt} when present, else the last certificate of {@code tls.crt}.
   */
  public static WebhookCertificates fromDirectory(Path dir) {
    try {
      Path caFile = dir.resolve("ca.crt");
      return fromPem(Files.readString(dir.resolve("tls.crt")), Files.readString(dir.resolve("tls.key")),
          Files.exists(caFile) ? Files.readString(caFile) : null);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the webhook certificate from " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * From PEM text: the certificate chain, its key, and the CA ({@code null}: the chain's last
   * certificate).
   */
  public static WebhookCertificates fromPem(String chainPem, String keyPem, @Nullable String caPem) {
    try {
      List<X509Certificate> chain = certificates(chainPem);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("tls.crt: no certificate");
      }
      return new WebhookCertificates(privateKey(keyPem), chain, caPem != null ? caPem : pem(chain.get(chain.size() - 1)));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The server certificate and its issuers, PEM (what {@code tls.crt} holds). */
  public String chainPem() {
    StringBuilder out = new StringBuilder();
    chain.forEach(c -> out.append(pem(c)));
    return out.toString();
  }

  /** The key as PKCS#8 PEM (what {@code tls.key} holds). */
  public String keyPem() {
    return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  /** Whether the server certificate is valid for {@code dnsNames} until {@code until}. */
  public boolean covers(List<String> dnsNames, Instant until) {
    X509Certificate server = chain.get(0);
    if (server.getNotAfter().toInstant().isBefore(until)) {
      return false;
    }
    try {
      java.util.Collection<List<?>> sans = server.getSubjectAlternativeNames();
      List<Object> names = new ArrayList<>();
      if (sans != null) {
        sans.forEach(san -> names.add(san.get(1)));
      }
      return names.containsAll(dnsNames);
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
  }

  /** A TLS server context serving this certificate. */
  public SSLContext serverContext() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("webhook", key, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make the webhook's TLS context: " + e, e);
    }
  }

  /** The CA as the base64 of its PEM: what {@code clientConfig.caBundle} holds. */
  public String caBundle() {
    return java.util.Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws org.bouncycastle.operator.OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static List<X509Certificate> certificates(String pem) throws IOException, GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = new java.io.StringReader(pem); PEMParser parser = new PEMParser(r)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
          out.add(converter.getCertificate(holder));
        }
      }
    }
    return out;
  }

  private static PrivateKey privateKey(String pem) throws IOException {
    try (Reader r = new java.io.StringReader(pem); PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException("tls.key: no PEM private key");
    }
  }
}
