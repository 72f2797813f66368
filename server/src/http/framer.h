// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace qradio::http {

//! What the framer learnt from one request head.
struct RequestHead
{
    QByteArray method;
    int minor = 1;              //!< 0 for HTTP/1.0; any later 1.x is served as 1.1 (RFC 9110 §2.5)
    bool keepAlive = true;
    bool expectContinue = false;
    bool chunked = false;
    qint64 contentLength = 0;   //!< of a Content-Length body; 0 when chunked
};

//! Finds where each request on a connection starts and ends, and refuses anything RFC 9112
//! does not allow, before Qt's parser sees a byte. Qt 6.4's parser (http_parser) is lenient:
//! it takes the last of two Content-Length headers, ignores a second Transfer-Encoding and
//! silently drops a connection on a version it does not know, so a request both sides read
//! differently could smuggle a second one. Hand-written because Qt 6.4 has no strict framer;
//! fuzzed by tests/fuzz/fuzz_request_framer.
//!
//! Feed it the bytes of a connection in order; each call stops at the first event.
class RequestFramer
{
public:
    struct Limits
    {
        qint64 maxHeaderSize = 32 * 1024; //!< request line + headers (and a chunked body's trailers)
        qint64 maxBodySize = 256LL * 1024 * 1024;
    };
    enum class Event {
        NeedMore, //!< every byte given was consumed; nothing complete yet
        Head,     //!< a head is complete: see head(); its body (if any) follows
        Complete, //!< the request (head and body) is complete
        Error,    //!< the stream is unusable: answer errorStatus() and close
    };
    enum class Phase { Idle, Head, Body, Failed };

    explicit RequestFramer(Limits limits) : m_limits(limits) {}

    //! Consumes bytes up to and including the first event; `*consumed` says how many.
    Event feed(QByteArrayView bytes, qsizetype *consumed);

    const RequestHead &head() const { return m_head; }
    //! Lowers the body limit of the request whose head was just framed (a route may take less
    //! than Limits::maxBodySize). False, and failed with 413, if its Content-Length is over.
    bool limitBody(qint64 limit);
    //! Idle between requests, Head while a head arrives, Body while a body does.
    Phase phase() const;
    //! Body bytes received so far (chunked: as framed on the wire).
    qint64 bodyReceived() const { return m_bodyReceived; }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray &errorMessage() const { return m_errorMessage; }

private:
    enum class State { Idle, Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Failed };
    Event fail(int status, QByteArray message);
    Event parseHead();
    bool takeLine(QByteArrayView bytes, qsizetype *used, qsizetype cap, QByteArray *line, bool *tooLong);

    Limits m_limits;
    State m_state = State::Idle;
    QByteArray m_buffer; //!< a head, chunk-size line or trailer being assembled
    RequestHead m_head;
    qint64 m_bodyLeft = 0;   //!< Content-Length body, or the current chunk
    qint64 m_bodyReceived = 0;
    qint64 m_bodyLimit = 0;  //!< of the current request
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace qradio::http
