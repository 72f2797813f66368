// SPDX-License-Identifier: MIT
// A multipart/form-data parser of our own because Qt 6.4 has none that streams: QHttpMultiPart
// only builds bodies, and QtHttpServer hands a route its whole body in memory. An upload of 1 GB
// must go to disk as it arrives, so this parser is pushed the bytes of each read and passes part
// data on as views of them. Fuzzed by tests/fuzz/fuzz_multipart.
#include "multipart.h"

#include "../http/syntax.h"

#include <QList>
#include <QString>

namespace qradio::files {

using http::hexValue;
using http::isOws;
using http::isToken;
using http::isTokenChar;
using http::trimmedOws;

namespace {

bool isControl(char c)
{
    return (uchar(c) < 0x20 && c != '\t') || c == 0x7f;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

struct Parameter
{
    QByteArray name; //!< lower-cased
    QByteArray value; //!< unquoted
};

struct ParameterisedValue
{
    QByteArrayView first; //!< the media type or disposition type, trimmed
    QList<Parameter> parameters;
};

//! A quoted-string starting at `s[*at]` (the opening quote). Only `\"` and `\\` are escapes:
//! browsers send other backslashes as they are (a Windows path, a name with a backslash), and
//! Gradio's parser keeps them too.
std::optional<QByteArray> unquote(QByteArrayView s, qsizetype *at)
{
    QByteArray out;
    for (qsizetype i = *at + 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"') {
            *at = i + 1;
            return out;
        }
        if (isControl(c))
            return std::nullopt;
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\'))
            ++i;
        out += s[i];
    }
    return std::nullopt;
}

//! `first *( OWS ";" OWS [ name OWS "=" OWS value ] )`, value a quoted-string or a run of visible
//! characters. Nullopt when malformed or when a parameter is repeated: two readers could each
//! take a different one.
std::optional<ParameterisedValue> parseParameterised(QByteArrayView s)
{
    ParameterisedValue result;
    qsizetype at = s.indexOf(';');
    result.first = trimmedOws(at < 0 ? s : s.first(at));
    if (result.first.isEmpty())
        return std::nullopt;
    const auto skipOws = [&] {
        while (at < s.size() && isOws(s[at]))
            ++at;
    };
    while (at >= 0 && at < s.size()) {
        ++at; // the ';'
        skipOws();
        if (at == s.size())
            break;
        if (s[at] == ';')
            continue;
        const qsizetype nameStart = at;
        while (at < s.size() && isTokenChar(s[at]))
            ++at;
        Parameter parameter{s.sliced(nameStart, at - nameStart).toByteArray().toLower(), {}};
        skipOws();
        if (parameter.name.isEmpty() || at == s.size() || s[at] != '=')
            return std::nullopt;
        ++at;
        skipOws();
        if (at < s.size() && s[at] == '"') {
            auto value = unquote(s, &at);
            if (!value)
                return std::nullopt;
            parameter.value = std::move(*value);
        } else {
            const qsizetype valueStart = at;
            while (at < s.size() && uchar(s[at]) > 0x20 && s[at] != 0x7f && s[at] != ';' && s[at] != '"' && s[at] != '\\')
                ++at;
            if (at == valueStart)
                return std::nullopt;
            parameter.value = s.sliced(valueStart, at - valueStart).toByteArray();
        }
        skipOws();
        if (at < s.size() && s[at] != ';')
            return std::nullopt;
        for (const Parameter &seen : std::as_const(result.parameters))
            if (seen.name == parameter.name)
                return std::nullopt;
        result.parameters.append(std::move(parameter));
    }
    return result;
}

//! RFC 8187 ext-value (`UTF-8'lang'%E2%82%AC.txt`), as UTF-8 bytes. Both charsets a recipient
//! must support are; others are refused.
std::optional<QByteArray> decodeExtValue(QByteArrayView s)
{
    const qsizetype charsetEnd = s.indexOf('\'');
    const qsizetype languageEnd = charsetEnd < 0 ? -1 : s.indexOf('\'', charsetEnd + 1);
    if (languageEnd < 0)
        return std::nullopt;
    const QByteArrayView charset = s.first(charsetEnd);
    QByteArray out;
    for (qsizetype i = languageEnd + 1; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        const int high = i + 2 < s.size() ? hexValue(s[i + 1]) : -1;
        const int low = high < 0 ? -1 : hexValue(s[i + 2]);
        if (low < 0)
            return std::nullopt;
        out += char(high * 16 + low);
        i += 2;
    }
    if (equalsIgnoringCase(charset, "UTF-8"))
        return out;
    if (equalsIgnoringCase(charset, "ISO-8859-1"))
        return QString::fromLatin1(out).toUtf8();
    return std::nullopt;
}

} // namespace

MultipartParser::MultipartParser(QByteArray boundary, Limits limits, Callbacks callbacks)
    : m_delimiter(QByteArray("\r\n--") + boundary), m_limits(limits), m_callbacks(std::move(callbacks))
{
    if (!isValidBoundary(boundary))
        raiseError(400, "Invalid multipart boundary.");
}

bool MultipartParser::isValidBoundary(QByteArrayView boundary)
{
    if (boundary.isEmpty() || boundary.size() > 70 || boundary.back() == ' ')
        return false;
    for (char c : boundary) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("'()+_,-./:=? ").contains(c))
            return false;
    }
    return true;
}

std::optional<QByteArray> MultipartParser::boundaryFromContentType(QByteArrayView contentType)
{
    const auto value = parseParameterised(contentType);
    if (!value || !equalsIgnoringCase(value->first, "multipart/form-data"))
        return std::nullopt;
    for (const Parameter &parameter : value->parameters)
        if (parameter.name == "boundary" && isValidBoundary(parameter.value))
            return parameter.value;
    return std::nullopt;
}

bool MultipartParser::feed(QByteArrayView bytes)
{
    qsizetype at = 0;
    while (at < bytes.size()) {
        switch (m_state) {
        case State::Failed:
            return false;
        case State::Epilogue:
            return true;
        case State::Preamble:
        case State::Data:
            at = scanForDelimiter(bytes, at);
            if (at < 0)
                return !hasError();
            break;
        case State::Delimiter: {
            // scanForDelimiter() only stops before a '-', a CR or transport padding.
            const char c = bytes[at++];
            m_state = c == '-' ? State::CloseDash : c == '\r' ? State::DelimiterLf : State::Padding;
            break;
        }
        case State::Padding: {
            const char c = bytes[at++];
            if (c == '\r')
                m_state = State::DelimiterLf;
            else if (!isOws(c))
                raiseError(400, "Malformed multipart boundary line.");
            break;
        }
        case State::DelimiterLf:
            if (bytes[at++] == '\n')
                m_state = State::Headers;
            else
                raiseError(400, "Malformed multipart boundary line.");
            break;
        case State::CloseDash:
            if (bytes[at++] == '-')
                m_state = State::Epilogue;
            else
                raiseError(400, "Malformed closing multipart boundary.");
            break;
        case State::Headers:
            headerByte(bytes[at++]);
            break;
        }
    }
    return !hasError();
}

bool MultipartParser::finish()
{
    switch (m_state) {
    case State::Epilogue:
        return true;
    case State::Failed:
        return false;
    case State::Preamble:
        raiseError(400, "The body has no multipart boundary.");
        return false;
    default:
        raiseError(400, "The multipart body ended before its closing boundary.");
        return false;
    }
}

void MultipartParser::raiseError(int status, QByteArray message)
{
    if (hasError())
        return;
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    m_line.clear();
    m_disposition.reset();
    m_contentType.reset();
    m_matched = 0;
}

qsizetype MultipartParser::bufferedBytes() const
{
    return m_line.size() + (m_disposition ? m_disposition->size() : 0) + (m_contentType ? m_contentType->size() : 0)
           + (m_state == State::Data ? m_matched : 0);
}

//! Looks for the delimiter from `bytes[at]` on, passing part data before it on (in Data). The
//! delimiter starts with the only CR in it, so a failed match never hides the start of another:
//! the matched bytes are data, and the byte that broke the match is looked at afresh. Matched
//! bytes are not copied: they equal the start of m_delimiter. Returns the index of the byte after
//! a delimiter (the state is then Delimiter), or -1 once every byte is used or the parse failed.
qsizetype MultipartParser::scanForDelimiter(QByteArrayView bytes, qsizetype at)
{
    const qsizetype length = m_delimiter.size();
    qsizetype pending = at;                     // data from here on is not passed on yet
    qsizetype matchStart = m_matched ? -1 : at; // -1: the match began before these bytes
    while (at < bytes.size()) {
        if (m_matched == 0) {
            const qsizetype cr = bytes.indexOf('\r', at);
            if (cr < 0) {
                at = bytes.size();
                break;
            }
            matchStart = cr;
            m_matched = 1;
            at = cr + 1;
            continue;
        }
        const char c = bytes[at];
        if (m_matched < length && c == m_delimiter[m_matched]) {
            ++m_matched;
            ++at;
            continue;
        }
        if (m_matched == length && (c == '-' || c == '\r' || isOws(c))) {
            if (matchStart >= 0)
                deliver(bytes.sliced(pending, matchStart - pending));
            m_matched = 0;
            if (hasError())
                return -1;
            const bool partEnds = m_state == State::Data;
            m_state = State::Delimiter;
            if (partEnds && m_callbacks.partEnd)
                m_callbacks.partEnd();
            return hasError() ? -1 : at;
        }
        if (matchStart < 0) {
            deliver(QByteArrayView(m_delimiter).first(m_matched));
            pending = at;
            if (hasError())
                return -1;
        }
        m_matched = 0;
    }
    const qsizetype end = m_matched == 0 ? bytes.size() : matchStart >= 0 ? matchStart : pending;
    deliver(bytes.sliced(pending, end - pending));
    return -1;
}

void MultipartParser::deliver(QByteArrayView data)
{
    if (m_state != State::Data || data.isEmpty())
        return;
    const qint64 limit = m_partIsFile ? m_limits.maxFileBytes : m_limits.maxFieldBytes;
    const bool over = limit >= 0 && data.size() > limit - m_partBytes;
    if (over)
        data = data.first(limit - m_partBytes); // the same bytes, however the body was split
    m_partBytes += data.size();
    if (!data.isEmpty() && m_callbacks.partData)
        m_callbacks.partData(data);
    if (over)
        raiseError(413, (m_partIsFile ? "File size" : "Field") + QByteArray(" exceeded maximum allowed size of ")
                            + QByteArray::number(limit) + " bytes.");
}

void MultipartParser::headerByte(char c)
{
    if (m_lineSawCr) {
        m_lineSawCr = false;
        if (c == '\n')
            headerLine();
        else
            raiseError(400, "A part header line has a CR without an LF.");
        return;
    }
    if (c == '\r') {
        m_lineSawCr = true;
        return;
    }
    if (c == '\n')
        return raiseError(400, "Part header lines must end in CRLF.");
    if (isControl(c))
        return raiseError(400, "A part header has a control character.");
    if (isOws(c) && m_line.isEmpty())
        return raiseError(400, "Folded part header lines are not supported.");
    if (m_skippingOws && isOws(c))
        return;
    m_skippingOws = false;
    if (c == ':' && !m_lineHasColon) {
        m_lineHasColon = true;
        m_skippingOws = true;
    } else if (++m_headerBytes > m_limits.maxHeaderBytes) {
        return raiseError(413, "Headers exceeded maximum allowed size of " + QByteArray::number(m_limits.maxHeaderBytes)
                                   + " bytes.");
    }
    m_line += c;
}

void MultipartParser::headerLine()
{
    if (m_line.isEmpty())
        return beginPart();
    const qsizetype colon = m_line.indexOf(':');
    const QByteArrayView name = QByteArrayView(m_line).first(std::max<qsizetype>(colon, 0));
    if (!isToken(name))
        return raiseError(400, "Malformed part header line.");
    std::optional<QByteArray> *slot = equalsIgnoringCase(name, "content-disposition") ? &m_disposition
                                      : equalsIgnoringCase(name, "content-type")      ? &m_contentType
                                                                                      : nullptr;
    if (slot && slot->has_value())
        return raiseError(400, "A part has two " + name.toByteArray() + " headers.");
    if (slot)
        *slot = trimmedOws(QByteArrayView(m_line).sliced(colon + 1)).toByteArray();
    m_line.clear();
    m_lineHasColon = false;
    m_skippingOws = false;
}

void MultipartParser::beginPart()
{
    if (!m_disposition)
        return raiseError(400, "A part has no Content-Disposition header.");
    const auto disposition = parseParameterised(*m_disposition);
    if (!disposition)
        return raiseError(400, "A part has a malformed Content-Disposition header.");
    if (!equalsIgnoringCase(disposition->first, "form-data"))
        return raiseError(400, "A part's Content-Disposition is not form-data.");
    Part part;
    bool named = false;
    std::optional<QByteArray> extendedName;
    for (const Parameter &parameter : disposition->parameters) {
        if (parameter.name == "name") {
            part.name = parameter.value;
            named = true;
        } else if (parameter.name == "filename") {
            part.fileName = parameter.value;
        } else if (parameter.name == "filename*") {
            extendedName = decodeExtValue(parameter.value);
            if (!extendedName)
                return raiseError(400, "A part has a malformed filename* parameter.");
        }
    }
    if (!named)
        return raiseError(400, "The Content-Disposition header field \"name\" must be provided.");
    if (extendedName)
        part.fileName = std::move(extendedName);
    part.contentType = m_contentType.value_or(QByteArray());
    if (part.isFile() && ++m_files > m_limits.maxFiles)
        return raiseError(400, "Too many files. Maximum number of files is " + QByteArray::number(m_limits.maxFiles) + '.');
    if (!part.isFile() && ++m_fields > m_limits.maxFields)
        return raiseError(400, "Too many fields. Maximum number of fields is " + QByteArray::number(m_limits.maxFields) + '.');
    m_disposition.reset();
    m_contentType.reset();
    m_headerBytes = 0;
    m_partIsFile = part.isFile();
    m_partBytes = 0;
    m_matched = 0;
    m_state = State::Data;
    if (m_callbacks.partBegin)
        m_callbacks.partBegin(part);
}

} // namespace qradio::files
