// SPDX-License-Identifier: MIT
#pragma once

// A deliberately dumb HTTP/1.1 client over QTcpSocket, so tests see exactly the bytes the
// server sends (framing, status lines, what arrives before the body is sent).

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QTcpSocket>

struct RawResponse
{
    int status = 0;
    QByteArray statusLine;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
};

//! `Socket`: QTcpSocket, or QSslSocket for HTTPS (connected and encrypted by the test).
template<typename Socket>
class BasicRawClient
{
public:
    bool connectTo(quint16 port)
    {
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        return socket.waitForConnected(5000);
    }
    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.waitForBytesWritten(5000);
    }
    //! Reads until `needle` has arrived (or the timeout); returns everything buffered so far.
    QByteArray readUntil(const QByteArray &needle, int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (!buffer.contains(needle) && t.elapsed() < timeoutMs) {
            if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState)
                break;
            buffer += socket.readAll();
        }
        buffer += socket.readAll();
        return buffer;
    }
    //! Reads one complete response with a Content-Length body (or up to close).
    RawResponse readResponse(int timeoutMs = 5000)
    {
        RawResponse r;
        readUntil("\r\n\r\n", timeoutMs);
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return r;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer = buffer.mid(end + 4);
        r.statusLine = lines.value(0).trimmed();
        r.status = r.statusLine.split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
        }
        const QByteArray length = r.header("content-length");
        if (!length.isEmpty()) {
            const qsizetype n = length.toLongLong();
            QElapsedTimer t;
            t.start();
            while (buffer.size() < n && t.elapsed() < timeoutMs && waitMore())
                ;
            r.body = buffer.left(n);
            buffer = buffer.mid(n);
        }
        return r;
    }
    bool waitMore()
    {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(50) && socket.state() != QAbstractSocket::ConnectedState)
            return false;
        buffer += socket.readAll();
        return true;
    }
    //! True once the server closed the connection.
    bool waitForClose(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
            socket.waitForReadyRead(50);
            buffer += socket.readAll();
        }
        return socket.state() != QAbstractSocket::ConnectedState;
    }

    Socket socket;
    QByteArray buffer;
};

using RawClient = BasicRawClient<QTcpSocket>;

//! One request on a fresh connection.
inline RawResponse rawRequest(quint16 port, const QByteArray &request)
{
    RawClient c;
    if (!c.connectTo(port))
        return {};
    c.send(request);
    return c.readResponse();
}
