// SPDX-License-Identifier: MIT
#pragma once

#include "exchange.h"
#include "framer.h"

#include <QElapsedTimer>
#include <QQueue>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <functional>

namespace qradio::http {

struct Limits
{
    qint64 maxBodySize;
    qint64 maxHeaderSize;
    std::chrono::milliseconds headTimeout;  //!< first byte of a head to its end (408)
    std::chrono::milliseconds bodyTimeout;  //!< grace before minBodyRate applies to a body (408)
    qint64 minBodyRate;                     //!< bytes per second a body must keep up after the grace
    std::chrono::milliseconds idleTimeout;  //!< keep-alive with nothing in flight
    qint64 maxStreamBuffer;
    //! Body limit of the routes that read their body as it arrives (uploads).
    qint64 maxStreamedBodySize;
    //! Whether a request to this method and percent-decoded path goes to such a route.
    std::function<bool(QByteArrayView method, const QString &path)> streamsBody;
    //! Metrics and the access log; null when both are off. Outlives the listener's connections.
    Observer *observer = nullptr;
};

//! Per-socket state, on the network thread. It reads the byte stream *before* Qt's request
//! parser does (Qt 6.4 has no limits, no deadlines, no 100-continue, a lenient parser, ignores
//! `Connection: close` and interleaves pipelined replies), so that it can:
//!  - frame every request strictly (RequestFramer) and refuse what RFC 9112 does not allow,
//!    with an answer before the close, and before Qt's parser sees a byte of it;
//!  - answer `Expect: 100-continue`;
//!  - keep one deadline running at every moment: the head, the body's minimum rate, the idle
//!    keep-alive (streams keep their own write deadlines while a response is in flight);
//!  - hand requests to the router one at a time, in order (pipelining);
//!  - tell the listener how cheaply it can be closed when connections run short.
//! Over TLS the socket is a QSslSocket: the bytes read are the decrypted ones, and the head's
//! deadline covers the handshake too (a client that never finishes it is cut, and counts as
//! idle when connections run short).
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    //! `home` posts to this thread: exchanges handed to other threads write through it.
    //! `limits` are shared by every connection of a listener.
    HttpConnection(QTcpSocket *socket, std::shared_ptr<const Limits> limits, std::shared_ptr<Mailbox> home);
    ~HttpConnection() override;
    static HttpConnection *of(QTcpSocket *socket);

    //! Called after Qt attached its own reader: installs the reader that runs after Qt's.
    void attachAfterQt();
    //! A request Qt parsed: queued, then dispatched when every earlier one is answered.
    void received(Request request);
    QTcpSocket *socket() const { return m_socket; }

    //! How cheaply this connection can be closed to make room: 0 = it carries work (never),
    //! 1 = idle keep-alive, 2 = only a background stream (a heartbeat).
    int evictionRank() const;
    //! Milliseconds since the connection last started to idle (for the rank above).
    qint64 idleFor() const { return m_idleSince.elapsed(); }
    //! Closes the connection to make room for a new one (ends a background stream politely).
    void evict();

Q_SIGNALS:
    void dispatch(qradio::http::Exchange *exchange);

private:
    friend class Exchange;
    //! An exchange in order of arrival. Once handed to another thread it is only an identity
    //! here: reached through `guard` on `owner`'s thread.
    struct Slot
    {
        Exchange *id;
        QPointer<Exchange> guard;
        QObject *owner; //!< null while on this thread
        int minor;
        bool streaming = false;
        bool background = false;
    };
    bool isLocal(const Slot &slot) const { return slot.owner == nullptr; }
    //! Runs `work` on the exchange's thread if it still exists.
    void reach(const Slot &slot, std::function<void(Exchange *)> work);
    void writeRaw(const QByteArray &bytes);
    //! Writes, straight to the kernel when possible; returns the bytes it took at once.
    qint64 sendOut(const QByteArray &bytes);
    // Called through Exchange::onConnection, on this thread.
    void deliver(Exchange *id, const QByteArray &bytes, bool finished, bool keepAlive);
    void markBackground(Exchange *id);
    void handedOver(Exchange *id, QPointer<Exchange> guard, QObject *owner);
    void onBytesWritten(qint64 bytes);
    void beforeQt();
    void afterQt();
    //! Frames the bytes of `available` from `from` on; returns the offset it stopped at.
    qsizetype feed(const QByteArray &available, qsizetype from);
    //! A framed head (ending at `headEnd` in `available`) whose route reads its body as it
    //! comes: takes the request away from Qt's parser. False if it was refused instead.
    bool divert(const QByteArray &available, qsizetype headStart, qsizetype headEnd);
    //! Moves what has come of a diverted body from the socket to its reader.
    void takeStreamedBody();
    //! Reads bytes of a diverted request out of the socket for good.
    QByteArray takeFromSocket(qint64 size);
    void reject(int status, const QByteArray &message);
    void sendRejection();
    void exchangeFinished(Exchange *id, bool keepAlive);
    void dispatchNext();
    void rearm();
    void deadlinePassed();
    void onDisconnected();

    QTcpSocket *m_socket;
    std::shared_ptr<const Limits> m_limits;
    RequestFramer m_framer;
    std::shared_ptr<RequestBody> m_streamed; //!< the diverted body still arriving
    qint64 m_seen = 0; //!< bytes at the front of the socket buffer already fed
    QQueue<RequestHead> m_heads; //!< framed, not yet delivered by Qt's parser
    std::shared_ptr<Link> m_link;
    QQueue<Slot> m_exchanges;
    bool m_busy = false;
    bool m_evicted = false;
    bool m_tls = false;         //!< never write around the QSslSocket
    bool m_handshaking = false; //!< TLS, not encrypted yet
    int m_rejectStatus = 0; //!< set once the stream is refused: nothing more is read or answered
    QByteArray m_rejectMessage;
    QTimer m_deadline;
    QElapsedTimer m_phaseStart; //!< when the current head or body began
    QElapsedTimer m_idleSince;
};

} // namespace qradio::http
