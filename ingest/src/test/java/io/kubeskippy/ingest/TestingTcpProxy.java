package io.kubeskippy.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy that can be paused: while paused it stops moving bytes in both directions
 * (connections stay open), which makes the server behind it look stalled rather than gone.
 */
public final class TestingTcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean paused;
    private volatile boolean closed;

    public TestingTcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void paused(boolean paused) {
        this.paused = paused;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket("127.0.0.1", targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                if (!closed) {
                    // The target is down: the client sees a closed connection, as it would.
                    continue;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16 * 1024];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                while (!closed) {
                                    if (paused) {
                                        Thread.sleep(10);
                                        continue;
                                    }
                                    int n = in.read(buffer);
                                    if (n < 0) {
                                        break;
                                    }
                                    while (paused && !closed) {
                                        Thread.sleep(10);
                                    }
                                    out.write(buffer, 0, n);
                                }
                            } catch (IOException | InterruptedException e) {
                                // Either side closed.
                            } finally {
                                closeQuietly(from);
                                closeQuietly(to);
                            }
                        },
                        "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(TestingTcpProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing anyway.
        }
    }
}
