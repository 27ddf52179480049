package dev.lexstream.serde.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The test-only self-signed localhost certificate of {@code src/test/resources/tls/} (see its README):
 * a server key store and a client trust store, copied to files for path-based settings.
 */
public record TestCertificates(Path keystore, Path truststore, String password) {

  public static TestCertificates copyTo(Path dir) throws IOException {
    Path keystore = dir.resolve("registry-server.p12");
    Path truststore = dir.resolve("registry-trust.p12");
    copy("/tls/registry-server.p12", keystore);
    copy("/tls/registry-trust.p12", truststore);
    return new TestCertificates(keystore, truststore, "changeit");
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = TestCertificates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      Files.copy(in, target);
    }
  }

  /** The server side: an SSL context presenting the certificate. */
  public SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }
}
