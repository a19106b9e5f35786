package dev.milab.sql;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

import dev.milab.sql.tds.PacketHeader;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;

/**
 * The socket a server-side {@code SSLSocket} runs on for TDS 7.x encryption (MS-TDS 2.2.6.5 and 3.2.5.2): during
 * the handshake, TLS bytes travel as the payload of PRELOGIN packets in both directions; once the handshake is
 * done, TLS records go straight over the TCP connection. The server's handshake output is held until the
 * handshake needs the client's next flight (or ends), then sent as one PRELOGIN message, as mssql-jdbc does on
 * its side.
 */
final class PreLoginTlsSocket extends Socket {

    /** Packet size before LOGIN7 negotiates one (MS-TDS 2.2.6.4: the default 4096). */
    private static final int HANDSHAKE_PACKET_SIZE = 4096;

    private final Socket tcp;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final int spid;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private volatile boolean handshaking = true;
    private byte[] packet = new byte[0];
    private int packetPosition;

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!handshaking) {
                return rawIn.read(b, off, len);
            }
            if (len == 0) {
                return 0;
            }
            while (packetPosition >= packet.length) {
                sendPending();
                if (!readPacket()) {
                    return -1;
                }
            }
            int n = Math.min(len, packet.length - packetPosition);
            System.arraycopy(packet, packetPosition, b, off, n);
            packetPosition += n;
            return n;
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (handshaking) {
                if (pending.size() + len > 256 * 1024) {
                    throw new IOException("TLS handshake output larger than 256 KB");
                }
                pending.write(b, off, len);
            } else {
                rawOut.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (!handshaking) {
                rawOut.flush();
            }
        }
    };

    PreLoginTlsSocket(Socket tcp, InputStream rawIn, OutputStream rawOut, int spid) {
        this.tcp = tcp;
        this.rawIn = rawIn;
        this.rawOut = rawOut;
        this.spid = spid;
    }

    /** Sends what the handshake still holds and switches to TLS directly on TCP. */
    void handshakeFinished() throws IOException {
        sendPending();
        handshaking = false;
    }

    private void sendPending() throws IOException {
        if (pending.size() > 0) {
            rawOut.write(new TdsMessage(PacketType.PRELOGIN, pending.toByteArray())
                .toPackets(HANDSHAKE_PACKET_SIZE, spid));
            rawOut.flush();
            pending.reset();
        }
    }

    private boolean readPacket() throws IOException {
        byte[] header = new byte[PacketHeader.SIZE];
        int got = rawIn.readNBytes(header, 0, header.length);
        if (got == 0) {
            return false;
        }
        if (got < header.length) {
            throw new EOFException("Truncated packet header during the TLS handshake");
        }
        PacketHeader h;
        try {
            h = PacketHeader.decode(header, PacketHeader.MAX_PACKET_SIZE);
        } catch (TdsProtocolException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (h.type() != PacketType.PRELOGIN) {
            throw new IOException("A " + PacketType.name(h.type()) + " packet during the TLS handshake");
        }
        byte[] payload = rawIn.readNBytes(h.payloadLength());
        if (payload.length < h.payloadLength()) {
            throw new EOFException("Truncated packet during the TLS handshake");
        }
        packet = payload;
        packetPosition = 0;
        return true;
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public boolean isConnected() {
        return tcp.isConnected();
    }

    @Override
    public boolean isBound() {
        return tcp.isBound();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return tcp.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return tcp.isOutputShutdown();
    }

    @Override
    public void shutdownInput() throws IOException {
        tcp.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tcp.shutdownOutput();
    }

    @Override
    public InetAddress getInetAddress() {
        return tcp.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return tcp.getLocalAddress();
    }

    @Override
    public int getPort() {
        return tcp.getPort();
    }

    @Override
    public int getLocalPort() {
        return tcp.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return tcp.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return tcp.getLocalSocketAddress();
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        tcp.setSoTimeout(timeout);
    }

    @Override
    public synchronized int getSoTimeout() throws SocketException {
        return tcp.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        tcp.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return tcp.getTcpNoDelay();
    }

    @Override
    public synchronized void close() throws IOException {
        tcp.close();
    }
}
