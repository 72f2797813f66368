// SPDX-License-Identifier: MIT
#pragma once

#include <qradio/endpoint.h>

#include <QJsonArray>
#include <QJsonObject>

namespace qradio::api {

//! Positional arguments as the endpoint will receive them: trailing missing or null values
//! take their defaults, the count is checked, choices and types are checked.
//! Throws ArgumentError naming the parameter.
QJsonArray normalizeArguments(const EndpointSpec &endpoint, QJsonArray args);

//! What namedToPositional() does with a name no parameter has.
enum class UnknownNames { Refuse, Ignore };
//! Maps named arguments to positions: absent ones take their defaults; a required one absent
//! throws ArgumentError naming it. /call/v2 refuses unknown names, as the Python client does;
//! MCP ignores them (a tool's schema does not forbid them).
QJsonArray namedToPositional(const EndpointSpec &endpoint, const QJsonObject &named,
                             UnknownNames unknown = UnknownNames::Refuse);

QStringList parameterNames(const EndpointSpec &endpoint);

//! The schema of a file (FileData, what qradio::File declares): both clients treat such a
//! parameter as a file, and /info calls its type `filepath`.
bool isFileSchema(const QJsonObject &schema);

} // namespace qradio::api
