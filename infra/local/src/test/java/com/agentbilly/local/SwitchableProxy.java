package com.agentbilly.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A TCP proxy on a free local port in front of one server, which a test can switch dark: open
 * connections are cut, and new ones are accepted but never answered — to a client, the server has
 * stopped answering. Lets a test give one SDK client a real outage without stopping a server other
 * tests share. It can also be switched slow: every n-th answer the server starts (its first bytes
 * after a request) is held back for a while before it is passed on, so a client meets late answers
 * (past its timeout, an answer lost after the server acted on the request).
 */
final class SwitchableProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger answers = new AtomicInteger();
  private final AtomicInteger delayed = new AtomicInteger();
  private volatile boolean dark;
  private volatile Duration delay = Duration.ZERO;
  private volatile int everyNth = 1;

  SwitchableProxy(URI target) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
  }

  /**
   * A DynamoDB client reaching the target through this proxy, with timeouts short enough for an
   * outage to show in a test (0.5 s to connect, 0.7 s per read, 4 s per call with its retries).
   */
  DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder()
        .endpointOverride(uri())
        .httpClient(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofMillis(500))
                .socketTimeout(Duration.ofMillis(700))
                .build())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(4)))
        .build();
  }

  /** Where clients connect instead of the target. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Stops answering: cuts every open connection; new ones hang. */
  void goDark() {
    dark = true;
    open.forEach(SwitchableProxy::closeQuietly);
    open.clear();
  }

  /** Holds every {@code everyNth} answer the server starts back for {@code delay}. */
  void slowDown(Duration delay, int everyNth) {
    this.everyNth = everyNth;
    this.delay = delay;
  }

  /** How many answers were held back since the proxy started. */
  int delayedAnswers() {
    return delayed.get();
  }

  /** Forwards again, at full speed. */
  void comeBack() {
    open.forEach(SwitchableProxy::closeQuietly);
    open.clear();
    delay = Duration.ZERO;
    dark = false;
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(SwitchableProxy::closeQuietly);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(client);
      if (dark) {
        Thread.ofVirtual().start(() -> drain(client));
        continue;
      }
      try {
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(upstream);
        AtomicBoolean asked = new AtomicBoolean();
        Thread.ofVirtual().start(() -> forward(client, upstream, asked));
        Thread.ofVirtual().start(() -> answer(upstream, client, asked));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** Reads and discards what a client sends to a dark proxy, answering nothing. */
  private static void drain(Socket client) {
    try (InputStream in = client.getInputStream()) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the client gave up
    }
  }

  /** Passes the client's requests on, noting that an answer is due. */
  private static void forward(Socket client, Socket upstream, AtomicBoolean asked) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = client.getInputStream();
        OutputStream out = upstream.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        asked.set(true);
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /** Passes the server's answers on, holding the start of some back while the proxy is slow. */
  private void answer(Socket upstream, Socket client, AtomicBoolean asked) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = upstream.getInputStream();
        OutputStream out = client.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        Duration hold = delay;
        boolean starts = asked.getAndSet(false);
        if (starts && !hold.isZero() && answers.incrementAndGet() % everyNth == 0) {
          delayed.incrementAndGet();
          Thread.sleep(hold);
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close both below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(upstream);
      closeQuietly(client);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
