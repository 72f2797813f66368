// SPDX-License-Identifier: MIT
#pragma once

//! JSON-RPC 2.0 framing and the MCP constants every transport shares.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace qradio::mcp {

//! JSON-RPC and MCP error codes.
namespace code {
inline constexpr int ParseError = -32700;
inline constexpr int InvalidRequest = -32600;
inline constexpr int MethodNotFound = -32601;
inline constexpr int InvalidParams = -32602;
inline constexpr int InternalError = -32603;
inline constexpr int ConnectionClosed = -32000;
inline constexpr int SessionNotFound = -32001;
inline constexpr int ResourceNotFound = -32002;
inline constexpr int RequestCancelled = -32800;
} // namespace code

//! Revisions we speak, oldest first; the last one is what an unknown request gets.
const QStringList &supportedVersions();
inline QString latestVersion() { return supportedVersions().constLast(); }
//! The version a client gets when it asks for `requested` in initialize.
QString negotiateVersion(const QString &requested);
//! What a transport assumes when the client sends no MCP-Protocol-Version header.
inline QString defaultHeaderVersion() { return QStringLiteral("2025-03-26"); }

//! One incoming message, classified.
struct Message
{
    enum Kind { Invalid, Request, Notification, Response };
    Kind kind = Invalid;
    QJsonObject json;
    QJsonValue id;      //!< requests and responses
    QString method;     //!< requests and notifications
    QJsonObject params; //!< absent params: empty
    QString error;      //!< why it is Invalid

    //! Sorts out `json`: a JSON-RPC 2.0 request, notification or response, or Invalid.
    static Message classify(const QJsonObject &json);
};

//! A body or line parsed as JSON: an object (one message), an array (a batch), another JSON
//! value (an invalid request), or not JSON at all (`error` says why).
struct ParsedJson
{
    enum Kind { Object, Array, Other, Error } kind = Error;
    QJsonObject object;
    QString error;
    static ParsedJson parse(const QByteArray &text);
};

//! Wire forms of outgoing messages (compact JSON, one line).
QByteArray resultMessage(const QJsonValue &id, const QJsonObject &result);
QByteArray errorMessage(const QJsonValue &id, int code, const QString &message, const QJsonValue &data = QJsonValue::Undefined);
QByteArray notificationMessage(const QString &method, const QJsonObject &params);
QByteArray requestMessage(const QJsonValue &id, const QString &method, const QJsonObject &params);

//! An id as a hash key ("s:abc" or "n:3"), so that 3 and "3" stay apart.
QString idKey(const QJsonValue &id);

//! MCP's log levels, least severe first.
const QStringList &logLevels();
//! Index of a level name in logLevels(), or -1.
int logLevelIndex(const QString &name);

} // namespace qradio::mcp
