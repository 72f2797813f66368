// SPDX-License-Identifier: MIT
#pragma once

//! \file mcpclient.h
//! What a running tool, resource or prompt function may ask of the MCP client behind its call
//! (part of mcp.h): sampling, elicitation, any client request, log messages.

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <chrono>

namespace qradio {

class Context;

namespace mcp {

enum class LogLevel { Debug, Info, Notice, Warning, Error, Critical, Alert, Emergency };

//! True when the endpoint runs because of an MCP request.
bool isMcpCall(const Context &ctx);
//! The capabilities the MCP client declared in `initialize` (empty without a session).
QJsonObject clientCapabilities(const Context &ctx);
//! Sends a request to the MCP client that made this call (`sampling/createMessage`,
//! `elicitation/create`, `roots/list`, ...) and blocks until it answers. Call it from a blocking
//! endpoint (never a coroutine: those run on the network thread). Returns the result object;
//! throws qradio::Error if the client answers with an error, lacks the capability, the call is
//! not an MCP call, it is cancelled, or `timeout` passes.
QJsonObject request(const Context &ctx, const QString &method, const QJsonObject &params = {},
                    std::chrono::milliseconds timeout = std::chrono::minutes(5));
//! `sampling/createMessage`: asks the client's LLM. `params` as MCP defines them
//! (messages, maxTokens, ...).
QJsonObject createMessage(const Context &ctx, const QJsonObject &params);
//! `elicitation/create`: asks the user for structured input. The result has `action`
//! ("accept", "decline", "cancel") and `content`.
QJsonObject elicit(const Context &ctx, const QString &message, const QJsonObject &requestedSchema);
//! Sends `notifications/message` to the client, if its log level lets it through.
//! Context::info/warning/success send Info/Warning/Notice messages too.
void log(const Context &ctx, LogLevel level, const QJsonValue &data, const QString &logger = {});

} // namespace mcp
} // namespace qradio
