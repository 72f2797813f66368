// SPDX-License-Identifier: MIT
#pragma once

//! Where the server's messages go: outlets (a session's own stream), replies (the answer to one
//! request) and the session they belong to. Network thread only.

#include <qradio/http.h>

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <memory>
#include <mutex>

namespace qradio {
namespace http {
class Exchange;
class Responder;
} // namespace http
} // namespace qradio

namespace qradio::mcp {

//! A session's own channel to the client: the GET stream of a streamable-HTTP session, the
//! stream of a legacy SSE session, or stdout.
class Outlet
{
public:
    virtual ~Outlet() = default;
    //! Sends one JSON-RPC message. False if the channel is gone.
    virtual bool send(const QByteArray &message) = 0;
    virtual bool isOpen() const = 0;
    //! A comment line that keeps proxies from cutting an idle stream.
    virtual void keepAlive() {}
    virtual void close() {}
};

//! An SSE stream on an exchange whose head has been sent.
class SseOutlet : public Outlet
{
public:
    explicit SseOutlet(http::Exchange *exchange);
    bool send(const QByteArray &message) override;
    //! Sends an event of another type (the legacy transport's `endpoint`).
    bool sendEvent(const QByteArray &event, const QByteArray &data);
    bool isOpen() const override;
    void keepAlive() override;
    void close() override;

private:
    QPointer<http::Exchange> m_exchange;
};

//! stdout, one message per line.
class StdioOutlet : public Outlet
{
public:
    bool send(const QByteArray &message) override;
    bool isOpen() const override { return m_open; }
    void close() override { m_open = false; }

private:
    std::mutex m_mutex;
    bool m_open = true;
};

//! Where the answer to one request goes, with the notifications and server requests that
//! belong to it (progress, log messages, sampling).
class Reply
{
public:
    virtual ~Reply() = default;
    //! A message related to the request, before its answer. False if it cannot be delivered
    //! this way (a JSON-only POST): the caller may use the session's outlet instead.
    virtual bool notify(const QByteArray &message) = 0;
    //! The answer; nothing is sent after it.
    virtual void finish(const QByteArray &message) = 0;
    //! Ends without an answer (the client cancelled the request).
    virtual void abandon() = 0;
    virtual bool isOpen() const = 0;
    virtual void keepAlive() {}
    //! Called once when the client goes away before the answer.
    std::function<void()> onClosed;
};

//! Replies that travel on a session's outlet (legacy SSE, stdio).
class OutletReply : public Reply
{
public:
    explicit OutletReply(std::shared_ptr<Outlet> outlet) : m_outlet(std::move(outlet)) {}
    bool notify(const QByteArray &message) override { return m_outlet->send(message); }
    void finish(const QByteArray &message) override { m_outlet->send(message); }
    void abandon() override {}
    bool isOpen() const override { return m_outlet->isOpen(); }

private:
    std::shared_ptr<Outlet> m_outlet;
};

//! The reply to a streamable-HTTP POST: plain JSON when the answer comes alone, an SSE stream
//! as soon as something has to go before it.
class PostReply : public Reply, public std::enable_shared_from_this<PostReply>
{
public:
    //! `canStream`: the client accepts text/event-stream. `sessionId` goes out as Mcp-Session-Id.
    static std::shared_ptr<PostReply> create(http::Responder *out, http::Exchange *exchange, bool canStream,
                                             const QString &sessionId);
    bool notify(const QByteArray &message) override;
    void finish(const QByteArray &message) override;
    void abandon() override;
    bool isOpen() const override;
    void keepAlive() override;
    bool streaming() const { return m_streaming; }

private:
    PostReply(http::Responder *out, http::Exchange *exchange, bool canStream, const QString &sessionId);
    Response head(int status, QByteArray body, QByteArray contentType) const;
    void startStream();

    http::Responder *m_out;
    QPointer<http::Exchange> m_exchange;
    bool m_canStream;
    QString m_sessionId;
    bool m_streaming = false;
    bool m_done = false;
};

//! One MCP session: a client that initialized (streamable HTTP with Mcp-Session-Id), a
//! legacy SSE connection, or the stdio client.
class Session
{
public:
    enum class Transport { StreamableHttp, Sse, Stdio };
    Session(QString id, Transport transport) : id(std::move(id)), transport(transport) { lastActive.start(); }

    const QString id;
    const Transport transport;
    QString protocolVersion;
    QJsonObject clientCapabilities;
    QJsonObject clientInfo;
    bool initialized = false;
    int logLevel = 1; //!< index in logLevels(): "info" until the client sets one
    std::shared_ptr<Outlet> outlet;
    QSet<QString> subscriptions;
    int callsInFlight = 0; //!< requests answered later (tools/call, ...) not answered yet
    QElapsedTimer lastActive;
};

//! What one session may hold (see Service): the client data it keeps from initialize, its
//! resource subscriptions, and its requests in flight.
inline constexpr qsizetype kMaxClientData = 16 * 1024;
inline constexpr qsizetype kMaxSubscriptions = 64;
inline constexpr qsizetype kMaxUriLength = 512;
inline constexpr int kMaxCallsInFlight = 64;

//! SSE framing shared by every stream.
QByteArray sseEvent(const QByteArray &event, const QByteArray &data);
//! The head of an SSE response.
Response sseHead();

} // namespace qradio::mcp
