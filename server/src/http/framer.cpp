// SPDX-License-Identifier: MIT
#include "framer.h"

#include "syntax.h"

#include <QList>

namespace qradio::http {

namespace {

constexpr qsizetype kMaxChunkLine = 4096; //!< a chunk-size line with its extensions

bool isDigits(QByteArrayView s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

//! Comma-separated list elements, trimmed, empty ones dropped (RFC 9110 §5.6.1).
QList<QByteArrayView> listElements(QByteArrayView value)
{
    QList<QByteArrayView> out;
    while (true) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView element = trimmedOws(comma < 0 ? value : value.first(comma));
        if (!element.isEmpty())
            out.append(element);
        if (comma < 0)
            return out;
        value = value.sliced(comma + 1);
    }
}

} // namespace

RequestFramer::Phase RequestFramer::phase() const
{
    switch (m_state) {
    case State::Idle: return Phase::Idle;
    case State::Head: return Phase::Head;
    case State::Failed: return Phase::Failed;
    default: return Phase::Body;
    }
}

RequestFramer::Event RequestFramer::fail(int status, QByteArray message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    m_buffer.clear();
    return Event::Error;
}

bool RequestFramer::takeLine(QByteArrayView bytes, qsizetype *used, qsizetype cap, QByteArray *line, bool *tooLong)
{
    const qsizetype lf = bytes.indexOf('\n');
    const qsizetype take = lf < 0 ? bytes.size() : lf + 1;
    *used = take;
    *tooLong = m_buffer.size() + take > cap;
    if (*tooLong)
        return false;
    m_buffer.append(bytes.data(), take);
    if (lf < 0)
        return false;
    *line = std::move(m_buffer);
    m_buffer = QByteArray();
    line->chop(1);
    if (line->endsWith('\r'))
        line->chop(1);
    return true;
}

RequestFramer::Event RequestFramer::feed(QByteArrayView bytes, qsizetype *consumed)
{
    qsizetype used = 0;
    const auto done = [&](Event event) {
        *consumed = used;
        return event;
    };
    if (m_state == State::Failed)
        return done(Event::Error);
    while (used < bytes.size()) {
        const QByteArrayView rest = bytes.sliced(used);
        switch (m_state) {
        case State::Idle: {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            qsizetype skip = 0;
            while (skip < rest.size() && (rest[skip] == '\r' || rest[skip] == '\n'))
                ++skip;
            used += skip;
            if (skip < rest.size()) {
                m_state = State::Head;
                m_head = RequestHead();
                m_bodyReceived = 0;
            }
            break;
        }
        case State::Head: {
            // The head may take maxHeaderSize bytes plus its terminating empty line. Only that
            // much is ever looked at, so the verdict does not depend on how the bytes arrive.
            const qsizetype limit = m_limits.maxHeaderSize + 4;
            const qsizetype before = m_buffer.size();
            m_buffer.append(rest.data(), std::min<qsizetype>(rest.size(), limit - before));
            // The head ends at an empty line: LF LF, or CRLF CRLF and the mixes Qt accepts.
            qsizetype end = -1;
            for (qsizetype i = std::max<qsizetype>(before - 2, 1); i < m_buffer.size(); ++i) {
                if (m_buffer[i] != '\n')
                    continue;
                if (m_buffer[i - 1] == '\n' || (i >= 2 && m_buffer[i - 1] == '\r' && m_buffer[i - 2] == '\n')) {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                if (m_buffer.size() >= limit)
                    return done(fail(431, "Request header fields too large."));
                used = bytes.size();
                break;
            }
            used += end - before;
            m_buffer.truncate(end);
            return done(parseHead());
        }
        case State::Body: {
            const qint64 n = std::min<qint64>(m_bodyLeft, rest.size());
            m_bodyLeft -= n;
            m_bodyReceived += n;
            used += n;
            if (m_bodyLeft == 0) {
                m_state = State::Idle;
                return done(Event::Complete);
            }
            break;
        }
        case State::ChunkSize: {
            qsizetype n = 0;
            QByteArray line;
            bool tooLong = false;
            const bool complete = takeLine(rest, &n, kMaxChunkLine, &line, &tooLong);
            if (tooLong)
                return done(fail(400, "Chunk size line too long."));
            used += n;
            if (!complete)
                break;
            // chunk-size [ BWS ";" chunk-ext ]
            qsizetype i = 0;
            qint64 size = 0;
            while (i < line.size() && hexValue(line[i]) >= 0) {
                if (i >= 15)
                    return done(fail(400, "Chunk size too large."));
                size = size * 16 + hexValue(line[i]);
                ++i;
            }
            const QByteArrayView tail = trimmedOws(QByteArrayView(line).sliced(i));
            if (i == 0 || (!tail.isEmpty() && tail.front() != ';') || line.contains('\r'))
                return done(fail(400, "Malformed chunk size line."));
            if (size > m_bodyLimit - m_bodyReceived)
                return done(fail(413, "Request body too large: the limit is " + QByteArray::number(m_bodyLimit)
                                          + " bytes."));
            m_bodyLeft = size;
            m_state = size == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 n = std::min<qint64>(m_bodyLeft, rest.size());
            m_bodyLeft -= n;
            m_bodyReceived += n;
            used += n;
            if (m_bodyLeft == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            qsizetype n = 0;
            QByteArray line;
            bool tooLong = false;
            const bool complete = takeLine(rest, &n, 2, &line, &tooLong);
            if (tooLong || (complete && !line.isEmpty()))
                return done(fail(400, "Chunk data not followed by CRLF."));
            used += n;
            if (complete)
                m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            qsizetype n = 0;
            QByteArray line;
            bool tooLong = false;
            const bool complete = takeLine(rest, &n, m_limits.maxHeaderSize, &line, &tooLong);
            if (tooLong)
                return done(fail(400, "Trailer fields in a request are not supported."));
            used += n;
            if (!complete)
                break;
            if (!line.isEmpty()) // Qt 6.4's parser drops the connection on a trailer field
                return done(fail(400, "Trailer fields in a request are not supported."));
            m_state = State::Idle;
            return done(Event::Complete);
            break;
        }
        case State::Failed:
            return done(Event::Error);
        }
    }
    return done(Event::NeedMore);
}

bool RequestFramer::limitBody(qint64 limit)
{
    m_bodyLimit = std::min(m_bodyLimit, limit);
    if (m_head.contentLength <= m_bodyLimit)
        return true;
    fail(413, "Request body too large: " + QByteArray::number(m_head.contentLength) + " bytes, the limit is "
                  + QByteArray::number(m_bodyLimit) + ".");
    return false;
}

RequestFramer::Event RequestFramer::parseHead()
{
    const QByteArray head = std::move(m_buffer);
    m_buffer = QByteArray();
    QList<QByteArrayView> lines;
    for (QByteArrayView rest(head); !rest.isEmpty();) {
        const qsizetype lf = rest.indexOf('\n');
        QByteArrayView line = rest.first(lf);
        rest = rest.sliced(lf + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r'))
            return fail(400, "Bare CR in the request head.");
        lines.append(line);
    }
    while (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return fail(400, "Malformed request line.");

    // request-line = method SP request-target SP HTTP-version
    const QByteArrayView requestLine = lines.front();
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return fail(400, "Malformed request line.");
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method))
        return fail(400, "Malformed request method.");
    for (char c : target)
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return fail(400, "Malformed request target.");
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0'
        || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return fail(400, "Malformed HTTP version.");
    if (version[5] != '1')
        return fail(505, "HTTP version not supported: only HTTP/1.x is served.");
    m_head.method = method.toByteArray();
    m_head.minor = version[7] == '0' ? 0 : 1;

    bool haveLength = false;
    int hosts = 0;
    QList<QByteArrayView> codings;
    bool close = false;
    bool keepAliveToken = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArrayView line = lines[i];
        if (line.isEmpty() || line.front() == ' ' || line.front() == '\t')
            return fail(400, "Obsolete line folding or empty line in the request head.");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return fail(400, "Malformed header field.");
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
        for (char c : value)
            if ((uchar(c) < 0x20 && c != '\t') || c == 0x7f)
                return fail(400, "Control character in a header field.");
        if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
            // Repeats (or a list) are allowed only when every value is the same (RFC 9112 §6.3).
            const QList<QByteArrayView> values = listElements(value);
            if (values.isEmpty())
                return fail(400, "Invalid Content-Length.");
            for (QByteArrayView v : values) {
                if (!isDigits(v) || v.size() > 18)
                    return fail(400, "Invalid Content-Length.");
                const qint64 length = v.toLongLong();
                if (haveLength && length != m_head.contentLength)
                    return fail(400, "Conflicting Content-Length headers.");
                m_head.contentLength = length;
                haveLength = true;
            }
        } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
            codings += listElements(value);
        } else if (name.compare("host", Qt::CaseInsensitive) == 0) {
            if (++hosts > 1)
                return fail(400, "More than one Host header.");
        } else if (name.compare("expect", Qt::CaseInsensitive) == 0) {
            m_head.expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
            for (QByteArrayView option : listElements(value)) {
                close = close || option.compare("close", Qt::CaseInsensitive) == 0;
                keepAliveToken = keepAliveToken || option.compare("keep-alive", Qt::CaseInsensitive) == 0;
            }
        }
    }
    if (m_head.minor >= 1 && hosts == 0)
        return fail(400, "Missing Host header.");
    if (!codings.isEmpty()) {
        if (m_head.minor == 0)
            return fail(400, "Transfer-Encoding in an HTTP/1.0 request.");
        if (haveLength)
            return fail(400, "Both Content-Length and Transfer-Encoding.");
        for (QByteArrayView coding : codings)
            if (coding.compare("chunked", Qt::CaseInsensitive) != 0)
                return fail(501, "Transfer-Encoding not supported: " + coding.toByteArray() + "; send chunked or a Content-Length.");
        if (codings.size() != 1)
            return fail(400, "Transfer-Encoding must name chunked once.");
        m_head.chunked = true;
    }
    m_bodyLimit = m_limits.maxBodySize;
    if (!limitBody(m_limits.maxBodySize))
        return Event::Error;
    m_head.keepAlive = m_head.minor >= 1 ? !close : (keepAliveToken && !close);
    m_bodyLeft = m_head.contentLength;
    m_state = m_head.chunked ? State::ChunkSize : m_bodyLeft > 0 ? State::Body : State::Idle;
    return Event::Head;
}

} // namespace qradio::http
