// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/http.h>

#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace qradio::http {

class HttpConnection;

//! One request and its response on a connection. Lives on the network thread; owned by its
//! connection, so hold it in a QPointer and watch closed() when answering later.
//! Qt 6.4's responder has no chunked API and keeps a raw socket pointer; this writer frames
//! chunks itself and checks the socket before every write.
class Exchange : public QObject
{
    Q_OBJECT
public:
    Exchange(Request request, int httpMinor, bool keepAlive, HttpConnection *connection);

    const Request &request() const { return m_request; }
    void setPathParams(QHash<QString, QString> params) { m_request.pathParams = std::move(params); }
    bool isHead() const { return m_request.method == "HEAD"; }
    //! True while the client is connected and the response not finished.
    bool isOpen() const;
    //! Sends a complete response (headers and body; no body for HEAD).
    void send(Response response);
    //! Sends the status line and headers of a streamed body (chunked on HTTP/1.1).
    void beginStream(Response head);
    //! Sends one piece of a streamed body. Returns false if the client is gone or too slow
    //! (its unsent data passed the limit, so the connection was cut).
    bool write(const QByteArray &data);
    //! Ends a streamed body.
    void end();
    //! Bytes written but not yet taken by the client.
    qint64 buffered() const;
    //! Drops the connection (a client too slow to keep up); closed() follows.
    void abort();
    //! Marks a stream that carries no work (a heartbeat): when connections run short, it may be
    //! ended to make room for a new client, after every idle keep-alive connection.
    void setBackground();
    bool isBackground() const { return m_background; }

Q_SIGNALS:
    //! The client went away before the response finished.
    void closed();
    //! The client took some of the bytes written (streams resume their writers on it).
    void written();

private:
    friend class HttpConnection;
    enum class State { Waiting, Streaming, Done };
    QByteArray headBytes(const Response &response, bool chunked, qint64 contentLength) const;
    void finish();
    void connectionLost();

    Request m_request;
    int m_httpMinor;
    bool m_keepAlive;
    bool m_chunked = false;
    bool m_background = false;
    State m_state = State::Waiting;
    QPointer<HttpConnection> m_connection;
};

QByteArray reasonPhrase(int status);

} // namespace qradio::http
