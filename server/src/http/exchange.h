// SPDX-License-Identifier: MIT
#pragma once

#include "../mailbox.h"
#include "observer.h"
#include "requestbody.h"

#include <qradio/http.h>

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

namespace qradio::http {

class HttpConnection;

//! What a connection shares with its exchanges, whichever thread they were handed to.
struct Link
{
    std::shared_ptr<Mailbox> home;         //!< to the connection's thread; closed when it stops
    QThread *thread = nullptr;             //!< the connection's thread
    QPointer<HttpConnection> connection;   //!< dereferenced on the connection's thread only
    std::atomic<bool> open{true};          //!< the client is connected
    std::atomic<qint64> unsent{0};         //!< bytes written but not yet taken by the client
    qint64 maxStreamBuffer = 0;
    Observer *observer = nullptr; //!< metrics and the access log; null when both are off
};

//! One request and its response. Created on its connection's network thread, where trivial
//! routes answer it at once; a route that needs the queue's thread gets it handed over with
//! moveTo(). Either way every byte it writes goes out on the connection's thread, in order
//! (posted when written from elsewhere), so no socket is ever touched by two threads.
//! It deletes itself (deleteLater) once finished or once the client is gone: hold it in a
//! QPointer and watch closed() when answering later.
class Exchange : public QObject
{
    Q_OBJECT
public:
    Exchange(Request request, int httpMinor, bool keepAlive, std::shared_ptr<Link> link);

    const Request &request() const { return m_request; }
    //! The body as it arrives, for a route flagged StreamedBody (request().body stays empty);
    //! null for every other route, whose body is whole in request().body.
    RequestBody *body() const { return m_body.get(); }
    void setBody(std::shared_ptr<RequestBody> body) { m_body = std::move(body); }
    void setPathParams(QHash<QString, QString> params) { m_request.pathParams = std::move(params); }
    void setUsername(const QString &username) { m_request.username = username; }
    bool isHead() const { return m_request.method == "HEAD"; }
    //! True while the client is connected and the response not finished.
    bool isOpen() const;
    //! Sends a complete response (headers and body; no body for HEAD).
    void send(Response response);
    //! Sends the status line and headers of a streamed body: chunked on HTTP/1.1, or exactly
    //! `contentLength` bytes when that is known (a file), which the writer must then deliver.
    void beginStream(Response head, qint64 contentLength = -1);
    //! Sends one piece of a streamed body. Returns false if the client is gone or too slow
    //! (its unsent data passed the limit, so the connection was cut).
    bool write(const QByteArray &data);
    //! Ends a streamed body; `last`, if any, goes in the same write as the end (a client that
    //! reads the last message and the end together need not drop the connection).
    void end(const QByteArray &last = {});
    //! Bytes written but not yet taken by the client.
    qint64 buffered() const;
    //! Drops the connection (a client too slow to keep up); closed() follows.
    void abort();
    //! Marks a stream that carries no work (a heartbeat): when connections run short, it may be
    //! ended to make room for a new client, after every idle keep-alive connection.
    void setBackground();
    //! Posts work back to the connection's thread (a no-op once the server stopped).
    const std::shared_ptr<Mailbox> &home() const { return m_link->home; }
    //! Hands the exchange to `owner`'s thread (called on the connection's thread, before the
    //! route runs there).
    void moveTo(QObject *owner);

    // What the Observer reads once the exchange finished.
    //! The matched route's id (Route::id), -1 if none matched.
    int routeId() const { return m_routeId; }
    void setRouteId(int id) { m_routeId = id; }
    //! The response's status; 499 when the client left before one was sent.
    int status() const { return m_status; }
    //! Body bytes sent (without the head and chunk framing).
    qint64 bodyBytesSent() const { return m_bodyBytes; }
    //! Seconds since the request was received.
    double elapsed() const { return m_received.nsecsElapsed() / 1e9; }
    int httpMinor() const { return m_httpMinor; }
    //! The response was a text/event-stream (counted by Observer::eventStreamOpened()).
    bool isEventStream() const { return m_eventStream; }

Q_SIGNALS:
    //! The client went away before the response finished.
    void closed();
    //! The client took some of the bytes written (streams resume their writers on it).
    void written();

private:
    friend class HttpConnection;
    enum class State { Waiting, Streaming, Done };
    QByteArray headBytes(const Response &response, bool chunked, qint64 contentLength) const;
    void bodyLeftUnread();
    //! Runs `work` with the live connection on its thread: at once when already there.
    void onConnection(std::function<void(HttpConnection *)> work) const;
    void out(QByteArray bytes, bool finished);
    void connectionLost();
    void dispose();
    void observeEnd();

    Request m_request;
    int m_httpMinor;
    bool m_keepAlive;
    bool m_chunked = false;
    State m_state = State::Waiting;
    bool m_disposed = false;
    std::shared_ptr<Link> m_link;
    std::shared_ptr<RequestBody> m_body;
    QElapsedTimer m_received; //!< started only with an observer
    int m_routeId = -1;
    int m_status = 499;
    qint64 m_bodyBytes = 0;
    bool m_observed = false;
    bool m_eventStream = false;
};

QByteArray reasonPhrase(int status);

} // namespace qradio::http
