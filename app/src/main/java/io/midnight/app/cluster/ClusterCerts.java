package io.midnight.app.cluster;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * A cluster's identity, made by {@code midnight cluster-certs}: a certificate authority ({@code ca.pem},
 * {@code ca-key.pem}: keep the key off the nodes), a secret the cluster's name derives from, and per node a
 * directory holding what that node needs and nothing more ({@link ClusterSecurity#FILES}): the CA certificate, its
 * own certificate and key (EC P-256, for both ends of a TLS connection, with the node's name, {@code localhost}
 * and 127.0.0.1 as subject alternative names) and the secret. Run again on the same directory, it reuses the CA
 * and the secret and adds the nodes named.
 */
public final class ClusterCerts {

  static final String CA_KEY = "ca-key.pem";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ClusterCerts() {
  }

  /** Creates or reuses the CA and secret in {@code dir}; writes {@code dir/<node>/} for each node. */
  public static List<Path> generate(Path dir, List<String> nodes, Duration validity) throws IOException {
    try {
      Files.createDirectories(dir);
      ownerOnly(dir, true);
      Path caCert = dir.resolve(ClusterSecurity.CA);
      Path caKey = dir.resolve(CA_KEY);
      Path secret = dir.resolve(ClusterSecurity.SECRET);
      KeyPair ca;
      X509Certificate caCertificate;
      if (Files.exists(caCert) && Files.exists(caKey)) {
        ca = readKeyPair(caKey);
        caCertificate = readCertificate(caCert);
      } else {
        ca = newKeyPair();
        caCertificate = caCertificate(ca, validity);
        write(caKey, pem(ca.getPrivate()), true);
        write(caCert, pem(caCertificate), false);
      }
      if (!Files.exists(secret)) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        write(secret, Base64.getUrlEncoder().withoutPadding().encodeToString(random), true);
      }
      List<Path> made = new ArrayList<>();
      for (String node : nodes) {
        if (!node.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,62}")) {
          throw new IllegalArgumentException("a node name is a host name (letters, digits, '.', '-'); got '" + node + "'");
        }
        Path nodeDir = dir.resolve(node);
        Files.createDirectories(nodeDir);
        ownerOnly(nodeDir, true);
        KeyPair keys = newKeyPair();
        write(nodeDir.resolve(ClusterSecurity.KEY), pem(keys.getPrivate()), true);
        write(nodeDir.resolve(ClusterSecurity.CERT), pem(nodeCertificate(node, keys, ca, caCertificate, validity)), false);
        Files.copy(caCert, nodeDir.resolve(ClusterSecurity.CA), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(secret, nodeDir.resolve(ClusterSecurity.SECRET), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ownerOnly(nodeDir.resolve(ClusterSecurity.SECRET), false);
        made.add(nodeDir);
      }
      return made;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make the cluster's certificates: " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(KeyPair ca, Duration validity) throws GeneralSecurityException,
    IOException {
    X500Name name = new X500Name("CN=Midnight cluster CA");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
      Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), name, ca.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(ca.getPublic()));
    return sign(builder, ca.getPrivate());
  }

  private static X509Certificate nodeCertificate(String node, KeyPair keys, KeyPair ca, X509Certificate caCert,
                                                 Duration validity) throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert,
      serial(), Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)),
      new X500Name("CN=" + node), keys.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(Extension.extendedKeyUsage, false,
      new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
      new GeneralName(GeneralName.dNSName, node), new GeneralName(GeneralName.dNSName, "localhost"),
      new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
    return sign(builder, ca.getPrivate());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
    throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      X509CertificateHolder holder = builder.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  private static KeyPair readKeyPair(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (object instanceof PEMKeyPair pair) {
        return new JcaPEMKeyConverter().getKeyPair(pair);
      }
      if (object instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
        X509Certificate cert = readCertificate(file.resolveSibling(ClusterSecurity.CA));
        return new KeyPair(cert.getPublicKey(), key);
      }
      throw new IOException(file + " holds no private key");
    }
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new IOException(file + " holds no certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey key ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key,
        null) : object);
    }
    return out.toString();
  }

  private static void write(Path file, String content, boolean secret) throws IOException {
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    ownerOnly(file, false);
    if (!secret) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  private static void ownerOnly(Path path, boolean directory) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
  }
}
