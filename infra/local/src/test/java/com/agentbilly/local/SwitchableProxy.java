package com.agentbilly.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free local port in front of one server, which a test can switch dark: open
 * connections are cut, and new ones are accepted but never answered — to a client, the server has
 * stopped answering. Lets a test give one SDK client a real outage without stopping a server other
 * tests share.
 */
final class SwitchableProxy implements AutoCloseable {

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean dark;

  SwitchableProxy(URI target) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
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

  /** Forwards again. */
  void comeBack() {
    open.forEach(SwitchableProxy::closeQuietly);
    open.clear();
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
        Thread.ofVirtual().start(() -> pipe(client, upstream));
        Thread.ofVirtual().start(() -> pipe(upstream, client));
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

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side closed: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
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
